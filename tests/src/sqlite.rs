//! The example schema on SQLite through rusqlite, for the tests that compare rows: a loaded
//! in-memory connection, rows as text that compares exactly, a statement run uncached through
//! a statement prepared for it alone, and the tables dumped.

use cached_query::drivers::rusqlite::rusqlite_params;
use rusqlite::Connection;
use sea_query::{SqliteQueryBuilder, Values};

use crate::db::{Dialect, create_tables, dump_sql, fill, is_write};

/// Result rows, each value as its `Debug` text.
pub type Rows = Vec<Vec<String>>;

/// One result row as text.
pub fn cells(row: &rusqlite::Row<'_>) -> rusqlite::Result<Vec<String>> {
    (0..row.as_ref().column_count())
        .map(|i| {
            row.get::<_, rusqlite::types::Value>(i)
                .map(|v| format!("{v:?}"))
        })
        .collect()
}

/// Creates the example tables on `conn` and fills them with `posts` posts.
///
/// # Panics
/// If SQLite refuses a statement: the schema is the tests' own.
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
pub fn load(conn: &Connection, posts: u64) {
    for ddl in create_tables(Dialect::Sqlite) {
        conn.execute_batch(&ddl).unwrap();
    }
    for insert in fill(posts) {
        let (sql, values) = insert.build(SqliteQueryBuilder);
        conn.execute(&sql, rusqlite_params(&values)).unwrap();
    }
}

/// A new in-memory database with the example tables and `posts` posts.
///
/// # Panics
/// If SQLite cannot open an in-memory database or refuses a statement.
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
pub fn open(posts: u64) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    load(&conn, posts);
    conn
}

/// Runs `sql` with `values` through a statement prepared for it alone: the rows of a query,
/// or for a write the number of rows changed as a single row.
pub fn run(conn: &Connection, sql: &str, values: &Values) -> rusqlite::Result<Rows> {
    let mut stmt = conn.prepare(sql)?;
    if is_write(sql) {
        stmt.execute(rusqlite_params(values))
            .map(|n| vec![vec![n.to_string()]])
    } else {
        stmt.query_map(rusqlite_params(values), cells)?.collect()
    }
}

/// Every row of the tables the writes change, in a fixed order.
///
/// # Panics
/// If SQLite refuses the dump query.
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
pub fn dump(conn: &Connection) -> Vec<Rows> {
    ["post", "post_tag"]
        .iter()
        .map(|t| {
            let mut stmt = conn.prepare(&dump_sql(t, Dialect::Sqlite)).unwrap();
            stmt.query_map([], cells)
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        })
        .collect()
}
