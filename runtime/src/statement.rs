//! The sea-query statement kinds a cached function may return.

use sea_query::{
    DeleteStatement, InsertStatement, QueryBuilder, QueryStatementBuilder, QueryStatementWriter,
    SelectStatement, SqlWriter, UpdateStatement, Values, WithQuery,
};

mod sealed {
    use crate::backend::BackendId;
    use crate::record::Recording;

    /// What the code that is not the hit path needs of a statement, for the backend a
    /// [`BackendId`] names: compiled here, once for each statement type, not in every crate
    /// that caches a query.
    pub trait Sealed {
        /// Renders the statement, recording where each value lands.
        #[allow(private_interfaces)]
        fn record(&self, backend: BackendId) -> Recording;
        /// `build(backend)`: the uncached result.
        fn build_for(&self, backend: BackendId) -> (String, sea_query::Values);
        /// `to_string(backend)`: the SQL with the values written in.
        fn inline_for(&self, backend: BackendId) -> String;
    }
}

pub(crate) use sealed::Sealed;

/// A sea-query statement that `#[cached_query]` can cache: [`SelectStatement`],
/// [`InsertStatement`], [`UpdateStatement`], [`DeleteStatement`] or [`WithQuery`].
///
/// ```
/// use cached_query::Statement;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SqliteQueryBuilder};
///
/// let select = Query::select().column(Alias::new("id")).from(Alias::new("t"))
///     .and_where(Expr::col(Alias::new("id")).eq(1)).to_owned();
/// let (sql, values) = Statement::build_with(&select, SqliteQueryBuilder);
/// assert_eq!(sql, r#"SELECT "id" FROM "t" WHERE "id" = ?"#);
/// assert_eq!(values.0.len(), 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a sea-query statement that `#[cached_query]` can cache",
    label = "the function must return one of the statement types",
    note = "supported return types: SelectStatement, InsertStatement, UpdateStatement, DeleteStatement, WithQuery"
)]
pub trait Statement: Send + 'static + sealed::Sealed {
    /// Renders the statement into `sql` for `builder` (sea-query's own rendering).
    fn write_into<B: QueryBuilder>(&self, builder: &B, sql: &mut impl SqlWriter);

    /// Builds the statement uncached, exactly as sea-query's `build(builder)` does.
    fn build_with<B: QueryBuilder>(&self, builder: B) -> (String, Values);

    /// The SQL with every value written in (sea-query's `to_string`), for `EXPLAIN` and logs.
    fn inline_with<B: QueryBuilder>(&self, builder: B) -> String;
}

macro_rules! impl_statement {
    ($($ty:ty),* $(,)?) => {$(
        impl sealed::Sealed for $ty {
            #[inline(never)]
            #[allow(private_interfaces)]
            fn record(&self, backend: crate::BackendId) -> crate::record::Recording {
                crate::record::Recording::of_any(self, backend)
            }
            #[inline(never)]
            fn build_for(&self, backend: crate::BackendId) -> (String, Values) {
                build_any(self, backend)
            }
            #[inline(never)]
            fn inline_for(&self, backend: crate::BackendId) -> String {
                inline_any(self, backend)
            }
        }

        impl Statement for $ty {
            fn write_into<B: QueryBuilder>(&self, builder: &B, sql: &mut impl SqlWriter) {
                <$ty as QueryStatementBuilder>::build_collect_any_into(self, builder, sql);
            }

            fn build_with<B: QueryBuilder>(&self, builder: B) -> (String, Values) {
                self.build(builder)
            }

            fn inline_with<B: QueryBuilder>(&self, builder: B) -> String {
                <$ty as QueryStatementWriter>::to_string(self, builder)
            }
        }
    )*};
}

impl_statement!(
    SelectStatement,
    InsertStatement,
    UpdateStatement,
    DeleteStatement,
    WithQuery,
);

/// `statement.build(backend)` for the backend `backend` names.
fn build_any<S: Statement>(statement: &S, backend: crate::BackendId) -> (String, Values) {
    use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    match backend {
        crate::BackendId::Postgres => statement.build_with(PostgresQueryBuilder),
        crate::BackendId::MySql => statement.build_with(MysqlQueryBuilder),
        crate::BackendId::Sqlite => statement.build_with(SqliteQueryBuilder),
    }
}

/// `statement.to_string(backend)` for the backend `backend` names.
fn inline_any<S: Statement>(statement: &S, backend: crate::BackendId) -> String {
    use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    match backend {
        crate::BackendId::Postgres => statement.inline_with(PostgresQueryBuilder),
        crate::BackendId::MySql => statement.inline_with(MysqlQueryBuilder),
        crate::BackendId::Sqlite => statement.inline_with(SqliteQueryBuilder),
    }
}

impl crate::record::Recording {
    /// Renders `statement` for backend `B`, recording where each value lands.
    pub(crate) fn of<S: Statement, B: crate::Backend>(statement: &S) -> Self {
        let mut writer = Self::writer::<B>();
        statement.write_into(&B::default(), &mut writer);
        writer.into_recording()
    }

    /// Renders `statement` for the backend `backend` names.
    pub(crate) fn of_any<S: Statement>(statement: &S, backend: crate::BackendId) -> Self {
        use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
        match backend {
            crate::BackendId::Postgres => Self::of::<S, PostgresQueryBuilder>(statement),
            crate::BackendId::MySql => Self::of::<S, MysqlQueryBuilder>(statement),
            crate::BackendId::Sqlite => Self::of::<S, SqliteQueryBuilder>(statement),
        }
    }
}
