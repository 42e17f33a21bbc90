//! Cached and uncached statements run on real databases return the same rows: PostgreSQL
//! and MySQL/MariaDB through sqlx, SQLite through sqlx and through rusqlite. Each run creates
//! its own tables under a unique name, fills them with generated rows, then for random calls
//! of every query function compares the rows of the cached and the uncached statement
//! exactly; writes run uncached on one copy of the tables and cached on another, and the two
//! copies must stay identical after each.
//!
//! `CACHED_QUERY_POSTGRES_URL` and `CACHED_QUERY_MYSQL_URL` locate the servers; unset, those
//! tests print why they skip, unless `CACHED_QUERY_REQUIRE_DATABASES=1` makes that a failure.
//! `CACHED_QUERY_DB_CALLS` sets the number of random calls per database (default 1500).
//! `CACHED_QUERY_PAD_IN=1` runs the same comparison with `IN` padding on for every function
//! (CI does both), so padded texts are proven by rows, as they differ from sea-query's.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::{BindError, Cached, QueryArgs, Statement};
use cached_query_tests::calls::{Call, Visit};
use cached_query_tests::db::{
    Dialect, Server, create_tables, dump_sql, fill, is_write, server, unique_name,
};
use cached_query_tests::queries::{delete_posts, posts, search_posts};
use cached_query_tests::schema::{Direction, SortBy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
use sea_query_sqlx::SqlxValues;
use sqlx::{AssertSqlSafe, Row};

/// Rows as comparable text, or the database's error.
type Outcome = Result<Vec<Vec<String>>, String>;

fn calls_per_run() -> usize {
    std::env::var("CACHED_QUERY_DB_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

/// Random calls of every function whose argument types fit the example schema, then three
/// calls with 1,000-element lists.
fn workload(seed: u8) -> Vec<Call> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &[seed; 32],
        ),
    );
    let strategy = Call::any();
    let mut calls: Vec<Call> = Vec::new();
    while calls.len() < calls_per_run() {
        let call = strategy.new_tree(&mut runner).unwrap().current();
        if !matches!(call, Call::OddTypes(..) | Call::TypedValues(..)) {
            calls.push(call);
        }
    }
    let long: Vec<i64> = (0..1000).map(|i| i * 3 % 1200).collect();
    calls.push(Call::Posts(3, None, long.clone(), false, 1000));
    calls.push(Call::SearchPosts(
        None,
        long.clone(),
        -1e9,
        SortBy::Score,
        Direction::Asc,
        50,
        0,
    ));
    calls.push(Call::DeletePosts(long, None, true));
    calls
}

fn ordered(sql: &str) -> bool {
    sql.contains("ORDER BY")
}

/// Compares two outcomes of the same call; rows in order when the query orders them.
fn compare(call: &Call, sql: &str, cached: Outcome, uncached: Outcome) {
    let (mut cached, mut uncached) = (cached, uncached);
    if !ordered(sql) {
        if let Ok(rows) = &mut cached {
            rows.sort();
        }
        if let Ok(rows) = &mut uncached {
            rows.sort();
        }
    }
    assert_eq!(cached, uncached, "rows differ for {call:?}\n{sql}");
}

/// What one database test counted.
#[derive(Debug, Default)]
struct Tally {
    reads: usize,
    rows: usize,
    writes: usize,
    errors: usize,
}

impl Tally {
    fn add(&mut self, write: bool, outcome: &Outcome) {
        match outcome {
            Ok(rows) if !write => {
                self.reads += 1;
                self.rows += rows.len();
            }
            Ok(_) => self.writes += 1,
            Err(_) => self.errors += 1,
        }
    }
}

/// Decodes column `i` as the first of the listed types it holds, as comparable text.
macro_rules! cell {
    ($row:expr, $i:expr, $($ty:ty),*) => {{
        $(
            if let Ok(v) = $row.try_get::<Option<$ty>, _>($i) {
                return format!("{v:?}");
            }
        )*
        "<undecodable>".to_owned()
    }};
}

fn pg_cell(row: &sqlx::postgres::PgRow, i: usize) -> String {
    use sqlx::{Column, TypeInfo};
    match row.columns()[i].type_info().name() {
        "INT8" => cell!(row, i, i64),
        "INT4" => cell!(row, i, i32),
        "FLOAT8" => cell!(row, i, f64),
        "BOOL" => cell!(row, i, bool),
        "TEXT" | "VARCHAR" => cell!(row, i, String),
        _ => cell!(row, i, i64, i32, i16, f64, f32, bool, String, Vec<u8>),
    }
}

