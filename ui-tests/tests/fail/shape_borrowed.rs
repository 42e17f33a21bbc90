use cached_query::cached_query;
use sea_query::SelectStatement;

#[cached_query]
fn from_table(#[shape] table: &str) -> SelectStatement {
    sea_query::Query::select().from(sea_query::Alias::new(table)).to_owned()
}

fn main() {}
