//! The user's own types named like the generated code's type parameters and items (`R`,
//! `F`, `T`, `B`, `Args`, `Key`), as `#[shape]` and as bound arguments: nothing generated
//! captures them.
use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Order, PostgresQueryBuilder, Query, SelectStatement, SqliteQueryBuilder, Value};

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum R {
    Asc,
    Desc,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct F(bool);

#[derive(Clone, Copy)]
struct T(i64);

impl From<T> for Value {
    fn from(t: T) -> Value {
        Value::from(t.0)
    }
}

impl<'a> cached_query::Probe<'a> for T {
    type Owned = T;
    fn sentinel(seed: u64) -> T {
        T(<i64 as cached_query::Probe>::sentinel(seed))
    }
    fn view(owned: &'a T) -> T {
        *owned
    }
}

#[derive(Clone)]
struct B(String);

impl From<B> for Value {
    fn from(b: B) -> Value {
        Value::from(b.0)
    }
}

impl<'a> cached_query::Probe<'a> for B {
    type Owned = B;
    fn sentinel(seed: u64) -> B {
        B(String::sentinel(seed))
    }
    fn class(round: u32, seed: u64) -> B {
        B(String::class(round, seed))
    }
    fn view(owned: &'a B) -> B {
        owned.clone()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Args(u8);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key;

#[cached_query]
#[allow(clippy::too_many_arguments)]
fn names(
    #[shape] r: R,
    #[shape] f: F,
    #[shape] args: Args,
    #[shape] key: Key,
    t: T,
    b: B,
    ts: &[T],
    bs: Option<Vec<B>>,
) -> SelectStatement {
    let _ = (args, key);
    let mut q = Query::select();
    q.column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("t")).eq(t))
        .and_where(Expr::col(Alias::new("b")).eq(b));
    if !ts.is_empty() {
        q.and_where(Expr::col(Alias::new("ts")).is_in(ts.iter().copied()));
    }
    if let Some(bs) = bs {
        q.and_where(Expr::col(Alias::new("bs")).is_in(bs));
    }
    if f.0 {
        q.and_where(Expr::col(Alias::new("f")).is_not_null());
    }
    q.order_by(
        Alias::new("id"),
        match r {
            R::Asc => Order::Asc,
            R::Desc => Order::Desc,
        },
    );
    q
}

fn main() {
    cached_query::config::set_verify_rate(0.0);
    for n in 0..3 {
        let ts = [T(1), T(n)];
        for r in [R::Asc, R::Desc] {
            let h = names(
                r,
                F(n % 2 == 0),
                Args(1),
                Key,
                T(n),
                B(format!("b{n}")),
                &ts[..(n as usize % 3).min(2)],
                (n > 0).then(|| vec![B("x".into()); n as usize]),
            );
            assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
            assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
        }
    }
}
