//! `SqliteStatements`, the statement cache for rusqlite: every query function returns the
//! same rows through it as its uncached statement does through a fresh `prepare`; a warm
//! workload is not re-prepared; eviction keeps it bounded; and connections used from
//! several threads, each with its own cache, through an r2d2 pool or one connection per
//! thread, stay correct. (Finalizing on drop is `sqlite_statements_drop.rs`, a test binary of
//! its own so that its memory figures are not other tests'.)

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeSet;

use cached_query::drivers::rusqlite::{SqliteStatements, rusqlite_params};
use cached_query::{Cached, QueryArgs, Statement, cached_query};
use cached_query_tests::calls::{Call, Visit};
use cached_query_tests::db::{is_write, unique_name};
use cached_query_tests::queries::posts;
use cached_query_tests::schema::Post;
use cached_query_tests::sqlite::{self, Rows, cells, dump};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rusqlite::Connection;
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement, SqliteQueryBuilder};

fn open() -> Connection {
    sqlite::open(600)
}

/// Random calls of every query function the example schema can run.
fn workload(seed: u8, n: usize) -> Vec<Call> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    );
    let strategy = Call::any();
    let mut calls = Vec::new();
    while calls.len() < n {
        let call = strategy.new_tree(&mut runner).unwrap().current();
        if !matches!(call, Call::OddTypes(..) | Call::TypedValues(..)) {
            calls.push(call);
        }
    }
    calls
}

/// A call run uncached, through a statement prepared for it alone.
struct Uncached<'c>(&'c Connection);

impl Visit for Uncached<'_> {
    type Out = (Result<Rows, String>, String, &'static str);
    fn visit<Q: QueryArgs>(self, name: &'static str, h: &Cached<Q>) -> Self::Out {
        let (sql, values) = h.statement().build_with(SqliteQueryBuilder);
        let outcome = sqlite::run(self.0, &sql, &values);
        (outcome.map_err(|e| e.to_string()), sql, name)
    }
}

/// A call's SQL, built uncached and not run.
struct SqlOf;

impl Visit for SqlOf {
    type Out = String;
    fn visit<Q: QueryArgs>(self, _: &'static str, h: &Cached<Q>) -> Self::Out {
        h.statement().build_with(SqliteQueryBuilder).0
    }
}

/// A call run through the statement cache.
struct Through<'s, 'c>(&'s mut SqliteStatements<'c>);

impl Visit for Through<'_, '_> {
    type Out = Result<Rows, String>;
    fn visit<Q: QueryArgs>(self, _: &'static str, h: &Cached<Q>) -> Self::Out {
        let (sql, _) = h.build(SqliteQueryBuilder);
        let outcome = if is_write(&sql) {
            self.0.execute(h).map(|n| vec![vec![n.to_string()]])
        } else {
            self.0.query_map(h, cells)
        };
        outcome.map_err(|e| e.to_string())
    }
}

/// `rows` in a fixed order: sorted, unless `sql` orders them itself.
fn in_order(rows: Result<Rows, String>, sql: &str) -> Result<Rows, String> {
    rows.map(|mut rows| {
        if !sql.contains("ORDER BY") {
            rows.sort();
        }
        rows
    })
}

