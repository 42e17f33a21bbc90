use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn by_code(code: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("country"))
        .and_where(Expr::col(Alias::new("code")).eq(code.to_uppercase()))
        .to_owned()
}

fn main() {}
