use cached_query::cached_query;
use sea_query::{Alias, Query, SelectStatement};

#[cached_query]
fn first(count: i32) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(count as u64)
        .to_owned()
}

fn main() {}
