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
/// helper's result.
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

/// Issue 19's r5 as written there: a test bound to a name (`let big = is_big(other)`),
/// then decided on; with tests on strings and options bound the same way.
#[cached_query]
fn r5_as_written(
    a: i64,
    limit: i64,
    other: i64,
    order: &str,
    role: Option<&str>,
) -> SelectStatement {
    let (lim, _) = (limit, 0);
    let big = is_big(other);
    let admin = role == Some("admin");
    let desc: bool = order.eq_ignore_ascii_case("desc");
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .to_owned();
    if lim > 100 {
        q.and_where(Expr::col(Alias::new("big")).is_not_null());
    }
    if big && !admin {
        q.and_where(Expr::col(Alias::new("bigger")).is_not_null());
    }
    let direction = if desc { Order::Desc } else { Order::Asc };
    q.order_by(Alias::new("id"), direction);
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

use cached_query_tests::check::{assert_same as check, assert_served};

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
            for (order, role) in [
                ("desc", None),
                ("ASC", Some("admin")),
                ("Desc", Some("user")),
            ] {
                let h = r5_as_written(round as i64, limit, 200 - limit, order, role);
                check(&h, "r5_as_written");
            }
        }
    }
    assert_served(
        &[
            "branch_through_call",
            "copy_then_branch",
            "early_return",
            "match_guard",
            "match_then_bind",
            "option_value_compared",
            "r5",
            "r5_as_written",
            "by_status",
            "by_count",
            "by_limit",
        ],
        1,
    );
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
                        check(&h, "listing");
                    }
                }
            }
        }
    }
    assert_served(&["listing"], 501);
}

