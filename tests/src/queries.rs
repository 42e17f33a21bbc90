//! The query functions: every argument kind and every statement kind, written as
//! application code writes them.

use cached_query::{Args, cached_query};
use sea_query::{
    Alias, CommonTableExpression, Cond, DeleteStatement, Expr, ExprTrait, InsertStatement,
    LikeExpr, Order, Query, SelectStatement, UpdateStatement, WithClause, WithQuery,
};

use crate::schema::{Direction, Post, PostTag, QualityRule, SortBy, Users};

/// The design's first example: an `Option`, a list, a flag and a bound `LIMIT`.
#[cached_query]
pub fn posts(
    author: i64,
    status: Option<&str>,
    tags: &[i64],
    published: bool,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title])
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author));
    if let Some(s) = status {
        q.and_where(Expr::col(Post::Status).eq(s));
    }
    if !tags.is_empty() {
        q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied()));
    }
    if published {
        q.and_where(Expr::col(Post::PublishedAt).is_not_null());
    }
    q.order_by(Post::Id, Order::Desc).limit(limit);
    q
}

/// The seed's quality-rule lookup: ten optional filters and flags, constants in the body.
/// 576 shapes per backend (the inventory shows them), 1,728 over three backends: more than
/// the default capacity, so warm-up could not store them all.
#[cached_query(capacity = 2048)]
#[allow(clippy::too_many_arguments)]
pub fn quality_rules(
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
    let mut q = Query::select();
    q.columns([QualityRule::Id, QualityRule::Quality])
        .from(QualityRule::Table);
    match licensed {
        Some(l) => q.and_where(Expr::col(QualityRule::Licensed).eq(!l)),
        None => q.and_where(Expr::col(QualityRule::Licensed).is_null()),
    };
    if let Some(p) = protected {
        q.and_where(Expr::col(QualityRule::Protected).eq(!p));
    }
    if only_active {
        q.and_where(Expr::col(QualityRule::IsActive).eq(true));
    }
    q.and_where(match rightholder {
        Some(r) => Expr::col(QualityRule::RightholderId).eq(r),
        None => Expr::col(QualityRule::RightholderId).is_null(),
    });
    q.and_where(match user_agent {
        Some(u) => Expr::col(QualityRule::UserAgentId).eq(u),
        None => Expr::col(QualityRule::UserAgentId).is_null(),
    });
    if groups.is_empty() {
        q.and_where(Expr::col(QualityRule::GroupId).is_null());
    } else {
        q.cond_where(
            Cond::any()
                .add(Expr::col(QualityRule::GroupId).is_in(groups.to_vec()))
                .add(Expr::col(QualityRule::GroupId).is_null()),
        );
    }
    if let Some(a) = alternative_sales_rule {
        q.and_where(Expr::col(QualityRule::AlternativeSalesRuleId).eq(a));
    }
    if let Some(u) = user {
        q.and_where(Expr::col(QualityRule::UserId).eq(u));
    }
    q.and_where(Expr::col(QualityRule::Priority).gte(min_priority))
        .and_where(Expr::col(QualityRule::Quality).gt(0))
        .order_by(QualityRule::Priority, Order::Desc)
        .limit(limit);
    q
}

/// Search with `LIKE`, `NOT IN`, a float bound and sorting chosen by `#[shape]` enums.
#[cached_query]
#[allow(clippy::too_many_arguments)]
pub fn search_posts(
    pattern: Option<&str>,
    exclude: &[i64],
    min_score: f64,
    #[shape] sort: SortBy,
    #[shape] direction: Direction,
    limit: u64,
    offset: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title, Post::Score])
        .from(Post::Table)
        .and_where(Expr::col(Post::Score).gte(min_score));
    if let Some(p) = pattern {
        q.and_where(Expr::col(Post::Title).like(p));
    }
    if !exclude.is_empty() {
        q.and_where(Expr::col(Post::Id).is_not_in(exclude.iter().copied()));
    }
    let column = match sort {
        SortBy::Newest => Post::CreatedAt,
        SortBy::Score => Post::Score,
        SortBy::Title => Post::Title,
    };
    q.order_by(column, direction.into())
        .order_by(Post::Id, Order::Asc)
        .limit(limit)
        .offset(offset);
    q
}

