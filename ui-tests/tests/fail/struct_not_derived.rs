use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

pub struct Filter {
    pub status: String,
}

#[cached_query]
fn posts(filter: &Filter) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()))
        .to_owned()
}

fn main() {}
