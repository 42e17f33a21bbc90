//! Which bound parameters make SQLite compile a statement again, measured: for each kind of
//! query it runs 20,000 calls with varying values through rusqlite's `prepare_cached` (with
//! the cached SQL) and through `cached_query::drivers::rusqlite::SqliteStatements`, on a fresh database, after
//! `ANALYZE`, and after `ANALYZE` with the query planner stability guarantee (QPSG) turned
//! on, and prints microseconds per call and SQLite's re-prepares per call
//! (`SQLITE_STMTSTATUS_REPREPARE`). Then it shows the plans SQLite picks after `ANALYZE` for a
//! common and a rare value of a skewed column, and times them. `docs/sqlite.md` explains the
//! figures.
//!
//! ```text
//! cargo run --release -p cached-query-examples --bin sqlite_replan
//! cargo run --release -p cached-query-examples --bin sqlite_replan -- --calls 5000
//! ```
//!
//! To compare with a bundled SQLite built without STAT4 (a separate target directory, so
//! that the usual build is not replaced):
//!
//! ```text
//! LIBSQLITE3_FLAGS="-USQLITE_ENABLE_STAT4" CARGO_TARGET_DIR=target/nostat4 \
//!     cargo run --release -p cached-query-examples --bin sqlite_replan
//! ```

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use cached_query::drivers::rusqlite::{SqliteStatements, rusqlite_params};
use cached_query::{Cached, QueryArgs, cached_query};
use cached_query_examples::rng::Rng;
use rusqlite::config::DbConfig;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, StatementStatus};
use sea_query::{Expr, ExprTrait, Func, Iden, Order, Query, SelectStatement, SqliteQueryBuilder};

const USAGE: &str = "\
usage: sqlite_replan [--calls N] [--rows N]

  --calls N  timed calls per case and configuration (default 20000)
  --rows N   rows in the table (default 5000, at least 4000)";

/// The one table: `cat` is skewed (nine rows in ten have 0), `name` is indexed text.
#[derive(Iden, Clone, Copy, Debug)]
enum Item {
    Table,
    Id,
    Cat,
    Name,
    Price,
}

/// Primary-key equality (the rowid: no index samples).
#[cached_query]
fn by_id(id: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).eq(id))
        .to_owned()
}

/// Equality on the indexed, skewed column.
#[cached_query]
fn by_cat(cat: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).eq(cat))
        .to_owned()
}

/// A `>=` range on the indexed column.
#[cached_query]
fn cat_at_least(cat: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).gte(cat))
        .to_owned()
}

/// A `BETWEEN` range on the indexed column.
#[cached_query]
fn cat_between(low: i64, high: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).between(low, high))
        .to_owned()
}

/// A page by primary key with the limit a bound argument: `LIMIT ?`.
#[cached_query]
fn page_bound(from: i64, limit: u64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).gte(from))
        .order_by(Item::Id, Order::Asc)
        .limit(limit)
        .to_owned()
}

/// The same page with a constant limit: sea-query still binds it, `LIMIT ?` with 10.
#[cached_query]
fn page_const(from: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).gte(from))
        .order_by(Item::Id, Order::Asc)
        .limit(10)
        .to_owned()
}

/// The same page with `inline_limit`: each limit value is a shape, written into the text.
#[cached_query(inline_limit = true)]
fn page_inline(from: i64, #[shape] limit: u64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).gte(from))
        .order_by(Item::Id, Order::Asc)
        .limit(limit)
        .to_owned()
}

/// Newest ten of a category: equality on the skewed column, `ORDER BY id DESC`, `LIMIT 10`
/// (bound by sea-query).
#[cached_query]
fn newest_in_cat(cat: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).eq(cat))
        .order_by(Item::Id, Order::Desc)
        .limit(10)
        .to_owned()
}

/// The same with `inline_limit`: `LIMIT 10` in the text.
#[cached_query(inline_limit = true)]
fn newest_in_cat_inline(cat: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).eq(cat))
        .order_by(Item::Id, Order::Desc)
        .limit(10)
        .to_owned()
}

/// `IN (?, ?, ?)` on the indexed column.
#[cached_query]
fn in_cats(cats: &[i64]) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Cat).is_in(cats.iter().copied()))
        .to_owned()
}

/// A prefix `LIKE ?` on the indexed text column (its index is `COLLATE NOCASE`, so SQLite
/// can turn a prefix pattern into an index range).
#[cached_query]
fn name_like(pattern: &str) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Name).like(pattern))
        .to_owned()
}

