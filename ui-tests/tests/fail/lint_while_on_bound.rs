use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn nested(depth: u32) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("node"));
    let mut level = 0;
    while level < depth {
        q.and_where(Expr::col(Alias::new("parent")).is_not_null());
        level += 1;
    }
    q
}

fn main() {}
