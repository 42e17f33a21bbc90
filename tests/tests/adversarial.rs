//! Hostile input: strings that look like SQL or placeholders, NUL, 1 MB texts, lists of 0
//! to 100,000 elements, integer extremes, NaN and infinities, nested options, and bodies
//! that panic. The output is sea-query's, or a clear error; a panic in a body reaches the
//! caller as it would without the macro and leaves the cache consistent.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::panic::{AssertUnwindSafe, catch_unwind};

use cached_query::{Cached, QueryArgs, Statement, cached_query};
use cached_query_tests::check_all;
use cached_query_tests::schema::Post;
use sea_query::{
    Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder,
};

#[cached_query]
fn by_title(title: &str, body: Option<String>, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Title).eq(title));
    if let Some(b) = body {
        q.and_where(Expr::col(Post::Body).like(b));
    }
    q.limit(limit);
    q
}

#[cached_query]
fn by_numbers(id: i64, big: u64, score: f64, ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(id))
        .and_where(Expr::col(Post::CreatedAt).lt(big))
        .and_where(Expr::col(Post::Score).gte(score));
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    q
}

#[cached_query]
fn nested_option(title: Option<Option<&str>>, score: Option<Option<f64>>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    match title {
        Some(Some(t)) => q.and_where(Expr::col(Post::Title).eq(t)),
        Some(None) => q.and_where(Expr::col(Post::Title).is_null()),
        None => &mut q,
    };
    if let Some(s) = score {
        q.and_where(Expr::col(Post::Score).eq(s));
    }
    q
}

/// Panics for `mode == 3` (a user's assertion): the mode is in the key, so each such call
/// runs the body, as it would without the macro.
#[cached_query]
fn panics_for_mode(#[shape] mode: u8, ids: &[i64]) -> SelectStatement {
    assert_ne!(mode, 3, "mode 3 is not supported");
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    q.and_where(Expr::col(Post::Tag).eq(i64::from(mode)));
    q
}

/// Compares as text, so NaN equals NaN.
fn same_as_uncached<Q: QueryArgs>(h: &Cached<Q>) {
    let text = |(sql, values): (String, sea_query::Values)| format!("{sql} {values:?}");
    for (cached, uncached) in [
        (
            text(h.build(PostgresQueryBuilder)),
            text(h.statement().build_with(PostgresQueryBuilder)),
        ),
        (
            text(h.build(MysqlQueryBuilder)),
            text(h.statement().build_with(MysqlQueryBuilder)),
        ),
        (
            text(h.build(SqliteQueryBuilder)),
            text(h.statement().build_with(SqliteQueryBuilder)),
        ),
    ] {
        assert_eq!(cached, uncached);
    }
}

#[test]
fn strings_that_look_like_sql() {
    let nasty = [
        "",
        "'",
        "''",
        "\"",
        "\\",
        "\\'",
        "$1",
        "$2 $1",
        "?",
        "??",
        "%s",
        "%",
        "_",
        "\0",
        "a\0b",
        "'; DROP TABLE post; --",
        "/* comment */",
        "\u{FEFF}",
        "\u{FFFD}",
        "𝕊𝕈𝕃",
        "e\u{301}",
        "\r\n\t",
    ];
    for (i, a) in nasty.iter().enumerate() {
        for b in nasty.iter().skip(i % 5).step_by(5) {
            check_all(&by_title(a, Some((*b).to_owned()), 3), "by_title").unwrap();
            check_all(&by_title(b, None, 3), "by_title").unwrap();
        }
    }
    let huge = "x'\"$1?".repeat(1 << 18); // 1.5 MB
    check_all(&by_title(&huge, Some(huge.clone()), 1), "by_title").unwrap();
    check_all(&by_title("small again", Some("%".into()), 2), "by_title").unwrap();
}

#[test]
fn numeric_extremes_and_special_floats() {
    for id in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX] {
        for big in [0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            for score in [
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                -0.0,
                0.0,
                f64::MIN_POSITIVE,
                f64::MAX,
                1e-300,
            ] {
                same_as_uncached(&by_numbers(id, big, score, &[id, 0]));
                same_as_uncached(&by_numbers(id, big, score, &[]));
            }
        }
    }
}

#[test]
fn lists_from_empty_to_a_hundred_thousand() {
    for len in [0usize, 1, 2, 3, 7, 65_535, 65_536, 100_000, 5, 1] {
        let ids: Vec<i64> = (0..len as i64).map(|i| i * 7 - 3).collect();
        check_all(&by_numbers(1, 2, 0.5, &ids), "by_numbers").unwrap();
    }
}

#[test]
fn nested_options() {
    for title in [None, Some(None), Some(Some("t")), Some(Some("'"))] {
        for score in [None, Some(None), Some(Some(1.5)), Some(Some(-0.0))] {
            check_all(&nested_option(title, score), "nested_option").unwrap();
        }
    }
}

#[test]
fn a_panic_in_the_body_reaches_the_caller_and_the_cache_stays_consistent() {
    for round in 0..3 {
        // Before and after the panicking call, the same and other keys work.
        check_all(&panics_for_mode(1, &[9, 8]), "panics_for_mode").unwrap();
        for build in 0..2 {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let h = panics_for_mode(3, &[1, 2]);
                if build == 0 {
                    h.build(PostgresQueryBuilder).0
                } else {
                    h.build_shared(SqliteQueryBuilder).0.to_string()
                }
            }));
            let message = outcome.unwrap_err();
            let text = message
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| message.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            assert!(
                text.contains("mode 3 is not supported"),
                "round {round}: {text}"
            );
        }
        check_all(&panics_for_mode(2, &[]), "panics_for_mode").unwrap();
        check_all(&panics_for_mode(1, &[1, 2, 3]), "panics_for_mode").unwrap();
    }
    let row = cached_query::stats()
        .function("panics_for_mode")
        .cloned()
        .unwrap();
    assert!(row.hits > 0, "{row:?}");
    assert_eq!(row.uncacheable_keys, 0, "{row:?}");
}