/// A join, an owned `Vec` list and an optional bound on the joined table.
#[cached_query]
pub fn posts_with_authors(
    country: &str,
    tags: Vec<i64>,
    min_age: Option<i32>,
    active: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.column((Post::Table, Post::Id))
        .column((Users::Table, Users::Name))
        .from(Post::Table)
        .inner_join(
            Users::Table,
            Expr::col((Post::Table, Post::Author)).equals((Users::Table, Users::Id)),
        )
        .and_where(Expr::col((Users::Table, Users::Country)).eq(country));
    if !tags.is_empty() {
        q.and_where(Expr::col((Post::Table, Post::Tag)).is_in(tags));
    }
    if let Some(age) = min_age {
        q.and_where(Expr::col((Users::Table, Users::Age)).gte(age));
    }
    if active {
        q.and_where(Expr::col((Users::Table, Users::Active)).eq(true));
    }
    q.order_by((Post::Table, Post::Id), Order::Asc);
    q
}

/// A subquery with `IN`, fed by a list of strings, and an owned optional `String`.
#[cached_query]
pub fn posts_by_country(countries: &[&str], status: Option<String>) -> SelectStatement {
    let mut authors = Query::select();
    authors.column(Users::Id).from(Users::Table);
    if !countries.is_empty() {
        authors.and_where(Expr::col(Users::Country).is_in(countries.iter().copied()));
    }
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title])
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).in_subquery(authors));
    if let Some(s) = status {
        q.and_where(Expr::col(Post::Status).eq(s));
    }
    q.order_by(Post::Id, Order::Asc);
    q
}

/// A common table expression (`WITH ... SELECT`).
#[cached_query]
pub fn recent_authors(since: i64, countries: &[&str], limit: u64) -> WithQuery {
    let mut recent = Query::select();
    recent
        .column(Post::Author)
        .from(Post::Table)
        .and_where(Expr::col(Post::CreatedAt).gte(since));
    let cte = CommonTableExpression::new()
        .query(recent)
        .table_name(Alias::new("recent"))
        .to_owned();
    let mut q = Query::select();
    q.columns([Users::Id, Users::Name])
        .from(Users::Table)
        .and_where(
            Expr::col(Users::Id).in_subquery(
                Query::select()
                    .column(Post::Author)
                    .from(Alias::new("recent"))
                    .to_owned(),
            ),
        );
    if !countries.is_empty() {
        q.and_where(Expr::col(Users::Country).is_in(countries.iter().copied()));
    }
    q.order_by(Users::Id, Order::Asc).limit(limit);
    q.with(WithClause::new().cte(cte).to_owned())
}

/// A multi-row `INSERT`: one row per list element, each row also binding `post`.
#[cached_query]
pub fn insert_tags(post: i64, tags: &[&str]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table(PostTag::Table)
        .columns([PostTag::PostId, PostTag::Tag]);
    for tag in tags {
        q.values_panic([post.into(), (*tag).into()]);
    }
    q
}

/// A single-row `INSERT` with optional and float values.
#[cached_query]
pub fn insert_post(
    id: i64,
    title: String,
    author: i64,
    status: Option<&str>,
    score: f64,
) -> InsertStatement {
    Query::insert()
        .into_table(Post::Table)
        .columns([
            Post::Id,
            Post::Title,
            Post::Author,
            Post::Status,
            Post::Score,
        ])
        .values_panic([
            id.into(),
            title.into(),
            author.into(),
            status.into(),
            score.into(),
        ])
        .to_owned()
}

/// `UPDATE ... SET ... WHERE id IN (...)` with a flag-chosen expression.
#[cached_query]
pub fn update_status(
    ids: &[i64],
    status: &str,
    bump_score: bool,
    score: Option<f64>,
) -> UpdateStatement {
    let mut q = Query::update();
    q.table(Post::Table).value(Post::Status, status);
    if bump_score {
        q.value(Post::Score, Expr::col(Post::Score).add(1));
    }
    if let Some(s) = score {
        q.value(Post::Score, s);
    }
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    q
}

