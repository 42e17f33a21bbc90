use cached_query::cached_query;
use sea_query::Values;

#[cached_query]
fn built(id: i64) -> (String, Values) {
    let _ = id;
    (String::new(), Values(Vec::new()))
}

fn main() {}
