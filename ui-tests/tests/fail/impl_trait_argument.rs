use cached_query::cached_query;
use sea_query::{SelectStatement, Value};

#[cached_query]
fn by(id: impl Into<Value>) -> SelectStatement {
    let _ = id;
    sea_query::Query::select()
}

fn main() {}
