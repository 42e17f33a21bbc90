//! Enums with no derive of ours, as fields of struct arguments and as arguments: each is
//! keyed by what its traits allow. An `Eq` enum (a sort direction converted into an
//! `Order`) has its whole value in the key; an enum that is not `Eq` and carries data (a
//! scope) only its variant, and the body may only match on that variant or read it where it
//! is recomputed; a nested struct's enum field the same; an `Option` of an enum, matched with
//! bindings, whole. A helper takes both, one matched on its variant, one converted.

use cached_query::cached_query;
use cached_query_tests::check::{assert_same, assert_served};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

/// A sort column: `Clone` only.
#[derive(Clone, Copy, Debug)]
pub enum SortBy {
    Newest,
    Title,
    Score,
}

/// A direction: `Eq` (no `Hash`), converted into sea-query's `Order`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

impl From<Dir> for Order {
    fn from(dir: Dir) -> Order {
        match dir {
            Dir::Asc => Order::Asc,
            Dir::Desc => Order::Desc,
        }
    }
}

/// Whose rows: data in a variant, not `Eq`.
#[derive(Clone, Debug)]
pub enum Scope {
    Everyone,
    Team(i64),
    Owner { name: String },
}

/// A status shown as text: `Display`, `PartialEq`, no `Eq`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    Draft,
    Live,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Draft => "draft",
            Status::Live => "live",
        })
    }
}

#[derive(Clone, Debug, cached_query::Args)]
pub struct Range {
    pub from: Option<i64>,
    pub sort: SortBy,
}

#[derive(Clone, Debug, cached_query::Args)]
pub struct Filter {
    pub search: Option<String>,
    pub sort: SortBy,
    pub dir: Dir,
    pub scope: Scope,
    pub status: Option<Status>,
    pub range: Option<Range>,
    pub limit: u64,
}

#[cached_query]
fn listing(f: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("items"));
    if let Some(search) = &f.search {
        q.and_where(Expr::col(Alias::new("title")).like(format!("%{search}%")));
    }
    match f.scope {
        Scope::Everyone => {}
        Scope::Team(_) => {
            q.and_where(Expr::col(Alias::new("team_id")).is_not_null());
        }
        Scope::Owner { .. } => {
            q.and_where(Expr::col(Alias::new("owner")).is_not_null());
        }
    }
    if let Some(status) = &f.status {
        q.and_where(Expr::col(Alias::new("status")).eq(status.to_string()));
    }
    if let Some(range) = &f.range {
        if let Some(from) = range.from {
            q.and_where(Expr::col(Alias::new("id")).gte(from));
        }
        if let SortBy::Score = range.sort {
            q.and_where(Expr::col(Alias::new("score")).gt(0));
        }
    }
    let column = match f.sort {
        SortBy::Newest => "created",
        SortBy::Title => "title",
        SortBy::Score => "score",
    };
    q.order_by(Alias::new(column), f.dir.into()).limit(f.limit);
    q
}

/// An `Option` of an `Eq` enum as an argument, matched with a binding: its whole value is in
/// the key.
#[cached_query]
fn by_direction(owner: i64, dir: Option<Dir>) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("items"))
        .and_where(Expr::col(Alias::new("owner")).eq(owner));
    match dir {
        Some(Dir::Desc) => {
            q.order_by(Alias::new("id"), Order::Desc);
        }
        Some(other) => {
            q.and_where(Expr::col(Alias::new("dir")).eq(format!("{other:?}")));
            q.order_by(Alias::new("id"), other.into());
        }
        None => {}
    }
    q
}

