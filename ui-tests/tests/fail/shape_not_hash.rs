use cached_query::cached_query;
use sea_query::SelectStatement;

#[derive(Clone)]
enum Sort {
    Id,
}

#[cached_query]
fn sorted(#[shape] sort: Sort) -> SelectStatement {
    let _ = sort;
    sea_query::Query::select()
}

fn main() {}
