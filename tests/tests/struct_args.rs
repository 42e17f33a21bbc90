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

/// The README's second example, as written there (its items are `pub` there).
#[allow(unreachable_pub)]
mod readme {
    use cached_query::{Args, cached_query};
    use sea_query::{
        Expr, ExprTrait, Iden, LikeExpr, Order, Query, SelectStatement, SqliteQueryBuilder,
    };

    #[derive(Iden)]
    enum Post {
        Table,
        Id,
        Title,
        Author,
        Score,
        PublishedAt,
    }

    const MAX_PAGE: u64 = 100;

    #[derive(Clone, Copy)]
    pub enum Sort {
        Newest,
        Best,
    }

    #[derive(Args)]
    pub struct PostFilter {
        pub search: Option<String>, // words to find in the title
        pub authors: Vec<i64>,
        pub published: bool,
        pub sort: Sort,
    }

    #[cached_query]
    pub fn list_posts(
        filter: &PostFilter,
        after: Option<(i64, i64)>,
        limit: u64,
    ) -> SelectStatement {
        let mut q = Query::select();
        q.columns([Post::Id, Post::Title]).from(Post::Table);
        if let Some(words) = &filter.search {
            let pattern = format!("%{}%", words.replace('%', "\\%"));
            q.and_where(Expr::col(Post::Title).like(LikeExpr::new(pattern).escape('\\')));
        }
        if !filter.authors.is_empty() {
            q.and_where(Expr::col(Post::Author).is_in(filter.authors.iter().copied()));
        }
        if filter.published {
            q.and_where(Expr::col(Post::PublishedAt).is_not_null());
        }
        if let Some((score, id)) = after {
            q.and_where(Expr::col(Post::Score).lt(score))
                .and_where(Expr::col(Post::Id).lt(id));
        }
        match filter.sort {
            Sort::Newest => q.order_by(Post::Id, Order::Desc),
            Sort::Best => q.order_by(Post::Score, Order::Desc),
        };
        q.limit(std::cmp::min(limit, MAX_PAGE));
        q
    }

    #[test]
    fn the_readme_filter_example_builds_what_sea_query_builds() {
        for (words, limit) in [("rust", 20), ("50%", 500), ("", 0), ("go", 100)] {
            let filter = PostFilter {
                search: Some(words.into()),
                authors: vec![1, 2],
                published: true,
                sort: Sort::Best,
            };
            let (sql, values) = list_posts(&filter, None, limit).build(SqliteQueryBuilder);
            assert_eq!(
                (sql, values),
                list_posts(&filter, None, limit)
                    .statement()
                    .build(SqliteQueryBuilder)
            );
        }
        for sort in [Sort::Newest, Sort::Best] {
            let filter = PostFilter {
                search: None,
                authors: Vec::new(),
                published: false,
                sort,
            };
            let h = list_posts(&filter, Some((3, 4)), 5);
            assert_eq!(
                h.build(SqliteQueryBuilder),
                h.statement().build(SqliteQueryBuilder)
            );
        }
    }
}

/// More forms of struct arguments: by value, an `Option` of one, a tuple struct, an
/// `Option` of a list, `Option<bool>`, `unwrap_or` on an optional field, a `&str` taken
/// from a `String` field.
mod forms {
    use cached_query::{Args, cached_query};
    use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

    #[derive(Args, Clone, Debug)]
    pub(crate) struct Page {
        pub(crate) limit: Option<u64>,
        pub(crate) offset: u64,
    }

    #[derive(Args, Clone, Debug)]
    pub(crate) struct Author(pub(crate) i64, pub(crate) Option<String>);

    #[derive(Args, Clone, Debug)]
    pub(crate) struct Filter {
        pub(crate) ids: Option<Vec<i64>>,
        pub(crate) archived: Option<bool>,
        pub(crate) name: String,
        pub(crate) author: Option<Author>,
    }

    #[cached_query]
    fn listing(filter: Filter, page: Option<&Page>) -> SelectStatement {
        let mut q = Query::select();
        q.column(Alias::new("id")).from(Alias::new("items"));
        q.and_where(Expr::col(Alias::new("name")).eq(filter.name.as_str()));
        if let Some(ids) = &filter.ids
            && !ids.is_empty()
        {
            q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
        }
        if filter.archived == Some(true) {
            q.and_where(Expr::col(Alias::new("archived_at")).is_not_null());
        }
        if let Some(author) = &filter.author {
            q.and_where(Expr::col(Alias::new("author")).eq(author.0));
            if let Some(name) = &author.1 {
                q.and_where(Expr::col(Alias::new("author_name")).eq(name.clone()));
            }
        }
        if let Some(page) = page {
            q.limit(page.limit.unwrap_or(20)).offset(page.offset);
        }
        q
    }

    #[test]
    fn every_form_builds_what_sea_query_builds() {
        let authors = [
            None,
            Some(Author(3, None)),
            Some(Author(4, Some("ann".into()))),
        ];
        let pages = [
            None,
            Some(Page {
                limit: None,
                offset: 5,
            }),
            Some(Page {
                limit: Some(7),
                offset: 0,
            }),
        ];
        for round in 0..2i64 {
            for ids in [None, Some(vec![]), Some(vec![1, 2, 3 + round])] {
                for archived in [None, Some(false), Some(true)] {
                    for author in &authors {
                        for page in &pages {
                            let filter = Filter {
                                ids: ids.clone(),
                                archived,
                                name: format!("n{round}"),
                                author: author.clone(),
                            };
                            let h = listing(filter, page.as_ref());
                            if let Err(mismatch) = cached_query_tests::check_all(&h, "listing") {
                                panic!("{mismatch}");
                            }
                        }
                    }
                }
            }
        }
        cached_query_tests::check::assert_served(&["listing"], 1);
    }
}
