//! An application as a newcomer writes it, against every driver cached-query binds to: sqlx
//! (PostgreSQL, MySQL, SQLite) with `?` on every method, rusqlite (every call, and
//! `SqliteStatements`), the per-backend warm-up, and the reports printed with `{}`.
//!
//! `.ci/run` builds it twice, against the oldest and the newest supported driver versions
//! (`oldest/` and `newest/`, each with its own `Cargo.lock`), and runs both. The servers come
//! from `CACHED_QUERY_POSTGRES_URL` and `CACHED_QUERY_MYSQL_URL`; unset, their part is skipped
//! with a message, unless `CACHED_QUERY_REQUIRE_DATABASES=1` makes that a failure.

#![deny(warnings, clippy::all)]

use std::error::Error;
use std::process::ExitCode;

use cached_query::drivers::rusqlite::SqliteStatements;
use cached_query::{BindError, cached_query};
use rusqlite::OptionalExtension;
use sea_query::{
    Alias, Expr, ExprTrait, InsertStatement, MysqlQueryBuilder, Order, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder,
};
use sqlx::{Connection, Row};

type AnyError = Box<dyn Error + Send + Sync>;

/// Posts of an author, optionally by status and tags.
#[cached_query]
pub fn posts(author: i64, status: Option<&str>, tags: &[i64], limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Alias::new("id"), Alias::new("title")])
        .from(Alias::new("drivers_post"))
        .and_where(Expr::col(Alias::new("author")).eq(author));
    if let Some(status) = status {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
    if !tags.is_empty() {
        q.and_where(Expr::col(Alias::new("tag")).is_in(tags.iter().copied()));
    }
    q.order_by(Alias::new("id"), Order::Asc).limit(limit);
    q
}

/// A post without a returned id (MySQL has no `RETURNING`).
#[cached_query]
pub fn add_post(author: i64, title: &str, status: &str, tag: i64) -> InsertStatement {
    Query::insert()
        .into_table(Alias::new("drivers_post"))
        .columns([
            Alias::new("author"),
            Alias::new("title"),
            Alias::new("status"),
            Alias::new("tag"),
        ])
        .values_panic([author.into(), title.into(), status.into(), tag.into()])
        .to_owned()
}

/// The same, returning the new id (PostgreSQL and SQLite).
#[cached_query]
pub fn add_post_returning(author: i64, title: &str, status: &str, tag: i64) -> InsertStatement {
    Query::insert()
        .into_table(Alias::new("drivers_post"))
        .columns([
            Alias::new("author"),
            Alias::new("title"),
            Alias::new("status"),
            Alias::new("tag"),
        ])
        .values_panic([author.into(), title.into(), status.into(), tag.into()])
        .returning_col(Alias::new("id"))
        .to_owned()
}

/// A value sea-query writes into the text: the run-time check finds the shape uncacheable.
#[cached_query(lint = false)]
pub fn written_in(title: String) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("drivers_post"))
        .and_where(Expr::cust(format!("title = '{title}'")))
        .to_owned()
}

/// A `u64` no database but MySQL can bind.
#[cached_query]
pub fn big(n: u64) -> SelectStatement {
    Query::select().expr(Expr::val(n)).to_owned()
}

const DDL_POSTGRES: &str = "CREATE TEMPORARY TABLE drivers_post (id BIGSERIAL PRIMARY KEY, \
    author BIGINT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, tag BIGINT NOT NULL)";
const DDL_MYSQL: &str = "CREATE TEMPORARY TABLE drivers_post (id BIGINT AUTO_INCREMENT PRIMARY KEY, \
    author BIGINT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, tag BIGINT NOT NULL)";
const DDL_SQLITE: &str = "CREATE TABLE drivers_post (id INTEGER PRIMARY KEY, \
    author BIGINT NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, tag BIGINT NOT NULL)";

const ROWS: [(i64, &str, &str, i64); 4] = [
    (1, "first", "live", 10),
    (1, "second", "draft", 20),
    (1, "third", "live", 20),
    (2, "other's", "live", 10),
];

/// What every database must answer.
fn check(database: &str, titles: &[String], live_tagged: &[String]) -> Result<(), AnyError> {
    if titles != ["first", "second", "third"] || live_tagged != ["first", "third"] {
        return Err(format!("{database}: wrong rows {titles:?} / {live_tagged:?}").into());
    }
    println!("{database}: ok");
    Ok(())
}

async fn sqlx_sqlite() -> Result<(), AnyError> {
    print!("{}", cached_query::warm_up_for(SqliteQueryBuilder));
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await?;
    sqlx::query(DDL_SQLITE).execute(&mut conn).await?;
    for (author, title, status, tag) in ROWS {
        let id: i64 = add_post_returning(author, title, status, tag)
            .sqlx_sqlite()?
            .fetch_one(&mut conn)
            .await?
            .try_get(0)?;
        assert!(id > 0);
    }
    let titles: Vec<String> = posts(1, None, &[], 10)
        .sqlx_sqlite_as::<(i64, String)>()?
        .fetch_all(&mut conn)
        .await?
        .into_iter()
        .map(|(_, title)| title)
        .collect();
    let live: Vec<String> = posts(1, Some("live"), &[10, 20], 10)
        .sqlx_sqlite()?
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|row| row.try_get("title"))
        .collect::<Result<_, _>>()?;
    let err: BindError = big(u64::MAX).sqlx_sqlite().err().ok_or("u64::MAX bound")?;
    println!("sqlx sqlite refuses u64::MAX: {err}");
    check("sqlx sqlite", &titles, &live)
}

