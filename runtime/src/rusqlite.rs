//! rusqlite integration: bind a cached query's values to a rusqlite statement.
//!
//! A small binder of our own (sea-query-rusqlite pins an older rusqlite). Each
//! [`sea_query::Value`] becomes the SQLite value rusqlite itself would bind for the same Rust
//! type; a `u64` above `i64::MAX` is an error, never a panic.

use std::fmt;

use rusqlite::types::{ToSql, ToSqlOutput, Value as Sqlite, ValueRef};
use rusqlite::{Connection, ParamsFromIter, Row};
use sea_query::{SqliteQueryBuilder, Value, Values};

use crate::bind::BindError;
use crate::handle::{Cached, QueryArgs};

mod serve;
mod statements;

pub use statements::{
    DEFAULT_STATEMENT_LIMIT, PrepareFailure, PreparedInventory, STATEMENTS_PER_LIST_SHAPE,
    SqliteStatementStats, SqliteStatements,
};

/// One value bound through rusqlite.
#[derive(Debug, Clone, Copy)]
pub struct SqliteArg<'v> {
    value: &'v Value,
    index: usize,
}

impl<'v> SqliteArg<'v> {
    /// `value` as rusqlite parameter number `index` (1-based; used in error messages), for
    /// binding one value at a time with `Statement::raw_bind_parameter`.
    ///
    /// ```
    /// use cached_query::drivers::rusqlite::SqliteArg;
    /// use sea_query::Value;
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let mut statement = conn.prepare("SELECT ? * 2")?;
    /// let value = Value::from(21i64);
    /// statement.raw_bind_parameter(1, SqliteArg::new(&value, 1))?;
    /// let mut rows = statement.raw_query();
    /// let n: i64 = rows.next()?.expect("one row").get(0)?;
    /// assert_eq!(n, 42);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn new(value: &'v Value, index: usize) -> Self {
        SqliteArg { value, index }
    }
}

fn owned<T>(value: &Option<T>, f: impl FnOnce(&T) -> Sqlite) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(value.as_ref().map_or(Sqlite::Null, f))
}

fn failure(error: BindError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(error))
}

