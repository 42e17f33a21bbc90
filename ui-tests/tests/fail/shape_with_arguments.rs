use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query]
fn sorted(#[shape(key)] sort: u8) -> SelectStatement {
    let _ = sort;
    sea_query::Query::select()
}

fn main() {}
