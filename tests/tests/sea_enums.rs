//! `#[shape]` arguments of sea-query's own enums, which are not `Hash`: `Order`,
//! `NullOrdering`, `JoinType`, `UnionType`, `LockType`, `LockBehavior`.

use cached_query::cached_query;
use sea_query::{
    Alias, Expr, ExprTrait, JoinType, LockBehavior, LockType, NullOrdering, Order, Query,
    SelectStatement, UnionType,
};

#[cached_query]
fn sorted(
    author: i64,
    #[shape] order: Order,
    #[shape] nulls: Option<NullOrdering>,
    #[shape] join: JoinType,
) -> SelectStatement {
    let mut q = Query::select();
    q.column((Alias::new("p"), Alias::new("id")))
        .from_as(Alias::new("posts"), Alias::new("p"))
        .join_as(
            join,
            Alias::new("users"),
            Alias::new("u"),
            Expr::col((Alias::new("u"), Alias::new("id")))
                .equals((Alias::new("p"), Alias::new("author"))),
        )
        .and_where(Expr::col((Alias::new("p"), Alias::new("author"))).eq(author));
    match nulls {
        Some(nulls) => q.order_by_with_nulls((Alias::new("p"), Alias::new("score")), order, nulls),
        None => q.order_by((Alias::new("p"), Alias::new("score")), order),
    };
    q
}

#[cached_query]
fn locked(id: i64, #[shape] lock: LockType, #[shape] behavior: LockBehavior) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("jobs"))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .lock_with_behavior(lock, behavior)
        .to_owned()
}

#[cached_query]
fn combined(a: i64, b: i64, #[shape] how: UnionType) -> SelectStatement {
    let other = Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("archive"))
        .and_where(Expr::col(Alias::new("id")).eq(b))
        .to_owned();
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("posts"))
        .and_where(Expr::col(Alias::new("id")).eq(a))
        .union(how, other)
        .to_owned()
}

fn same<Q: cached_query::QueryArgs>(h: &cached_query::Cached<Q>) {
    if let Err(mismatch) = cached_query_tests::check_all(h, "sea_enums") {
        panic!("{mismatch}");
    }
}

#[test]
fn sea_query_enums_are_shape_arguments() {
    let orders = [
        Order::Asc,
        Order::Desc,
        Order::Field(sea_query::Values(vec![1.into(), 2.into()])),
    ];
    let nulls = [None, Some(NullOrdering::First), Some(NullOrdering::Last)];
    let joins = [JoinType::InnerJoin, JoinType::LeftJoin, JoinType::RightJoin];
    for round in 0..2 {
        for order in &orders {
            for n in nulls {
                for join in joins {
                    same(&sorted(round, order.clone(), n, join));
                }
            }
        }
        for lock in [LockType::Update, LockType::Share] {
            for behavior in [LockBehavior::Nowait, LockBehavior::SkipLocked] {
                same(&locked(round, lock, behavior));
            }
        }
        for how in [UnionType::All, UnionType::Distinct] {
            same(&combined(round, round + 1, how));
        }
    }
    let stats = cached_query::stats();
    let sorted = stats
        .functions
        .iter()
        .find(|f| f.name == "sorted")
        .expect("sorted ran");
    assert!(sorted.hits > 0, "{sorted:?}");
}

#[test]
fn their_shapes_are_enumerated_for_warm_up() {
    let inventory = cached_query::inventory();
    let text = inventory.to_string();
    assert!(text.contains("order: Desc"), "{text}");
    assert!(text.contains("lock: Share"), "{text}");
}
