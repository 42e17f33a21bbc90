use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn since(days: Option<i64>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if let Some(hours) = days.map(|d| d * 24) {
        q.and_where(Expr::col(Alias::new("age_hours")).lt(hours));
    }
    q
}

fn main() {}
