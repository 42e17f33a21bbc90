//! The global byte budget: a template that does not fit is not stored, its calls are served
//! uncached and counted as rejected (and said once), and raising the budget lets new shapes
//! in again. One test in its own binary, since the budget is process-wide.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::cached_query;
use cached_query_tests::events::capture;
use cached_query_tests::schema::Post;
use sea_query::{Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
use tracing::Level;

#[cached_query]
fn by_column(#[shape] column: u16, value: i64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(sea_query::Alias::new(format!("c{column}"))).eq(value))
        .to_owned()
}

fn call(column: u16) {
    let h = by_column(column, i64::from(column));
    assert_eq!(
        h.build(PostgresQueryBuilder),
        h.statement().build(PostgresQueryBuilder)
    );
}

#[test]
fn byte_budget_bounds_every_cache() {
    assert_eq!(
        cached_query::config::byte_budget(),
        cached_query::config::DEFAULT_BYTE_BUDGET
    );
    call(0);
    let one = cached_query::stats();
    let per_template = one.bytes_held;
    assert!(per_template > 0);

    // Room for three more templates of this size, not four.
    cached_query::config::set_byte_budget(per_template * 4 + per_template / 2);
    let ((), events) = capture(|| {
        for column in 1..=10 {
            call(column);
            call(column);
        }
    });
    let s = cached_query::stats();
    let row = s.function("by_column").unwrap();
    assert_eq!(row.entries, 4, "{s}");
    assert!(s.bytes_held <= cached_query::config::byte_budget(), "{s}");
    assert_eq!(s.bytes_held, row.bytes);
    // Column 4's template was learned and turned away (one rejection, its call answered
    // from the real build); from then on new shapes are served uncached without probing:
    // column 4's second call and columns 5 to 10 twice each, 13 calls.
    assert_eq!(row.misses, 5, "{s}");
    assert_eq!(row.rejected, 1 + 13, "{s}");
    assert_eq!(row.uncached_calls, 13, "{s}");
    assert_eq!(row.hits, 3, "{s}");
    let warnings: Vec<_> = events.iter().filter(|e| e.level == Level::WARN).collect();
    assert_eq!(warnings.len(), 1, "{events:#?}");
    assert!(
        warnings[0].message().contains("byte budget"),
        "{warnings:#?}"
    );

    // A bigger budget takes new shapes again.
    cached_query::config::set_byte_budget(cached_query::config::DEFAULT_BYTE_BUDGET);
    call(11);
    call(11);
    let row = cached_query::stats()
        .function("by_column")
        .cloned()
        .unwrap();
    assert_eq!(row.entries, 5);
    assert_eq!(row.hits, 4);
}
