use cached_query::cached_query;

#[cached_query]
struct Query {
    id: i64,
}

fn main() {}
