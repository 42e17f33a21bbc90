//! The playback's databases: SQLite in memory through rusqlite, PostgreSQL and
//! MySQL/MariaDB through sqlx. Each server run works in a schema (PostgreSQL) or database
//! (MySQL) of its own, created on connect and dropped on [`Drop`], so it leaves nothing
//! behind and never touches existing tables.

use std::str::FromStr;

use std::sync::Arc;

use cached_query::drivers::rusqlite::{
    SqliteArg, SqliteStatementStats, SqliteStatements, rusqlite_params,
};
use cached_query::drivers::sqlx::SqlxValues;
use cached_query::{Cached, QueryArgs};
use rusqlite::{PrepFlags, StatementStatus};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, Value, Values};
use sqlx::{AssertSqlSafe, Column, ConnectOptions, Connection, Row as _, TypeInfo};

use crate::playback::{Cell, Database, DbError, Row, Sql};

fn text(error: impl std::fmt::Display) -> DbError {
    error.to_string()
}

/// SQLite in memory through rusqlite: by text through rusqlite's statement cache
/// (`prepare_cached`), through [`SqliteStatements`], or through the ideal run's statements.
/// It borrows its connection (the statements do): open one with [`Sqlite::open`].
pub struct Sqlite<'c> {
    conn: &'c rusqlite::Connection,
    statements: SqliteStatements<'c>,
    ideal: Vec<rusqlite::Statement<'c>>,
    /// Re-prepares of statements run through `prepare_cached`, read off after each use.
    by_text: u64,
    /// Re-prepares of ideal statements since finalized.
    ideal_gone: u64,
}

impl<'c> Sqlite<'c> {
    /// A new in-memory database. rusqlite's statement cache is raised from 16 to 256
    /// statements, so runs by text keep every shape prepared and differ only in how they
    /// build the SQL.
    pub fn open() -> Result<rusqlite::Connection, DbError> {
        let conn = rusqlite::Connection::open_in_memory().map_err(text)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(conn)
    }

    /// The playback's view of `conn`.
    pub fn new(conn: &'c rusqlite::Connection) -> Self {
        Sqlite {
            conn,
            statements: SqliteStatements::new(conn),
            ideal: Vec::new(),
            by_text: 0,
            ideal_gone: 0,
        }
    }

    fn cached(&mut self, sql: &str) -> Result<rusqlite::CachedStatement<'c>, DbError> {
        self.conn.prepare_cached(sql).map_err(text)
    }

    /// Ideal statement `at` with `binds` bound.
    fn ideal_bound(
        &mut self,
        at: usize,
        binds: &[(usize, Value)],
    ) -> Result<&mut rusqlite::Statement<'c>, DbError> {
        let statement = self.ideal.get_mut(at).ok_or("no such ideal statement")?;
        for (i, value) in binds {
            statement
                .raw_bind_parameter(*i, SqliteArg::new(value, *i))
                .map_err(text)?;
        }
        Ok(statement)
    }

    fn count(&mut self, statement: &rusqlite::Statement<'_>) {
        self.by_text += status(statement.reset_status(StatementStatus::RePrepare));
    }
}

impl std::fmt::Debug for Sqlite<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite")
            .field("statements", &self.statements)
            .field("ideal", &self.ideal.len())
            .finish_non_exhaustive()
    }
}

fn status(count: i32) -> u64 {
    u64::try_from(count).unwrap_or_default()
}