/// The prefix as a range on the indexed text column, what SQLite turns a prefix `LIKE` into.
#[cached_query]
fn name_range(from: &str, to: &str) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Name])
        .from(Item::Table)
        .and_where(Expr::col(Item::Name).gte(from))
        .and_where(Expr::col(Item::Name).lt(to))
        .to_owned()
}

/// A value in the select list: `"price" * ?`.
#[cached_query]
fn priced(id: i64, factor: i64) -> SelectStatement {
    Query::select()
        .column(Item::Id)
        .expr(Expr::col(Item::Price).mul(factor))
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).eq(id))
        .to_owned()
}

/// A value in an `ORDER BY` expression: `ABS("price" - ?)`, over a primary-key range.
#[cached_query]
fn nearest_price(from: i64, to: i64, price: i64) -> SelectStatement {
    Query::select()
        .columns([Item::Id, Item::Price])
        .from(Item::Table)
        .and_where(Expr::col(Item::Id).gte(from))
        .and_where(Expr::col(Item::Id).lt(to))
        .order_by_expr(
            Func::abs(Expr::col(Item::Price).sub(price)).into(),
            Order::Asc,
        )
        .to_owned()
}

/// How the calls reach SQLite.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `build_shared`, rusqlite's `prepare_cached`, `query_map`: what
    /// `Cached::rusqlite_query_map` does.
    PrepareCached,
    /// `SqliteStatements::query_map`.
    Statements,
}

/// Where a run keeps its counts.
struct Runner<'c> {
    conn: &'c Connection,
    statements: SqliteStatements<'c>,
    /// Re-prepares counted on the `prepare_cached` path.
    reprepares: u64,
    /// Rows returned, so that nothing is optimized away.
    rows: u64,
}

impl Runner<'_> {
    fn run<Q: QueryArgs>(&mut self, via: Via, query: &Cached<Q>) -> rusqlite::Result<()> {
        let rows = match via {
            Via::PrepareCached => {
                let (sql, values) = query.build_shared(SqliteQueryBuilder);
                let mut statement = self.conn.prepare_cached(&sql)?;
                let rows = statement
                    .query_map(rusqlite_params(&values), |row| row.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<i64>>>()?;
                self.reprepares +=
                    u64::try_from(statement.reset_status(StatementStatus::RePrepare))
                        .unwrap_or_default();
                rows
            }
            Via::Statements => self
                .statements
                .query_map(query, |row| row.get::<_, i64>(0))?,
        };
        self.rows += black_box(rows.len()) as u64;
        Ok(())
    }
}

