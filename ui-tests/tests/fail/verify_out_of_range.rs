use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

// A rate is a fraction of hits: 1.5 is not one.
#[cached_query(capacity = 64, pad_in = true, verify = 1.5)]
fn by_id(id: i64) -> SelectStatement {
    Query::select().column(Alias::new("id")).from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
}

fn main() {}
