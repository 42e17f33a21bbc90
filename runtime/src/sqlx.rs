//! sqlx integration: a cached query as a sqlx query, in one call.
//!
//! The SQL is passed to sqlx as the cache's shared `Arc<str>` (no copy of the text), and the
//! values through `sea-query-sqlx`. Every method returns `Result<_, BindError>`, whatever the
//! database, so that changing backend changes no `?`: a `u64` above `i64::MAX` for
//! PostgreSQL or SQLite is a [`BindError`] (sqlx's own binders would panic), and MySQL, which
//! binds every value, never fails. `BindError` converts into `sqlx::Error`, so `?` works in
//! functions that return sqlx errors.

// Each method is labelled with the one feature it needs, not with the module's `any(...)`.
#![cfg_attr(docsrs, doc(auto_cfg = false))]

use sea_query_sqlx::SqlxValues;

use crate::bind::BindError;
use crate::handle::{Cached, QueryArgs};

/// The SQL and values for sqlx, after checking that `database` can bind every value
/// (`database: None`: it binds them all).
fn checked(
    (sql, values): (std::sync::Arc<str>, sea_query::Values),
    database: Option<&'static str>,
) -> Result<(sqlx::AssertSqlSafe<std::sync::Arc<str>>, SqlxValues), BindError> {
    if let Some(database) = database {
        check_signed(&values, database)?;
    }
    Ok((sqlx::AssertSqlSafe(sql), SqlxValues(values)))
}

/// The first `u64` above `i64::MAX` in `values`, as an error.
fn check_signed(values: &sea_query::Values, database: &'static str) -> Result<(), BindError> {
    for (i, value) in values.0.iter().enumerate() {
        if let sea_query::Value::BigUnsigned(Some(v)) = value
            && i64::try_from(*v).is_err()
        {
            return Err(BindError::UnsignedOutOfRange {
                index: i + 1,
                value: *v,
                database,
            });
        }
    }
    Ok(())
}

#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "sqlx-postgres",
        feature = "sqlx-mysql",
        feature = "sqlx-sqlite"
    )))
)]
impl From<BindError> for sqlx::Error {
    fn from(error: BindError) -> Self {
        sqlx::Error::Encode(Box::new(error))
    }
}