/// 64 key bits of its own (no room for decisions): the key is the flags', unshifted.
#[cached_query]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn sixty_four_flags(
    b0: bool,
    b1: bool,
    b2: bool,
    b3: bool,
    b4: bool,
    b5: bool,
    b6: bool,
    b7: bool,
    b8: bool,
    b9: bool,
    b10: bool,
    b11: bool,
    b12: bool,
    b13: bool,
    b14: bool,
    b15: bool,
    b16: bool,
    b17: bool,
    b18: bool,
    b19: bool,
    b20: bool,
    b21: bool,
    b22: bool,
    b23: bool,
    b24: bool,
    b25: bool,
    b26: bool,
    b27: bool,
    b28: bool,
    b29: bool,
    b30: bool,
    b31: bool,
    b32: bool,
    b33: bool,
    b34: bool,
    b35: bool,
    b36: bool,
    b37: bool,
    b38: bool,
    b39: bool,
    b40: bool,
    b41: bool,
    b42: bool,
    b43: bool,
    b44: bool,
    b45: bool,
    b46: bool,
    b47: bool,
    b48: bool,
    b49: bool,
    b50: bool,
    b51: bool,
    b52: bool,
    b53: bool,
    b54: bool,
    b55: bool,
    b56: bool,
    b57: bool,
    b58: bool,
    b59: bool,
    b60: bool,
    b61: bool,
    b62: bool,
    b63: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    if b0 {
        q.and_where(Expr::col(Alias::new("c0")).eq(0));
    }
    if b1 {
        q.and_where(Expr::col(Alias::new("c1")).eq(1));
    }
    if b2 {
        q.and_where(Expr::col(Alias::new("c2")).eq(2));
    }
    if b3 {
        q.and_where(Expr::col(Alias::new("c3")).eq(3));
    }
    if b4 {
        q.and_where(Expr::col(Alias::new("c4")).eq(4));
    }
    if b5 {
        q.and_where(Expr::col(Alias::new("c5")).eq(5));
    }
    if b6 {
        q.and_where(Expr::col(Alias::new("c6")).eq(6));
    }
    if b7 {
        q.and_where(Expr::col(Alias::new("c7")).eq(7));
    }
    if b8 {
        q.and_where(Expr::col(Alias::new("c8")).eq(8));
    }
    if b9 {
        q.and_where(Expr::col(Alias::new("c9")).eq(9));
    }
    if b10 {
        q.and_where(Expr::col(Alias::new("c10")).eq(10));
    }
    if b11 {
        q.and_where(Expr::col(Alias::new("c11")).eq(11));
    }
    if b12 {
        q.and_where(Expr::col(Alias::new("c12")).eq(12));
    }
    if b13 {
        q.and_where(Expr::col(Alias::new("c13")).eq(13));
    }
    if b14 {
        q.and_where(Expr::col(Alias::new("c14")).eq(14));
    }
    if b15 {
        q.and_where(Expr::col(Alias::new("c15")).eq(15));
    }
    if b16 {
        q.and_where(Expr::col(Alias::new("c16")).eq(16));
    }
    if b17 {
        q.and_where(Expr::col(Alias::new("c17")).eq(17));
    }
    if b18 {
        q.and_where(Expr::col(Alias::new("c18")).eq(18));
    }
    if b19 {
        q.and_where(Expr::col(Alias::new("c19")).eq(19));
    }
    if b20 {
        q.and_where(Expr::col(Alias::new("c20")).eq(20));
    }
    if b21 {
        q.and_where(Expr::col(Alias::new("c21")).eq(21));
    }
    if b22 {
        q.and_where(Expr::col(Alias::new("c22")).eq(22));
    }
    if b23 {
        q.and_where(Expr::col(Alias::new("c23")).eq(23));
    }
    if b24 {
        q.and_where(Expr::col(Alias::new("c24")).eq(24));
    }
    if b25 {
        q.and_where(Expr::col(Alias::new("c25")).eq(25));
    }
    if b26 {
        q.and_where(Expr::col(Alias::new("c26")).eq(26));
    }
    if b27 {
        q.and_where(Expr::col(Alias::new("c27")).eq(27));
    }
    if b28 {
        q.and_where(Expr::col(Alias::new("c28")).eq(28));
    }
    if b29 {
        q.and_where(Expr::col(Alias::new("c29")).eq(29));
    }
    if b30 {
        q.and_where(Expr::col(Alias::new("c30")).eq(30));
    }
    if b31 {
        q.and_where(Expr::col(Alias::new("c31")).eq(31));
    }
    if b32 {
        q.and_where(Expr::col(Alias::new("c32")).eq(32));
    }
    if b33 {
        q.and_where(Expr::col(Alias::new("c33")).eq(33));
    }
    if b34 {
        q.and_where(Expr::col(Alias::new("c34")).eq(34));
    }
    if b35 {
        q.and_where(Expr::col(Alias::new("c35")).eq(35));
    }
    if b36 {
        q.and_where(Expr::col(Alias::new("c36")).eq(36));
    }
    if b37 {
        q.and_where(Expr::col(Alias::new("c37")).eq(37));
    }
    if b38 {
        q.and_where(Expr::col(Alias::new("c38")).eq(38));
    }
    if b39 {
        q.and_where(Expr::col(Alias::new("c39")).eq(39));
    }
    if b40 {
        q.and_where(Expr::col(Alias::new("c40")).eq(40));
    }
    if b41 {
        q.and_where(Expr::col(Alias::new("c41")).eq(41));
    }
    if b42 {
        q.and_where(Expr::col(Alias::new("c42")).eq(42));
    }
    if b43 {
        q.and_where(Expr::col(Alias::new("c43")).eq(43));
    }
    if b44 {
        q.and_where(Expr::col(Alias::new("c44")).eq(44));
    }
    if b45 {
        q.and_where(Expr::col(Alias::new("c45")).eq(45));
    }
    if b46 {
        q.and_where(Expr::col(Alias::new("c46")).eq(46));
    }
    if b47 {
        q.and_where(Expr::col(Alias::new("c47")).eq(47));
    }
    if b48 {
        q.and_where(Expr::col(Alias::new("c48")).eq(48));
    }
    if b49 {
        q.and_where(Expr::col(Alias::new("c49")).eq(49));
    }
    if b50 {
        q.and_where(Expr::col(Alias::new("c50")).eq(50));
    }
    if b51 {
        q.and_where(Expr::col(Alias::new("c51")).eq(51));
    }
    if b52 {
        q.and_where(Expr::col(Alias::new("c52")).eq(52));
    }
    if b53 {
        q.and_where(Expr::col(Alias::new("c53")).eq(53));
    }
    if b54 {
        q.and_where(Expr::col(Alias::new("c54")).eq(54));
    }
    if b55 {
        q.and_where(Expr::col(Alias::new("c55")).eq(55));
    }
    if b56 {
        q.and_where(Expr::col(Alias::new("c56")).eq(56));
    }
    if b57 {
        q.and_where(Expr::col(Alias::new("c57")).eq(57));
    }
    if b58 {
        q.and_where(Expr::col(Alias::new("c58")).eq(58));
    }
    if b59 {
        q.and_where(Expr::col(Alias::new("c59")).eq(59));
    }
    if b60 {
        q.and_where(Expr::col(Alias::new("c60")).eq(60));
    }
    if b61 {
        q.and_where(Expr::col(Alias::new("c61")).eq(61));
    }
    if b62 {
        q.and_where(Expr::col(Alias::new("c62")).eq(62));
    }
    if b63 {
        q.and_where(Expr::col(Alias::new("c63")).eq(63));
    }
    q
}

