use cached_query::cached_query;
use sea_query::{Alias, Expr, Query, SelectStatement};

#[cached_query]
fn by_name(name: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("users"))
        .and_where(Expr::cust(format!("name = '{}'", name)))
        .to_owned()
}

fn main() {}
