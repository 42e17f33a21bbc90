//! Values the body computes from the arguments (a LIKE pattern made with `format!`, an
//! offset `page * per_page`, a capped limit, a cast, `.to_lowercase()`) are lifted: the
//! template binds each as a value of its own, recomputed from the arguments on every hit.

use cached_query::{Args, cached_query};
use sea_query::{Alias, Expr, ExprTrait, LikeExpr, Order, Query, SelectStatement};

const MAX_PER_PAGE: u64 = 100;

#[cached_query]
fn search(
    text: Option<&str>,
    author: Option<&str>,
    page: u64,
    per_page: u64,
    min_score: i32,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("posts"));
    if let Some(text) = text {
        let escaped = text.replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        q.and_where(Expr::col(Alias::new("title")).like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(name) = author {
        q.and_where(Expr::col(Alias::new("author")).eq(name.to_lowercase()));
    }
    q.and_where(Expr::col(Alias::new("score")).gte(min_score as i64 * 10));
    let per_page = std::cmp::min(per_page, MAX_PER_PAGE);
    q.order_by(Alias::new("id"), Order::Desc)
        .limit(per_page)
        .offset(page.saturating_sub(1) * per_page);
    q
}

#[derive(Args, Clone, Debug)]
pub struct Filter {
    pub search: Option<String>,
    pub tag: String,
    pub page: u32,
}

#[cached_query]
fn by_filter(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("posts"));
    if let Some(s) = &filter.search {
        q.and_where(
            Expr::col(Alias::new("title"))
                .like(format!("%{}%", s))
                .or(Expr::col(Alias::new("body")).like(format!("%{}%", s))),
        );
    }
    q.and_where(Expr::col(Alias::new("tag")).eq(filter.tag.to_uppercase()));
    q.limit(20).offset((filter.page * 20).into());
    q
}

/// Issue 19's r2: compiled, then bound the first call's capped limit for every later
/// call. Lifted, the cap is recomputed on each hit.
#[cached_query]
fn r2(a: i64, limit: u64) -> SelectStatement {
    let limit = std::cmp::min(limit, 100);
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("a")).eq(a))
        .limit(limit)
        .to_owned()
}

/// Issue 19's r3: the stripped handle, recomputed on each hit.
#[cached_query]
fn r3(handle: &str) -> SelectStatement {
    let h = handle.strip_prefix('@').unwrap_or(handle);
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("h")).eq(h))
        .to_owned()
}

/// Every shape of `name` was cached, and more than `min_hits` calls were hits.
fn assert_clean(name: &str, min_hits: u64) {
    cached_query_tests::check::assert_served(&[name], min_hits + 1);
}

/// `usize` arguments, which sea-query has no `Value` of: converted in the body, and an
/// offset computed as a `usize` first.
#[cached_query]
fn paged(author: i64, page: usize, per_page: usize, max: &usize) -> SelectStatement {
    let offset = page.saturating_sub(1) * per_page;
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("post"))
        .and_where(Expr::col(Alias::new("author")).eq(author));
    if per_page > *max {
        q.and_where(Expr::col(Alias::new("archived")).eq(false));
    }
    q.limit(std::cmp::min(per_page, *max) as u64)
        .offset(offset as u64);
    q
}

#[test]
fn usize_arguments_are_converted_and_cached() {
    for round in 0..3usize {
        for page in [0, 1, 2, 17] {
            for per_page in [1, 20, 51, 500] {
                let h = paged(round as i64, page, per_page + round, &50);
                if let Err(mismatch) = cached_query_tests::check_all(&h, "paged") {
                    panic!("{mismatch}");
                }
            }
        }
    }
    assert_clean("paged", 40);
}

#[test]
fn derived_values_are_recomputed_on_each_hit() {
    let texts = [None, Some("rust"), Some("50%_off"), Some("")];
    let authors = [None, Some("Ada"), Some("ÉMILE")];
    for round in 0..3u64 {
        for text in texts {
            for author in authors {
                for (page, per_page) in [(1, 20), (3, 500), (0, 0), (7, 1)] {
                    let h = search(text, author, page + round, per_page, -3 + round as i32);
                    if let Err(mismatch) = cached_query_tests::check_all(&h, "search") {
                        panic!("{mismatch}");
                    }
                }
            }
        }
    }
    assert_clean("search", 100);
}

#[test]
fn derived_values_from_struct_fields() {
    for round in 0..3u32 {
        for search in [None, Some("a".to_owned()), Some("b c".to_owned())] {
            let filter = Filter {
                search,
                tag: format!("t{round}"),
                page: round * 7,
            };
            let h = by_filter(&filter);
            if let Err(mismatch) = cached_query_tests::check_all(&h, "by_filter") {
                panic!("{mismatch}");
            }
        }
    }
    assert_clean("by_filter", 5);
}

#[test]
fn issue_19_reproductions_are_lifted_and_correct() {
    for limit in [5, 100, 101, 7, 1000, 0] {
        let h = r2(limit as i64, limit);
        if let Err(mismatch) = cached_query_tests::check_all(&h, "r2") {
            panic!("{mismatch}");
        }
    }
    for handle in ["@ada", "ada", "@", "", "@@x", "x@"] {
        let h = r3(handle);
        if let Err(mismatch) = cached_query_tests::check_all(&h, "r3") {
            panic!("{mismatch}");
        }
    }
    assert_clean("r2", 3);
    assert_clean("r3", 3);
}

/// A handle of a function with derived values is `Send` and `Sync`, as its arguments are.
#[test]
fn handles_with_derived_values_are_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let h = search(Some("a"), None, 1, 2, 3);
    send_sync(&h);
    let filter = Filter {
        search: None,
        tag: String::new(),
        page: 0,
    };
    send_sync(&by_filter(&filter));
}

/// Values computed inside the row of an insert: each element of the row is a value of its
/// own, lifted on its own.
#[cached_query]
fn insert_row(title: &str, priority: u8, tags: Option<&str>) -> sea_query::InsertStatement {
    let mut q = Query::insert();
    q.into_table(Alias::new("issue"))
        .columns([
            Alias::new("title"),
            Alias::new("priority"),
            Alias::new("tags"),
        ])
        .values_panic([
            title.trim().into(),
            (i16::from(priority) * 10).into(),
            tags.unwrap_or("none").to_lowercase().into(),
        ]);
    q
}

#[test]
fn computed_elements_of_an_insert_row_are_lifted_one_by_one() {
    for round in 0..3u8 {
        for title in ["  a ", "b", ""] {
            for tags in [None, Some("X,Y"), Some("")] {
                let h = insert_row(title, round * 7, tags);
                if let Err(mismatch) = cached_query_tests::check_all(&h, "insert_row") {
                    panic!("{mismatch}");
                }
            }
        }
    }
    assert_clean("insert_row", 10);
}
