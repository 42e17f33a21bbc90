//! Issue 19: raw `Value` arguments that later hold a `Value::Enum`. sea-query's Postgres
//! builder binds an enum as text followed by a cast (`$1::"mood"`), which a template learned
//! from other values does not have: such a call takes the uncached path on Postgres, and is
//! served from the template on MySQL and SQLite, which bind the enum as it is. Verification
//! is off (`verify = 0.0`), so these prove the fill, not the verifier.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::borrow::Cow;

use cached_query::{Cached, QueryArgs, cached_query};
use cached_query_tests::check_all;
use sea_query::{
    Alias, Enum, Expr, ExprTrait, OptionEnum, PostgresQueryBuilder, Query, SelectStatement, Value,
};

fn check<Q: QueryArgs>(h: &Cached<Q>, name: &str) {
    if let Err(mismatch) = check_all(h, name) {
        panic!("{mismatch}");
    }
}

fn mood(value: &'static str) -> Value {
    Value::Enum(OptionEnum::Some(Box::new(Enum {
        type_name: "mood".into(),
        value: Cow::Borrowed(value),
    })))
}

fn no_mood() -> Value {
    Value::Enum(OptionEnum::None("mood".into()))
}

#[cached_query(verify = 0.0)]
fn r7(v: Value) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("mood")).eq(v))
        .to_owned()
}

#[test]
fn raw_value_then_enum() {
    check(&r7(5i64.into()), "r7");
    check(&r7(mood("happy")), "r7");
    check(&r7(no_mood()), "r7");
    check(&r7(6i64.into()), "r7");
    check(&r7("text".into()), "r7");
    let (sql, _) = r7(mood("sad")).build(PostgresQueryBuilder);
    assert_eq!(sql, r#"SELECT "id" FROM "t" WHERE "mood" = $1::"mood""#);
}

#[cached_query(verify = 0.0)]
fn moods(a: i64, vs: Vec<Value>) -> SelectStatement {
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .to_owned();
    if !vs.is_empty() {
        q.and_where(Expr::col(Alias::new("mood")).is_in(vs));
    }
    q
}

#[test]
fn list_of_values_then_enums() {
    check(&moods(1, vec![1i64.into(), 2i64.into()]), "moods");
    check(&moods(2, vec![mood("happy"), mood("sad")]), "moods");
    check(&moods(3, vec![3i64.into(), mood("happy")]), "moods");
    check(
        &moods(4, vec![mood("ok"), mood("happy"), mood("sad")]),
        "moods",
    );
    check(&moods(5, vec![mood("ok")]), "moods");
    check(&moods(6, vec![7i64.into()]), "moods");
}

#[cached_query(verify = 0.0)]
fn maybe_mood(id: i64, v: Option<Value>) -> SelectStatement {
    let mut q = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    if let Some(v) = v {
        q.and_where(Expr::col(Alias::new("mood")).eq(v));
    }
    q
}

#[test]
fn optional_value_then_enum() {
    check(&maybe_mood(1, Some(5i64.into())), "maybe_mood");
    check(&maybe_mood(2, Some(mood("happy"))), "maybe_mood");
    check(&maybe_mood(3, Some(no_mood())), "maybe_mood");
    check(&maybe_mood(4, None), "maybe_mood");
    check(&maybe_mood(5, Some(8i64.into())), "maybe_mood");
}

/// A first call with an enum learns nothing wrong either: the real call does not match the
/// template learned from the probes, and the shape is served uncached.
#[cached_query(verify = 0.0)]
fn enum_first(v: Value) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("mood")).eq(v))
        .to_owned()
}

#[test]
fn enum_first_then_values() {
    check(&enum_first(mood("happy")), "enum_first");
    check(&enum_first(5i64.into()), "enum_first");
    check(&enum_first(mood("sad")), "enum_first");
}
