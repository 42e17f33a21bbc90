//! The bodies of issue 19 that compiled and then returned SQL or values other than
//! sea-query's: each is now a compile error at the use that made it wrong, or (r2, r3)
//! a derived value the cache recomputes. r5's decision on `lim` is lifted into the key;
//! its `let big = is_big(other)` is a `bool` computed from an argument, which the cache
//! cannot probe.

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

fn is_big(limit: i64) -> bool {
    limit > 100
}

#[cached_query]
fn r5(a: i64, limit: i64, other: i64) -> SelectStatement {
    let (lim, _) = (limit, 0);
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .to_owned();
    if lim > 100 {
        q.and_where(Expr::col(Alias::new("big")).is_not_null());
    }
    let big = is_big(other);
    if big {
        q.and_where(Expr::col(Alias::new("bigger")).is_not_null());
    }
    q
}

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
