//! Issue 19, the accepted side: bodies the analysis lets through because every bound value
//! reaches the statement unchanged, written the ways the analysis has to follow (tuples and
//! their swaps, shadowing, assignments in branches, borrows, closures returning fragments,
//! `apply_if`, `and_where_option`, `Option` defaults, one `INSERT` row per element). Each
//! must be cached (no shape uncacheable) and build exactly what sea-query builds on all
//! three backends, for calls in an order where a template learned from one call meets other
//! values, presences and lengths. Verification is off, so these prove the analysis and the
//! probe.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::{Cached, QueryArgs, cached_query};
use cached_query_tests::check_all;
use sea_query::{Alias, Cond, Expr, ExprTrait, InsertStatement, Query, SelectStatement};

fn check<Q: QueryArgs>(h: &Cached<Q>, name: &str) {
    if let Err(mismatch) = check_all(h, name) {
        panic!("{mismatch}");
    }
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

// The body is written the long way on purpose: the analysis must follow each step.
#[allow(clippy::redundant_locals, clippy::needless_late_init)]
#[cached_query(verify = 0.0)]
fn moved_around(a: i64, b: i64, name: &str, flag: bool) -> SelectStatement {
    let (x, y) = (a, b);
    let (y, x) = (x, y); // swapped: `y` is `a`
    let name = name; // shadowed, unchanged
    let chosen;
    if flag {
        chosen = a;
    } else {
        chosen = b;
    }
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    let r = &mut q;
    r.and_where(col("x").eq(x)).and_where(col("y").eq(y));
    q.and_where(col("name").eq(String::from(name)))
        .and_where(col("chosen").eq(chosen));
    q
}

#[cached_query(verify = 0.0)]
fn options(
    status: Option<&str>,
    min: Option<i64>,
    tags: Option<&[i64]>,
    limit: Option<u64>,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    q.apply_if(status, |q, s| {
        q.and_where(col("status").eq(s));
    });
    q.and_where_option(min.map(|m| col("score").gte(m)));
    let make = |t: &[i64]| col("tag").is_in(t.iter().copied());
    if let Some(tags) = tags
        && !tags.is_empty()
    {
        q.cond_where(
            Cond::any()
                .add(col("tag").is_in(tags.iter().copied()))
                .add(col("owner").eq(0)),
        );
        q.and_where(make(&[7, 8]));
    }
    q.limit(limit.unwrap_or(20));
    q
}

#[cached_query(verify = 0.0)]
fn rows(post: i64, tags: &[&str]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(Alias::new("post_tag"))
        .columns([Alias::new("post_id"), Alias::new("tag")]);
    for tag in tags {
        q.values_panic([post.into(), (*tag).into()]);
    }
    q
}

#[test]
fn accepted_bodies_match_sea_query_at_every_call() {
    for (a, b, name, flag) in [
        (1, 2, "bob", true),
        (-5, 0, "@bob", false),
        (7, 7, "", true),
        (i64::MAX, i64::MIN, " Bob ", false),
    ] {
        check(&moved_around(a, b, name, flag), "moved_around");
    }
    let lists: [&[i64]; 4] = [&[1, 2], &[3], &[5, 5, 1], &[]];
    for (n, tags) in lists.iter().enumerate() {
        for status in [Some("live"), None, Some("@x")] {
            let min = (n % 2 == 0).then_some(n as i64 - 1);
            let limit = (n % 3 == 0).then_some(n as u64 * 10);
            check(&options(status, min, Some(tags), limit), "options");
            check(&options(status, min, None, limit), "options");
        }
    }
    let tag_lists: [&[&str]; 4] = [&["a", "b"], &["c"], &["d", "d", "e"], &["x", "y", "z", "w"]];
    for (n, tags) in tag_lists.iter().enumerate() {
        check(&rows(n as i64, tags), "rows");
    }
    cached_query_tests::check::assert_served(&["moved_around", "options", "rows"], 1);
}