impl<Q: QueryArgs> Cached<Q> {
    /// This query for PostgreSQL, as a sqlx query ready to execute or fetch; an error if a
    /// value does not fit PostgreSQL (a `u64` above `i64::MAX`).
    ///
    /// ```no_run
    /// # async fn run(pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    /// use sqlx::Row;
    ///
    /// #[cached_query]
    /// fn names(min_age: i32) -> SelectStatement {
    ///     Query::select().column(Alias::new("name")).from(Alias::new("users"))
    ///         .and_where(Expr::col(Alias::new("age")).gte(min_age)).to_owned()
    /// }
    ///
    /// let rows = names(18).sqlx_postgres()?.fetch_all(&pool).await?;
    /// let first: String = rows[0].try_get("name")?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlx-postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-postgres")))]
    pub fn sqlx_postgres(
        &self,
    ) -> Result<sqlx::query::Query<'static, sqlx::Postgres, SqlxValues>, BindError> {
        let (sql, values) = checked(
            self.build_shared(sea_query::PostgresQueryBuilder),
            Some("PostgreSQL"),
        )?;
        Ok(sqlx::query_with(sql, values))
    }

    /// Like [`sqlx_postgres`](Self::sqlx_postgres), mapping each row to `T` with
    /// [`sqlx::FromRow`].
    #[cfg(feature = "sqlx-postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-postgres")))]
    pub fn sqlx_postgres_as<T>(
        &self,
    ) -> Result<sqlx::query::QueryAs<'static, sqlx::Postgres, T, SqlxValues>, BindError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let (sql, values) = checked(
            self.build_shared(sea_query::PostgresQueryBuilder),
            Some("PostgreSQL"),
        )?;
        Ok(sqlx::query_as_with(sql, values))
    }

    /// This query for MySQL or MariaDB, as a sqlx query ready to execute or fetch.
    ///
    /// MySQL binds every value (an unsigned `BIGINT` holds any `u64`), so this never returns
    /// an error today; it returns a `Result` like its PostgreSQL and SQLite siblings so that
    /// code moves between databases without touching a `?`.
    ///
    /// ```no_run
    /// # async fn run(pool: sqlx::MySqlPool) -> Result<(), sqlx::Error> {
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, DeleteStatement};
    ///
    /// #[cached_query]
    /// fn expire(before: i64) -> DeleteStatement {
    ///     Query::delete().from_table(Alias::new("sessions"))
    ///         .and_where(Expr::col(Alias::new("expires")).lt(before)).to_owned()
    /// }
    ///
    /// let done = expire(1_700_000_000).sqlx_mysql()?.execute(&pool).await?;
    /// println!("{} sessions expired", done.rows_affected());
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlx-mysql")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-mysql")))]
    pub fn sqlx_mysql(
        &self,
    ) -> Result<sqlx::query::Query<'static, sqlx::MySql, SqlxValues>, BindError> {
        let (sql, values) = checked(self.build_shared(sea_query::MysqlQueryBuilder), None)?;
        Ok(sqlx::query_with(sql, values))
    }

    /// Like [`sqlx_mysql`](Self::sqlx_mysql), mapping each row to `T` with
    /// [`sqlx::FromRow`].
    #[cfg(feature = "sqlx-mysql")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-mysql")))]
    pub fn sqlx_mysql_as<T>(
        &self,
    ) -> Result<sqlx::query::QueryAs<'static, sqlx::MySql, T, SqlxValues>, BindError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::mysql::MySqlRow>,
    {
        let (sql, values) = checked(self.build_shared(sea_query::MysqlQueryBuilder), None)?;
        Ok(sqlx::query_as_with(sql, values))
    }

    /// This query for SQLite, as a sqlx query ready to execute or fetch; an error if a value
    /// does not fit SQLite (a `u64` above `i64::MAX`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), sqlx::Error> {
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    /// use sqlx::Row;
    ///
    /// #[cached_query]
    /// fn answer(x: i64, extra: Option<i64>) -> SelectStatement {
    ///     let mut q = Query::select();
    ///     q.expr(Expr::val(x).add(40));
    ///     if let Some(e) = extra { q.expr(Expr::val(e)); }
    ///     q
    /// }
    ///
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let row = answer(2, None).sqlx_sqlite()?.fetch_one(&pool).await?;
    /// assert_eq!(row.try_get::<i64, _>(0)?, 42);
    ///
    /// // Values SQLite cannot bind are errors, not panics.
    /// #[cached_query]
    /// fn big(n: u64) -> SelectStatement {
    ///     Query::select().expr(Expr::val(n)).to_owned()
    /// }
    /// assert!(big(u64::MAX).sqlx_sqlite().is_err());
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "sqlx-sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-sqlite")))]
    pub fn sqlx_sqlite(
        &self,
    ) -> Result<sqlx::query::Query<'static, sqlx::Sqlite, SqlxValues>, BindError> {
        let (sql, values) = checked(
            self.build_shared(sea_query::SqliteQueryBuilder),
            Some("SQLite"),
        )?;
        Ok(sqlx::query_with(sql, values))
    }

    /// Like [`sqlx_sqlite`](Self::sqlx_sqlite), mapping each row to `T` with
    /// [`sqlx::FromRow`].
    #[cfg(feature = "sqlx-sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlx-sqlite")))]
    pub fn sqlx_sqlite_as<T>(
        &self,
    ) -> Result<sqlx::query::QueryAs<'static, sqlx::Sqlite, T, SqlxValues>, BindError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        let (sql, values) = checked(
            self.build_shared(sea_query::SqliteQueryBuilder),
            Some("SQLite"),
        )?;
        Ok(sqlx::query_as_with(sql, values))
    }
}