async fn sqlx_postgres(url: &str) -> Result<(), AnyError> {
    print!("{}", cached_query::warm_up_for(PostgresQueryBuilder));
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(DDL_POSTGRES).execute(&mut conn).await?;
    for (author, title, status, tag) in ROWS {
        add_post_returning(author, title, status, tag)
            .sqlx_postgres()?
            .fetch_one(&mut conn)
            .await?;
    }
    let titles: Vec<String> = posts(1, None, &[], 10)
        .sqlx_postgres_as::<(i64, String)>()?
        .fetch_all(&mut conn)
        .await?
        .into_iter()
        .map(|(_, title)| title)
        .collect();
    let live: Vec<String> = posts(1, Some("live"), &[10, 20], 10)
        .sqlx_postgres()?
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|row| row.try_get("title"))
        .collect::<Result<_, _>>()?;
    assert!(big(u64::MAX).sqlx_postgres().is_err());
    check("sqlx postgres", &titles, &live)
}

async fn sqlx_mysql(url: &str) -> Result<(), AnyError> {
    print!("{}", cached_query::warm_up_for(MysqlQueryBuilder));
    let mut conn = sqlx::MySqlConnection::connect(url).await?;
    sqlx::query(DDL_MYSQL).execute(&mut conn).await?;
    for (author, title, status, tag) in ROWS {
        let done = add_post(author, title, status, tag)
            .sqlx_mysql()?
            .execute(&mut conn)
            .await?;
        assert_eq!(done.rows_affected(), 1);
    }
    let titles: Vec<String> = posts(1, None, &[], 10)
        .sqlx_mysql_as::<(i64, String)>()?
        .fetch_all(&mut conn)
        .await?
        .into_iter()
        .map(|(_, title)| title)
        .collect();
    let live: Vec<String> = posts(1, Some("live"), &[10, 20], 10)
        .sqlx_mysql()?
        .fetch_all(&mut conn)
        .await?
        .iter()
        .map(|row| row.try_get("title"))
        .collect::<Result<_, _>>()?;
    // MySQL binds an unsigned BIGINT: the same `Result`, never an error.
    assert!(big(u64::MAX).sqlx_mysql().is_ok());
    check("sqlx mysql", &titles, &live)
}

fn rusqlite() -> Result<(), AnyError> {
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(DDL_SQLITE)?;
    for (author, title, status, tag) in ROWS {
        let id: i64 = add_post_returning(author, title, status, tag)
            .rusqlite_query_row(&conn, |r| r.get(0))?;
        assert!(id > 0);
    }
    let titles = posts(1, None, &[], 10).rusqlite_query_map(&conn, |r| r.get::<_, String>(1))?;
    let mut statements = SqliteStatements::for_inventory(&conn, &cached_query::inventory());
    let live = statements.query_map(&posts(1, Some("live"), &[10, 20], 10), |r| {
        r.get::<_, String>(1)
    })?;
    let none = posts(9, None, &[], 1)
        .rusqlite_query_row(&conn, |r| r.get::<_, i64>(0))
        .optional()?;
    assert_eq!(none, None);
    assert_eq!(add_post(3, "more", "draft", 30).rusqlite_execute(&conn)?, 1);
    assert!(big(u64::MAX).rusqlite_execute(&conn).is_err());
    println!("rusqlite statements: {}", statements.stats());
    check(
        &format!("rusqlite (SQLite {})", rusqlite::version()),
        &titles,
        &live,
    )
}

fn server(var: &str) -> Result<Option<String>, AnyError> {
    match std::env::var(var) {
        Ok(url) => Ok(Some(url)),
        Err(_) if std::env::var("CACHED_QUERY_REQUIRE_DATABASES").is_ok_and(|v| v == "1") => {
            Err(format!("{var} is unset and CACHED_QUERY_REQUIRE_DATABASES=1").into())
        }
        Err(_) => {
            println!("{var} unset: skipped");
            Ok(None)
        }
    }
}

async fn run() -> Result<(), AnyError> {
    // Handlers run in spawned tasks: the cached calls must be `Send`.
    tokio::spawn(sqlx_sqlite()).await??;
    if let Some(url) = server("CACHED_QUERY_POSTGRES_URL")? {
        tokio::spawn(async move { sqlx_postgres(&url).await }).await??;
    }
    if let Some(url) = server("CACHED_QUERY_MYSQL_URL")? {
        tokio::spawn(async move { sqlx_mysql(&url).await }).await??;
    }
    rusqlite()?;

    let h = written_in("O'Brien".to_owned());
    assert_eq!(
        h.build(SqliteQueryBuilder),
        h.statement().build(SqliteQueryBuilder)
    );
    let uncacheable = cached_query::statistics::uncacheable();
    if uncacheable.is_empty() {
        return Err("written_in should be uncacheable".into());
    }
    for shape in &uncacheable {
        println!("uncacheable: {shape}");
    }
    println!("{}", cached_query::stats());
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
