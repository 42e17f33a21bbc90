use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn search(word: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("title")).like(format!("%{word}%")))
        .to_owned()
}

fn main() {}