fn sqlite_cell(value: rusqlite::types::ValueRef<'_>) -> Cell {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Int(i),
        ValueRef::Real(f) => Cell::Text(f.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            Cell::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

/// A result row as cells; the same for every way of running a statement.
fn sqlite_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    (0..row.as_ref().column_count())
        .map(|i| row.get_ref(i).map(sqlite_cell))
        .collect()
}

impl Database for Sqlite<'_> {
    type Backend = SqliteQueryBuilder;

    fn name(&self) -> String {
        format!("SQLite {} (rusqlite, in memory)", rusqlite::version())
    }

    fn query(&mut self, sql: Sql, values: Values) -> Result<Vec<Row>, DbError> {
        let mut statement = self.cached(&sql)?;
        let rows = statement
            .query_map(rusqlite_params(&values), sqlite_row)
            .map_err(text)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Row>>>().map_err(text));
        self.count(&statement);
        rows
    }

    fn execute(&mut self, sql: Sql, values: Values) -> Result<u64, DbError> {
        let mut statement = self.cached(&sql)?;
        let changed = statement.execute(rusqlite_params(&values)).map_err(text);
        self.count(&statement);
        Ok(changed? as u64)
    }

    fn ddl(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(text)
    }

    fn has_statement_cache(&self) -> bool {
        true
    }

    fn query_statement<Q: QueryArgs>(&mut self, query: &Cached<Q>) -> Result<Vec<Row>, DbError> {
        self.statements.query_map(query, sqlite_row).map_err(text)
    }

    fn execute_statement<Q: QueryArgs>(&mut self, query: &Cached<Q>) -> Result<u64, DbError> {
        Ok(self.statements.execute(query).map_err(text)? as u64)
    }

    fn prepare_statements(&mut self, texts: &[Arc<str>]) -> Result<usize, DbError> {
        texts.iter().try_fold(0, |prepared, sql| {
            let now = self.statements.prepare(sql).map_err(text)?;
            Ok(prepared + usize::from(now))
        })
    }

    fn prepare_ideal(&mut self, texts: &[Arc<str>]) -> Result<(), DbError> {
        self.ideal_gone += self
            .ideal
            .drain(..)
            .map(|s| status(s.get_status(StatementStatus::RePrepare)))
            .sum::<u64>();
        for sql in texts {
            let statement = self
                .conn
                .prepare_with_flags(sql, PrepFlags::SQLITE_PREPARE_PERSISTENT)
                .map_err(text)?;
            self.ideal.push(statement);
        }
        Ok(())
    }

    fn query_ideal(&mut self, at: usize, binds: &[(usize, Value)]) -> Result<Vec<Row>, DbError> {
        let statement = self.ideal_bound(at, binds)?;
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(text)? {
            out.push(sqlite_row(row).map_err(text)?);
        }
        Ok(out)
    }

    fn execute_ideal(&mut self, at: usize, binds: &[(usize, Value)]) -> Result<u64, DbError> {
        let changed = self.ideal_bound(at, binds)?.raw_execute().map_err(text)?;
        Ok(changed as u64)
    }

    fn statement_cache(&self) -> Option<String> {
        let SqliteStatementStats {
            statements,
            hits,
            prepares,
            evictions,
            fallbacks,
            bound,
            unchanged,
            ..
        } = self.statements.stats();
        Some(format!(
            "{statements} held, {hits} hits, {prepares} prepared, {evictions} evicted, \
             {fallbacks} run by text; {bound} values bound, {unchanged} left bound"
        ))
    }

    fn reprepares(&self) -> Option<u64> {
        let ideal = self
            .ideal
            .iter()
            .map(|s| status(s.get_status(StatementStatus::RePrepare)))
            .sum::<u64>();
        Some(self.by_text + self.statements.reprepares() + self.ideal_gone + ideal)
    }
}

/// Decodes column `i` as the first listed type it holds.
macro_rules! decode {
    ($row:expr, $i:expr, $($ty:ty => $cell:expr),* $(,)?) => {{
        $(
            if let Ok(v) = $row.try_get::<Option<$ty>, _>($i) {
                return Ok(v.map_or(Cell::Null, $cell));
            }
        )*
        Err(format!("column {} has a type the playback does not read", $i))
    }};
}

/// A sqlx connection on its own current-thread runtime; the playback is sequential.
#[derive(Debug)]
struct Sqlx<C> {
    runtime: tokio::runtime::Runtime,
    conn: Option<C>,
    /// `DROP …` run on drop.
    cleanup: String,
}

fn runtime() -> Result<tokio::runtime::Runtime, DbError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(text)
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// PostgreSQL through sqlx, in a schema of its own.
#[derive(Debug)]
pub struct Postgres(Sqlx<sqlx::PgConnection>);

impl Postgres {
    /// Connects to `url` and creates a fresh schema the run works in.
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let runtime = runtime()?;
        let schema = unique("cq_playback");
        let conn = runtime.block_on(async {
            let mut admin = sqlx::PgConnection::connect(url).await?;
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            sqlx::postgres::PgConnectOptions::from_str(url)?
                .options([("search_path", schema.as_str())])
                .connect()
                .await
        });
        let conn = conn.map_err(|e| format!("cannot connect to PostgreSQL at {url}: {e}"))?;
        Ok(Postgres(Sqlx {
            runtime,
            conn: Some(conn),
            cleanup: format!("DROP SCHEMA {schema} CASCADE"),
        }))
    }
}

