//! Decisions on values computed from the arguments (`order.eq_ignore_ascii_case("desc")`,
//! a `match` of `sort.as_str()` against literals, `limit > 100`, `if let Some("admin") =
//! role`): the outcome joins the key, computed from the arguments before the lookup.

use cached_query::{Args, cached_query};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

#[cached_query]
fn listing(
    author: i64,
    order: &str,
    sort_by: String,
    role: Option<&str>,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("posts"))
        .and_where(Expr::col(Alias::new("author")).eq(author));
    let direction = if order.eq_ignore_ascii_case("desc") {
        Order::Desc
    } else {
        Order::Asc
    };
    let column = match sort_by.as_str() {
        "title" => "title",
        "date" | "created" => "created_at",
        _ => "id",
    };
    if let Some("admin") = role {
        q.and_where(Expr::col(Alias::new("hidden")).eq(true));
    }
    if limit > 100 {
        q.and_where(Expr::col(Alias::new("archived")).eq(false));
    }
    q.order_by(Alias::new(column), direction).limit(limit);
    q
}

// The seven bodies of the UI suite that decided on bound values (`lint_*`, compile errors
// before decisions were lifted), now cached with their outcome in the key.

fn is_large(x: u64) -> bool {
    x > 100
}

#[cached_query]
fn branch_through_call(limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(limit);
    if is_large(limit) {
        q.and_where(Expr::col(Alias::new("score")).gt(0));
    }
    q
}

#[cached_query]
fn copy_then_branch(level: u8) -> SelectStatement {
    let l = level;
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("log"));
    if l != 0 {
        q.and_where(Expr::col(Alias::new("level")).gte(level));
    }
    q
}

#[cached_query]
fn early_return(status: Option<&str>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if let Some("any") = status {
        return q;
    }
    q.and_where(Expr::col(Alias::new("status")).eq(status));
    q
}

#[cached_query]
fn match_guard(status: Option<&str>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match status {
        Some(s) if s == "any" => {}
        Some(s) => {
            q.and_where(Expr::col(Alias::new("status")).eq(s));
        }
        None => {}
    }
    q
}

/// Decided on and bound: the `_` arm binds the value the decision read.
#[cached_query]
fn match_then_bind(kind: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match kind {
        "draft" => q.and_where(Expr::col(Alias::new("published")).is_null()),
        _ => q.and_where(Expr::col(Alias::new("kind")).eq(kind)),
    };
    q
}

#[cached_query]
fn option_value_compared(min_age: Option<i32>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("users"));
    if let Some(age) = min_age {
        if age >= 18 {
            q.and_where(Expr::col(Alias::new("adult")).eq(true));
        }
        q.and_where(Expr::col(Alias::new("age")).gte(age));
    }
    q
}

/// Issue 19's r5, its second decision written inline: decisions through a tuple and on a
/// helper's result. (As written there, `let big = is_big(other);` is a value of type
/// `bool` computed from an argument, which the cache cannot probe: a compile error.)
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
    if is_big(other) {
        q.and_where(Expr::col(Alias::new("bigger")).is_not_null());
    }
    q
}

/// A filter struct whose fields the body decides on: each decision is lifted into the key.
#[derive(Args, Debug)]
pub struct Filter {
    pub status: String,
    pub authors: Vec<i64>,
    pub limit: Option<u64>,
}

#[cached_query]
fn by_status(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if filter.status == "any" {
        return q;
    }
    q.and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()));
    q
}

#[cached_query]
fn by_count(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if filter.authors.len() > 2 {
        q.and_where(Expr::col(Alias::new("author")).is_in(filter.authors.iter().copied()));
    }
    q
}

#[cached_query]
fn by_limit(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let Filter { limit, .. } = filter;
    if let Some(limit) = limit
        && *limit > 100
    {
        q.limit(100);
    }
    q
}

fn check<Q: cached_query::QueryArgs>(h: &cached_query::Cached<Q>, name: &str) {
    if let Err(mismatch) = cached_query_tests::check_all(h, name) {
        panic!("{mismatch}");
    }
}

#[test]
fn the_former_lint_cases_are_cached_and_correct() {
    for round in 0..3 {
        for limit in [0, 100, 101, 7000] {
            check(&branch_through_call(limit + round), "branch_through_call");
        }
        for level in [0, 1, 255] {
            check(&copy_then_branch(level), "copy_then_branch");
        }
        for status in [None, Some("any"), Some("live"), Some(""), Some("ANY")] {
            check(&early_return(status), "early_return");
            check(&match_guard(status), "match_guard");
        }
        for kind in ["draft", "post", "", "Draft"] {
            check(&match_then_bind(kind), "match_then_bind");
        }
        for age in [None, Some(17), Some(18), Some(-1), Some(99)] {
            check(&option_value_compared(age), "option_value_compared");
        }
        for (status, authors, limit) in [
            ("any", vec![], None),
            ("live", vec![1, 2, 3], Some(101)),
            ("ANY", vec![4], Some(100)),
            ("", vec![1, 2], Some(5000)),
        ] {
            let filter = Filter {
                status: status.into(),
                authors,
                limit,
            };
            check(&by_status(&filter), "by_status");
            check(&by_count(&filter), "by_count");
            check(&by_limit(&filter), "by_limit");
        }
        for limit in [100, 101, -5, 1000] {
            check(&r5(round as i64, limit, 200 - limit), "r5");
        }
    }
    let stats = cached_query::stats();
    for name in [
        "branch_through_call",
        "copy_then_branch",
        "early_return",
        "match_guard",
        "match_then_bind",
        "option_value_compared",
        "r5",
        "by_status",
        "by_count",
        "by_limit",
    ] {
        let row = stats
            .functions
            .iter()
            .find(|f| f.name == name)
            .expect("the function ran");
        assert_eq!(row.uncacheable_keys, 0, "{row:?}");
        assert!(row.hits > 0, "{row:?}");
    }
}

#[test]
fn decisions_on_computed_values_key_the_cache() {
    for round in 0..3u64 {
        for order in ["asc", "DESC", "desc", "", "Desc"] {
            for sort_by in ["title", "date", "created", "other", ""] {
                for role in [None, Some("admin"), Some("user")] {
                    for limit in [1, 100, 101, 5000] {
                        let h =
                            listing(round as i64, order, sort_by.to_owned(), role, limit + round);
                        if let Err(mismatch) = cached_query_tests::check_all(&h, "listing") {
                            panic!("{mismatch}");
                        }
                    }
                }
            }
        }
    }
    let stats = cached_query::stats();
    let row = stats
        .functions
        .iter()
        .find(|f| f.name == "listing")
        .expect("listing ran");
    assert_eq!(row.uncacheable_keys, 0, "{row:?}");
    assert!(row.hits > 500, "{row:?}");
}
