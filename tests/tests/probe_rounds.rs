//! Issue 19, the run-time check: bodies the lint does not see (`lint = false`) that transform
//! a bound value, branch on one, or render a one-element list differently, called in an order
//! where one sentinel round and one edge round used to learn a wrong template. Every call
//! must build exactly what sea-query builds, on all three backends. Verification is off
//! (`verify = 0.0` on each function), so these prove the probe rounds, not the verifier.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::BTreeSet;

use cached_query::{Cached, QueryArgs, cached_query};
use cached_query_tests::check_all;
use sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement};

fn check<Q: QueryArgs>(h: &Cached<Q>, name: &str) {
    if let Err(mismatch) = check_all(h, name) {
        panic!("{mismatch}");
    }
}

/// A `Condition::any()` over a list: sea-query drops the parentheses around a group of one.
#[cached_query(lint = false, verify = 0.0)]
fn r1(ids: &[i64]) -> SelectStatement {
    let mut any = Condition::any();
    for id in ids {
        any = any.add(Expr::col(Alias::new("a")).eq(*id));
    }
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .cond_where(
            Condition::all()
                .add(Expr::col(Alias::new("b")).eq(1))
                .add(any),
        )
        .to_owned()
}

#[test]
fn condition_any_over_a_list() {
    check(&r1(&[1, 2]), "r1");
    check(&r1(&[3]), "r1");
    check(&r1(&[4, 5, 6]), "r1");
    check(&r1(&[7, 8]), "r1");
}

/// `min` with a constant: the huge sentinel learns the constant.
#[cached_query(lint = false, verify = 0.0)]
fn r2(a: i64, limit: u64) -> SelectStatement {
    let limit = std::cmp::min(limit, 100);
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .limit(limit)
        .to_owned()
}

#[test]
fn min_with_a_constant() {
    check(&r2(1, 500), "r2");
    check(&r2(1, 10), "r2");
    check(&r2(2, 100), "r2");
}

/// `strip_prefix`: the identity on text without the prefix.
#[cached_query(lint = false, verify = 0.0)]
fn r3(handle: &str) -> SelectStatement {
    let h = handle.strip_prefix('@').unwrap_or(handle);
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("h")).eq(h))
        .to_owned()
}

#[test]
fn strip_prefix() {
    check(&r3("bob"), "r3");
    check(&r3("@bob"), "r3");
    check(&r3("alice"), "r3");
}

/// A branch on a bound value, through a tuple.
#[cached_query(lint = false, verify = 0.0)]
fn r5(a: i64, limit: i64) -> SelectStatement {
    let (lim, _) = (limit, 0);
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .to_owned();
    if lim > 100 {
        q.and_where(Expr::col(Alias::new("big")).is_not_null());
    }
    q
}

#[test]
fn branch_through_a_tuple() {
    check(&r5(1, 500), "r5");
    check(&r5(1, 5), "r5");
    check(&r5(2, 101), "r5");
}

/// A list sorted and deduplicated before it is bound.
#[cached_query(lint = false, verify = 0.0)]
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

#[test]
fn sorted_and_deduplicated_list() {
    check(&r6(1, 2, &[1, 2, 3]), "r6");
    check(&r6(1, 2, &[3, 1, 2]), "r6");
    check(&r6(1, 2, &[3, 3, 1]), "r6");
}

/// `i64::abs`, written as a path.
#[cached_query(lint = false, verify = 0.0)]
fn absolute(x: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("x")).eq(i64::abs(x)))
        .to_owned()
}

#[test]
fn abs() {
    check(&absolute(5), "absolute");
    check(&absolute(-5), "absolute");
    check(&absolute(0), "absolute");
}

/// `trim_start_matches`.
#[cached_query(lint = false, verify = 0.0)]
fn trimmed(handle: &str) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("h")).eq(handle.trim_start_matches('@')))
        .to_owned()
}

#[test]
fn trim_start_matches() {
    check(&trimmed("bob"), "trimmed");
    check(&trimmed("@@bob"), "trimmed");
    check(&trimmed("@x"), "trimmed");
}

/// A list collected into a `BTreeSet`: sorted and deduplicated.
#[cached_query(lint = false, verify = 0.0)]
fn as_set(ids: &[i64]) -> SelectStatement {
    let set = ids.iter().copied().collect::<BTreeSet<_>>();
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).is_in(set))
        .to_owned()
}

#[test]
fn collected_into_a_set() {
    check(&as_set(&[1, 2]), "as_set");
    check(&as_set(&[2, 1]), "as_set");
    check(&as_set(&[5, 5, 1]), "as_set");
    check(&as_set(&[9]), "as_set");
}

/// The functions above whose bodies only bind their values unchanged stay cached: the
/// stronger check costs nothing in what is kept.
#[cached_query(lint = false, verify = 0.0)]
fn plain(a: i64, name: &str, ids: &[i64], tags: [u8; 3]) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
        .and_where(Expr::col(Alias::new("tag")).is_in(tags))
        .to_owned()
}

#[test]
fn plain_bodies_stay_cached() {
    for (n, ids) in [&[1i64, 2][..], &[3], &[4, 5, 6]].into_iter().enumerate() {
        check(&plain(n as i64, "x", ids, [1, 2, 3]), "plain");
    }
    let stats = cached_query::stats();
    let row = stats.function("plain").unwrap();
    assert_eq!(row.uncacheable_keys, 0, "{row:?}");
    assert!(row.hits > 0, "{row:?}");
}