impl ToSql for SqliteArg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let int = |i: i64| Sqlite::Integer(i);
        Ok(match self.value {
            Value::Bool(v) => owned(v, |b| int(i64::from(*b))),
            Value::TinyInt(v) => owned(v, |i| int(i64::from(*i))),
            Value::SmallInt(v) => owned(v, |i| int(i64::from(*i))),
            Value::Int(v) => owned(v, |i| int(i64::from(*i))),
            Value::BigInt(v) => owned(v, |i| int(*i)),
            Value::TinyUnsigned(v) => owned(v, |i| int(i64::from(*i))),
            Value::SmallUnsigned(v) => owned(v, |i| int(i64::from(*i))),
            Value::Unsigned(v) => owned(v, |i| int(i64::from(*i))),
            Value::BigUnsigned(None) => ToSqlOutput::Owned(Sqlite::Null),
            Value::BigUnsigned(Some(u)) => match i64::try_from(*u) {
                Ok(i) => ToSqlOutput::Owned(int(i)),
                Err(_) => {
                    return Err(failure(BindError::UnsignedOutOfRange {
                        index: self.index,
                        value: *u,
                        database: "SQLite",
                    }));
                }
            },
            Value::Float(v) => owned(v, |f| Sqlite::Real(f64::from(*f))),
            Value::Double(v) => owned(v, |f| Sqlite::Real(*f)),
            Value::String(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::String(None) => ToSqlOutput::Owned(Sqlite::Null),
            Value::Char(v) => owned(v, |c| Sqlite::Text(c.to_string())),
            Value::Bytes(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Bytes(None) => ToSqlOutput::Owned(Sqlite::Null),
            Value::Enum(sea_query::OptionEnum::Some(e)) => {
                ToSqlOutput::Borrowed(ValueRef::Text(e.value.as_bytes()))
            }
            Value::Enum(sea_query::OptionEnum::None(_)) => ToSqlOutput::Owned(Sqlite::Null),
            #[cfg(feature = "with-json")]
            Value::Json(v) => owned(v, |j| Sqlite::Text(j.to_string())),
            #[cfg(feature = "with-chrono")]
            Value::ChronoDate(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoTime(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoDateTime(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoDateTimeUtc(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoDateTimeLocal(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoDateTimeWithTimeZone(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-chrono")]
            Value::ChronoDate(None)
            | Value::ChronoTime(None)
            | Value::ChronoDateTime(None)
            | Value::ChronoDateTimeUtc(None)
            | Value::ChronoDateTimeLocal(None)
            | Value::ChronoDateTimeWithTimeZone(None) => ToSqlOutput::Owned(Sqlite::Null),
            #[cfg(feature = "with-time")]
            Value::TimeDate(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-time")]
            Value::TimeTime(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-time")]
            Value::TimeDateTime(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-time")]
            Value::TimeDateTimeWithTimeZone(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-time")]
            Value::TimeDate(None)
            | Value::TimeTime(None)
            | Value::TimeDateTime(None)
            | Value::TimeDateTimeWithTimeZone(None) => ToSqlOutput::Owned(Sqlite::Null),
            #[cfg(feature = "with-uuid")]
            Value::Uuid(Some(v)) => v.to_sql()?,
            #[cfg(feature = "with-uuid")]
            Value::Uuid(None) => ToSqlOutput::Owned(Sqlite::Null),
            #[cfg(feature = "with-rust_decimal")]
            Value::Decimal(v) => owned(v, |d| Sqlite::Text(d.to_string())),
            // Types of sea-query features this crate does not forward (jiff, bigdecimal,
            // network and array types) are refused, not guessed.
            #[allow(unreachable_patterns)]
            other => {
                return Err(failure(BindError::Unsupported {
                    index: self.index,
                    value: format!("{other:?}"),
                    database: "SQLite (rusqlite)",
                }));
            }
        })
    }
}

/// The values of a built query as rusqlite parameters.
///
/// ```
/// use cached_query::drivers::rusqlite::rusqlite_params;
/// use sea_query::{Values, Value};
///
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// let values = Values(vec![Value::from(40i64), Value::from(2i64)]);
/// let n: i64 = conn.query_row("SELECT ? + ?", rusqlite_params(&values), |r| r.get(0)).unwrap();
/// assert_eq!(n, 42);
/// ```
pub fn rusqlite_params(values: &Values) -> ParamsFromIter<impl Iterator<Item = SqliteArg<'_>>> {
    rusqlite::params_from_iter(values.0.iter().enumerate().map(|(i, value)| SqliteArg {
        value,
        index: i + 1,
    }))
}

impl<Q: QueryArgs> Cached<Q> {
    /// Runs this query on `conn` (through rusqlite's statement cache) and maps every row
    /// with `f`.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn small(ids: &[i64]) -> SelectStatement {
    ///     Query::select().column(Alias::new("id")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()))
    ///         .order_by(Alias::new("id"), sea_query::Order::Asc).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1), (2), (3);")?;
    /// let ids = small(&[3, 1, 9]).rusqlite_query_map(&conn, |row| row.get::<_, i64>(0))?;
    /// assert_eq!(ids, vec![1, 3]);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn rusqlite_query_map<T>(
        &self,
        conn: &Connection,
        f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let (sql, values) = self.build_shared(SqliteQueryBuilder);
        let mut statement = conn.prepare_cached(&sql)?;
        let rows = statement.query_map(rusqlite_params(&values), f)?;
        rows.collect()
    }

    /// Runs this query on `conn` (through rusqlite's statement cache) and maps its first row
    /// with `f`, as rusqlite's `query_row` does: later rows are ignored, and no row is
    /// `Err(QueryReturnedNoRows)` (rusqlite's `OptionalExtension::optional` turns that into
    /// `Ok(None)`). For `INSERT ... RETURNING` of one row, and lookups by key.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use rusqlite::OptionalExtension;
    /// use sea_query::{Alias, Expr, ExprTrait, InsertStatement, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn add(name: &str) -> InsertStatement {
    ///     Query::insert().into_table(Alias::new("t")).columns([Alias::new("name")])
    ///         .values_panic([name.into()])
    ///         .returning_col(Alias::new("id")).to_owned()
    /// }
    ///
    /// #[cached_query]
    /// fn name_of(id: i64) -> SelectStatement {
    ///     Query::select().column(Alias::new("name")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)")?;
    /// let id: i64 = add("ann").rusqlite_query_row(&conn, |row| row.get(0))?;
    /// let name: String = name_of(id).rusqlite_query_row(&conn, |row| row.get(0))?;
    /// assert_eq!(name, "ann");
    /// let missing = name_of(id + 1).rusqlite_query_row(&conn, |row| row.get::<_, String>(0));
    /// assert_eq!(missing.optional()?, None);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn rusqlite_query_row<T>(
        &self,
        conn: &Connection,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let (sql, values) = self.build_shared(SqliteQueryBuilder);
        conn.prepare_cached(&sql)?
            .query_row(rusqlite_params(&values), f)
    }

    /// Executes this statement on `conn` and returns the number of rows changed.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Query, InsertStatement};
    ///
    /// #[cached_query]
    /// fn add(id: i64, name: &str) -> InsertStatement {
    ///     Query::insert().into_table(Alias::new("t")).columns([Alias::new("id"), Alias::new("name")])
    ///         .values_panic([id.into(), name.into()]).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER, name TEXT)")?;
    /// assert_eq!(add(1, "ann").rusqlite_execute(&conn)?, 1);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn rusqlite_execute(&self, conn: &Connection) -> rusqlite::Result<usize> {
        let (sql, values) = self.build_shared(SqliteQueryBuilder);
        conn.prepare_cached(&sql)?.execute(rusqlite_params(&values))
    }
}

impl fmt::Display for SqliteStatementStats {
    /// One line: `12 statements held (limit 512), 4810 hits, 12 prepared, ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} statements held (limit {}), {} hits, {} prepared, {} evicted, {} run by text; {} values bound, {} left bound; {} re-prepares by SQLite",
            self.statements,
            self.limit,
            self.hits,
            self.prepares,
            self.evictions,
            self.fallbacks,
            self.bound,
            self.unchanged,
            self.reprepares
        )
    }
}

impl fmt::Display for PreparedInventory {
    /// A summary line, then one line per shape SQLite would not prepare.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "prepared {} statements, {} held already, {} left for lack of room, {} failed",
            self.prepared,
            self.held,
            self.no_room,
            self.failed.len()
        )?;
        for failure in &self.failed {
            writeln!(f, "  {failure}")?;
        }
        Ok(())
    }
}

impl fmt::Display for PrepareFailure {
    /// `app::db::posts (status: Some): no such table: post`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{} ({}): {}",
            self.module, self.name, self.shape, self.error
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_print_one_line_each() {
        let stats = SqliteStatementStats {
            statements: 3,
            limit: 512,
            hits: 10,
            prepares: 3,
            ..SqliteStatementStats::default()
        };
        assert_eq!(
            stats.to_string(),
            "3 statements held (limit 512), 10 hits, 3 prepared, 0 evicted, 0 run by text; 0 values bound, 0 left bound; 0 re-prepares by SQLite"
        );
        let conn = Connection::open_in_memory().expect("in-memory database");
        let error = conn
            .prepare("SELECT x FROM missing")
            .expect_err("no such table");
        let report = PreparedInventory {
            prepared: 2,
            failed: vec![PrepareFailure {
                module: "app::db",
                name: "posts",
                shape: "status: Some".to_owned(),
                error,
            }],
            ..PreparedInventory::default()
        };
        assert_eq!(
            report.to_string(),
            "prepared 2 statements, 0 held already, 0 left for lack of room, 1 failed\n  app::db::posts (status: Some): no such table: missing\n"
        );
    }
}
