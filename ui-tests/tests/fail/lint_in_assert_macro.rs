use cached_query::cached_query;
use sea_query::{Alias, Query, SelectStatement};

#[cached_query]
fn limited(limit: u64) -> SelectStatement {
    assert!(limit <= 1000, "too many");
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("post"))
        .limit(limit)
        .to_owned()
}

fn main() {}
