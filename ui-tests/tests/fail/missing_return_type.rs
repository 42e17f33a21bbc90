use cached_query::cached_query;

#[cached_query]
fn nothing(id: i64) {
    let _ = id;
}

fn main() {}
