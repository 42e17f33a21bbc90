//! Doc comments, `cfg`, `allow` and visibility pass through; associated functions work,
//! also when the body names `Self`; a function is usable from another module.
use sea_query::{Expr, ExprTrait, Iden, PostgresQueryBuilder, Query, SelectStatement};

#[derive(Iden, Clone, Copy)]
enum User {
    Table,
    Id,
    Name,
}

mod queries {
    use super::User;
    use cached_query::cached_query;
    use sea_query::{Expr, ExprTrait, Query, SelectStatement};

    /// Users by id.
    #[cached_query]
    #[allow(clippy::needless_pass_by_value)]
    #[cfg(not(feature = "never-set"))]
    pub(crate) fn by_id(id: i64) -> SelectStatement {
        Query::select().column(User::Name).from(User::Table)
            .and_where(Expr::col(User::Id).eq(id)).to_owned()
    }

    #[cfg(feature = "never-set")]
    pub(crate) fn by_id(_: i64) -> SelectStatement {
        unreachable!()
    }
}

impl User {
    #[cached_query::cached_query]
    pub fn named(name: &str) -> SelectStatement {
        Query::select().column(Self::Id).from(Self::Table)
            .and_where(Expr::col(Self::Name).eq(name)).to_owned()
    }
}

fn main() {
    let h = queries::by_id(7);
    assert_eq!(h.build(PostgresQueryBuilder).0, r#"SELECT "name" FROM "user" WHERE "id" = $1"#);
    let h = User::named("ann");
    assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
}