fn pg_cell(row: &sqlx::postgres::PgRow, i: usize) -> Result<Cell, DbError> {
    match row.columns()[i].type_info().name() {
        "BOOL" => decode!(row, i, bool => |b| Cell::Int(i64::from(b))),
        _ => decode!(row, i, i64 => Cell::Int, String => Cell::Text),
    }
}

/// MySQL or MariaDB through sqlx, in a database of its own.
#[derive(Debug)]
pub struct MySql(Sqlx<sqlx::MySqlConnection>);

impl MySql {
    /// Connects to `url` and creates a fresh database the run works in.
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let runtime = runtime()?;
        let database = unique("cq_playback");
        let conn = runtime.block_on(async {
            let mut admin = sqlx::MySqlConnection::connect(url).await?;
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {database}")))
                .execute(&mut admin)
                .await?;
            admin.close().await?;
            sqlx::mysql::MySqlConnectOptions::from_str(url)?
                .database(&database)
                .connect()
                .await
        });
        let conn = conn.map_err(|e| format!("cannot connect to MySQL at {url}: {e}"))?;
        Ok(MySql(Sqlx {
            runtime,
            conn: Some(conn),
            cleanup: format!("DROP DATABASE {database}"),
        }))
    }
}

fn mysql_cell(row: &sqlx::mysql::MySqlRow, i: usize) -> Result<Cell, DbError> {
    decode!(row, i, i64 => Cell::Int, bool => |b| Cell::Int(i64::from(b)), String => Cell::Text)
}

/// The `Database` methods of a sqlx connection, for one database type.
macro_rules! sqlx_database {
    ($ty:ident, $builder:ty, $cell:path, $name:literal) => {
        impl Database for $ty {
            type Backend = $builder;

            fn name(&self) -> String {
                $name.to_owned()
            }

            fn query(&mut self, sql: Sql, values: Values) -> Result<Vec<Row>, DbError> {
                let Sqlx { runtime, conn, .. } = &mut self.0;
                let conn = conn.as_mut().ok_or("connection closed")?;
                let query = match sql {
                    Sql::Owned(s) => sqlx::query_with(AssertSqlSafe(s), SqlxValues(values)),
                    Sql::Shared(s) => sqlx::query_with(AssertSqlSafe(s), SqlxValues(values)),
                };
                let rows = runtime.block_on(query.fetch_all(conn)).map_err(text)?;
                rows.iter()
                    .map(|row| (0..row.len()).map(|i| $cell(row, i)).collect())
                    .collect()
            }

            fn execute(&mut self, sql: Sql, values: Values) -> Result<u64, DbError> {
                let Sqlx { runtime, conn, .. } = &mut self.0;
                let conn = conn.as_mut().ok_or("connection closed")?;
                let query = match sql {
                    Sql::Owned(s) => sqlx::query_with(AssertSqlSafe(s), SqlxValues(values)),
                    Sql::Shared(s) => sqlx::query_with(AssertSqlSafe(s), SqlxValues(values)),
                };
                let done = runtime.block_on(query.execute(conn)).map_err(text)?;
                Ok(done.rows_affected())
            }

            fn ddl(&mut self, sql: &str) -> Result<(), DbError> {
                let Sqlx { runtime, conn, .. } = &mut self.0;
                let conn = conn.as_mut().ok_or("connection closed")?;
                let query = sqlx::query(AssertSqlSafe(sql.to_owned()));
                runtime.block_on(query.execute(conn)).map_err(text)?;
                Ok(())
            }
        }

        impl Drop for $ty {
            fn drop(&mut self) {
                let Sqlx {
                    runtime,
                    conn,
                    cleanup,
                } = &mut self.0;
                if let Some(mut conn) = conn.take() {
                    let dropped = runtime.block_on(async {
                        sqlx::query(AssertSqlSafe(cleanup.clone()))
                            .execute(&mut conn)
                            .await?;
                        conn.close().await
                    });
                    if let Err(e) = dropped {
                        eprintln!("could not clean up ({cleanup}): {e}");
                    }
                }
            }
        }
    };
}

sqlx_database!(Postgres, PostgresQueryBuilder, pg_cell, "PostgreSQL (sqlx)");
sqlx_database!(MySql, MysqlQueryBuilder, mysql_cell, "MySQL/MariaDB (sqlx)");
