use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

fn is_large(x: u64) -> bool {
    x > 100
}

#[cached_query]
fn posts(limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post")).limit(limit);
    if is_large(limit) {
        q.and_where(Expr::col(Alias::new("score")).gt(0));
    }
    q
}

fn main() {}
