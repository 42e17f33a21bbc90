//! A bound number the body widens with a lossless conversion (`.into()`, `u64::from(x)`,
//! `i64::from(x)`) is cached: the template reads the argument and converts it as the probe
//! saw it converted. `.limit(per_page.into())` with a `u32` page size was served uncached
//! on every call before.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn page(author: i32, min_score: f32, tag: u8, per_page: u32, page: u16) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("posts"))
        .and_where(Expr::col(Alias::new("author")).eq(i64::from(author)))
        .and_where(Expr::col(Alias::new("score")).gte(f64::from(min_score)))
        .and_where(Expr::col(Alias::new("tag")).eq(u32::from(tag)))
        .limit(per_page.into())
        .offset(u64::from(page))
        .to_owned()
}

#[test]
fn widened_numbers_are_cached_and_bound_as_sea_query_binds_them() {
    let cases = [
        (7, 1.5, 3, 20, 0),
        (-1, -0.25, 255, u32::MAX, u16::MAX),
        (i32::MIN, f32::MAX, 0, 0, 1),
        (i32::MAX, 0.0, 1, 1, 2),
    ];
    for round in 0..3 {
        for &(author, score, tag, per_page, page_no) in &cases {
            let h = page(author, score, tag, per_page, page_no.wrapping_add(round));
            if let Err(mismatch) = cached_query_tests::check_all(&h, "page") {
                panic!("{mismatch}");
            }
        }
    }
    cached_query_tests::check::assert_served(&["page"], 1);
}
