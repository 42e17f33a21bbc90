//! Helpers marked `#[cached_query::part]`: a cached function passes them bound values (whole
//! struct arguments, fields, options, lists, the statement it builds), and the output stays
//! sea-query's on every backend while the calls hit.

use cached_query::{Args, cached_query};
use cached_query_tests::check::{assert_same, assert_served};
use sea_query::{Alias, Cond, Condition, Expr, ExprTrait, Order, Query, SelectStatement};

#[derive(Args, Clone, Debug)]
pub struct Viewer {
    pub id: i64,
    pub admin: bool,
}

#[derive(Args, Clone, Debug)]
pub struct PostFilter {
    pub status: Option<String>,
    pub tags: Vec<i64>,
    pub search: Option<String>,
    pub drafts: bool,
}

fn col(name: &str) -> Expr {
    Expr::col(Alias::new(name))
}

/// A permission check on a whole struct argument: a flag decides, a field is bound.
#[cached_query::part]
fn visible_to(q: &mut SelectStatement, viewer: &Viewer) {
    if !viewer.admin {
        q.and_where(col("published").eq(true).or(col("author").eq(viewer.id)));
    }
}

/// A filter shared by queries: presence and emptiness decide, the values are bound.
#[cached_query::part]
fn with_status_and_tags(q: &mut SelectStatement, status: Option<&str>, tags: &[i64]) {
    if let Some(s) = status {
        q.and_where(col("status").eq(s));
    }
    if !tags.is_empty() {
        q.and_where(col("tag").is_in(tags.iter().copied()));
    }
}

/// Returns what it builds: a condition holding the bound author.
#[cached_query::part]
fn by_author(author: i64, with_coauthors: bool) -> Condition {
    let mut cond = Cond::any().add(col("author").eq(author));
    if with_coauthors {
        cond = cond.add(col("coauthor").eq(author));
    }
    cond
}

/// A part calling a part, with a `#[shape]` parameter of sea-query's own.
#[cached_query::part]
fn newest(q: &mut SelectStatement, #[shape] order: Order, viewer: &Viewer) {
    visible_to(q, viewer);
    q.order_by(Alias::new("id"), order);
}

mod shared {
    use super::*;

    /// A helper in another module, called by its path; it takes the filter struct.
    #[cached_query::part]
    pub(crate) fn apply(q: &mut SelectStatement, filter: &PostFilter) {
        if let Some(search) = &filter.search {
            q.and_where(col("title").like(search.as_str()));
        }
        if !filter.drafts {
            q.and_where(col("draft").eq(false));
        }
    }
}

#[cached_query]
fn posts_for(viewer: &Viewer, filter: &PostFilter, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    visible_to(&mut q, viewer);
    with_status_and_tags(&mut q, filter.status.as_deref(), &filter.tags);
    shared::apply(&mut q, filter);
    q.limit(limit);
    q
}

#[cached_query]
fn by_author_posts(
    author: i64,
    coauthors: bool,
    #[shape] order: Order,
    viewer: &Viewer,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("post"))
        .cond_where(by_author(author, coauthors));
    newest(&mut q, order, viewer);
    q
}

#[cached_query]
fn loose_args(status: Option<String>, tags: Vec<i64>, author: i64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    with_status_and_tags(&mut q, status.as_deref(), &tags);
    // Called twice, once with constants only.
    with_status_and_tags(&mut q, Some("live"), &[]);
    q.cond_where(by_author(author, false));
    q
}

fn filters() -> Vec<PostFilter> {
    let mut out = Vec::new();
    for status in [None, Some("live"), Some("")] {
        for tags in [vec![], vec![3], vec![1, 2, 3, 4]] {
            for search in [None, Some("%rust%")] {
                for drafts in [false, true] {
                    out.push(PostFilter {
                        status: status.map(str::to_owned),
                        tags: tags.clone(),
                        search: search.map(str::to_owned),
                        drafts,
                    });
                }
            }
        }
    }
    out
}

