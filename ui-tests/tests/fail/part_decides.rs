use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

// A helper's decisions on values join its caller's key, computed from the arguments the
// caller passes: a decision per element of a list cannot.
#[cached_query::part]
fn restrict(q: &mut SelectStatement, status: &str, ids: &[i64]) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
    for id in ids {
        if *id > 100 {
            q.and_where(Expr::col(Alias::new("id")).ne(*id));
        }
    }
}

// A helper that decides, given an argument the cache cannot recompute on each call.
#[cached_query::part]
fn by_status(q: &mut SelectStatement, status: &str) {
    if status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(status));
    }
}

#[cached_query]
fn posts(status: String) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let mut changed = status.clone();
    changed.push('!');
    by_status(&mut q, &changed);
    q
}

fn main() {}
