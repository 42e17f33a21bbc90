//! The three sea-query backends a cached query can be built for.

use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, SqliteQueryBuilder};

mod sealed {
    pub trait Sealed {}
    impl Sealed for sea_query::PostgresQueryBuilder {}
    impl Sealed for sea_query::MysqlQueryBuilder {}
    impl Sealed for sea_query::SqliteQueryBuilder {}
}

/// Which SQL dialect a template was rendered for; part of every cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BackendId {
    /// PostgreSQL: numbered placeholders `$1, $2, ...`.
    Postgres,
    /// MySQL and MariaDB: `?` placeholders.
    MySql,
    /// SQLite: `?` placeholders.
    Sqlite,
}

impl BackendId {
    /// A short lower-case name, as used in stats and log output.
    ///
    /// ```
    /// assert_eq!(cached_query::BackendId::Postgres.name(), "postgres");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            BackendId::Postgres => "postgres",
            BackendId::MySql => "mysql",
            BackendId::Sqlite => "sqlite",
        }
    }

    pub(crate) const fn placeholder(self) -> (&'static str, bool) {
        match self {
            BackendId::Postgres => ("$", true),
            BackendId::MySql | BackendId::Sqlite => ("?", false),
        }
    }
}

impl std::fmt::Display for BackendId {
    /// The [`name`](BackendId::name): `postgres`, `mysql` or `sqlite`.
    ///
    /// ```
    /// assert_eq!(cached_query::BackendId::MySql.to_string(), "mysql");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

/// A sea-query builder a cached query can render for: [`PostgresQueryBuilder`],
/// [`MysqlQueryBuilder`] or [`SqliteQueryBuilder`].
///
/// The trait is sealed: the cache must know how each backend writes placeholders.
///
/// ```
/// use cached_query::{Backend, BackendId};
/// use sea_query::SqliteQueryBuilder;
/// assert_eq!(<SqliteQueryBuilder as Backend>::ID, BackendId::Sqlite);
/// ```
pub trait Backend: QueryBuilder + Default + sealed::Sealed {
    /// The dialect this builder renders.
    const ID: BackendId;
}

impl Backend for PostgresQueryBuilder {
    const ID: BackendId = BackendId::Postgres;
}

impl Backend for MysqlQueryBuilder {
    const ID: BackendId = BackendId::MySql;
}

impl Backend for SqliteQueryBuilder {
    const ID: BackendId = BackendId::Sqlite;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_sea_query() {
        assert_eq!(
            PostgresQueryBuilder.placeholder(),
            BackendId::Postgres.placeholder()
        );
        assert_eq!(
            MysqlQueryBuilder.placeholder(),
            BackendId::MySql.placeholder()
        );
        assert_eq!(
            SqliteQueryBuilder.placeholder(),
            BackendId::Sqlite.placeholder()
        );
    }
}