#[test]
fn rows_match_the_uncached_statement_for_every_query_function() {
    cached_query_tests::prove_the_cache();
    // Reads run on `a` both ways; writes run uncached on `a` and cached on `b`, and the
    // tables must stay identical.
    let (a, b) = (open(), open());
    // Fewer statements than the workload has texts (hundreds, fewer with `IN` padding on),
    // so that it goes through eviction too.
    let mut on_a = SqliteStatements::with_limit(&a, 200);
    let mut on_b = SqliteStatements::new(&b);
    let mut names = BTreeSet::new();
    let (mut reads, mut writes, mut errors) = (0, 0, 0);
    for call in workload(11, 1500) {
        let (uncached, sql, name) = call.visit(Uncached(&a));
        names.insert(name);
        let write = is_write(&sql);
        let cached = call.visit(Through(if write { &mut on_b } else { &mut on_a }));
        let cached = in_order(cached, &sql);
        assert_eq!(cached, in_order(uncached, &sql), "{call:?}\n{sql}");
        match (&cached, write) {
            (Err(_), _) => errors += 1,
            (Ok(_), true) => writes += 1,
            (Ok(_), false) => reads += 1,
        }
        if write {
            assert!(dump(&a) == dump(&b), "tables differ after {call:?}\n{sql}");
        }
    }
    println!(
        "{reads} reads, {writes} writes, {errors} identical errors over {} functions: {names:?}",
        names.len()
    );
    // Every function of `Call` but the two whose argument types the schema has no columns
    // for (`odd_types`, `typed_values`, left out of the database tests alike).
    assert_eq!(names.len(), 17, "{names:?}");
    assert!(reads > 500 && writes > 100, "{reads} {writes}");
    let stats = on_a.stats();
    println!("{stats:?}");
    assert!(stats.hits > 0 && stats.evictions > 0, "{stats:?}");
    assert_eq!(
        stats.fallbacks, 0,
        "every shape of the workload is cacheable"
    );
}

#[test]
fn statements_prepared_from_the_inventory_serve_first_calls() {
    cached_query_tests::prove_the_cache();
    let (a, b) = (open(), open());
    let inventory = cached_query::inventory();
    // Every function of this test binary: some read tables this schema does not have.
    let mut on_a = SqliteStatements::for_inventory(&a, &inventory);
    let report = on_a.prepare_inventory(&inventory);
    println!(
        "{} prepared, {} held, {} failed",
        report.prepared,
        report.held,
        report.failed.len()
    );
    assert!(report.prepared > 50, "{report:?}");
    assert_eq!(report.no_room, 0, "{report:?}");
    // SQLite's own refusals: tables this schema lacks, an `INSERT` of no rows.
    for failure in &report.failed {
        assert!(
            matches!(failure.error, rusqlite::Error::SqliteFailure(..)),
            "{failure:?}"
        );
    }
    let stats = on_a.stats();
    assert_eq!(
        (stats.statements, stats.prepares, stats.hits),
        (report.prepared, report.prepared as u64, 0)
    );
    // Again: every text is held.
    let again = on_a.prepare_inventory(&inventory);
    assert_eq!(again.prepared, 0);
    assert_eq!(again.held, report.prepared + report.held);

    // The same calls through a cache that prepared nothing up front, and uncached.
    let mut on_b = SqliteStatements::new(&b);
    let calls: Vec<Call> = workload(12, 1000)
        .into_iter()
        .filter(|call| !is_write(&call.visit(SqlOf)))
        .collect();
    for call in &calls {
        let (uncached, sql, _) = call.visit(Uncached(&a));
        let uncached = in_order(uncached, &sql);
        let (warm, cold) = (
            call.visit(Through(&mut on_a)),
            call.visit(Through(&mut on_b)),
        );
        assert_eq!(in_order(warm, &sql), uncached, "{call:?}");
        assert_eq!(in_order(cold, &sql), uncached, "{call:?}");
    }
    let (warm, cold) = (on_a.stats(), on_b.stats());
    println!(
        "{} reads; up front: {warm:?}; on first use: {cold:?}",
        calls.len()
    );
    // Texts prepared on first use: those with lists at lengths other than two.
    let on_first_use = warm.prepares - report.prepared as u64;
    assert!(on_first_use < cold.prepares, "{warm:?} {cold:?}");
    assert_eq!(warm.evictions, 0);

    // A full cache prepares no more and evicts nothing.
    let mut small = SqliteStatements::with_limit(&a, 5);
    let report = small.prepare_inventory(&inventory);
    assert_eq!(report.prepared, 5);
    assert!(report.no_room > 0, "{report:?}");
    assert_eq!((small.stats().statements, small.stats().evictions), (5, 0));
}

/// A value written into the text: the shape is uncacheable, served uncached.
#[cached_query(lint = false)]
fn title_is(title: &str) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::cust(format!(
            "title = '{}'",
            title.replace('\'', "''")
        )))
        .to_owned()
}

