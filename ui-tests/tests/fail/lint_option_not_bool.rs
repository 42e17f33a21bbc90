use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query(lint = "no")]
fn all() -> SelectStatement {
    sea_query::Query::select()
}

fn main() {}
