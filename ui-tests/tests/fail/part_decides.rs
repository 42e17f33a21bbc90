use sea_query::{Alias, Expr, ExprTrait, SelectStatement};

// A part's parameters are read from their types: `status` is a bound value.
#[cached_query::part]
fn restrict(q: &mut SelectStatement, status: &str, limit: u64) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
    // A decision on a value is not lifted in a helper: it has no key of its own.
    if limit > 100 {
        q.limit(100);
    }
}

fn main() {}