#[test]
fn uncacheable_shapes_fall_back_to_prepare_cached() {
    cached_query_tests::prove_the_cache();
    let conn = open();
    let mut statements = SqliteStatements::new(&conn);
    for title in ["rust", "live", "rust draft"] {
        let h = title_is(title);
        let (sql, values) = h.statement().build_with(SqliteQueryBuilder);
        let expected = sqlite::run(&conn, &sql, &values).unwrap();
        assert_eq!(statements.query_map(&h, cells).unwrap(), expected);
    }
    let stats = statements.stats();
    assert_eq!((stats.fallbacks, stats.statements), (3, 0));
}

/// Three shapes with constant `LIMIT`s, the kind SQLite re-plans when the value is bound
/// again: with bindings kept, a warm run compiles nothing again.
#[cached_query]
fn top_posts(author: i64, status: Option<&str>, tags: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title])
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author));
    if let Some(status) = status {
        q.and_where(Expr::col(Post::Status).eq(status));
    }
    if !tags.is_empty() {
        q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied()));
    }
    q.order_by(Post::Id, Order::Desc).limit(3).offset(1);
    q
}

fn warm_workload(statements: &mut SqliteStatements<'_>) -> usize {
    let mut rows = 0;
    for i in 0..600i64 {
        let status = ["live", "draft"][(i % 2) as usize];
        let tags: Vec<i64> = (0..i % 4).map(|t| t * 7 + i % 5).collect();
        let h = top_posts(1 + i % 97, (i % 3 != 0).then_some(status), &tags);
        rows += statements.query_map(&h, cells).unwrap().len();
        let h = posts(1 + i % 89, None, &tags, i % 2 == 0, 10);
        rows += statements.query_map(&h, cells).unwrap().len();
        rows += statements
            .query_map(&Post::by_id(i % 700, i % 3 == 0), cells)
            .unwrap()
            .len();
    }
    rows
}

#[test]
fn a_warm_workload_is_not_re_prepared() {
    cached_query_tests::prove_the_cache();
    let conn = open();
    let mut statements = SqliteStatements::new(&conn);
    let cold_rows = warm_workload(&mut statements);
    let cold = statements.stats();
    // Each statement whose plan reads a value (its `LIMIT`) is compiled again once, when
    // that value is first bound.
    assert!(cold.reprepares <= cold.prepares, "{cold:?}");
    let warm_rows = warm_workload(&mut statements);
    let warm = statements.stats();
    assert_eq!(warm_rows, cold_rows);
    assert_eq!(warm.reprepares, cold.reprepares, "{warm:?}");
    assert_eq!(warm.prepares, cold.prepares, "{warm:?}");
    assert!(
        warm.unchanged > cold.unchanged,
        "the LIMITs stay bound: {warm:?}"
    );

    // rusqlite's `prepare_cached` clears the bindings whenever a statement goes back to its
    // cache, so the same workload re-plans the `LIMIT`s on every use.
    conn.set_prepared_statement_cache_capacity(256);
    let mut total = 0;
    for i in 0..200i64 {
        let (sql, values) = top_posts(1 + i % 97, Some("live"), &[]).build(SqliteQueryBuilder);
        let mut stmt = conn.prepare_cached(&sql).unwrap();
        stmt.query_map(rusqlite_params(&values), cells)
            .unwrap()
            .for_each(drop);
        total += stmt.reset_status(rusqlite::StatementStatus::RePrepare);
    }
    assert!(total >= 199, "{total}");
}