/// One kind of query: a name, what it shows, and the `i`-th call.
struct Case {
    name: &'static str,
    what: &'static str,
    call: fn(&mut Runner<'_>, Via, u64) -> rusqlite::Result<()>,
}

/// A small pseudo-random number from `i` (calls must differ, but be the same every run).
fn mix(i: u64) -> u64 {
    i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_right(29)
}

fn rare_cat(i: u64) -> i64 {
    1 + (mix(i) % 100) as i64
}

/// The cases; ids stay below 4,000, so `--rows` should be at least that.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "pk =",
            what: "id = ?",
            call: |r, via, i| r.run(via, &by_id(1 + (mix(i) % 4000) as i64)),
        },
        Case {
            name: "index =",
            what: "cat = ? (rare values)",
            call: |r, via, i| r.run(via, &by_cat(rare_cat(i))),
        },
        Case {
            name: "index >=",
            what: "cat >= ? (95..=100)",
            call: |r, via, i| r.run(via, &cat_at_least(95 + (mix(i) % 6) as i64)),
        },
        Case {
            name: "index BETWEEN",
            what: "cat BETWEEN ? AND ?",
            call: |r, via, i| {
                let low = rare_cat(i);
                r.run(via, &cat_between(low, low + 2))
            },
        },
        Case {
            name: "LIMIT ? varying",
            what: "id >= ? ORDER BY id LIMIT ? (1..=10)",
            call: |r, via, i| {
                r.run(
                    via,
                    &page_bound((mix(i) % 4000) as i64, 1 + mix(i + 7) % 10),
                )
            },
        },
        Case {
            name: "LIMIT ? same",
            what: "id >= ? ORDER BY id LIMIT ? (always 10)",
            call: |r, via, i| r.run(via, &page_bound((mix(i) % 4000) as i64, 10)),
        },
        Case {
            name: "limit(10)",
            what: "id >= ? ORDER BY id LIMIT ? (body: .limit(10))",
            call: |r, via, i| r.run(via, &page_const((mix(i) % 4000) as i64)),
        },
        Case {
            name: "inline #[shape]",
            what: "id >= ? ORDER BY id LIMIT 1..=10 (inline_limit)",
            call: |r, via, i| {
                r.run(
                    via,
                    &page_inline((mix(i) % 4000) as i64, 1 + mix(i + 7) % 10),
                )
            },
        },
        Case {
            name: "ORDER BY+LIMIT",
            what: "cat = ? ORDER BY id DESC LIMIT ?",
            call: |r, via, i| r.run(via, &newest_in_cat(rare_cat(i))),
        },
        Case {
            name: "ORDER BY+inline",
            what: "cat = ? ORDER BY id DESC LIMIT 10 (inline_limit)",
            call: |r, via, i| r.run(via, &newest_in_cat_inline(rare_cat(i))),
        },
        Case {
            name: "IN (3)",
            what: "cat IN (?, ?, ?)",
            call: |r, via, i| {
                let cats = [rare_cat(i), rare_cat(i + 1), rare_cat(i + 2)];
                r.run(via, &in_cats(&cats))
            },
        },
        Case {
            name: "LIKE prefix",
            what: "name LIKE ? ('ab%')",
            call: |r, via, i| {
                let pattern = format!(
                    "{}{}%",
                    char::from(b'a' + (mix(i) % 26) as u8),
                    char::from(b'a' + (mix(i + 1) % 26) as u8)
                );
                r.run(via, &name_like(&pattern))
            },
        },
        Case {
            name: "prefix range",
            what: "name >= ? AND name < ? ('ab', 'ab~')",
            call: |r, via, i| {
                let prefix = format!(
                    "{}{}",
                    char::from(b'a' + (mix(i) % 26) as u8),
                    char::from(b'a' + (mix(i + 1) % 26) as u8)
                );
                r.run(via, &name_range(&prefix, &format!("{prefix}~")))
            },
        },
        Case {
            name: "select value",
            what: "SELECT price * ? ... id = ?",
            call: |r, via, i| r.run(via, &priced(1 + (mix(i) % 4000) as i64, 1 + (i % 5) as i64)),
        },
        Case {
            name: "ORDER BY value",
            what: "id range ORDER BY ABS(price - ?)",
            call: |r, via, i| {
                let from = (mix(i) % 4000) as i64;
                r.run(
                    via,
                    &nearest_price(from, from + 20, (mix(i + 3) % 1000) as i64),
                )
            },
        },
    ]
}

/// The database state a run sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// No statistics.
    Fresh,
    /// After a plain `ANALYZE` (STAT4 samples, when compiled in).
    Analyzed,
    /// The same, with `SQLITE_DBCONFIG_ENABLE_QPSG` on.
    AnalyzedQpsg,
    /// Another database, analyzed after `PRAGMA analysis_limit = 1000`.
    AnalysisLimit,
}

impl State {
    fn label(self) -> &'static str {
        match self {
            State::Fresh => "no ANALYZE",
            State::Analyzed => "ANALYZE",
            State::AnalyzedQpsg => "ANALYZE+QPSG",
            State::AnalysisLimit => "analysis_limit",
        }
    }
}

fn open(rows: i64) -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE item (
             id INTEGER PRIMARY KEY,
             cat INTEGER NOT NULL,
             name TEXT NOT NULL COLLATE NOCASE,
             price INTEGER NOT NULL);
         CREATE INDEX item_cat ON item (cat);
         CREATE INDEX item_name ON item (name);",
    )?;
    let mut rng = Rng::new(7);
    let tx = conn.unchecked_transaction()?;
    {
        let mut insert =
            tx.prepare("INSERT INTO item (id, cat, name, price) VALUES (?, ?, ?, ?)")?;
        for id in 1..=rows {
            // Nine rows in ten are in category 0; the rest spread over 1..=100.
            let cat = if rng.below(10) < 9 {
                0
            } else {
                1 + rng.below(100) as i64
            };
            let letters: String = (0..6)
                .map(|_| char::from(b'a' + rng.below(26) as u8))
                .collect();
            let name = format!("{letters}-{id}");
            let price = rng.below(1000) as i64;
            insert.execute(rusqlite::params![id, cat, name, price])?;
        }
    }
    tx.commit()?;
    Ok(conn)
}

