//! A statement cache for rusqlite that turns the stable SQL of cached shapes into stable
//! prepared statements.
//!
//! rusqlite's `prepare_cached` finds a statement by hashing its SQL text, holds 16 of them
//! by default, and calls `sqlite3_clear_bindings` each time a statement goes back to its
//! cache. SQLite expires a statement (and re-prepares it at the next step) whenever a
//! parameter its plan was built from is rebound or cleared: `LIMIT ?`, whose value the plan
//! embeds, and after `ANALYZE` indexed equalities and ranges. So on SQLite a statement with
//! such a parameter is compiled again on every use, whatever its value.
//!
//! [`SqliteStatements`] keeps one prepared statement per template (found by the template's
//! identity, not by the text), keeps its bindings between uses and binds again only the
//! parameters whose value changed: a `LIMIT 5` the body always binds is bound once, and the
//! statement is never re-prepared for it. Which values still make SQLite re-prepare, measured,
//! and what to do about each:
//! [docs/sqlite.md](https://github.com/cached-query/cached-query/blob/main/docs/sqlite.md).

mod binding;
mod slots;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use rusqlite::{Connection, Row, Statement, StatementStatus};
use sea_query::Values;

use self::slots::{Slot, status};
use super::rusqlite_params;
use super::serve::TemplateId;
use crate::backend::BackendId;
use crate::handle::{Cached, QueryArgs};
use crate::warm::Inventory;

/// The default bound of [`SqliteStatements`]: statements held at most.
pub const DEFAULT_STATEMENT_LIMIT: usize = 512;

/// Statements [`SqliteStatements::for_inventory`] counts for a shape with `IN` lists: one per
/// list length in use. With `pad_in` a list takes at most 16 lengths (1, 2, 4, … 32,768);
/// without it an application's lists rarely take more.
pub const STATEMENTS_PER_LIST_SHAPE: usize = 16;

/// Prepared statements for the cached queries run on one rusqlite [`Connection`]: one per
/// shape in use, kept prepared and bound, never re-prepared by SQLite for a value that did
/// not change.
///
/// A use looks the statement up by the identity of the template the call was served from
/// and the lengths of its `IN` lists, which name its SQL text (on the template's own lengths
/// the text is also compared, by pointer); only an identity seen for the first time needs the
/// text, rendered if need be and looked up, so that shapes with the same SQL share one
/// statement. A hit builds nothing: where each value comes from is worked out once per
/// identity, then each value is read from the call's arguments (text and bytes borrowed),
/// compared with the one bound last time, and bound only if it differs;
/// then the statement is stepped, and dropping the rows resets it without clearing its
/// bindings. A call the cache served uncached (caching off, an uncacheable shape) runs
/// through rusqlite's own `prepare_cached`, by its text.
///
/// The cache grows with the shapes in use, one statement each, up to a bound
/// ([`DEFAULT_STATEMENT_LIMIT`], or [`with_limit`](Self::with_limit)); beyond it the least
/// recently used statement is finalized to make room. Statements are finalized when this is
/// dropped, which the borrow of the connection guarantees happens before the connection
/// closes. It borrows the connection, so it belongs to one thread: with a pool, create one
/// per connection checked out (a worker that keeps its connection keeps its statements).
///
/// ```
/// use cached_query::cached_query;
/// use cached_query::drivers::rusqlite::SqliteStatements;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
///
/// #[cached_query]
/// fn names(min_id: i64) -> SelectStatement {
///     Query::select().column(Alias::new("name")).from(Alias::new("t"))
///         .and_where(Expr::col(Alias::new("id")).gte(min_id))
///         .order_by(Alias::new("id"), sea_query::Order::Asc).limit(2).to_owned()
/// }
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
///                     INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');")?;
/// let mut statements = SqliteStatements::new(&conn);
/// for (min_id, expected) in [(1, ["a", "b"].as_slice()), (2, &["b", "c"]), (3, &["c"]), (1, &["a", "b"])] {
///     let rows = statements.query_map(&names(min_id), |row| row.get::<_, String>(0))?;
///     assert_eq!(rows, expected);
/// }
/// // One shape, one statement. SQLite plans a statement before anything is bound and
/// // compiles it again when a value its plan uses (here `LIMIT ?`) is first bound; `LIMIT 2`
/// // stays bound afterwards, so that one re-prepare is the only one.
/// let stats = statements.stats();
/// assert_eq!((stats.statements, stats.prepares, stats.hits), (1, 1, 3));
/// assert_eq!(statements.reprepares(), 1);
/// # Ok::<(), rusqlite::Error>(())
/// ```
pub struct SqliteStatements<'conn> {
    conn: &'conn Connection,
    /// Each id's slot, and its place in the slot's `ids`.
    index: HashMap<TemplateId, (usize, usize), foldhash::fast::RandomState>,
    /// The slot of each text, for an id seen for the first time (only then is a text hashed).
    texts: HashMap<Arc<str>, usize, foldhash::fast::RandomState>,
    slots: Vec<Slot<'conn>>,
    limit: usize,
    clock: u64,
    stats: SqliteStatementStats,
    /// Re-prepares of statements finalized or run through `prepare_cached`.
    reprepares_gone: u64,
}

