//! Production controls, each behaviour on its own function so the counts are exact:
//! stats under a known call sequence, capacity, `IN` padding (text and rows on SQLite),
//! sampled verification catching a wrong template, and the `tracing` events of each.
//! The global byte budget has its own test binary (`budget.rs`), as it affects every
//! function of the process.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashSet;

use cached_query::statistics::FunctionStats;
use cached_query::{Uncacheable, cached_query};
use cached_query_tests::db::{Dialect, create_tables, fill};
use cached_query_tests::events::capture;
use cached_query_tests::schema::{Post, PostTag};
use sea_query::{
    Expr, ExprTrait, InsertStatement, MysqlQueryBuilder, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder, Value,
};
use tracing::Level;

fn row(name: &str) -> FunctionStats {
    cached_query::stats()
        .function(name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} never ran"))
}

/// Verification off explicitly: debug builds verify every hit by default, and this test
/// counts exactly what each call does.
#[cached_query(verify = 0.0)]
fn counted(id: i64, published: bool) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(id));
    if published {
        q.and_where(Expr::col(Post::PublishedAt).is_not_null());
    }
    q
}

#[test]
fn stats_count_a_known_sequence_exactly() {
    for (id, published) in [(1, true), (2, true), (3, false), (4, false), (5, false)] {
        let h = counted(id, published);
        assert_eq!(
            h.build(SqliteQueryBuilder),
            h.statement().build(SqliteQueryBuilder)
        );
    }
    let h = counted(6, true);
    assert_eq!(
        h.build(PostgresQueryBuilder),
        h.statement().build(PostgresQueryBuilder)
    );
    let r = row("counted");
    assert_eq!((r.misses, r.hits, r.entries), (3, 3, 3));
    assert_eq!(
        (r.uncached_calls, r.uncacheable_keys, r.rejected),
        (0, 0, 0)
    );
    assert_eq!((r.verified, r.verify_failures), (0, 0));
    assert!(r.bytes > 0);
    assert!(r.module.ends_with("controls"), "{}", r.module);
    let table = cached_query::stats().to_string();
    assert!(table.contains("controls::counted"), "{table}");
    assert!(
        table.lines().next().unwrap().contains("rejected"),
        "{table}"
    );
}

/// No `verify` option, and no test of this binary sets a global rate.
#[cached_query]
fn verified_by_default(id: i64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(id))
        .to_owned()
}

/// Debug builds verify every hit by default; release builds verify none.
#[test]
fn debug_builds_verify_every_hit_by_default() {
    for id in 1..=4 {
        let h = verified_by_default(id);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
    }
    let r = row("verified_by_default");
    assert_eq!((r.misses, r.hits, r.verify_failures), (1, 3, 0));
    let (verified, rate) = if cfg!(debug_assertions) {
        (3, 1.0)
    } else {
        (0, 0.0)
    };
    assert_eq!(r.verified, verified);
    assert_eq!(cached_query::config::DEFAULT_VERIFY_RATE, rate);
}

#[cached_query(capacity = 2)]
fn two_shapes(#[shape] column: u8, value: i64) -> SelectStatement {
    let col = match column % 3 {
        0 => Post::Id,
        1 => Post::Author,
        _ => Post::Score,
    };
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(col).eq(value))
        .to_owned()
}

#[test]
fn a_full_cache_serves_new_shapes_uncached_and_warns_once() {
    let ((), events) = capture(|| {
        for column in [0u8, 1, 2, 3, 2, 0, 4] {
            let h = two_shapes(column, 7);
            assert_eq!(
                h.build(MysqlQueryBuilder),
                h.statement().build(MysqlQueryBuilder)
            );
        }
    });
    let r = row("two_shapes");
    assert_eq!((r.entries, r.misses, r.hits), (2, 2, 1));
    assert_eq!((r.rejected, r.uncached_calls), (4, 4));
    let warnings: Vec<_> = events
        .iter()
        .filter(|e| e.level == Level::WARN && e.message().contains("capacity"))
        .collect();
    assert_eq!(warnings.len(), 1, "{events:#?}");
    assert_eq!(warnings[0].field("function"), Some("two_shapes"));
    let stored = events
        .iter()
        .filter(|e| e.message().contains("template stored"))
        .count();
    assert_eq!(stored, 2, "{events:#?}");
    assert!(
        events
            .iter()
            .any(|e| e.level == Level::DEBUG && e.message().contains("miss"))
    );
}

#[cached_query(pad_in = true)]
fn padded(ids: &[i64], not_authors: &[i64], min_score: f64) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Author]).from(Post::Table);
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    if !not_authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_not_in(not_authors.iter().copied()));
    }
    q.and_where(Expr::col(Post::Score).gte(min_score))
        .order_by(Post::Id, sea_query::Order::Asc);
    q
}

#[test]
fn padding_gives_one_text_per_power_of_two() {
    let mut texts: [HashSet<String>; 3] = Default::default();
    for n in 1..=1000i64 {
        let ids: Vec<i64> = (0..n).collect();
        let h = padded(&ids, &[5], 0.5);
        let outputs = [
            (
                h.build(PostgresQueryBuilder),
                h.statement().build(PostgresQueryBuilder),
            ),
            (
                h.build(MysqlQueryBuilder),
                h.statement().build(MysqlQueryBuilder),
            ),
            (
                h.build(SqliteQueryBuilder),
                h.statement().build(SqliteQueryBuilder),
            ),
        ];
        let padded_len = (n as usize).next_power_of_two();
        for (texts, ((sql, values), (plain_sql, plain_values))) in texts.iter_mut().zip(outputs) {
            // The ids, padded with the last one, then the other list and the score.
            assert_eq!(values.0.len(), padded_len + 2, "n = {n}");
            assert_eq!(&values.0[..n as usize], &plain_values.0[..n as usize]);
            assert!(
                values.0[n as usize..padded_len]
                    .iter()
                    .all(|v| *v == Value::from(n - 1))
            );
            assert_eq!(&values.0[padded_len..], &plain_values.0[n as usize..]);
            if padded_len == n as usize {
                assert_eq!(sql, plain_sql, "a power of two is not padded");
            }
            texts.insert(sql);
        }
    }
    for texts in &texts {
        assert_eq!(texts.len(), 11, "lengths 1..=1000 give 1, 2, 4, ..., 1024");
    }
    assert_eq!(row("padded").uncacheable_keys, 0);
}