#[test]
fn enums_without_a_derive_are_keyed_by_their_traits() {
    let scopes = [
        Scope::Everyone,
        Scope::Team(3),
        Scope::Team(4),
        Scope::Owner { name: "a".into() },
    ];
    let mut n = 0i64;
    for round in 0..2 {
        for sort in [SortBy::Newest, SortBy::Title, SortBy::Score] {
            for dir in [Dir::Asc, Dir::Desc] {
                for scope in &scopes {
                    for status in [None, Some(Status::Draft), Some(Status::Live)] {
                        n += 1;
                        let f = Filter {
                            search: (n % 3 == 0).then(|| format!("s{n}")),
                            sort,
                            dir,
                            scope: scope.clone(),
                            status,
                            range: (n % 2 == 0).then_some(Range {
                                from: (n % 4 == 0).then_some(n),
                                sort: [SortBy::Score, SortBy::Title][(n % 5 % 2) as usize],
                            }),
                            limit: 10 + round,
                        };
                        assert_same(&listing(&f), "listing");
                    }
                }
                for dir in [None, Some(Dir::Asc), Some(Dir::Desc)] {
                    assert_same(&by_direction(n, dir), "by_direction");
                }
            }
        }
    }
    assert_served(&["listing", "by_direction"], 50);
}

#[derive(Clone, Debug, cached_query::Args)]
pub struct Sorted {
    pub sort: SortBy,
    pub dir: Option<Dir>,
    pub owner: Option<i64>,
}

/// A helper that sorts: `sort` matched on its variant, `dir` converted into an `Order`.
#[cached_query::part]
fn apply_sort(q: &mut SelectStatement, sort: &SortBy, dir: Option<Dir>) {
    let column = match sort {
        SortBy::Newest => "created",
        SortBy::Title => "title",
        SortBy::Score => "score",
    };
    match dir {
        Some(d) => {
            q.order_by(Alias::new(column), d.into());
        }
        None => {
            q.order_by(Alias::new(column), Order::Asc);
        }
    }
}

#[cached_query]
fn sorted(f: &Sorted) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("items"));
    if let Some(owner) = f.owner {
        q.and_where(Expr::col(Alias::new("owner")).eq(owner));
    }
    apply_sort(&mut q, &f.sort, f.dir);
    q
}

#[test]
fn helpers_take_enums_without_a_derive() {
    for n in 0..90i64 {
        let f = Sorted {
            sort: [SortBy::Newest, SortBy::Title, SortBy::Score][(n % 3) as usize],
            dir: [None, Some(Dir::Asc), Some(Dir::Desc)][(n / 3 % 3) as usize],
            owner: (n % 4 != 0).then_some(n),
        };
        assert_same(&sorted(&f), "sorted");
    }
    assert_served(&["sorted"], 30);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceStatus {
    Draft,
    Sent,
    Paid,
}
impl std::fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self)
    }
}

#[derive(Clone, Debug, cached_query::Args)]
pub struct InvoiceFilter {
    pub statuses: Vec<InvoiceStatus>,
    pub customer: Option<i64>,
}

/// A `Vec` of an `Eq` enum, a field and an argument, mapped element by element: its whole
/// value is in the key.
#[cached_query]
fn list_invoices(filter: &InvoiceFilter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("invoices"));
    if let Some(c) = filter.customer {
        q.and_where(Expr::col(Alias::new("customer")).eq(c));
    }
    if !filter.statuses.is_empty() {
        q.and_where(
            Expr::col(Alias::new("status")).is_in(filter.statuses.iter().map(|s| s.to_string())),
        );
    }
    q
}

#[cached_query]
fn by_statuses(statuses: &Vec<InvoiceStatus>, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("invoices"));
    if !statuses.is_empty() {
        q.and_where(Expr::col(Alias::new("status")).is_in(statuses.iter().map(|s| s.to_string())));
    }
    q.limit(limit);
    q
}

#[test]
fn vecs_of_enums_are_keyed_whole() {
    use InvoiceStatus::*;
    let sets = [
        vec![],
        vec![Draft],
        vec![Sent, Paid],
        vec![Draft, Sent, Paid],
    ];
    for n in 0..40i64 {
        let f = InvoiceFilter {
            statuses: sets[(n % 4) as usize].clone(),
            customer: (n % 3 != 0).then_some(n),
        };
        assert_same(&list_invoices(&f), "list_invoices");
        assert_same(
            &by_statuses(&sets[(n % 4) as usize], 10 + n as u64),
            "by_statuses",
        );
    }
    assert_served(&["list_invoices", "by_statuses"], 20);
}
