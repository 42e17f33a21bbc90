//! A value computed from the arguments must have a type the cache makes sentinels of.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn flagged(score: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("high")).eq(score > 100))
        .to_owned()
}

fn main() {}