fn mysql_cell(row: &sqlx::mysql::MySqlRow, i: usize) -> String {
    use sqlx::{Column, TypeInfo};
    match row.columns()[i].type_info().name() {
        "BIGINT" => cell!(row, i, i64),
        "INT" => cell!(row, i, i32),
        "DOUBLE" => cell!(row, i, f64),
        "BOOLEAN" | "TINYINT" => cell!(row, i, bool, i8),
        "TEXT" | "VARCHAR" | "CHAR" => cell!(row, i, String),
        _ => cell!(
            row,
            i,
            i64,
            i32,
            i16,
            i8,
            u64,
            f64,
            f32,
            bool,
            String,
            Vec<u8>
        ),
    }
}

fn sqlite_cell(row: &sqlx::sqlite::SqliteRow, i: usize) -> String {
    use sqlx::{TypeInfo, ValueRef};
    let kind = row.try_get_raw(i).map(|v| v.type_info().name().to_owned());
    match kind.as_deref() {
        Ok("NULL") => "None".to_owned(),
        Ok("INTEGER") => cell!(row, i, i64),
        Ok("REAL") => cell!(row, i, f64),
        Ok("TEXT") => cell!(row, i, String),
        _ => cell!(row, i, i64, f64, String, Vec<u8>),
    }
}

fn pg_cells(row: &sqlx::postgres::PgRow) -> Vec<String> {
    (0..row.len()).map(|i| pg_cell(row, i)).collect()
}

fn mysql_cells(row: &sqlx::mysql::MySqlRow) -> Vec<String> {
    (0..row.len()).map(|i| mysql_cell(row, i)).collect()
}

fn sqlite_cells(row: &sqlx::sqlite::SqliteRow) -> Vec<String> {
    (0..row.len()).map(|i| sqlite_cell(row, i)).collect()
}

/// One sqlx database, twice: tables `a` take the uncached writes, tables `b` the cached.
macro_rules! sqlx_target {
    ($name:ident, $db:ty, $builder:expr, $method:ident, $cells:path, $dialect:expr) => {
        struct $name {
            a: sqlx::Pool<$db>,
            b: sqlx::Pool<$db>,
        }

        struct Prepare {
            cached: bool,
        }

        impl Visit for Prepare {
            type Out = (
                Result<sqlx::query::Query<'static, $db, SqlxValues>, BindError>,
                String,
            );
            fn visit<Q: QueryArgs>(self, _: &'static str, h: &Cached<Q>) -> Self::Out {
                let (sql, values) = h.statement().build_with($builder);
                if self.cached {
                    (h.$method(), sql)
                } else {
                    (
                        Ok(sqlx::query_with(
                            AssertSqlSafe(sql.clone()),
                            SqlxValues(values),
                        )),
                        sql,
                    )
                }
            }
        }

        impl $name {
            async fn run(
                &self,
                call: &Call,
                cached: bool,
                pool: &sqlx::Pool<$db>,
            ) -> (Outcome, String) {
                let (query, sql) = call.visit(Prepare { cached });
                let query = match query {
                    Ok(q) => q,
                    Err(e) => return (Err(e.to_string()), sql),
                };
                let outcome = if is_write(&sql) {
                    query
                        .execute(pool)
                        .await
                        .map(|done| vec![vec![done.rows_affected().to_string()]])
                        .map_err(|e| e.to_string())
                } else {
                    query
                        .fetch_all(pool)
                        .await
                        .map(|rows| rows.iter().map($cells).collect())
                        .map_err(|e| e.to_string())
                };
                (outcome, sql)
            }

            async fn dump(&self, pool: &sqlx::Pool<$db>) -> Vec<Vec<Vec<String>>> {
                let mut tables = Vec::new();
                for table in ["post", "post_tag"] {
                    let rows = sqlx::query(AssertSqlSafe(dump_sql(table, $dialect)))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                    tables.push(rows.iter().map($cells).collect());
                }
                tables
            }

            /// Creates and fills the tables in both copies.
            async fn load(&self) {
                for pool in [&self.a, &self.b] {
                    for ddl in create_tables($dialect) {
                        sqlx::query(AssertSqlSafe(ddl)).execute(pool).await.unwrap();
                    }
                    for insert in fill(1000) {
                        let (sql, values) = insert.build($builder);
                        sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values))
                            .execute(pool)
                            .await
                            .unwrap();
                    }
                }
            }

            async fn check(&self, calls: &[Call]) -> Tally {
                let mut tally = Tally::default();
                for call in calls {
                    let (uncached, sql) = self.run(call, false, &self.a).await;
                    if is_write(&sql) {
                        let (cached, _) = self.run(call, true, &self.b).await;
                        tally.add(true, &cached);
                        compare(call, &sql, cached, uncached);
                        assert!(
                            self.dump(&self.a).await == self.dump(&self.b).await,
                            "tables differ after {call:?}\n{sql}"
                        );
                    } else {
                        let (cached, _) = self.run(call, true, &self.a).await;
                        tally.add(false, &cached);
                        compare(call, &sql, cached, uncached);
                    }
                }
                tally
            }
        }
    };
}

