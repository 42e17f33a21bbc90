use cached_query::{Args, cached_query};
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[derive(Args)]
pub struct Filter {
    pub status: String,
    pub search: Option<String>,
}

// `status` is a bound value: a comparison on it would serve every status the SQL of the
// first one seen.
#[cached_query]
fn by_status(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    if filter.status == "any" {
        return q;
    }
    q.and_where(Expr::col(Alias::new("status")).eq(filter.status.clone()));
    q
}

fn main() {}
