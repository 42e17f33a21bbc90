//! The playback's databases: SQLite in memory through rusqlite, PostgreSQL and
//! MySQL/MariaDB through sqlx. Each server run works in a schema (PostgreSQL) or database
//! (MySQL) of its own, created on connect and dropped on [`Drop`], so it leaves nothing
//! behind and never touches existing tables.

use std::str::FromStr;

use cached_query::{SqlxValues, rusqlite_params};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, Values};
use sqlx::{AssertSqlSafe, Column, ConnectOptions, Connection, Row as _, TypeInfo};

use crate::playback::{Cell, Database, DbError, Row, Sql};

fn text(error: impl std::fmt::Display) -> DbError {
    error.to_string()
}

/// SQLite in memory, through rusqlite's statement cache (`prepare_cached`).
#[derive(Debug)]
pub struct Sqlite {
    conn: rusqlite::Connection,
}

impl Sqlite {
    /// A new in-memory database. rusqlite's statement cache is raised from 16 to 256
    /// statements, so both runs keep every shape prepared and differ only in how they
    /// build the SQL.
    pub fn open() -> Result<Self, DbError> {
        let conn = rusqlite::Connection::open_in_memory().map_err(text)?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Sqlite { conn })
    }
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

impl Database for Sqlite {
    type Backend = SqliteQueryBuilder;

    fn name(&self) -> String {
        format!("SQLite {} (rusqlite, in memory)", rusqlite::version())
    }

    fn query(&mut self, sql: Sql, values: Values) -> Result<Vec<Row>, DbError> {
        let mut statement = self.conn.prepare_cached(&sql).map_err(text)?;
        let columns = statement.column_count();
        let rows = statement
            .query_map(rusqlite_params(&values), |row| {
                (0..columns)
                    .map(|i| row.get_ref(i).map(sqlite_cell))
                    .collect::<rusqlite::Result<Row>>()
            })
            .map_err(text)?;
        rows.collect::<rusqlite::Result<Vec<Row>>>().map_err(text)
    }

    fn execute(&mut self, sql: Sql, values: Values) -> Result<u64, DbError> {
        let mut statement = self.conn.prepare_cached(&sql).map_err(text)?;
        let changed = statement.execute(rusqlite_params(&values)).map_err(text)?;
        Ok(changed as u64)
    }

    fn ddl(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(text)
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
