use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query(verify = 0.01, verify = 0.1)]
fn by_id(id: i64) -> SelectStatement {
    Query::select().column(Alias::new("id")).from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
}

fn main() {}
