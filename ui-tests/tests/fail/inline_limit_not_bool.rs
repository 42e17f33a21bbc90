use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query(inline_limit = 10)]
fn all(#[shape] limit: u64) -> SelectStatement {
    sea_query::Query::select().limit(limit).to_owned()
}

fn main() {}
