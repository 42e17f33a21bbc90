use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn by_prefix(prefix: String) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("word"))
        .and_where(Expr::col(Alias::new("prefix")).eq(prefix.clone()))
        .and_where(Expr::col(Alias::new("len")).gte(prefix.len() as i64))
        .to_owned()
}

fn main() {}
