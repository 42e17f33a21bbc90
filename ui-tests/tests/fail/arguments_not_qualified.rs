//! Several arguments whose types do not qualify, of every class: each is reported once per
//! unmet requirement, at the argument's type, and nothing at the attribute.
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
    ids: &[UserId],
    owner: Option<UserId>,
    published: bool,
) -> SelectStatement {
    let _ = (sort, direction, ids, owner, published);
    sea_query::Query::select()
}

fn main() {}
