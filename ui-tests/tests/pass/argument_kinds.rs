//! Every argument kind, and every statement kind.
use cached_query::cached_query;
use sea_query::{
    Alias, CommonTableExpression, DeleteStatement, Expr, ExprTrait, InsertStatement, Order, Query, SelectStatement,
    SqliteQueryBuilder, UpdateStatement, WithClause, WithQuery,
};
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Sort {
    Id,
    Name,
}

#[cached_query]
#[allow(clippy::too_many_arguments)]
fn every_kind<'a>(
    id: i64,
    name: &str,
    owned: String,
    cow: Cow<'a, str>,
    maybe: Option<i32>,
    nested: Option<Option<&'a str>>,
    flag: bool,
    maybe_flag: Option<bool>,
    slice: &[i64],
    vec: Vec<u32>,
    ref_vec: &Vec<String>,
    array: [i16; 2],
    ref_array: &[f64; 3],
    maybe_list: Option<&[i64]>,
    bytes: Vec<u8>,
    #[shape] sort: Sort,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .and_where(Expr::col(Alias::new("name")).eq(name))
        .and_where(Expr::col(Alias::new("owned")).eq(owned))
        .and_where(Expr::col(Alias::new("cow")).eq(cow))
        .and_where(Expr::col(Alias::new("bytes")).eq(bytes))
        .and_where(Expr::col(Alias::new("a")).is_in(array))
        .and_where(Expr::col(Alias::new("r")).is_in(ref_array.iter().copied()))
        .and_where(Expr::col(Alias::new("v")).is_in(vec))
        .and_where(Expr::col(Alias::new("rv")).is_in(ref_vec.iter().cloned()));
    if let Some(m) = maybe {
        q.and_where(Expr::col(Alias::new("m")).eq(m));
    }
    if let Some(Some(n)) = nested {
        q.and_where(Expr::col(Alias::new("n")).eq(n));
    }
    if flag || maybe_flag == Some(true) {
        q.and_where(Expr::col(Alias::new("f")).eq(true));
    }
    if !slice.is_empty() {
        q.and_where(Expr::col(Alias::new("s")).is_in(slice.iter().copied()));
    }
    if let Some(list) = maybe_list {
        q.and_where(Expr::col(Alias::new("l")).is_not_in(list.iter().copied()));
    }
    match sort {
        Sort::Id => q.order_by(Alias::new("id"), Order::Asc),
        Sort::Name => q.order_by(Alias::new("name"), Order::Desc),
    };
    q
}

#[cached_query]
fn insert(id: i64) -> InsertStatement {
    Query::insert().into_table(Alias::new("t")).columns([Alias::new("id")])
        .values_panic([id.into()]).to_owned()
}

#[cached_query]
fn update(id: i64, name: &str) -> UpdateStatement {
    Query::update().table(Alias::new("t")).value(Alias::new("name"), name)
        .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
}

/// A `#[shape]` argument may be a `&'static str`: it owns nothing but lives forever.
#[cached_query]
fn from_table(#[shape] table: &'static str, id: i64) -> SelectStatement {
    Query::select().column(Alias::new("id")).from(Alias::new(table))
        .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
}

#[cached_query]
fn delete(ids: &[i64]) -> DeleteStatement {
    Query::delete().from_table(Alias::new("t"))
        .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())).to_owned()
}

#[cached_query]
fn with_query(id: i64) -> WithQuery {
    let cte = CommonTableExpression::new()
        .query(Query::select().column(Alias::new("id")).from(Alias::new("t")).to_owned())
        .table_name(Alias::new("c"))
        .to_owned();
    Query::select().column(Alias::new("id")).from(Alias::new("c"))
        .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
        .with(WithClause::new().cte(cte).to_owned())
}

fn main() {
    let names = vec!["x".to_owned()];
    let h = every_kind(
        1, "a", "b".into(), Cow::Borrowed("c"), Some(2), Some(Some("d")), true, None, &[1],
        vec![2], &names, [1, 2], &[0.5, 1.5, 2.5], Some(&[3]), vec![0, 1], Sort::Name,
    );
    assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
    let _ = insert(1).build(SqliteQueryBuilder);
    let _ = update(1, "x").build(SqliteQueryBuilder);
    let _ = delete(&[1, 2]).build(SqliteQueryBuilder);
    for table in ["a", "b", "a"] {
        let h = from_table(table, 7);
        assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
    }
    let _ = with_query(1).build_shared(SqliteQueryBuilder);
}
