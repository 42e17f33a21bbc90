use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[cached_query]
fn adults(min_age: Option<i32>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("users"));
    if let Some(age) = min_age {
        if age >= 18 {
            q.and_where(Expr::col(Alias::new("adult")).eq(true));
        }
        q.and_where(Expr::col(Alias::new("age")).gte(age));
    }
    q
}

fn main() {}
