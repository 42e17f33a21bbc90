//! Random bodies against the oracle: `build.rs` draws query functions from a grammar of
//! sea-query calls and Rust constructs applied to bound arguments, keeps the ones the body
//! analysis accepts, and this test calls every one of them with random arguments (options
//! present and absent, lists of 0 to 5 elements, unsorted, with duplicates, strings with
//! `@`, `%`, spaces and mixed case) and checks `build` and `build_shared` against
//! sea-query's own build on PostgreSQL, MySQL and SQLite. Verification is off: the analysis
//! and the probe alone must get every body right.

// Generated code: the grammar writes what users write, lints and all.
#![allow(warnings, clippy::all, clippy::pedantic)]

use cached_query::{Args, cached_query};
use cached_query_tests::{Mismatch, check_all};
use cached_query_ui_tests::Rng;
use sea_query::{Alias, Condition, Expr, ExprTrait, Order, Query, SelectStatement};

fn twice(x: i64) -> i64 {
    x.wrapping_mul(2)
}

fn is_big(x: i64) -> bool {
    x > 100
}

/// Helpers the grammar calls (`build.rs`, forms 18 to 20).
#[cached_query::part]
fn narrow(q: &mut SelectStatement, o: Option<i64>, os: Option<&str>, ids: &[i64]) {
    if let Some(x) = o {
        q.and_where(Expr::col(Alias::new("c10")).gte(x));
    }
    if let Some(t) = os {
        let escaped = t.replace('%', "\\%").replace('_', "\\_");
        q.and_where(Expr::col(Alias::new("c11")).like(format!("%{escaped}%")));
    }
    if !ids.is_empty() {
        q.and_where(Expr::col(Alias::new("c12")).is_in(ids.iter().copied()));
    }
}

#[cached_query::part]
fn near(x: i64, exact: bool) -> Condition {
    if exact || x > 100 {
        Condition::all().add(Expr::col(Alias::new("c13")).eq(x))
    } else {
        Condition::any()
            .add(Expr::col(Alias::new("c13")).gte(x - 1))
            .add(Expr::col(Alias::new("c14")).eq(x))
    }
}

#[cached_query::part]
fn ranked(q: &mut SelectStatement, s: &str, limit: u64) {
    if s.trim().eq_ignore_ascii_case("admin") {
        q.and_where(Expr::col(Alias::new("c15")).is_not_null());
    } else {
        q.and_where(Expr::col(Alias::new("c15")).eq(s));
    }
    q.limit(std::cmp::min(limit, 20));
}

/// One call's arguments.
#[derive(Debug)]
struct Call {
    a: i64,
    b: i64,
    s: String,
    o: Option<i64>,
    os: Option<String>,
    ids: Vec<i64>,
    flag: bool,
    k: u8,
    limit: u64,
}

const INTS: &[i64] = &[-200, -5, -1, 0, 1, 2, 3, 5, 7, 42, 100, 101, 150, 1000];
const TEXTS: &[&str] = &[
    "bob", "@bob", " Bob ", "admin", "", "50%_x", "#tag", "O'Brien", "x",
];
const LIMITS: &[u64] = &[0, 1, 10, 50, 51, 100, 500];

trait Draw {
    fn int(&mut self) -> i64;
    fn text(&mut self) -> String;
}

impl Draw for Rng {
    fn int(&mut self) -> i64 {
        self.pick(INTS)
    }
    fn text(&mut self) -> String {
        self.pick(TEXTS).to_owned()
    }
}

impl Call {
    fn random(rng: &mut Rng) -> Call {
        let len = rng.below(6);
        Call {
            a: rng.int(),
            b: rng.int(),
            s: rng.text(),
            o: (rng.below(3) > 0).then(|| rng.int()),
            os: (rng.below(3) > 0).then(|| rng.text()),
            ids: (0..len).map(|_| rng.int()).collect(),
            flag: rng.below(2) == 0,
            k: rng.below(5) as u8,
            limit: rng.pick(LIMITS),
        }
    }
}

/// The arguments of a call as the struct versions of the bodies take them.
#[derive(Args, Debug)]
struct Fields {
    a: i64,
    b: i64,
    s: String,
    o: Option<i64>,
    os: Option<String>,
    ids: Vec<i64>,
    flag: bool,
    #[shape]
    k: u8,
}

impl Call {
    fn fields(&self) -> Fields {
        Fields {
            a: self.a,
            b: self.b,
            s: self.s.clone(),
            o: self.o,
            os: self.os.clone(),
            ids: self.ids.clone(),
            flag: self.flag,
            k: self.k,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/random_bodies.rs"));

/// Calls per function: enough that each meets its shapes' templates at other list lengths
/// and with other values than the ones they were learned from.
const CALLS: usize = 16;

#[test]
fn every_accepted_body_matches_sea_query() {
    cached_query::config::set_verify_rate(0.0);
    let mut rng = Rng::new(0x0B0D_1E5);
    let mut mismatches: Vec<(Box<Mismatch>, Call)> = Vec::new();
    for (_, check) in FUNCTIONS {
        for _ in 0..CALLS {
            let call = Call::random(&mut rng);
            if let Err(mismatch) = check(&call) {
                mismatches.push((mismatch, call));
            }
        }
    }
    let stats = cached_query::stats();
    let (mut hits, mut uncacheable) = (0, 0);
    for row in stats
        .functions
        .iter()
        .filter(|r| r.name.starts_with("body_") || r.name.starts_with("struct_body_"))
    {
        hits += row.hits;
        uncacheable += row.uncacheable_keys;
    }
    println!(
        "{GENERATED} bodies generated, {REJECTED} rejected at compile time, {STRUCT_REJECTED} of their struct versions rejected, {} compiled; {} calls on 3 backends: {hits} hits, {uncacheable} shapes found uncacheable at run time, {} mismatches",
        FUNCTIONS.len(),
        FUNCTIONS.len() * CALLS,
        mismatches.len()
    );
    for (mismatch, call) in mismatches.iter().take(10) {
        println!("{mismatch}\n  call: {call:?}");
    }
    assert!(mismatches.is_empty(), "{} mismatches", mismatches.len());
    // The grammar reaches both sides of the analysis.
    assert!(REJECTED > 0 && !FUNCTIONS.is_empty());
    assert!(
        FUNCTIONS
            .iter()
            .any(|(name, _)| name.starts_with("struct_body_"))
    );
    // A struct version is never accepted where its plain body is rejected: a field is a
    // bound value unless its class says otherwise, as the argument it stands for.
    assert!(
        STRUCT_REJECTED >= REJECTED,
        "{STRUCT_REJECTED} < {REJECTED}"
    );
}
