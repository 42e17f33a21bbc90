use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn by_kind(kind: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match kind {
        "draft" => q.and_where(Expr::col(Alias::new("published")).is_null()),
        _ => q.and_where(Expr::col(Alias::new("kind")).eq(kind)),
    };
    q
}

fn main() {}
