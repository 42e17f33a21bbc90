//! Generated code triggers no warnings, even under `deny(warnings, clippy::all)`.
#![deny(warnings, clippy::all, rust_2018_idioms, unused)]

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};

/// Documented.
#[cached_query(capacity = 16)]
pub fn find(id: i64, mut name: Option<String>, flag: bool, ids: &[i64]) -> SelectStatement {
    if flag {
        name = None;
    }
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t")).and_where(Expr::col(Alias::new("id")).eq(id));
    if let Some(n) = name {
        q.and_where(Expr::col(Alias::new("name")).eq(n));
    }
    if !ids.is_empty() {
        q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
    }
    q
}

/// Documented: values derived in the body (a shadowed `if let`, `format!`, arithmetic in
/// parentheses converted by `.into()` and `u64::from`).
#[cached_query]
pub fn search(text: Option<&str>, page: u32, size: u32) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    if let Some(text) = text {
        let text = text.trim();
        q.and_where(Expr::col(Alias::new("title")).like(format!("%{text}%")));
    }
    q.limit((size * 2).into())
        .offset(u64::from(page.saturating_sub(1) * size));
    q
}

fn main() {
    for page in 0..3 {
        let h = search(Some(" rust "), page, 10);
        assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
    }
    let h = find(1, Some("a".into()), false, &[1, 2]);
    assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
}
