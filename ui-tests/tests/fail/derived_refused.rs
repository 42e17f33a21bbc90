//! Computations on bound values that are not lifted: each stays a compile error at the
//! use, with the hint it had.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

// Once per element of a list: one value per element, and a lift computes one.
#[cached_query]
fn per_element(ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    for id in ids {
        q.and_where(Expr::col(Alias::new("a")).eq(*id * 2));
    }
    q
}

// A `mut` local may change between its binding and the computation.
#[cached_query]
fn from_mut_local(limit: u64) -> SelectStatement {
    let mut n = limit;
    n += 1;
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .limit(n * 2)
        .to_owned()
}

// A block is not lifted: it may hold statements the lift would run again.
#[cached_query]
fn in_block(a: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq({ let t = a; t + 1 }))
        .to_owned()
}

// A list's elements, reordered: only its emptiness is in the key.
#[cached_query]
fn reversed(ids: &[i64]) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).is_in(ids.iter().rev().copied()))
        .to_owned()
}

fn main() {}
