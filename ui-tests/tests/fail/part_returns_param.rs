use sea_query::{Alias, Expr, ExprTrait, SelectStatement};

// What a part returns, its caller takes for a sea-query expression.
#[cached_query::part]
fn status_of(q: &mut SelectStatement, status: Option<String>) -> Option<String> {
    if status.is_some() {
        q.and_where(Expr::col(Alias::new("status")).is_not_null());
    }
    status
}

#[cached_query::part]
fn method(&self) {}

fn main() {}