/// Counters of a [`SqliteStatements`], from [`SqliteStatements::stats`].
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let stats = cached_query::drivers::rusqlite::SqliteStatements::new(&conn).stats();
/// assert_eq!((stats.statements, stats.hits, stats.reprepares), (0, 0, 0));
/// assert_eq!(stats.limit, cached_query::drivers::rusqlite::DEFAULT_STATEMENT_LIMIT);
/// # Ok::<(), rusqlite::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SqliteStatementStats {
    /// Statements held now (one per SQL text in use: per shape and list length).
    pub statements: usize,
    /// The most statements held at once before the least recently used is finalized.
    pub limit: usize,
    /// Uses served by a statement already held (also the first use of a shape whose text
    /// another shape prepared).
    pub hits: u64,
    /// Statements prepared: the first use of a shape, or again after it was evicted.
    pub prepares: u64,
    /// Statements finalized to make room.
    pub evictions: u64,
    /// Uses whose call the cache served uncached, run through rusqlite's `prepare_cached`.
    pub fallbacks: u64,
    /// Values bound (each a `sqlite3_bind_*` call).
    pub bound: u64,
    /// Values left bound because they equal the value bound last time.
    pub unchanged: u64,
    /// Times SQLite re-prepared one of these statements
    /// (`sqlite3_stmt_status(…, SQLITE_STMTSTATUS_REPREPARE)`, summed).
    pub reprepares: u64,
}

/// What [`SqliteStatements::prepare_inventory`] did.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let mut statements = cached_query::drivers::rusqlite::SqliteStatements::new(&conn);
/// let report = statements.prepare_inventory(&cached_query::ahead::Inventory::default());
/// assert_eq!((report.prepared, report.held, report.no_room), (0, 0, 0));
/// assert!(report.failed.is_empty());
/// # Ok::<(), rusqlite::Error>(())
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct PreparedInventory {
    /// Statements prepared now.
    pub prepared: usize,
    /// SQLite shapes whose text was held already (prepared before, or the same SQL as
    /// another shape).
    pub held: usize,
    /// SQLite shapes left unprepared because the cache was full.
    pub no_room: usize,
    /// SQLite shapes SQLite would not prepare.
    pub failed: Vec<PrepareFailure>,
}

/// A shape [`SqliteStatements::prepare_inventory`] could not prepare.
#[derive(Debug)]
#[non_exhaustive]
pub struct PrepareFailure {
    /// The function's module.
    pub module: &'static str,
    /// The function.
    pub name: &'static str,
    /// The shape, as the inventory names it.
    pub shape: String,
    /// SQLite's error.
    pub error: rusqlite::Error,
}

