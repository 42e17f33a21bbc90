use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn by_level(level: u8) -> SelectStatement {
    let l = level;
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("log"));
    if l != 0 {
        q.and_where(Expr::col(Alias::new("level")).gte(level));
    }
    q
}

fn main() {}
