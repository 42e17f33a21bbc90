use cached_query::cached_query;
use sea_query::SelectStatement;

struct UserId(i64);

#[cached_query]
fn by_user(user: UserId) -> SelectStatement {
    let _ = user.0;
    sea_query::Query::select()
}

fn main() {}
