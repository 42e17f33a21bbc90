use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn by_status(status: Option<&str>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match status {
        Some(s) if s == "any" => {}
        Some(s) => {
            q.and_where(Expr::col(Alias::new("status")).eq(s));
        }
        None => {}
    }
    q
}

fn main() {}
