//! Enum arguments the body matches on their variant (a sort order, a direction, a kind of
//! listing): no derive and no `Hash` on the enum; the variant is in the key.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

#[derive(Clone, Copy, Debug)]
pub enum SortBy {
    Name,
    Date,
    Score,
}

#[derive(Clone, Debug)]
pub enum Direction {
    Asc,
    Desc,
}

/// A kind of listing with data the body does not read: the variant alone decides.
#[derive(Clone, Debug)]
pub enum Listing {
    All,
    Tagged(String),
    Range { from: i64, to: i64 },
}

#[cached_query]
fn list(
    author: i64,
    sort: SortBy,
    dir: &Direction,
    listing: &Listing,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("posts"))
        .and_where(Expr::col(Alias::new("author")).eq(author));
    let column = match sort {
        SortBy::Name => "name",
        SortBy::Date => "created",
        SortBy::Score => "score",
    };
    let order = if matches!(dir, Direction::Desc) {
        Order::Desc
    } else {
        Order::Asc
    };
    match listing {
        Listing::All => {}
        Listing::Tagged(_) => {
            q.and_where(Expr::col(Alias::new("tag")).is_not_null());
        }
        Listing::Range { .. } => {
            q.and_where(Expr::col(Alias::new("ranged")).eq(true));
        }
    }
    if let SortBy::Score = sort {
        q.and_where(Expr::col(Alias::new("score")).gt(0));
    }
    q.order_by(Alias::new(column), order).limit(limit);
    q
}

#[test]
fn enums_matched_on_their_variant_key_the_cache() {
    let listings = [
        Listing::All,
        Listing::Tagged("a".into()),
        Listing::Tagged("b".into()),
        Listing::Range { from: 1, to: 2 },
    ];
    for round in 0..3 {
        for sort in [SortBy::Name, SortBy::Date, SortBy::Score] {
            for dir in [Direction::Asc, Direction::Desc] {
                for listing in &listings {
                    let h = list(round, sort, &dir, listing, 10 + round as u64);
                    if let Err(mismatch) = cached_query_tests::check_all(&h, "list") {
                        panic!("{mismatch}");
                    }
                }
            }
        }
    }
    let stats = cached_query::stats();
    let row = stats
        .functions
        .iter()
        .find(|f| f.name == "list")
        .expect("list ran");
    assert_eq!(row.uncacheable_keys, 0, "{row:?}");
    // 3 sorts x 2 directions x 3 listing variants, per backend.
    assert_eq!(row.entries, 18 * 3, "{row:?}");
    assert!(row.hits > 100, "{row:?}");
}

/// An order status as applications write one: `Display` for the column's text, a method,
/// `PartialEq`; no `Hash`, not a value sea-query binds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    Pending,
    Shipped,
    Cancelled,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Pending => "pending",
            Status::Shipped => "shipped",
            Status::Cancelled => "cancelled",
        })
    }
}

impl Status {
    fn is_final(self) -> bool {
        matches!(self, Status::Shipped | Status::Cancelled)
    }
}

/// The enum is read only where the expansion recomputes it on each call: `.to_string()`
/// (a derived value), `==` and a method in conditions (lifted decisions).
#[cached_query]
fn set_status(id: i64, status: Status, tracking: Option<&str>) -> sea_query::UpdateStatement {
    let mut q = Query::update();
    q.table(Alias::new("orders"))
        .value(Alias::new("status"), status.to_string())
        .and_where(Expr::col(Alias::new("id")).eq(id));
    if status == Status::Shipped
        && let Some(tracking) = tracking
    {
        q.value(Alias::new("tracking"), tracking);
    }
    if status.is_final() {
        q.value(Alias::new("closed"), true);
    }
    q
}

#[test]
fn an_enum_read_only_by_lifts_is_keyed_by_its_variant() {
    for round in 0..3 {
        for status in [Status::Pending, Status::Shipped, Status::Cancelled] {
            for tracking in [None, Some("1Z999"), Some("")] {
                let h = set_status(round, status, tracking);
                if let Err(mismatch) = cached_query_tests::check_all(&h, "set_status") {
                    panic!("{mismatch}");
                }
            }
        }
    }
    cached_query_tests::check::assert_served(&["set_status"], 20);
}

