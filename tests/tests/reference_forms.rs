//! Every reference form of a supported argument type (issue 21): `&u32`, `&u64`, `&bool`, `&String`,
//! `&Option<String>`, `Option<&String>`, `&[&str]`, `Cow<str>` (its lifetime left out), `&i64`, `&Vec<String>`. Each
//! compiles as written, keys what its referent keys, binds what its referent binds, and
//! equals sea-query's output on every backend, after other shapes and lengths have warmed
//! the cache; and hits are served from the cache.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::borrow::Cow;

use cached_query::{Cached, QueryArgs, cached_query};
use cached_query_tests::check_all;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

fn check<Q: QueryArgs>(h: &Cached<Q>) {
    if let Err(mismatch) = check_all(h, "refs") {
        panic!("{mismatch}");
    }
}

#[cached_query]
#[allow(clippy::too_many_arguments, clippy::ptr_arg, clippy::ref_option)]
fn refs(
    age: &u32,
    limit: &u64,
    deleted: &bool,
    name: &String,
    nick: &Option<String>,
    city: Option<&String>,
    tags: &[&str],
    note: Cow<str>,
    owner: &i64,
    labels: &Vec<String>,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("users"))
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .and_where(Expr::col(Alias::new("age")).gte(*age))
        .and_where(Expr::col(Alias::new("owner")).eq(*owner))
        .and_where(Expr::col(Alias::new("note")).eq(note));
    if *deleted {
        q.and_where(Expr::col(Alias::new("deleted_at")).is_not_null());
    }
    if let Some(nick) = nick {
        q.and_where(Expr::col(Alias::new("nick")).eq(nick));
    }
    if let Some(city) = city {
        q.and_where(Expr::col(Alias::new("city")).eq(city));
    }
    if !tags.is_empty() {
        q.and_where(Expr::col(Alias::new("tag")).is_in(tags.iter().copied()));
    }
    if !labels.is_empty() {
        q.and_where(Expr::col(Alias::new("label")).is_in(labels.iter().cloned()));
    }
    q.limit(*limit);
    q
}

#[test]
fn every_reference_form_matches_sea_query_and_is_served_from_the_cache() {
    let names = ["ann", "O'Brien", "", "Zoë"];
    let nicks = [None, Some("x".to_owned()), Some(String::new())];
    let cities = [None, Some("Oslo".to_owned())];
    let tag_lists: [&[&str]; 4] = [&[], &["a"], &["a", "b", "c"], &["d", "e"]];
    let label_lists = [
        vec![],
        vec!["l1".to_owned()],
        vec!["l1".to_owned(), "l2".to_owned()],
    ];
    let mut calls = 0u32;
    for (i, name) in names.iter().enumerate() {
        for nick in &nicks {
            for city in &cities {
                for (t, tags) in tag_lists.iter().enumerate() {
                    let name = (*name).to_owned();
                    let limit = 10 + u64::try_from(i + t).unwrap();
                    let age = 18 + u32::try_from(i).unwrap();
                    let deleted = (i + t) % 2 == 0;
                    let owner = 7 - i64::try_from(t).unwrap();
                    let labels = &label_lists[(i + t) % label_lists.len()];
                    let note = if t % 2 == 0 {
                        Cow::Borrowed("borrowed")
                    } else {
                        Cow::Owned(format!("owned {t}"))
                    };
                    let h = refs(
                        &age,
                        &limit,
                        &deleted,
                        &name,
                        nick,
                        city.as_ref(),
                        tags,
                        note,
                        &owner,
                        labels,
                    );
                    check(&h);
                    calls += 1;
                }
            }
        }
    }
    let stats = cached_query::stats();
    let refs = stats
        .functions
        .iter()
        .find(|f| f.name == "refs")
        .expect("refs has stats");
    assert!(
        refs.hits > u64::from(calls),
        "{calls} calls x 6 builds, only {} hits: {refs:?}",
        refs.hits
    );
    assert_eq!(refs.uncached_calls, 0, "{refs:?}");
}

/// A sort enum of the application's (`Hash` for `#[shape]`), and sea-query's `Order`
/// (which is not `Hash`), both taken by reference and marked `#[shape]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Sort {
    Name,
    Age,
    Custom(&'static str),
}

#[cached_query]
fn shapes_by_ref(
    #[shape] sort: &Sort,
    #[shape] order: &sea_query::Order,
    limit: u64,
) -> SelectStatement {
    let column = match sort {
        Sort::Name => "name",
        Sort::Age => "age",
        Sort::Custom(column) => column,
    };
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("users"))
        .order_by(Alias::new(column), order.clone())
        .limit(limit);
    q
}

#[test]
fn shape_arguments_by_reference_key_their_value() {
    let sorts = [
        Sort::Name,
        Sort::Age,
        Sort::Custom("city"),
        Sort::Custom("zip"),
    ];
    for round in 0..3u64 {
        for sort in &sorts {
            for order in [sea_query::Order::Asc, sea_query::Order::Desc] {
                let h = shapes_by_ref(sort, &order, round + 1);
                if let Err(mismatch) = check_all(&h, "shapes_by_ref") {
                    panic!("{mismatch}");
                }
            }
        }
    }
    cached_query_tests::check::assert_served(&["shapes_by_ref"], 40);
}
