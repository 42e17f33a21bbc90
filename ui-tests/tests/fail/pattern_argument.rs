use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query]
fn range((low, high): (i64, i64)) -> SelectStatement {
    let _ = (low, high);
    sea_query::Query::select()
}

fn main() {}
