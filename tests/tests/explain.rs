//! `EXPLAIN` of every shape of every example function, on PostgreSQL and SQLite, over the
//! example schema with `post` filled large and analysed: a shape whose plan scans a large
//! table sequentially fails the test, naming the function and the shape. This is how to find
//! missing indexes before production: run the same over your own schema and
//! `cached_query::inventory()` (each shape's `inline_sql` has typed sample values written
//! in, so `EXPLAIN` needs no parameters).

use cached_query::BackendId;
use cached_query::ahead::ShapeSql;
use cached_query_tests::db::{Dialect, Server, create_tables, fill, server, unique_name};
use sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};

/// Tables the schema marks as large: a sequential scan of one is a finding.
const LARGE: [&str; 1] = ["post"];

/// Rows of `post` for the plans (users, tags and rules are filled in proportion).
const POSTS: u64 = 20_000;

/// Functions left out, each with its reason; every other shape must plan without a
/// sequential scan of a large table.
const EXCEPTIONS: [(&str, &str); 2] = [
    (
        "odd_types",
        "compares text and bytes columns with a char and a blob: a type test, not a schema query",
    ),
    (
        "typed_values",
        "binds uuid, date, json and decimal values to bigint and text columns: a type test",
    ),
];

/// Shapes that scan or fail on purpose: (function, text in the shape, reason).
const SHAPE_EXCEPTIONS: [(&str, &str, &str); 5] = [
    (
        "posts_by_country",
        "countries: empty",
        "no country filter: every author qualifies, so PostgreSQL reads all posts by design",
    ),
    (
        "update_status",
        "ids: empty",
        "no id list: updates every post by design",
    ),
    (
        "delete_posts",
        "ids: empty",
        "an empty id list renders as an always-false condition, which SQLite still plans as a scan",
    ),
    (
        "related_posts",
        "ids: empty",
        "only `author NOT IN (...)` is left, which no index serves",
    ),
    (
        "update_status",
        "bump_score: true, score: Some",
        "sets `score` twice, which PostgreSQL rejects (found by this test; the example keeps it to show the finding)",
    ),
];

/// Every shape of the example functions for `backend`, less the exceptions and the shapes
/// that are not statements (an `INSERT` of no rows).
fn shapes(backend: BackendId) -> Vec<(&'static str, ShapeSql)> {
    let _ = cached_query_tests::schema::Post::by_id(1, false);
    let mut out = Vec::new();
    for f in cached_query::inventory()
        .in_module("cached_query_tests::queries")
        .functions
    {
        if EXCEPTIONS.iter().any(|(name, _)| *name == f.name) {
            continue;
        }
        for s in f.shapes.expect("enumerable") {
            let empty_insert = s.sql.starts_with("INSERT") && !s.sql.contains("VALUES");
            let excepted = SHAPE_EXCEPTIONS
                .iter()
                .any(|(name, shape, _)| *name == f.name && s.shape.contains(shape));
            if s.backend == backend && !empty_insert && !excepted {
                out.push((f.name, s));
            }
        }
    }
    out
}

/// The large tables a plan scans sequentially.
fn seq_scans(plan: &str, marker: &str) -> Vec<&'static str> {
    LARGE
        .into_iter()
        .filter(|table| {
            plan.lines().any(|line| {
                line.split(marker).skip(1).any(|rest| {
                    let mut words = rest.split_whitespace();
                    words.next() == Some(table) && !rest.contains("USING")
                })
            })
        })
        .collect()
}

fn verdict(findings: &[String], plans: usize, db: &str) {
    println!("EXPLAIN on {db}: {plans} shapes planned");
    assert!(
        findings.is_empty(),
        "{} shapes scan a large table sequentially on {db} (add an index):\n{}",
        findings.len(),
        findings.join("\n")
    );
}

#[test]
fn explain_every_shape_on_sqlite() {
    use rusqlite::Connection;
    let conn = Connection::open_in_memory().expect("sqlite");
    for ddl in create_tables(Dialect::Sqlite) {
        conn.execute_batch(&ddl).expect("ddl");
    }
    for insert in fill(POSTS) {
        conn.execute_batch(&insert.to_string(SqliteQueryBuilder))
            .expect("fill");
    }
    conn.execute_batch("ANALYZE").expect("analyze");
    let mut findings = Vec::new();
    let all = shapes(BackendId::Sqlite);
    for (name, s) in &all {
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", s.inline_sql))
            .unwrap_or_else(|e| panic!("{name} [{}]: {e}\n{}", s.shape, s.inline_sql));
        let plan: Vec<String> = stmt
            .query_map([], |row| row.get::<_, String>(3))
            .and_then(Iterator::collect)
            .unwrap_or_else(|e| panic!("{name} [{}]: {e}", s.shape));
        let plan = plan.join("\n");
        for table in seq_scans(&plan, "SCAN ") {
            findings.push(format!("{name} [{}]: SCAN {table}\n  {plan}", s.shape));
        }
    }
    verdict(&findings, all.len(), "SQLite");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_every_shape_on_postgres() {
    use sqlx::{AssertSqlSafe, Row};
    let Server::Url(url) = server("CACHED_QUERY_POSTGRES_URL") else {
        return;
    };
    let admin = match sqlx::PgPool::connect(&url).await {
        Ok(pool) => pool,
        Err(e) if !cached_query_tests::db::required() => {
            println!("skipped: PostgreSQL at {url} is unreachable: {e}");
            return;
        }
        Err(e) => panic!("PostgreSQL at {url} is unreachable: {e}"),
    };
    let schema = unique_name();
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    let options = url
        .parse::<sqlx::postgres::PgConnectOptions>()
        .expect("url")
        .options([("search_path", schema.as_str())]);
    let result = async {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("connect");
        for ddl in create_tables(Dialect::Postgres) {
            sqlx::query(AssertSqlSafe(ddl))
                .execute(&pool)
                .await
                .expect("ddl");
        }
        for insert in fill(POSTS) {
            sqlx::query(AssertSqlSafe(insert.to_string(PostgresQueryBuilder)))
                .execute(&pool)
                .await
                .expect("fill");
        }
        sqlx::query("ANALYZE")
            .execute(&pool)
            .await
            .expect("analyze");
        let mut findings = Vec::new();
        let all = shapes(BackendId::Postgres);
        for (name, s) in &all {
            let rows = match sqlx::query(AssertSqlSafe(format!("EXPLAIN {}", s.inline_sql)))
                .fetch_all(&pool)
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    findings.push(format!("{name} [{}]: {e}\n{}", s.shape, s.inline_sql));
                    continue;
                }
            };
            let plan: Vec<String> = rows.iter().map(|r| r.get::<String, _>(0)).collect();
            let plan = plan.join("\n");
            for table in seq_scans(&plan, "Seq Scan on ") {
                findings.push(format!("{name} [{}]: Seq Scan on {table}\n{plan}", s.shape));
            }
        }
        (findings, all.len())
    }
    .await;
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .expect("drop schema");
    verdict(&result.0, result.1, "PostgreSQL");
}
