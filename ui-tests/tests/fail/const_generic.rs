use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query]
fn limited<const N: usize>() -> SelectStatement {
    sea_query::Query::select()
}

fn main() {}