/// `DELETE ... WHERE id IN (...)` from an owned `Vec`.
#[cached_query]
pub fn delete_posts(ids: Vec<i64>, author: Option<i64>, drafts_only: bool) -> DeleteStatement {
    let mut q = Query::delete();
    q.from_table(Post::Table)
        .and_where(Expr::col(Post::Id).is_in(ids));
    if let Some(a) = author {
        q.and_where(Expr::col(Post::Author).eq(a));
    }
    if drafts_only {
        q.and_where(Expr::col(Post::Status).eq("draft"));
    }
    q
}

/// Arrays, `&Vec`, `Option<&[T]>` and `Option<Option<T>>`.
#[cached_query]
pub fn posts_in_ranges(
    fixed: [i64; 3],
    authors: &Vec<i64>,
    tags: Option<&[i64]>,
    title: Option<Option<&str>>,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).is_in(fixed));
    if !authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(authors.iter().copied()));
    }
    if let Some(tags) = tags {
        q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied()));
    }
    match title {
        Some(Some(t)) => q.and_where(Expr::col(Post::Title).eq(t)),
        Some(None) => q.and_where(Expr::col(Post::Title).is_null()),
        None => &mut q,
    };
    q
}

/// One list bound in two `IN` groups, and `NOT IN`.
#[cached_query]
pub fn related_posts(ids: &[i64], exclude_authors: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    if !ids.is_empty() {
        q.cond_where(
            Cond::any()
                .add(Expr::col(Post::Id).is_in(ids.iter().copied()))
                .add(Expr::col(Post::Author).is_in(ids.iter().copied())),
        );
    }
    q.and_where(Expr::col(Post::Author).is_not_in(exclude_authors.iter().copied()));
    q
}

/// Two lists of different types in one statement, between a range.
#[cached_query]
pub fn posts_between(from: i64, to: i64, authors: &[i64], statuses: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Status])
        .from(Post::Table)
        .and_where(Expr::col(Post::CreatedAt).between(from, to));
    if !authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(authors.iter().copied()));
    }
    if !statuses.is_empty() {
        q.and_where(Expr::col(Post::Status).is_in(statuses.iter().copied()));
    }
    q.order_by(Post::CreatedAt, Order::Desc);
    q
}

/// Constants around a list: `score > 10 AND id IN (...) AND 1 = 1`.
#[cached_query]
pub fn with_constants(author: i64, ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Score).gt(10))
        .and_where(Expr::col(Post::Author).eq(author));
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    q.and_where(Expr::val(1).eq(1)).limit(50);
    q
}

/// An `UPDATE` whose `SET` list depends on which optional values are present.
#[cached_query]
pub fn patch_post(
    id: i64,
    title: Option<String>,
    body: Option<&str>,
    score: Option<f64>,
) -> UpdateStatement {
    let mut q = Query::update();
    q.table(Post::Table);
    if let Some(t) = title {
        q.value(Post::Title, t);
    }
    if let Some(b) = body {
        q.value(Post::Body, b);
    }
    if let Some(s) = score {
        q.value(Post::Score, s);
    }
    q.value(Post::CreatedAt, Expr::col(Post::CreatedAt).add(1))
        .and_where(Expr::col(Post::Id).eq(id));
    q
}

/// Narrow and unusual scalar types: `char`, bytes, `i16`, `u32`, `f32`.
#[cached_query]
pub fn odd_types(c: char, data: Vec<u8>, small: i16, unsigned: u32, ratio: f32) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Title).eq(c))
        .and_where(Expr::col(Post::Body).eq(data))
        .and_where(Expr::col(Post::Score).gt(small))
        .and_where(Expr::col(Post::Author).lt(unsigned))
        .and_where(Expr::col(Post::Score).lt(ratio))
        .to_owned()
}

impl Post {
    /// An associated function whose body names `Self`.
    #[cached_query]
    pub fn by_id(id: i64, with_body: bool) -> SelectStatement {
        let mut q = Query::select();
        q.column(Self::Id).column(Self::Title).from(Self::Table);
        if with_body {
            q.column(Self::Body);
        }
        q.and_where(Expr::col(Self::Id).eq(id));
        q
    }
}

