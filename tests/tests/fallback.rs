//! Bodies the cache cannot prove safe: values written into the SQL text, values computed
//! from arguments, branches on bound values, panics on probe values. Each must return
//! exactly sea-query's output, on the first call and on every later one, and the fallback
//! must be visible: in `cached_query::statistics::uncacheable()`, in the stats, and as one warning.
//!
//! Every one of these bodies is also rejected at compile time by the body analysis (a
//! bound value formatted into text, written as the `ESCAPE` character, passed to a helper,
//! collected into a `Values` for `Order::Field`, decided on); they turn it off with
//! `lint = false` to test the run-time check behind it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::io::Write;
use std::sync::{Arc, Mutex};

use cached_query::{Uncacheable, cached_query};
use cached_query_tests::check_all;
use cached_query_tests::schema::Post;
use sea_query::{Expr, ExprTrait, LikeExpr, Order, Query, SelectStatement, Value, Values};

#[cached_query(lint = false)]
fn custom_sql(name: &str) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::cust(format!("title = '{name}'")))
        .to_owned()
}

#[cached_query(lint = false)]
fn escape_from_argument(pattern: &str, escape: char) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Title).like(LikeExpr::new(pattern).escape(escape)))
        .to_owned()
}

#[cached_query(lint = false)]
fn derived_pattern(word: &str) -> SelectStatement {
    // A helper computes the pattern: the analysis rejects it; the probe finds it too.
    fn contains(w: &str) -> String {
        format!("%{w}%")
    }
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Title).like(contains(word)))
        .to_owned()
}

#[cached_query(lint = false)]
fn field_order(ids: &[i64]) -> SelectStatement {
    let values = Values(ids.iter().map(|&i| Value::from(i)).collect());
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .order_by(Post::Id, Order::Field(values))
        .to_owned()
}

fn twice(x: u64) -> u64 {
    x.wrapping_mul(2)
}

#[cached_query(lint = false)]
fn doubled_limit(limit: u64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .limit(twice(limit))
        .to_owned()
}

fn is_large(x: u64) -> bool {
    x > 100
}

#[cached_query(lint = false)]
fn branch_on_value(limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    if is_large(limit) {
        q.and_where(Expr::col(Post::Score).gt(0));
    }
    q.limit(limit);
    q
}

fn first(ids: &[i64]) -> i64 {
    ids.first().copied().unwrap_or_default()
}

#[cached_query(lint = false)]
fn first_element(ids: &[i64]) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(first(ids)))
        .to_owned()
}

fn parse(s: &str) -> i64 {
    match s.parse() {
        Ok(n) => n,
        Err(_) => panic!("not a number: {s}"),
    }
}

#[cached_query(lint = false)]
fn parses_argument(id: &str) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(parse(id)))
        .to_owned()
}

/// Collects formatted tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with a subscriber and returns what it logged.
fn logged(f: impl FnOnce()) -> String {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Checks a function's calls against sea-query and returns its recorded reasons.
fn assert_falls_back(name: &str, calls: impl Fn(usize)) -> Vec<Uncacheable> {
    let log = logged(|| calls(0));
    for round in 1..4 {
        calls(round);
    }
    let reasons: Vec<Uncacheable> = cached_query::statistics::uncacheable()
        .into_iter()
        .filter(|s| s.name == name)
        .map(|s| s.reason)
        .collect();
    assert!(!reasons.is_empty(), "`{name}` was cached");
    assert_eq!(
        log.matches("shape is uncacheable").count(),
        3,
        "one warning per backend for `{name}`:\n{log}"
    );
    assert!(log.contains(name), "{log}");
    let row = cached_query::stats().function(name).cloned().unwrap();
    assert_eq!(row.hits, 0, "`{name}` must never be served from a template");
    assert!(row.uncached_calls >= 9, "{row:?}");
    reasons
}

fn ok<T>(r: Result<(), Box<T>>)
where
    T: std::fmt::Display,
{
    if let Err(m) = r {
        panic!("{m}");
    }
}

#[test]
fn values_written_into_the_text() {
    let names = ["ann", "bob", "o'hara", "chloé"];
    let reasons = assert_falls_back("custom_sql", |i| {
        ok(check_all(&custom_sql(names[i]), "custom_sql"))
    });
    assert!(
        reasons
            .iter()
            .all(|r| matches!(r, Uncacheable::TextDiffers { .. })),
        "{reasons:?}"
    );
}

#[test]
fn like_escape_from_an_argument() {
    let escapes = ['\\', '!', '#', '~'];
    let reasons = assert_falls_back("escape_from_argument", |i| {
        ok(check_all(
            &escape_from_argument("50!%", escapes[i]),
            "escape_from_argument",
        ))
    });
    assert!(
        reasons
            .iter()
            .all(|r| matches!(r, Uncacheable::TextDiffers { .. })),
        "{reasons:?}"
    );
}

#[test]
fn values_derived_from_an_argument() {
    let words = ["a", "rust", "", "%"];
    let reasons = assert_falls_back("derived_pattern", |i| {
        ok(check_all(&derived_pattern(words[i]), "derived_pattern"))
    });
    assert!(
        reasons
            .iter()
            .all(|r| matches!(r, Uncacheable::ValueDiffers { .. })),
        "{reasons:?}"
    );

    assert_falls_back("doubled_limit", |i| {
        ok(check_all(&doubled_limit(i as u64 * 7), "doubled_limit"))
    });
}

#[test]
fn order_by_field_inlines_values() {
    let lists: [&[i64]; 4] = [&[3, 1, 2], &[5], &[9, 8], &[1, 2, 3, 4]];
    let reasons = assert_falls_back("field_order", |i| {
        ok(check_all(&field_order(lists[i]), "field_order"))
    });
    assert!(!reasons.is_empty());
}

#[test]
fn branches_on_a_bound_value_are_caught_on_either_side() {
    // The first call takes the "large" branch, like the sentinels; the edge-value probe
    // takes the other one and exposes the branch.
    let limits = [500, 20, 101, 100];
    assert_falls_back("branch_on_value", |i| {
        ok(check_all(&branch_on_value(limits[i]), "branch_on_value"))
    });
}

#[test]
fn a_list_element_used_alone() {
    let lists: [&[i64]; 4] = [&[3, 1], &[5], &[9, 8, 7], &[4]];
    let reasons = assert_falls_back("first_element", |i| {
        ok(check_all(&first_element(lists[i]), "first_element"))
    });
    assert!(!reasons.is_empty());
}

#[test]
fn a_body_that_panics_on_probe_values() {
    let ids = ["1", "42", "-7", "0"];
    let reasons = assert_falls_back("parses_argument", |i| {
        ok(check_all(&parses_argument(ids[i]), "parses_argument"))
    });
    assert!(
        reasons.iter().all(|r| matches!(r, Uncacheable::ProbePanicked { message } if message.contains("not a number"))),
        "{reasons:?}"
    );
}
