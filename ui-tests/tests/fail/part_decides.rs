use sea_query::{Alias, Expr, ExprTrait, SelectStatement};

// A part's parameters are read from their types: `status` is a bound value.
#[cached_query::part]
fn restrict(q: &mut SelectStatement, status: &str, limit: u64) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
    // Nothing is lifted in a helper: it has no key of its own.
    q.limit(limit * 2);
}

fn main() {}
