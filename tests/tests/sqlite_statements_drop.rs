//! `SqliteStatements` finalizes its statements when dropped: the connection then closes
//! cleanly (`sqlite3_close` refuses while a statement is alive), and a loop that opens a
//! connection, runs cached queries through a statement cache and closes it does not grow.
//! Alone in its test binary, so that the process's memory is this loop's.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::drivers::rusqlite::{SqliteStatements, rusqlite_params};
use cached_query_tests::db::{Dialect, create_tables, fill, unique_name};
use cached_query_tests::queries::posts;
use cached_query_tests::schema::Post;
use rusqlite::Connection;
use sea_query::SqliteQueryBuilder;

/// Resident memory of this process, in bytes.
fn resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[test]
fn statements_are_finalized_on_drop_and_an_open_close_loop_does_not_grow() {
    cached_query_tests::prove_the_cache();
    let path = std::env::temp_dir().join(format!("{}.sqlite", unique_name()));
    {
        let conn = Connection::open(&path).unwrap();
        for ddl in create_tables(Dialect::Sqlite) {
            conn.execute_batch(&ddl).unwrap();
        }
        for insert in fill(300) {
            let (sql, values) = insert.build(SqliteQueryBuilder);
            conn.execute(&sql, rusqlite_params(&values)).unwrap();
        }
    }
    let cycle = |i: i64| {
        let conn = Connection::open(&path).unwrap();
        {
            let mut statements = SqliteStatements::new(&conn);
            for j in 0..20 {
                let tags: Vec<i64> = (0..(i + j) % 5).collect();
                statements
                    .query_map(&posts(1 + j, None, &tags, j % 2 == 0, 5), |row| {
                        row.get::<_, i64>(0)
                    })
                    .unwrap();
                statements
                    .query_row(&Post::by_id(j, false), |row| row.get::<_, i64>(0))
                    .ok();
            }
            assert!(statements.stats().statements >= 5);
        }
        // sqlite3_close refuses (SQLITE_BUSY) while a statement is not finalized.
        conn.close().map_err(|(_, e)| e).unwrap();
    };
    for i in 0..50 {
        cycle(i);
    }
    let before = resident();
    for i in 0..450 {
        cycle(i);
    }
    let after = resident();
    std::fs::remove_file(&path).ok();
    if let (Some(before), Some(after)) = (before, after) {
        println!("resident memory: {before} bytes after 50 cycles, {after} after 500");
        assert!(
            after < before + 8 * 1024 * 1024,
            "{before} -> {after} bytes over 450 open/close cycles"
        );
    }
}