#[test]
fn helpers_marked_part_are_cached_and_correct() {
    let viewers = [
        Viewer {
            id: 7,
            admin: false,
        },
        Viewer { id: 8, admin: true },
        Viewer {
            id: -1,
            admin: false,
        },
    ];
    for round in 0..3u64 {
        for viewer in &viewers {
            for filter in filters() {
                assert_same(&posts_for(viewer, &filter, 10 + round), "posts_for");
            }
            for coauthors in [false, true] {
                for order in [Order::Asc, Order::Desc] {
                    let author = viewer.id + round as i64;
                    let h = by_author_posts(author, coauthors, order, viewer);
                    assert_same(&h, "by_author_posts");
                }
            }
        }
        for filter in filters() {
            let h = loose_args(filter.status.clone(), filter.tags.clone(), round as i64);
            assert_same(&h, "loose_args");
        }
    }
    assert_served(&["posts_for", "by_author_posts", "loose_args"], 20);
}

/// A shared search filter that builds its LIKE pattern itself: the pattern is a derived
/// value of the helper, recomputed by the caller's lift from the caller's arguments.
#[cached_query::part]
fn matching(q: &mut SelectStatement, filter: &PostFilter, limit: u64) {
    if let Some(search) = &filter.search {
        let escaped = search
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q.and_where(
            col("title").like(sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    q.limit(std::cmp::min(limit, 50));
}

#[cached_query]
fn searched(filter: &PostFilter, viewer: &Viewer, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    visible_to(&mut q, viewer);
    matching(&mut q, filter, limit);
    q
}

#[test]
fn a_helper_derives_values_the_caller_recomputes() {
    let viewer = Viewer {
        id: 3,
        admin: false,
    };
    for round in 0..3u64 {
        for search in [None, Some("a"), Some("50%_off"), Some(""), Some("x\\y")] {
            for limit in [1, 49, 50, 51, 500] {
                let filter = PostFilter {
                    status: None,
                    tags: vec![],
                    search: search.map(str::to_owned),
                    drafts: round % 2 == 0,
                };
                assert_same(&searched(&filter, &viewer, limit + round), "searched");
            }
        }
    }
    assert_served(&["searched"], 40);
}

/// The same helper given a filter the lift cannot recompute (changed after it was made):
/// its derived values are not placed, the shapes are served uncached, and the output is
/// still sea-query's.
#[cached_query]
fn searched_with_drafts(filter: &PostFilter, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let mut with_drafts = filter.clone();
    with_drafts.drafts = true;
    matching(&mut q, &with_drafts, limit);
    q
}

#[test]
fn a_helper_whose_arguments_cannot_be_recomputed_stays_correct() {
    for search in [None, Some("a"), Some("50%_off")] {
        for limit in [1, 51] {
            let filter = PostFilter {
                status: None,
                tags: vec![],
                search: search.map(str::to_owned),
                drafts: false,
            };
            assert_same(
                &searched_with_drafts(&filter, limit),
                "searched_with_drafts",
            );
        }
    }
}

/// A role as applications write one, kept in a struct argument: deriving `Args`, it is
/// keyed by its variant.
#[derive(Args, Clone, Copy, Debug, PartialEq)]
pub enum Role {
    Admin,
    Member,
    Guest,
}

#[derive(Args, Clone, Debug)]
pub struct User {
    pub id: i64,
    pub role: Role,
    pub team: String,
}

/// A permission check that decides on values of its parameters: its decisions join the
/// caller's key, computed by the caller from the arguments it passes.
#[cached_query::part]
fn readable_by(q: &mut SelectStatement, user: &User) {
    if user.role != Role::Admin {
        q.and_where(col("team").eq(user.team.clone()));
    }
    if user.team.eq_ignore_ascii_case("ops") {
        q.and_where(col("internal").eq(true));
    }
    match user.role {
        Role::Guest => {
            q.and_where(col("public").eq(true));
        }
        Role::Admin | Role::Member => {}
    }
}

#[cached_query]
fn readable(user: &User, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("doc"));
    readable_by(&mut q, user);
    q.limit(limit);
    q
}

#[test]
fn decisions_in_a_helper_join_the_callers_key() {
    for round in 0..3u64 {
        for role in [Role::Admin, Role::Member, Role::Guest] {
            for team in ["ops", "OPS", "dev", ""] {
                let user = User {
                    id: round as i64,
                    role,
                    team: team.to_owned(),
                };
                assert_same(&readable(&user, 5 + round), "readable");
            }
        }
    }
    assert_served(&["readable"], 20);
}