#[cached_query(pad_in = true)]
fn padded_insert(post: i64, tags: &[&str]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(PostTag::Table)
        .columns([PostTag::PostId, PostTag::Tag]);
    for tag in tags {
        q.values_panic([post.into(), (*tag).into()]);
    }
    q
}

#[test]
fn padding_leaves_lists_outside_in_alone() {
    for n in 1..=9 {
        let tags: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        let h = padded_insert(1, &tags);
        assert_eq!(
            h.build(SqliteQueryBuilder),
            h.statement().build(SqliteQueryBuilder)
        );
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
    }
}

#[test]
fn padded_queries_read_the_same_rows_on_sqlite() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for ddl in create_tables(Dialect::Sqlite) {
        conn.execute_batch(&ddl).unwrap();
    }
    for insert in fill(300) {
        let (sql, values) = insert.build(SqliteQueryBuilder);
        conn.execute(
            &sql,
            cached_query::drivers::rusqlite::rusqlite_params(&values),
        )
        .unwrap();
    }
    let rows = |sql: &str, values: &sea_query::Values| -> Vec<(i64, Option<i64>)> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map(
            cached_query::drivers::rusqlite::rusqlite_params(values),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let mut compared = 0;
    for n in [1usize, 2, 3, 5, 7, 9, 33, 100, 257] {
        let ids: Vec<i64> = (0..n as i64).map(|i| i * 7 % 400).collect();
        let not: Vec<i64> = (0..(n % 4) as i64).collect();
        let h = padded(&ids, &not, -1e9);
        let (sql, values) = h.build(SqliteQueryBuilder);
        let (plain_sql, plain_values) = h.statement().build(SqliteQueryBuilder);
        assert_eq!(
            sql == plain_sql,
            n.is_power_of_two() && (not.is_empty() || not.len().is_power_of_two())
        );
        let got = rows(&sql, &values);
        assert_eq!(got, rows(&plain_sql, &plain_values), "n = {n}");
        compared += got.len();
    }
    assert!(
        compared > 100,
        "the data should match some rows, matched {compared}"
    );
}

/// A body the compile-time lint would reject and the probe cannot see through: it adds a
/// condition only for lists longer than 3 (the probe tries 1, 2 and 3 elements).
#[cached_query(lint = false, verify = 1.0)]
fn long_lists_differ(ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    if ids.len() > 3 {
        q.and_where(Expr::col(Post::Score).gt(0));
    }
    q
}

#[test]
fn verification_catches_a_wrong_template() {
    let check = |ids: &[i64]| {
        let h = long_lists_differ(ids);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
    };
    check(&[1]);
    check(&[1, 2]);
    let before = row("long_lists_differ");
    assert_eq!((before.misses, before.hits, before.verified), (1, 1, 1));
    let ((), events) = capture(|| check(&[1, 2, 3, 4, 5]));
    let after = row("long_lists_differ");
    assert_eq!((after.verified, after.verify_failures), (2, 1));
    assert_eq!(after.uncacheable_keys, 1);
    let errors: Vec<_> = events.iter().filter(|e| e.level == Level::ERROR).collect();
    assert_eq!(errors.len(), 1, "{events:#?}");
    assert_eq!(errors[0].field("function"), Some("long_lists_differ"));
    assert_eq!(errors[0].field("key"), Some("ids: non-empty"));
    assert!(
        errors[0]
            .field("uncached")
            .unwrap()
            .contains("\"score\" > $6"),
        "{errors:#?}"
    );
    assert!(
        !errors[0].field("cached").unwrap().contains("score"),
        "{errors:#?}"
    );
    // From now on the shape is served uncached, and listed with its reason.
    check(&[3]);
    assert_eq!(
        row("long_lists_differ").uncached_calls,
        after.uncached_calls + 1
    );
    let listed = cached_query::statistics::uncacheable();
    let shape = listed
        .iter()
        .find(|s| s.name == "long_lists_differ")
        .unwrap();
    assert!(
        matches!(shape.reason, Uncacheable::VerificationFailed { .. }),
        "{shape:?}"
    );
}

#[test]
fn uncacheable_shapes_are_logged_with_their_key() {
    #[cached_query(lint = false)]
    fn writes_value_into_text(name: &str, active: bool) -> SelectStatement {
        let mut q = Query::select();
        q.column(Post::Id)
            .from(Post::Table)
            .and_where(Expr::cust(format!("title = '{name}'")));
        if active {
            q.and_where(Expr::col(Post::PublishedAt).is_not_null());
        }
        q
    }
    let ((), events) = capture(|| {
        let h = writes_value_into_text("x", true);
        assert_eq!(
            h.build(SqliteQueryBuilder),
            h.statement().build(SqliteQueryBuilder)
        );
    });
    let warning = events.iter().find(|e| e.level == Level::WARN).unwrap();
    assert_eq!(warning.field("key"), Some("active: true"));
    assert!(
        warning
            .field("reason")
            .unwrap()
            .contains("depends on a bound value")
    );
}
