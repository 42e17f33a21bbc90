//! Values computed from bound arguments and then bound (the six bodies the lint rejected
//! before values were lifted): each compiles, and builds what sea-query builds.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};

#[cached_query]
fn page(number: u64, size: u64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(size)
        .offset(number * size)
        .to_owned()
}

#[cached_query]
fn first(count: i32) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(count as u64)
        .to_owned()
}

#[cached_query]
fn by_code(code: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("country"))
        .and_where(Expr::col(Alias::new("code")).eq(code.to_uppercase()))
        .to_owned()
}

#[cached_query]
fn search(word: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("title")).like(format!("%{word}%")))
        .to_owned()
}

#[cached_query]
fn by_prefix(prefix: String) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("word"))
        .and_where(Expr::col(Alias::new("prefix")).eq(prefix.clone()))
        .and_where(Expr::col(Alias::new("len")).gte(prefix.len() as i64))
        .to_owned()
}

#[cached_query]
fn before(offset: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("shift")).gt(-offset))
        .to_owned()
}

fn main() {
    for n in 1..4u64 {
        let same = |h: (String, sea_query::Values), u: (String, sea_query::Values)| assert_eq!(h, u);
        let h = page(n, 10 * n);
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        let h = first(n as i32);
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        let code = format!("de{n}");
        let h = by_code(&code);
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        let h = search(&code);
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        let h = by_prefix(code.repeat(n as usize));
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        let h = before(-(n as i64));
        same(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
    }
}