/// Times `calls` calls of `case` after a warm-up, `REPEATS` times; returns the fastest
/// repeat's µs per call and its re-prepares per call (the same in every repeat: the values
/// are).
fn measure(conn: &Connection, case: &Case, via: Via, calls: u64) -> rusqlite::Result<(f64, f64)> {
    let mut best = (f64::INFINITY, 0.0);
    for _ in 0..REPEATS {
        let (us, reprepares) = measure_once(conn, case, via, calls)?;
        if us < best.0 {
            best = (us, reprepares);
        }
    }
    Ok(best)
}

/// Runs of each measurement; the fastest counts (the machine is shared and noisy).
const REPEATS: u32 = 3;

/// One timed run of [`measure`].
fn measure_once(
    conn: &Connection,
    case: &Case,
    via: Via,
    calls: u64,
) -> rusqlite::Result<(f64, f64)> {
    conn.flush_prepared_statement_cache();
    let mut runner = Runner {
        conn,
        statements: SqliteStatements::new(conn),
        reprepares: 0,
        rows: 0,
    };
    // Warm-up: the macro's cache learns the shapes, the statements get prepared.
    for i in 0..200 {
        (case.call)(&mut runner, via, calls + i)?;
    }
    let before = runner.statements.reprepares();
    runner.reprepares = 0;
    let start = Instant::now();
    for i in 0..calls {
        (case.call)(&mut runner, via, i)?;
    }
    let elapsed = start.elapsed();
    let reprepares = match via {
        Via::PrepareCached => runner.reprepares,
        Via::Statements => runner.statements.reprepares() - before,
    };
    black_box(runner.rows);
    let n = Ord::max(calls, 1) as f64;
    Ok((elapsed.as_secs_f64() * 1e6 / n, reprepares as f64 / n))
}

/// A value as SQL would write it.
fn show(value: &SqlValue) -> String {
    match value {
        SqlValue::Integer(i) => i.to_string(),
        SqlValue::Text(t) => format!("'{t}'"),
        other => format!("{other:?}"),
    }
}

fn compile_options(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare("PRAGMA compile_options")?;
    statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect()
}

/// The plan of `sql` with `values` bound, as `EXPLAIN QUERY PLAN` prints it, one step per
/// `;`-separated part.
fn plan(conn: &Connection, sql: &str, values: &[SqlValue]) -> rusqlite::Result<String> {
    let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    for (i, value) in values.iter().enumerate() {
        statement.raw_bind_parameter(i + 1, value)?;
    }
    let mut rows = statement.raw_query();
    let mut steps = Vec::new();
    while let Some(row) = rows.next()? {
        steps.push(row.get::<_, String>(3)?);
    }
    Ok(steps.join("; "))
}

/// µs per run of `sql` with `values` bound once (no rebinding, so no re-prepare), and the
/// rows it returns.
fn time_plan(
    conn: &Connection,
    sql: &str,
    values: &[SqlValue],
    runs: u32,
) -> rusqlite::Result<(f64, usize)> {
    let mut statement = conn.prepare(sql)?;
    for (i, value) in values.iter().enumerate() {
        statement.raw_bind_parameter(i + 1, value)?;
    }
    let mut count = 0;
    let start = Instant::now();
    for _ in 0..runs {
        count = 0;
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            black_box(row.get::<_, i64>(0)?);
            count += 1;
        }
    }
    Ok((
        start.elapsed().as_secs_f64() * 1e6 / f64::from(Ord::max(runs, 1)),
        count,
    ))
}

/// A query whose plan can depend on the value of a skewed column, with a common and a rare
/// value for each parameter.
struct PlanCase {
    name: &'static str,
    sql: &'static str,
    common: Vec<SqlValue>,
    rare: Vec<SqlValue>,
}

fn plan_cases() -> Vec<PlanCase> {
    let int = SqlValue::Integer;
    let text = |s: &str| SqlValue::Text(s.to_owned());
    vec![
        PlanCase {
            name: "index =",
            sql: "SELECT id, name FROM item WHERE cat = ?",
            common: vec![int(0)],
            rare: vec![int(42)],
        },
        PlanCase {
            name: "index >=",
            sql: "SELECT id, name FROM item WHERE cat >= ?",
            common: vec![int(0)],
            rare: vec![int(95)],
        },
        PlanCase {
            name: "ORDER BY+LIMIT",
            sql: "SELECT id, name FROM item WHERE cat = ? ORDER BY id DESC LIMIT 10",
            common: vec![int(0)],
            rare: vec![int(42)],
        },
        PlanCase {
            name: "two indexes",
            sql: "SELECT id, name FROM item WHERE cat = ? AND name >= ? AND name < ?",
            common: vec![int(0), text("zz"), text("zz~")],
            rare: vec![int(42), text("zz"), text("zz~")],
        },
        PlanCase {
            name: "two ranges",
            sql: "SELECT id, name FROM item WHERE cat >= ? AND price >= ?",
            common: vec![int(0), int(990)],
            rare: vec![int(95), int(0)],
        },
        PlanCase {
            name: "LIKE prefix",
            sql: "SELECT id, name FROM item WHERE name LIKE ?",
            common: vec![text("a%")],
            rare: vec![text("zz%")],
        },
    ]
}