#[test]
fn a_function_with_64_key_bits_is_cached() {
    for i in 0..4u32 {
        let h = sixty_four_flags(
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
            i % 2 == 0,
            i % 3 == 0,
        );
        check(&h, "sixty_four_flags");
    }
}

/// A kind of document with an optional seal, as applications write one: a method that
/// returns an `Option`, no `Hash`.
#[derive(Clone, Copy, Debug)]
pub enum DocKind {
    Draft,
    Signed,
    Notarised,
}

impl DocKind {
    fn seal(self) -> Option<&'static str> {
        match self {
            DocKind::Draft => None,
            DocKind::Signed => Some("signature"),
            DocKind::Notarised => Some("notary"),
        }
    }
}

/// `if let` patterns that bind what they test: the test joins the key, the bound names
/// are recomputed where they are bound and decided on.
#[cached_query]
fn sealed(owner: i64, kind: DocKind, limit: Option<u64>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("docs"))
        .and_where(Expr::col(Alias::new("owner")).eq(owner));
    if let Some(seal) = kind.seal() {
        q.and_where(Expr::col(Alias::new("seal")).eq(seal));
        if seal.len() > 6 {
            q.and_where(Expr::col(Alias::new("long_seal")).eq(true));
        }
    }
    if let Some(100..) = limit {
        q.limit(100);
    } else if let Some(n) = limit {
        q.limit(n);
    }
    q
}

#[test]
fn if_let_bindings_on_computed_values_are_lifted() {
    for round in 0..3 {
        for kind in [DocKind::Draft, DocKind::Signed, DocKind::Notarised] {
            for limit in [None, Some(0), Some(1), Some(100), Some(101)] {
                check(
                    &sealed(round, kind, limit.map(|l| l + round as u64)),
                    "sealed",
                );
            }
        }
    }
    assert_served(&["sealed"], 20);
}

/// Search by number or by text, as search endpoints write it: `if let Ok(n) = parse()` on a
/// `String` argument read only where it is recomputed.
#[cached_query]
fn search_number(term: String, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("issue"));
    if let Ok(number) = term.trim().parse::<i64>() {
        q.and_where(Expr::col(Alias::new("number")).eq(number));
    } else {
        q.and_where(Expr::col(Alias::new("title")).like(format!("%{}%", term.trim())));
    }
    q.limit(limit);
    q
}

#[test]
fn if_let_on_a_parsed_argument_is_lifted() {
    for round in 0..3u64 {
        for term in ["42", " 7 ", "abc", "", "12x", "-3"] {
            check(&search_number(term.to_owned(), 10 + round), "search_number");
        }
    }
    assert_served(&["search_number"], 10);
}