#[test]
fn eviction_keeps_the_cache_bounded_and_results_right() {
    cached_query_tests::prove_the_cache();
    let conn = open();
    let mut statements = SqliteStatements::with_limit(&conn, 3);
    let mut texts = BTreeSet::new();
    for round in 0..3 {
        for len in 1..=6i64 {
            let tags: Vec<i64> = (0..len).collect();
            let h = posts(2, None, &tags, false, 50);
            let (sql, values) = h.build(SqliteQueryBuilder);
            texts.insert(sql.clone());
            let expected = sqlite::run(&conn, &sql, &values).unwrap();
            assert_eq!(
                statements.query_map(&h, cells).unwrap(),
                expected,
                "{round} {len}"
            );
        }
    }
    // Six texts, one per length (four with `IN` padding on: 1, 2, 4 and 8 elements), in a
    // cycle through three slots: each round prepares every text again.
    let stats = statements.stats();
    let cycle = if cached_query::config::pad_in() { 4 } else { 6 };
    assert_eq!(texts.len(), cycle, "{texts:?}");
    assert_eq!(stats.statements, 3);
    assert_eq!(
        stats.prepares,
        3 * cycle as u64,
        "{cycle} texts in a cycle through three slots: {stats:?}"
    );
    assert_eq!(stats.evictions, 3 * cycle as u64 - 3);
    statements.clear();
    assert_eq!(statements.stats().statements, 0);
    assert_eq!(statements.stats().reprepares, stats.reprepares);
}

/// The rows of a few calls, through `statements`, as one comparable value.
fn thread_work(
    statements: &mut SqliteStatements<'_>,
    seed: i64,
    calls: std::ops::Range<i64>,
) -> Vec<Rows> {
    calls
        .map(|i| {
            let tags: Vec<i64> = (0..(seed + i) % 4).map(|t| t + seed).collect();
            let mut rows = statements
                .query_map(
                    &posts(1 + (seed * i) % 60, None, &tags, i % 2 == 0, 7),
                    cells,
                )
                .unwrap();
            rows.extend(
                statements
                    .query_map(&top_posts(1 + i % 40, Some("live"), &tags), cells)
                    .unwrap(),
            );
            rows
        })
        .collect()
}

fn expected_work(seed: i64) -> Vec<Rows> {
    let conn = open();
    let mut statements = SqliteStatements::new(&conn);
    thread_work(&mut statements, seed, 0..150)
}

#[test]
fn several_threads_through_an_r2d2_pool() {
    cached_query_tests::prove_the_cache();
    let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
    sqlite::load(&Connection::open(&path).unwrap(), 600);
    let manager = r2d2_sqlite::SqliteConnectionManager::file(&path);
    let pool = r2d2::Pool::builder().max_size(3).build(manager).unwrap();
    let expected: Vec<Vec<Rows>> = (0..6).map(expected_work).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|seed| {
                let pool = pool.clone();
                scope.spawn(move || {
                    // A unit of work checks a connection out and keeps its statements for
                    // as long as it holds it.
                    let mut out = Vec::new();
                    for calls in [0..75, 75..150] {
                        let conn = pool.get().unwrap();
                        let mut statements = SqliteStatements::new(&conn);
                        out.extend(thread_work(&mut statements, seed, calls));
                    }
                    out
                })
            })
            .collect();
        for (seed, handle) in handles.into_iter().enumerate() {
            assert_eq!(handle.join().unwrap(), expected[seed], "thread {seed}");
        }
    });
    drop(pool);
    std::fs::remove_file(&path).ok();
}

#[test]
fn several_threads_with_a_connection_each() {
    cached_query_tests::prove_the_cache();
    let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
    sqlite::load(&Connection::open(&path).unwrap(), 600);
    let expected: Vec<Vec<Rows>> = (0..4).map(expected_work).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|seed| {
                let path = &path;
                scope.spawn(move || {
                    let conn = Connection::open(path).unwrap();
                    let mut statements = SqliteStatements::new(&conn);
                    let first = thread_work(&mut statements, seed, 0..150);
                    // Warm now: the same work again prepares nothing new.
                    let prepares = statements.stats().prepares;
                    let again = thread_work(&mut statements, seed, 0..150);
                    assert_eq!(statements.stats().prepares, prepares);
                    assert_eq!(first, again);
                    first
                })
            })
            .collect();
        for (seed, handle) in handles.into_iter().enumerate() {
            assert_eq!(handle.join().unwrap(), expected[seed], "thread {seed}");
        }
    });
    std::fs::remove_file(&path).ok();
}