fn main() -> ExitCode {
    let mut calls: u64 = 20_000;
    let mut rows: i64 = 5_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value) {
            ("--calls", Some(n)) => calls = n,
            ("--rows", Some(n)) => rows = i64::try_from(n).unwrap_or(i64::MAX),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::FAILURE;
            }
        }
    }
    match report(calls, Ord::max(rows, 4_000)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report(calls: u64, rows: i64) -> rusqlite::Result<()> {
    let conn = open(rows)?;
    let options = compile_options(&conn)?;
    let stat4 = options.iter().any(|o| o == "ENABLE_STAT4");
    println!(
        "SQLite {} (rusqlite::version()), STAT4 compiled in: {}",
        rusqlite::version(),
        if stat4 { "yes" } else { "no" }
    );
    println!(
        "{rows} rows, {calls} timed calls per line (fastest of {REPEATS} runs); µs per call and \
         re-prepares per call\n"
    );
    println!(
        "{:<16} {:<14} {:>9} {:>8}   {:>9} {:>8}   query",
        "case", "state", "cached µs", "rep/call", "stmts µs", "rep/call"
    );
    println!("{}", "-".repeat(114));
    let cases = cases();
    // A second database analyzed with a row limit: SQLite then writes no STAT4 samples.
    let limited = open(rows)?;
    limited.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?;
    for state in [
        State::Fresh,
        State::Analyzed,
        State::AnalyzedQpsg,
        State::AnalysisLimit,
    ] {
        let db = match state {
            State::Fresh => &conn,
            State::Analyzed => {
                conn.execute_batch("ANALYZE")?;
                &conn
            }
            State::AnalyzedQpsg => {
                conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
                &conn
            }
            State::AnalysisLimit => &limited,
        };
        for case in &cases {
            let (cached_us, cached_rep) = measure(db, case, Via::PrepareCached, calls)?;
            let (stmts_us, stmts_rep) = measure(db, case, Via::Statements, calls)?;
            println!(
                "{:<16} {:<14} {:>9.2} {:>8.3}   {:>9.2} {:>8.3}   {}",
                case.name,
                state.label(),
                cached_us,
                cached_rep,
                stmts_us,
                stmts_rep,
                case.what
            );
        }
        println!();
    }
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, false)?;
    println!("cached = build_shared + prepare_cached + query_map (Cached::rusqlite_query_map)");
    println!("stmts  = SqliteStatements::query_map");
    println!(
        "statistics rows (sqlite_stat1, sqlite_stat4): after ANALYZE {:?}, after analysis_limit \
         {:?}\n",
        stat_rows(&conn)?,
        stat_rows(&limited)?
    );

    println!("Plans after ANALYZE, value bound once, µs per run of the statement (300 runs):");
    for (label, db, qpsg) in [
        ("ANALYZE", &conn, false),
        ("ANALYZE+QPSG", &conn, true),
        ("analysis_limit", &limited, false),
    ] {
        db.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, qpsg)?;
        println!("{label}");
        for case in plan_cases() {
            for (which, values) in [("common", &case.common), ("rare", &case.rare)] {
                let (us, count) = time_plan(db, case.sql, values, 300)?;
                let shown: Vec<String> = values.iter().map(show).collect();
                println!(
                    "  {:<15} {which:<6} {:<18} {us:>8.1} µs {count:>5} rows  {}",
                    case.name,
                    shown.join(", "),
                    plan(db, case.sql, values)?
                );
            }
        }
    }
    Ok(())
}

/// Rows in `sqlite_stat1` and `sqlite_stat4` (0 for a table that does not exist).
fn stat_rows(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    let count = |table: &str| -> rusqlite::Result<i64> {
        let exists: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = ?",
            [table],
            |row| row.get(0),
        )?;
        if exists == 0 {
            return Ok(0);
        }
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
            row.get(0)
        })
    };
    Ok((count("sqlite_stat1")?, count("sqlite_stat4")?))
}
