use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn posts(limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if limit > 100 {
        q.and_where(Expr::col(Alias::new("score")).gt(0));
    }
    q.limit(limit);
    q
}

fn main() {}
