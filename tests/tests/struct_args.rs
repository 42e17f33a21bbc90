//! Structs as arguments (`#[derive(cached_query::Args)]`) and tuple arguments.

use cached_query::{Args, cached_query};
use sea_query::{
    Alias, Expr, ExprTrait, MysqlQueryBuilder, Order, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder,
};

#[derive(Args, Clone, Debug)]
pub struct Range {
    pub from: i64,
    pub to: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sort {
    Newest,
    Title,
}

#[derive(Args, Clone, Debug)]
pub struct Filter {
    pub search: Option<String>,
    pub authors: Vec<i64>,
    pub published: bool,
    #[shape]
    pub sort: Sort,
    pub range: Option<Range>,
    pub status: String,
}

#[cached_query]
fn posts(filter: &Filter, cursor: Option<(i64, i64)>, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("posts"));
    q.and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()));
    if let Some(search) = &filter.search {
        q.and_where(Expr::col(Alias::new("title")).like(search.as_str()));
    }
    if !filter.authors.is_empty() {
        q.and_where(Expr::col(Alias::new("author")).is_in(filter.authors.iter().copied()));
    }
    if filter.published {
        q.and_where(Expr::col(Alias::new("published_at")).is_not_null());
    }
    if let Some(range) = &filter.range {
        q.and_where(Expr::col(Alias::new("id")).gte(range.from));
        if let Some(to) = range.to {
            q.and_where(Expr::col(Alias::new("id")).lt(to));
        }
    }
    if let Some((at, id)) = cursor {
        q.and_where(Expr::col(Alias::new("created")).lt(at));
        q.and_where(Expr::col(Alias::new("id")).lt(id));
    }
    match filter.sort {
        Sort::Newest => q.order_by(Alias::new("id"), Order::Desc),
        Sort::Title => q.order_by(Alias::new("title"), Order::Asc),
    };
    q.limit(limit);
    q
}

#[test]
fn struct_arguments_build_what_sea_query_builds() {
    let filter = Filter {
        search: Some("%rust%".into()),
        authors: vec![1, 2, 3],
        published: true,
        sort: Sort::Title,
        range: Some(Range {
            from: 5,
            to: Some(9),
        }),
        status: "live".into(),
    };
    for _ in 0..3 {
        let h = posts(&filter, Some((10, 20)), 5);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
        assert_eq!(
            h.build(MysqlQueryBuilder),
            h.statement().build(MysqlQueryBuilder)
        );
        assert_eq!(
            h.build(SqliteQueryBuilder),
            h.statement().build(SqliteQueryBuilder)
        );
    }
}