fn report(database: &str, tally: &Tally) {
    println!(
        "{database}: {} reads ({} rows) and {} writes compared, {} identical errors{}",
        tally.reads,
        tally.rows,
        tally.writes,
        tally.errors,
        if cached_query::config::pad_in() {
            ", IN lists padded (CACHED_QUERY_PAD_IN)"
        } else {
            ""
        }
    );
}

mod postgres {
    use super::*;
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

    sqlx_target!(
        Pg,
        sqlx::Postgres,
        PostgresQueryBuilder,
        sqlx_postgres,
        pg_cells,
        Dialect::Postgres
    );

    async fn pool(url: &str, schema: &str) -> sqlx::PgPool {
        let options: PgConnectOptions = url
            .parse::<PgConnectOptions>()
            .unwrap()
            .options([("search_path", schema)]);
        PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap()
    }

    /// `SELECT 1 WHERE -1 IN (ids)`: one parameter per element, no other.
    #[cached_query::cached_query]
    fn minus_one_in(ids: &[i64]) -> sea_query::SelectStatement {
        use sea_query::ExprTrait;
        sea_query::Query::select()
            .expr(sea_query::Expr::cust("1"))
            .and_where(sea_query::Expr::cust("-1").is_in(ids.iter().copied()))
            .to_owned()
    }