/// Values of sea-query's optional types, a borrowed `&String` and a raw `Value`.
#[cached_query]
#[allow(clippy::too_many_arguments)]
pub fn typed_values(
    id: uuid::Uuid,
    day: chrono::NaiveDate,
    at: Option<chrono::DateTime<chrono::Utc>>,
    since: time::PrimitiveDateTime,
    price: rust_decimal::Decimal,
    meta: serde_json::Value,
    name: &String,
    raw: sea_query::Value,
    owners: &[uuid::Uuid],
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(id))
        .and_where(Expr::col(Post::CreatedAt).gte(day))
        .and_where(Expr::col(Post::PublishedAt).lt(since))
        .and_where(Expr::col(Post::Score).lte(price))
        .and_where(Expr::col(Post::Body).eq(meta))
        .and_where(Expr::col(Post::Title).eq(name))
        .and_where(Expr::col(Post::Status).eq(raw));
    if let Some(at) = at {
        q.and_where(Expr::col(Post::PublishedAt).gt(at));
    }
    if !owners.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(owners.iter().copied()));
    }
    q
}

/// Builds another cached query inside its body, on every run of the body (the real call
/// and every probe), and embeds that query's statement as a subquery. The body analysis
/// cannot see into `posts` and rejects passing it `author`; the lint is off so that this
/// tests the run-time side: the probe learns the nested call's values like any others.
#[cached_query(lint = false)]
pub fn authors_of_posts(author: i64, country: &str) -> SelectStatement {
    let inner = posts(author, None, &[], true, 10);
    let _ = inner.build(sea_query::SqliteQueryBuilder);
    let mut sub = inner.statement();
    sub.clear_selects().column(Post::Author);
    Query::select()
        .column(Users::Name)
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).in_subquery(sub))
        .and_where(Expr::col(Users::Country).eq(country))
        .to_owned()
}

/// A range of ids, inside a filter.
#[derive(Args, Debug, Clone)]
#[allow(missing_docs)]
pub struct IdRange {
    pub from: i64,
    pub to: Option<i64>,
}

/// A listing's filter, as applications pass it: optional fields, a list, a flag, a sort
/// chosen by value (`#[shape]`), a nested optional struct, a bound field.
#[derive(Args, Debug, Clone)]
#[allow(missing_docs)]
pub struct PostFilter {
    pub search: Option<String>,
    pub authors: Vec<i64>,
    pub published: bool,
    #[shape]
    pub sort: SortBy,
    pub range: Option<IdRange>,
    pub status: String,
}

/// The most rows a listing returns, whatever the caller asks.
pub const MAX_LIMIT: u64 = 500;

/// A filter struct by reference, a tuple cursor, a `match` on a `#[shape]` field, a LIKE
/// pattern and a capped limit computed in the body (derived values), and a decision on a
/// bound field (`eq_ignore_ascii_case`, lifted into the key).
#[cached_query]
pub fn filtered_posts(
    filter: &PostFilter,
    cursor: Option<(i64, i64)>,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title]).from(Post::Table);
    q.and_where(Expr::col(Post::Status).eq(filter.status.clone()));
    if let Some(search) = &filter.search {
        let escaped = search.replace('\\', "\\\\").replace('%', "\\%");
        let pattern = LikeExpr::new(format!("%{escaped}%")).escape('\\');
        q.and_where(Expr::col(Post::Title).like(pattern));
    }
    if !filter.authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(filter.authors.iter().copied()));
    }
    if filter.published {
        q.and_where(Expr::col(Post::PublishedAt).is_not_null());
    }
    if let Some(range) = &filter.range {
        q.and_where(Expr::col(Post::Id).gte(range.from));
        if let Some(to) = range.to {
            q.and_where(Expr::col(Post::Id).lt(to));
        }
    }
    if let Some((score, id)) = cursor {
        q.and_where(Expr::col(Post::Score).lt(score));
        q.and_where(Expr::col(Post::Id).lt(id));
    }
    let column = match filter.sort {
        SortBy::Newest => Post::CreatedAt,
        SortBy::Score => Post::Score,
        SortBy::Title => Post::Title,
    };
    // Archived posts read oldest first.
    let order = if filter.status.eq_ignore_ascii_case("archived") {
        Order::Asc
    } else {
        Order::Desc
    };
    q.order_by(column, order)
        .order_by(Post::Id, Order::Asc)
        .limit(std::cmp::min(limit, MAX_LIMIT));
    q
}
