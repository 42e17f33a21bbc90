use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query(lint = false, lint = true)]
fn all() -> SelectStatement {
    sea_query::Query::select()
}

fn main() {}
