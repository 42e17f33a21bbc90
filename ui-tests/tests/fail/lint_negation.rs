use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn before(offset: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("shift")).gt(-offset))
        .to_owned()
}

fn main() {}
