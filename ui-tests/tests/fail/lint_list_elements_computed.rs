use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn doubled(ids: &[i64]) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().map(|id| id * 2)))
        .to_owned()
}

fn main() {}
