//! The bodies of issue 19 that compiled and then returned SQL or values other than
//! sea-query's: each is now a compile error at the use that made it wrong, or (r2, r3)
//! a derived value the cache recomputes, or (r5) a decision lifted into the key.

use std::collections::BTreeSet;

use cached_query::cached_query;
use sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};

/// A condition per element: with one element sea-query drops the parentheses.
#[cached_query]
fn r1(ids: &[i64]) -> SelectStatement {
    let mut any = Condition::any();
    for id in ids {
        any = any.add(Expr::col(Alias::new("a")).eq(*id));
    }
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .cond_where(Condition::all().add(Expr::col(Alias::new("b")).eq(1)).add(any))
        .to_owned()
}

// r2 (`std::cmp::min(limit, 100)`) and r3 (`handle.strip_prefix('@').unwrap_or(handle)`)
// compute a value from bound arguments and bind it: they are lifted now, and recomputed
// on every hit (tests/tests/derived.rs proves them against sea-query).

#[cached_query]
fn r4(id: i64, role: Option<&str>) -> SelectStatement {
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    if matches!(role, Some("admin")) {
        q.and_where(Expr::col(Alias::new("adm")).is_not_null());
    }
    q
}

// r5 (a test kept in `let big = is_big(other);`, then decided on) is cached now: its
// decision is lifted with the `let` replayed (`tests/tests/decisions.rs`, `r5_as_written`).

#[cached_query]
fn r6(a: u64, b: u64, ids: &[u64]) -> SelectStatement {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .and_where(Expr::col(Alias::new("b")).eq(b))
        .and_where(Expr::col(Alias::new("id")).is_in(v))
        .to_owned()
}

#[cached_query]
fn others(x: i64, handle: &str, ids: &[i64]) -> SelectStatement {
    let set = ids.iter().copied().collect::<BTreeSet<_>>();
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("x")).eq(i64::abs(x)))
        .and_where(Expr::col(Alias::new("h")).eq(handle.trim_start_matches('@')))
        .and_where(Expr::col(Alias::new("id")).is_in(set))
        .to_owned()
}

fn main() {}
