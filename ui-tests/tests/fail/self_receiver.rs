use cached_query::cached_query;
use sea_query::SelectStatement;

struct Repo;

impl Repo {
    #[cached_query]
    fn all(&self) -> SelectStatement {
        sea_query::Query::select()
    }
}

fn main() {}