    /// PostgreSQL takes at most 65,535 parameters: a longer `IN` list is the driver's error,
    /// returned, not a panic or a hang; the same call at the limit works.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_parameter_limit_is_an_error() {
        cached_query_tests::prove_the_cache();
        let Server::Url(url) = server("CACHED_QUERY_POSTGRES_URL") else {
            return;
        };
        let pool = match sqlx::PgPool::connect(&url).await {
            Ok(pool) => pool,
            Err(e) if !super::cached_query_tests_required() => {
                println!("skipped: PostgreSQL at {url} is unreachable: {e}");
                return;
            }
            Err(e) => panic!("PostgreSQL at {url} is unreachable: {e}"),
        };
        let query = |n: i64| {
            let ids: Vec<i64> = (0..n).collect();
            let h = minus_one_in(&ids);
            (
                h.sqlx_postgres().unwrap(),
                h.statement().build_with(PostgresQueryBuilder).1.0.len(),
            )
        };
        let (too_many, params) = query(70_000);
        assert_eq!(params, 70_000);
        let outcome = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            too_many.fetch_all(&pool),
        )
        .await
        .expect("the driver hung on 70,000 parameters");
        let error = outcome.expect_err("70,000 parameters should be refused");
        println!("PostgreSQL, 70,000 parameters: {error}");
        // One under the limit (the query binds no other value) goes through.
        let (at_limit, params) = query(65_535);
        assert_eq!(params, 65_535);
        let rows = at_limit.fetch_all(&pool).await.unwrap();
        assert_eq!(rows.len(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_rows_match() {
        cached_query_tests::prove_the_cache();
        let Server::Url(url) = server("CACHED_QUERY_POSTGRES_URL") else {
            return;
        };
        let admin = match sqlx::PgPool::connect(&url).await {
            Ok(pool) => pool,
            Err(e) if !super::cached_query_tests_required() => {
                println!("skipped: PostgreSQL at {url} is unreachable: {e}");
                return;
            }
            Err(e) => panic!("PostgreSQL at {url} is unreachable: {e}"),
        };
        let name = unique_name();
        let (sa, sb) = (format!("{name}_a"), format!("{name}_b"));
        for s in [&sa, &sb] {
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {s}")))
                .execute(&admin)
                .await
                .unwrap();
        }
        let result = tokio::spawn(async move {
            let target = Pg {
                a: pool(&url, &sa).await,
                b: pool(&url, &sb).await,
            };
            target.load().await;
            target.check(&workload(1)).await
        })
        .await;
        for s in [format!("{name}_a"), format!("{name}_b")] {
            sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {s} CASCADE")))
                .execute(&admin)
                .await
                .unwrap();
        }
        let tally = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        report("PostgreSQL", &tally);
        assert!(tally.reads > 100 && tally.writes > 50, "{tally:?}");
    }
}

mod mysql {
    use super::*;
    use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};

    sqlx_target!(
        My,
        sqlx::MySql,
        MysqlQueryBuilder,
        sqlx_mysql,
        mysql_cells,
        Dialect::MySql
    );

    async fn pool(url: &str, database: &str) -> sqlx::MySqlPool {
        let options = url
            .parse::<MySqlConnectOptions>()
            .unwrap()
            .database(database);
        MySqlPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql_rows_match() {
        cached_query_tests::prove_the_cache();
        let Server::Url(url) = server("CACHED_QUERY_MYSQL_URL") else {
            return;
        };
        let admin = match sqlx::MySqlPool::connect(&url).await {
            Ok(pool) => pool,
            Err(e) if !super::cached_query_tests_required() => {
                println!("skipped: MySQL at {url} is unreachable: {e}");
                return;
            }
            Err(e) => panic!("MySQL at {url} is unreachable: {e}"),
        };
        let name = unique_name();
        let (da, db) = (format!("{name}_a"), format!("{name}_b"));
        for d in [&da, &db] {
            sqlx::query(AssertSqlSafe(format!(
                "CREATE DATABASE {d} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )))
            .execute(&admin)
            .await
            .unwrap();
        }
        let result = tokio::spawn(async move {
            let target = My {
                a: pool(&url, &da).await,
                b: pool(&url, &db).await,
            };
            target.load().await;
            target.check(&workload(2)).await
        })
        .await;
        for d in [format!("{name}_a"), format!("{name}_b")] {
            sqlx::query(AssertSqlSafe(format!("DROP DATABASE {d}")))
                .execute(&admin)
                .await
                .unwrap();
        }
        let tally = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
        report("MySQL/MariaDB", &tally);
        assert!(tally.reads > 100 && tally.writes > 50, "{tally:?}");
    }
}

mod sqlite_sqlx {
    use super::*;
    use sqlx::sqlite::SqlitePoolOptions;

    sqlx_target!(
        Lite,
        sqlx::Sqlite,
        SqliteQueryBuilder,
        sqlx_sqlite,
        sqlite_cells,
        Dialect::Sqlite
    );

    async fn pool() -> sqlx::SqlitePool {
        // One connection: every in-memory connection is a database of its own.
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_rows_match_through_sqlx() {
        cached_query_tests::prove_the_cache();
        let target = Lite {
            a: pool().await,
            b: pool().await,
        };
        target.load().await;
        let tally = target.check(&workload(3)).await;
        report("SQLite (sqlx)", &tally);
        assert!(tally.reads > 100 && tally.writes > 50, "{tally:?}");
    }
}

mod sqlite_rusqlite {
    use super::*;
    use cached_query_tests::sqlite::{self, cells, dump};
    use rusqlite::Connection;

    struct Run<'c> {
        conn: &'c Connection,
        cached: bool,
    }

    impl Visit for Run<'_> {
        type Out = (Outcome, String);
        fn visit<Q: QueryArgs>(self, _: &'static str, h: &Cached<Q>) -> Self::Out {
            let (sql, values) = h.statement().build_with(SqliteQueryBuilder);
            let outcome = if self.cached {
                if is_write(&sql) {
                    h.rusqlite_execute(self.conn)
                        .map(|n| vec![vec![n.to_string()]])
                } else {
                    h.rusqlite_query_map(self.conn, cells)
                }
            } else {
                sqlite::run(self.conn, &sql, &values)
            };
            (outcome.map_err(|e| e.to_string()), sql)
        }
    }

    #[test]
    fn sqlite_rows_match_through_rusqlite() {
        cached_query_tests::prove_the_cache();
        let (a, b) = (sqlite::open(1000), sqlite::open(1000));
        let mut tally = Tally::default();
        for call in workload(4) {
            let (uncached, sql) = call.visit(Run {
                conn: &a,
                cached: false,
            });
            let write = is_write(&sql);
            let target = if write { &b } else { &a };
            let (cached, _) = call.visit(Run {
                conn: target,
                cached: true,
            });
            tally.add(write, &cached);
            compare(&call, &sql, cached, uncached);
            if write {
                assert!(dump(&a) == dump(&b), "tables differ after {call:?}\n{sql}");
            }
        }
        report("SQLite (rusqlite)", &tally);
        assert!(tally.reads > 100 && tally.writes > 50, "{tally:?}");
    }

    #[test]
    fn unsigned_overflow_is_an_error_not_a_panic() {
        cached_query_tests::prove_the_cache();
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE post (id BIGINT, author BIGINT, tag BIGINT, title TEXT, status TEXT, published_at BIGINT)").unwrap();
        let err = posts(1, None, &[], false, u64::MAX)
            .rusqlite_query_map(&conn, cells)
            .unwrap_err();
        assert!(err.to_string().contains("above i64::MAX"), "{err}");
        let err = posts(1, None, &[], false, u64::MAX)
            .sqlx_sqlite()
            .err()
            .unwrap();
        assert!(
            matches!(err, BindError::UnsignedOutOfRange { index: 2, .. }),
            "{err}"
        );
        assert!(
            posts(1, None, &[], false, u64::MAX)
                .sqlx_postgres()
                .is_err()
        );
        let _ = delete_posts(vec![1], None, false);
        let _ = search_posts(None, &[], 0.0, SortBy::Newest, Direction::Asc, 1, 0);
    }
}

fn cached_query_tests_required() -> bool {
    cached_query_tests::db::required()
}