impl<'conn> SqliteStatements<'conn> {
    /// An empty cache for `conn`, holding up to [`DEFAULT_STATEMENT_LIMIT`] statements.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let statements = cached_query::drivers::rusqlite::SqliteStatements::new(&conn);
    /// assert_eq!(statements.stats().statements, 0);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn new(conn: &'conn Connection) -> Self {
        Self::with_limit(conn, DEFAULT_STATEMENT_LIMIT)
    }

    /// An empty cache for `conn` holding up to `limit` statements (at least 1). Each held
    /// statement costs SQLite a few kilobytes; statements are prepared as shapes are used,
    /// so a small application never reaches the limit.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let statements = cached_query::drivers::rusqlite::SqliteStatements::with_limit(&conn, 64);
    /// assert_eq!(statements.stats().limit, 64);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn with_limit(conn: &'conn Connection, limit: usize) -> Self {
        let limit = limit.max(1);
        SqliteStatements {
            conn,
            index: HashMap::default(),
            texts: HashMap::default(),
            slots: Vec::new(),
            limit,
            clock: 0,
            stats: SqliteStatementStats {
                limit,
                ..SqliteStatementStats::default()
            },
            reprepares_gone: 0,
        }
    }

    /// An empty cache for `conn` sized from the shape inventory: its bound is the number of
    /// SQLite statements the inventoried functions can send, counting a shape with `IN`
    /// lists as [`STATEMENTS_PER_LIST_SHAPE`] (one per list length) and a function whose
    /// shapes cannot be listed as its cache capacity. Statements are still prepared only as
    /// shapes are used; the bound only decides when the least recently used is finalized.
    ///
    /// ```
    /// use cached_query::{cached_query, inventory};
    /// use cached_query::drivers::rusqlite::{SqliteStatements, STATEMENTS_PER_LIST_SHAPE};
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn posts(ids: &[i64], published: bool) -> SelectStatement {
    ///     let mut q = Query::select();
    ///     q.column(Alias::new("id")).from(Alias::new("posts"));
    ///     if !ids.is_empty() { q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())); }
    ///     if published { q.and_where(Expr::col(Alias::new("published")).eq(true)); }
    ///     q
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let mine = inventory().in_module(module_path!());
    /// let statements = SqliteStatements::for_inventory(&conn, &mine);
    /// // 4 shapes (ids empty or not, published or not), each with a list argument.
    /// assert_eq!(statements.stats().limit, 4 * STATEMENTS_PER_LIST_SHAPE);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn for_inventory(conn: &'conn Connection, inventory: &Inventory) -> Self {
        let limit = inventory
            .functions
            .iter()
            .map(|f| match &f.shapes {
                Ok(shapes) => {
                    let per_shape = if f.lists.is_empty() {
                        1
                    } else {
                        STATEMENTS_PER_LIST_SHAPE
                    };
                    let sqlite = shapes
                        .iter()
                        .filter(|s| s.backend == BackendId::Sqlite)
                        .count();
                    sqlite.saturating_mul(per_shape)
                }
                Err(_) => f.capacity,
            })
            .fold(0usize, usize::saturating_add);
        Self::with_limit(conn, limit)
    }

    /// Prepares a statement for `sql` unless one is held, as the first use of a shape that
    /// sends this text would (in the least recently used slot when the cache is full);
    /// returns whether it prepared one. The first call whose text is `sql` binds it: use
    /// it to prepare, before the first request, texts known from elsewhere (a log of a
    /// previous run, say; [`prepare_inventory`](Self::prepare_inventory) takes them from the
    /// shape inventory).
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use cached_query::drivers::rusqlite::SqliteStatements;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
    ///
    /// #[cached_query]
    /// fn name(id: i64) -> SelectStatement {
    ///     Query::select().column(Alias::new("name")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
    ///                     INSERT INTO t VALUES (1, 'ann');")?;
    /// let mut statements = SqliteStatements::new(&conn);
    /// let (sql, _) = name(0).build(SqliteQueryBuilder);
    /// assert!(statements.prepare(&sql)?);
    /// assert!(!statements.prepare(&sql)?); // held already
    /// assert_eq!(statements.query_row(&name(1), |row| row.get::<_, String>(0))?, "ann");
    /// assert_eq!(statements.stats().prepares, 1);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn prepare(&mut self, sql: &str) -> rusqlite::Result<bool> {
        if self.texts.contains_key(sql) {
            return Ok(false);
        }
        self.prepare_slot(Arc::from(sql), Vec::new())?;
        Ok(true)
    }

    /// Prepares, at start-up, a statement for every SQLite shape of `inventory` whose text
    /// is not held yet, so that no request pays for preparing it. A shape with `IN` lists
    /// is listed with two elements per list: other lengths are still prepared on first use.
    /// Nothing is evicted: once the cache is full the remaining shapes are counted in
    /// [`no_room`](PreparedInventory::no_room). A shape SQLite does not prepare (a table
    /// this database lacks: pass [`Inventory::in_module`] to keep the functions of this
    /// database) is reported in [`failed`](PreparedInventory::failed) and skipped.
    ///
    /// Together with [`warm_up`](crate::warm_up), which stores the shapes' templates, the
    /// first call of each listed shape is a hit bound to a statement prepared before.
    ///
    /// ```
    /// use cached_query::{cached_query, inventory};
    /// use cached_query::drivers::rusqlite::SqliteStatements;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn names(min_id: i64, named: bool) -> SelectStatement {
    ///     let mut q = Query::select();
    ///     q.column(Alias::new("name")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).gte(min_id));
    ///     if named { q.and_where(Expr::col(Alias::new("name")).is_not_null()); }
    ///     q
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
    ///                     INSERT INTO t VALUES (1, 'a'), (2, NULL);")?;
    /// let mine = inventory().in_module(module_path!());
    /// let mut statements = SqliteStatements::for_inventory(&conn, &mine);
    /// let report = statements.prepare_inventory(&mine);
    /// assert_eq!((report.prepared, report.failed.len()), (2, 0)); // `named` or not
    ///
    /// // The first calls bind the statements prepared above.
    /// assert_eq!(statements.query_map(&names(1, true), |row| row.get::<_, String>(0))?, ["a"]);
    /// assert_eq!(statements.query_map(&names(1, false), |row| row.get::<_, Option<String>>(0))?.len(), 2);
    /// assert_eq!((statements.stats().prepares, statements.stats().statements), (2, 2));
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn prepare_inventory(&mut self, inventory: &Inventory) -> PreparedInventory {
        let mut report = PreparedInventory::default();
        for function in &inventory.functions {
            let Ok(shapes) = &function.shapes else {
                continue;
            };
            for shape in shapes.iter().filter(|s| s.backend == BackendId::Sqlite) {
                if self.texts.contains_key(shape.sql.as_str()) {
                    report.held += 1;
                } else if self.slots.len() >= self.limit {
                    report.no_room += 1;
                } else {
                    match self.prepare_slot(Arc::from(shape.sql.as_str()), Vec::new()) {
                        Ok(_) => report.prepared += 1,
                        Err(error) => report.failed.push(PrepareFailure {
                            module: function.module,
                            name: function.name,
                            shape: shape.shape.clone(),
                            error,
                        }),
                    }
                }
            }
        }
        report
    }

    /// The connection the statements belong to.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let statements = cached_query::drivers::rusqlite::SqliteStatements::new(&conn);
    /// assert!(std::ptr::eq(statements.connection(), &conn));
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn connection(&self) -> &'conn Connection {
        self.conn
    }

    /// Runs `query` and maps every row with `f`: [`Cached::rusqlite_query_map`] through
    /// this cache.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use cached_query::drivers::rusqlite::SqliteStatements;
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
    /// let mut statements = SqliteStatements::new(&conn);
    /// assert_eq!(statements.query_map(&small(&[3, 1, 9]), |row| row.get::<_, i64>(0))?, [1, 3]);
    /// // Another list length is other SQL: a statement of its own.
    /// assert_eq!(statements.query_map(&small(&[2]), |row| row.get::<_, i64>(0))?, [2]);
    /// assert_eq!(statements.stats().statements, 2);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn query_map<Q: QueryArgs, T>(
        &mut self,
        query: &Cached<Q>,
        mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let statement = match self.statement(query)? {
            Use::Held(statement) => statement,
            Use::ByText(sql, values) => {
                return self.fallback(&sql, |statement| {
                    statement
                        .query_map(rusqlite_params(&values), &mut f)?
                        .collect()
                });
            }
        };
        collect_rows(statement, f)
    }

    /// Runs `query` and maps its first row with `f`, like [`Connection::query_row`]:
    /// `Err(QueryReturnedNoRows)` when there is none.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use cached_query::drivers::rusqlite::SqliteStatements;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn name(id: i64) -> SelectStatement {
    ///     Query::select().column(Alias::new("name")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).eq(id)).limit(1).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
    ///                     INSERT INTO t VALUES (1, 'ann');")?;
    /// let mut statements = SqliteStatements::new(&conn);
    /// assert_eq!(statements.query_row(&name(1), |row| row.get::<_, String>(0))?, "ann");
    /// assert!(matches!(
    ///     statements.query_row(&name(2), |row| row.get::<_, String>(0)),
    ///     Err(rusqlite::Error::QueryReturnedNoRows)
    /// ));
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn query_row<Q: QueryArgs, T>(
        &mut self,
        query: &Cached<Q>,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let statement = match self.statement(query)? {
            Use::Held(statement) => statement,
            Use::ByText(sql, values) => {
                return self.fallback(&sql, |statement| {
                    statement.query_row(rusqlite_params(&values), f)
                });
            }
        };
        let mut rows = statement.raw_query();
        match rows.next()? {
            Some(row) => f(row),
            None => Err(rusqlite::Error::QueryReturnedNoRows),
        }
    }

    /// Executes `query` and returns the number of rows changed: [`Cached::rusqlite_execute`]
    /// through this cache.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use cached_query::drivers::rusqlite::SqliteStatements;
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
    /// let mut statements = SqliteStatements::new(&conn);
    /// for (id, name) in [(1, "ann"), (2, "bob"), (3, "cy")] {
    ///     assert_eq!(statements.execute(&add(id, name))?, 1);
    /// }
    /// assert_eq!(statements.stats().prepares, 1);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn execute<Q: QueryArgs>(&mut self, query: &Cached<Q>) -> rusqlite::Result<usize> {
        let statement = match self.statement(query)? {
            Use::Held(statement) => statement,
            Use::ByText(sql, values) => {
                return self.fallback(&sql, |statement| {
                    statement.execute(rusqlite_params(&values))
                });
            }
        };
        statement.raw_execute()
    }

    /// How many times SQLite re-prepared a statement run through this cache (its
    /// `SQLITE_STMTSTATUS_REPREPARE` counters, summed, including statements since finalized
    /// and uncached calls). Near zero on a warm workload unless the plan depends on values
    /// that change (`LIMIT ?`, `LIKE ?`, indexed comparisons after `ANALYZE`); see
    /// [docs/sqlite.md](https://github.com/cached-query/cached-query/blob/main/docs/sqlite.md)
    /// for which values do and what to do about each.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// assert_eq!(cached_query::drivers::rusqlite::SqliteStatements::new(&conn).reprepares(), 0);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn reprepares(&self) -> u64 {
        self.reprepares_gone
            + self
                .slots
                .iter()
                .map(|slot| status(&slot.statement))
                .sum::<u64>()
    }

    /// The counters: statements held, hits, prepares, evictions, fallbacks, values bound
    /// and left bound, re-prepares.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let stats = cached_query::drivers::rusqlite::SqliteStatements::with_limit(&conn, 8).stats();
    /// assert_eq!((stats.statements, stats.limit, stats.reprepares), (0, 8, 0));
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn stats(&self) -> SqliteStatementStats {
        SqliteStatementStats {
            statements: self.slots.len(),
            reprepares: self.reprepares(),
            ..self.stats
        }
    }

    /// Finalizes every statement held; the counters stay.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use cached_query::drivers::rusqlite::SqliteStatements;
    /// use sea_query::{Alias, Query, SelectStatement};
    ///
    /// #[cached_query]
    /// fn one() -> SelectStatement {
    ///     Query::select().expr(sea_query::Expr::val(1)).to_owned()
    /// }
    ///
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// let mut statements = SqliteStatements::new(&conn);
    /// statements.query_row(&one(), |row| row.get::<_, i64>(0))?;
    /// statements.clear();
    /// assert_eq!(statements.stats().statements, 0);
    /// # Ok::<(), rusqlite::Error>(())
    /// ```
    pub fn clear(&mut self) {
        self.reprepares_gone += self
            .slots
            .iter()
            .map(|slot| status(&slot.statement))
            .sum::<u64>();
        self.index.clear();
        self.texts.clear();
        self.slots.clear();
    }

    /// Runs an uncached call through rusqlite's statement cache, by its text.
    #[cold]
    fn fallback<T>(
        &mut self,
        sql: &str,
        run: impl FnOnce(&mut Statement<'conn>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.stats.fallbacks += 1;
        let mut statement = self.conn.prepare_cached(sql)?;
        let out = run(&mut statement);
        self.reprepares_gone +=
            u64::try_from(statement.reset_status(StatementStatus::RePrepare)).unwrap_or_default();
        out
    }
}

/// Steps `statement` and maps every row with `f`; out of line, so that the query functions
/// share one copy per row type instead of one each.
#[inline(never)]
fn collect_rows<T>(
    statement: &mut Statement<'_>,
    mut f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(f(row)?);
    }
    Ok(out)
}

/// What [`SqliteStatements::statement`] found for a call.
enum Use<'s, 'conn> {
    /// The held statement, bound.
    Held(&'s mut Statement<'conn>),
    /// A call without a template: its text and values, to run by text.
    ByText(Arc<str>, Values),
}

impl fmt::Debug for SqliteStatements<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStatements")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}
