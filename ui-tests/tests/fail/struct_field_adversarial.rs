use cached_query::{Args, cached_query};
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[derive(Args)]
pub struct Filter {
    pub status: String,
    pub authors: Vec<i64>,
    pub limit: Option<u64>,
}

// (A decision on a list field's length, `filter.authors.len() > 2`, and on the value inside
// an optional field, `*limit > 100`, are lifted into the key now: tests/tests/decisions.rs.)

// A match on a bound field's text, through a copy and `as_str`.
#[cached_query]
fn by_match(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let status = filter.status.clone();
    match status.as_str() {
        "any" => {}
        other => {
            q.and_where(Expr::col(Alias::new("status")).eq(other));
        }
    }
    q
}

// A closure that decides on a field, called with the struct.
#[cached_query]
fn by_closure(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    let wants_all = |f: &Filter| f.status == "all";
    if !wants_all(filter) {
        q.and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()));
    }
    q
}

fn main() {}
