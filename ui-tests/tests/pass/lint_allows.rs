//! Every use the body analysis allows: presence tests and matches on `Option` arguments, the
//! emptiness of lists, flags and `#[shape]` values deciding freely, and plain passing of
//! bound values (`.into()`, `.clone()`, `&x`, `*x`, `.to_owned()`, `String::from`, copies,
//! tuples, elements through iterators and closures, one row per element of a list),
//! fragments passed on to builders, `#[shape]` values formatted into the SQL, positional
//! format arguments included. And `lint = false`.

use cached_query::cached_query;
use sea_query::{Alias, Cond, Expr, ExprTrait, Order, PostgresQueryBuilder, Query, SelectStatement, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Sort {
    Newest,
    Oldest,
}

#[cached_query]
#[allow(clippy::too_many_arguments)]
fn allowed(
    author: i64,
    name: &str,
    status: Option<&str>,
    licensed: Option<bool>,
    title: Option<Option<&str>>,
    tags: &[i64],
    owners: Vec<i64>,
    published: bool,
    #[shape] sort: Sort,
    #[shape] depth: u8,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let who = author;
    q.and_where(Expr::col(Alias::new("author")).eq(who));
    q.and_where(Expr::col(Alias::new("name")).eq(name.to_owned()));
    q.and_where(Expr::col(Alias::new("alias")).eq(String::from(name)));
    let (first, second) = (author, name);
    q.and_where(Expr::col(Alias::new("pair")).eq(first)).and_where(Expr::col(Alias::new("pair2")).eq(second));
    q.and_where(Expr::col(Alias::new("copy")).eq(Value::from(*&author)));
    if let Some(s) = status {
        q.and_where(Expr::col(Alias::new("status")).eq(s));
    }
    if status.is_none() && published {
        q.and_where(Expr::col(Alias::new("status")).is_null());
    }
    if status != None {
        q.and_where(Expr::col(Alias::new("checked")).eq(true));
    }
    match licensed {
        Some(true) => q.and_where(Expr::col(Alias::new("licensed")).eq(true)),
        Some(false) => q.and_where(Expr::col(Alias::new("licensed")).eq(false)),
        None => q.and_where(Expr::col(Alias::new("licensed")).is_null()),
    };
    match title {
        Some(Some(t)) => q.and_where(Expr::col(Alias::new("title")).eq(t)),
        Some(None) => q.and_where(Expr::col(Alias::new("title")).is_null()),
        None => &mut q,
    };
    if let Some(cond) = status.map(|s| Expr::col(Alias::new("status2")).eq(s)) {
        q.and_where(cond);
    }
    q.apply_if(status, |q, s| {
        q.and_where(Expr::col(Alias::new("status3")).eq(s));
    });
    if !tags.is_empty() {
        q.and_where(Expr::col(Alias::new("tag")).is_in(tags.iter().copied()));
    }
    if !owners.is_empty() {
        let ids = owners.iter().copied().collect::<Vec<_>>();
        q.cond_where(
            Cond::any()
                .add(Expr::col(Alias::new("owner")).is_in(ids))
                .add(Expr::col(Alias::new("owner")).is_in(owners.iter().map(|o| *o))),
        );
    }
    match sort {
        Sort::Newest => q.order_by(Alias::new("id"), Order::Desc),
        Sort::Oldest => q.order_by(Alias::new("id"), Order::Asc),
    };
    // Positional arguments in a format string (the macro once panicked on `{0}`).
    q.and_where(Expr::cust(format!("{0} >= {0}", depth)));
    for level in 0..depth {
        if level > 0 {
            q.and_where(Expr::col(Alias::new("parent")).is_not_null());
        }
    }
    q.limit(limit);
    q
}

fn is_large(x: u64) -> bool {
    x > 100
}

/// The run-time check still guards a function whose lint is off.
#[cached_query(lint = false)]
fn unchecked(limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post")).limit(limit);
    if is_large(limit) {
        q.and_where(Expr::col(Alias::new("score")).gt(0));
    }
    q
}

fn main() {
    for (status, tags, limit) in [(Some("live"), &[1i64, 2][..], 5u64), (None, &[][..], 7), (Some("x"), &[3][..], 9)] {
        let h = allowed(
            7,
            "ann",
            status,
            Some(true),
            Some(None),
            tags,
            vec![4, 5],
            true,
            Sort::Newest,
            2,
            limit,
        );
        assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
    }
    for limit in [5, 500, 6, 600] {
        let h = unchecked(limit);
        assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
    }
}