/// A sort enum of a filter struct, as applications write one (`Clone`, `Debug`, no
/// `Hash`): deriving `Args`, its variant is part of the key.
#[derive(cached_query::Args, Clone, Copy, Debug, PartialEq)]
pub enum ProductSort {
    Newest,
    Cheapest,
    Custom(&'static str),
}

#[derive(cached_query::Args, Clone, Copy, Debug)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(cached_query::Args, Clone, Debug)]
pub struct ProductFilter {
    pub search: Option<String>,
    pub sort: ProductSort,
    pub order: SortOrder,
}

#[cached_query]
fn products(filter: &ProductFilter, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("product"));
    if let Some(search) = &filter.search {
        q.and_where(Expr::col(Alias::new("name")).like(format!("%{search}%")));
    }
    let column = match filter.sort {
        ProductSort::Newest => "created_at",
        ProductSort::Cheapest => "price",
        ProductSort::Custom(_) => "rank",
    };
    let order = match &filter.order {
        SortOrder::Asc => Order::Asc,
        SortOrder::Desc => Order::Desc,
    };
    if matches!(filter.sort, ProductSort::Cheapest) {
        q.and_where(Expr::col(Alias::new("price")).gt(0));
    }
    q.order_by(Alias::new(column), order).limit(limit);
    q
}

#[test]
fn enum_fields_deriving_args_are_keyed_by_their_variant() {
    for round in 0..3u64 {
        for search in [None, Some("a%".to_owned())] {
            for sort in [
                ProductSort::Newest,
                ProductSort::Cheapest,
                ProductSort::Custom("x"),
                ProductSort::Custom("y"),
            ] {
                for order in [SortOrder::Asc, SortOrder::Desc] {
                    let filter = ProductFilter {
                        search: search.clone(),
                        sort,
                        order,
                    };
                    let h = products(&filter, 10 + round);
                    if let Err(mismatch) = cached_query_tests::check_all(&h, "products") {
                        panic!("{mismatch}");
                    }
                }
            }
        }
    }
    cached_query_tests::check::assert_served(&["products"], 40);
}

/// A direction converted by the application's own `From`, and a priority whose arm binds
/// the value: enums whose variants carry no data, deriving `Args`, are keyed by their
/// variant, which is their whole value.
#[derive(cached_query::Args, Clone, Copy, Debug, PartialEq)]
pub enum Dir {
    Up,
    Down,
}

impl From<Dir> for Order {
    fn from(dir: Dir) -> Order {
        match dir {
            Dir::Up => Order::Asc,
            Dir::Down => Order::Desc,
        }
    }
}

#[derive(cached_query::Args, Clone, Copy, Debug, PartialEq)]
pub enum Priority {
    Low = 1,
    High = 5,
    Urgent = 9,
}

#[derive(cached_query::Args, Clone, Debug)]
pub struct TaskFilter {
    pub dir: Dir,
    pub priority: Option<Priority>,
}

#[cached_query]
fn tasks(filter: &TaskFilter, min: Priority) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("task"));
    if let Some(p) = filter.priority {
        q.and_where(Expr::col(Alias::new("priority")).eq(p as i16));
    }
    match min {
        Priority::Low => {}
        p => {
            q.and_where(Expr::col(Alias::new("priority")).gte(p as i16));
        }
    }
    let order: Order = filter.dir.into();
    q.order_by(Alias::new("due"), order);
    q
}

#[test]
fn fieldless_enums_deriving_args_are_used_as_values() {
    let all = [Priority::Low, Priority::High, Priority::Urgent];
    for dir in [Dir::Up, Dir::Down] {
        for priority in [None, Some(Priority::Low), Some(Priority::Urgent)] {
            for min in all {
                for _ in 0..2 {
                    let filter = TaskFilter { dir, priority };
                    let h = tasks(&filter, min);
                    if let Err(mismatch) = cached_query_tests::check_all(&h, "tasks") {
                        panic!("{mismatch}");
                    }
                }
            }
        }
    }
    cached_query_tests::check::assert_served(&["tasks"], 18);
}
