use cached_query::cached_query;
use sea_query::{Alias, Query, SelectStatement};

#[cached_query]
fn page(number: u64, size: u64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(size)
        .offset(number * size)
        .to_owned()
}

fn main() {}
