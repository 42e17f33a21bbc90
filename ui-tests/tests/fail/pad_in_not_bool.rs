use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query(pad_in = "yes")]
fn by_ids(ids: &[i64]) -> SelectStatement {
    Query::select().column(Alias::new("id")).from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())).to_owned()
}

fn main() {}
