use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

// The helper keys `status` by its value; the caller binds it.
#[cached_query::part]
fn restrict(q: &mut SelectStatement, #[shape] status: String) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
}

#[cached_query]
fn posts(status: String) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    restrict(&mut q, status);
    q
}

fn main() {}
