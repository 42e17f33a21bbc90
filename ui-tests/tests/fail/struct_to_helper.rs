use cached_query::{Args, cached_query};
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[derive(Args)]
pub struct Filter {
    pub status: String,
}

fn restrict(q: &mut SelectStatement, filter: &Filter) {
    if filter.status != "any" {
        q.and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()));
    }
}

// A helper the macro cannot see may decide on any field.
#[cached_query]
fn posts(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    restrict(&mut q, filter);
    q
}

fn main() {}
