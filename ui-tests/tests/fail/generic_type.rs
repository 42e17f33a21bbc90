use cached_query::cached_query;
use sea_query::{SelectStatement, Value};

#[cached_query]
fn by<T: Into<Value>>(id: T) -> SelectStatement {
    let _ = id;
    sea_query::Query::select()
}

fn main() {}
