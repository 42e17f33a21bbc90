//! Several arguments whose types do not qualify, of every class (`#[shape]` types that are
//! not `Hash + Eq`, not `Clone`, not `Send + Sync`; a list element and an `Option` that are
//! not values): each is reported once per unmet requirement, at the argument's type, and
//! nothing at the attribute.
use cached_query::cached_query;
use sea_query::SelectStatement;

#[derive(Clone)]
enum Sort {
    Id,
}

#[derive(Hash, PartialEq, Eq)]
enum Direction {
    Up,
}

#[derive(Clone)]
struct UserId(i64);

#[cached_query]
fn listed(
    #[shape] sort: Sort,
    #[shape] direction: Direction,
    #[shape] label: std::rc::Rc<str>,
    ids: &[UserId],
    owner: Option<UserId>,
    published: bool,
) -> SelectStatement {
    let _ = (sort, direction, label, ids, owner, published);
    sea_query::Query::select()
}

fn main() {}
