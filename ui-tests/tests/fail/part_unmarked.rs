use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

// Not marked `#[cached_query::part]`: the cached function cannot see what it does with
// `status`.
fn restrict(q: &mut SelectStatement, status: &str) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
}

#[cached_query]
fn posts(status: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    restrict(&mut q, status);
    q
}

fn main() {}
