use cached_query::cached_query;

#[cached_query]
fn sql(id: i64) -> String {
    format!("SELECT {id}")
}

fn main() {}
