//! Query functions only the benchmarks need. The others come from
//! [`cached_query_tests::queries`], so the measured code is the code the oracle proves.
//!
//! The wrappers below reuse another cached function's body by calling it with their own
//! arguments. The body analysis cannot see into a called function and rejects passing it
//! bound values, so they turn it off (`lint = false`); the run-time probe still checks every
//! shape, and the body they call is analysed where it is defined.

use cached_query::cached_query;
use cached_query_tests::queries::{posts, quality_rules};
use cached_query_tests::schema::Post;
use sea_query::{Expr, ExprTrait, LikeExpr, Query, SelectStatement};

/// The 1-filter select: `SELECT "id", "title" FROM "post" WHERE "id" = $1`.
#[cached_query]
pub fn post_by_id(id: i64) -> SelectStatement {
    Query::select()
        .columns([Post::Id, Post::Title])
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(id))
        .to_owned()
}

/// [`posts`] with the list length as a `#[shape]` argument (pass `tags.len()`): every length
/// gets a template of its own, so every length is served by the stored-length fast path. The
/// body is `posts`' own, uncached.
#[cached_query(lint = false)]
pub fn posts_by_len(
    #[shape] len: usize,
    author: i64,
    status: Option<&str>,
    tags: &[i64],
    published: bool,
    limit: u64,
) -> SelectStatement {
    // The length only selects the cache entry; the SQL comes from `posts`' body.
    let _ = len;
    posts(author, status, tags, published, limit).statement()
}

/// [`quality_rules`] with a `#[shape]` argument that the body ignores: every new `shape`
/// value is a miss, so misses can be measured again and again. The large capacity keeps every
/// shape (a full cache would serve the calls uncached and hide the miss cost).
#[cached_query(capacity = 1000000, lint = false)]
#[allow(clippy::too_many_arguments)]
pub fn quality_rules_fresh(
    #[shape] shape: u32,
    licensed: Option<bool>,
    protected: Option<bool>,
    rightholder: Option<i64>,
    user_agent: Option<i64>,
    groups: &[i64],
    alternative_sales_rule: Option<i64>,
    user: Option<i64>,
    min_priority: i32,
    only_active: bool,
    limit: u64,
) -> SelectStatement {
    let _ = shape;
    quality_rules(
        licensed,
        protected,
        rightholder,
        user_agent,
        groups,
        alternative_sales_rule,
        user,
        min_priority,
        only_active,
        limit,
    )
    .statement()
}

/// [`quality_rules`] with sampled verification of one hit in a thousand.
#[cached_query(verify = 0.001, lint = false)]
#[allow(clippy::too_many_arguments)]
pub fn quality_rules_verified(
    licensed: Option<bool>,
    protected: Option<bool>,
    rightholder: Option<i64>,
    user_agent: Option<i64>,
    groups: &[i64],
    alternative_sales_rule: Option<i64>,
    user: Option<i64>,
    min_priority: i32,
    only_active: bool,
    limit: u64,
) -> SelectStatement {
    quality_rules(
        licensed,
        protected,
        rightholder,
        user_agent,
        groups,
        alternative_sales_rule,
        user,
        min_priority,
        only_active,
        limit,
    )
    .statement()
}

/// [`posts`] with `IN` padding: its tag list goes out padded to the next power of two.
#[cached_query(pad_in = true, lint = false)]
pub fn posts_padded(
    author: i64,
    status: Option<&str>,
    tags: &[i64],
    published: bool,
    limit: u64,
) -> SelectStatement {
    posts(author, status, tags, published, limit).statement()
}

/// `filtered_posts` with the filter's fields as separate arguments, and its LIKE pattern and
/// capped limit computed by the caller: the plain case its struct argument and derived
/// values are measured against (same SQL, same values).
#[cached_query]
#[allow(clippy::too_many_arguments)]
pub fn filtered_posts_flat(
    search: Option<String>,
    authors: &[i64],
    published: bool,
    #[shape] sort: cached_query_tests::schema::SortBy,
    range: Option<(i64, Option<i64>)>,
    status: &str,
    cursor: Option<(i64, i64)>,
    #[shape] order: sea_query::Order,
    limit: u64,
) -> SelectStatement {
    use cached_query_tests::schema::SortBy;
    use sea_query::Order;
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title]).from(Post::Table);
    q.and_where(Expr::col(Post::Status).eq(status));
    if let Some(pattern) = search {
        q.and_where(Expr::col(Post::Title).like(LikeExpr::new(pattern).escape('\\')));
    }
    if !authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(authors.iter().copied()));
    }
    if published {
        q.and_where(Expr::col(Post::PublishedAt).is_not_null());
    }
    if let Some((from, to)) = range {
        q.and_where(Expr::col(Post::Id).gte(from));
        if let Some(to) = to {
            q.and_where(Expr::col(Post::Id).lt(to));
        }
    }
    if let Some((score, id)) = cursor {
        q.and_where(Expr::col(Post::Score).lt(score));
        q.and_where(Expr::col(Post::Id).lt(id));
    }
    let column = match sort {
        SortBy::Newest => Post::CreatedAt,
        SortBy::Score => Post::Score,
        SortBy::Title => Post::Title,
    };
    q.order_by(column, order)
        .order_by(Post::Id, Order::Asc)
        .limit(limit);
    q
}
