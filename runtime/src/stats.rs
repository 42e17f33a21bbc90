//! Counters of every cached function.

use std::fmt;
use std::sync::Mutex;

use crate::backend::BackendId;
use crate::error::Uncacheable;

/// What a function's cache tells [`stats`] and [`uncacheable`].
pub(crate) trait Report {
    fn report(&self) -> FunctionStats;
    fn uncacheable(&self) -> Vec<UncacheableShape>;
}

/// The registry of caches that have stored something, for [`stats`].
static REGISTRY: Mutex<Vec<&'static (dyn Report + Sync)>> = Mutex::new(Vec::new());

/// Makes a cache visible to [`stats`] and [`uncacheable`]; each registers once.
pub(crate) fn register(cache: &'static (dyn Report + Sync)) {
    let mut registry = match REGISTRY.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    registry.push(cache);
}

fn registered() -> Vec<&'static (dyn Report + Sync)> {
    match REGISTRY.lock() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Counters of one `#[cached_query]` function, as read by [`stats`].
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
///
/// // Two shapes at most: a third is served uncached, not probed, and counted as rejected.
/// #[cached_query(capacity = 2)]
/// fn by_column(#[shape] column: char, value: i64) -> SelectStatement {
///     Query::select().column(Alias::new("id")).from(Alias::new("t"))
///         .and_where(Expr::col(Alias::new(column.to_string())).eq(value)).to_owned()
/// }
///
/// for column in ['a', 'b', 'c', 'c', 'a'] {
///     let h = by_column(column, 1);
///     assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
/// }
/// let row = cached_query::stats().function("by_column").cloned().unwrap();
/// assert_eq!((row.entries, row.misses, row.hits), (2, 2, 1));
/// assert_eq!((row.rejected, row.uncached_calls), (2, 2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionStats {
    /// The function's name.
    pub name: &'static str,
    /// The module it is defined in.
    pub module: &'static str,
    /// Calls answered from a template.
    pub hits: u64,
    /// Calls whose shape was not stored yet (each probes the body).
    pub misses: u64,
    /// Calls that took the uncached path because their shape is uncacheable, caching is
    /// off, or the cache was full.
    pub uncached_calls: u64,
    /// Shapes found uncacheable (each logged once).
    pub uncacheable_keys: u64,
    /// Calls of a shape not stored because the cache was full (each served uncached).
    pub rejected: u64,
    /// Hits also built uncached and compared by sampled verification (`verify = rate`).
    pub verified: u64,
    /// Verifications that found a difference (each marks its shape uncacheable).
    pub verify_failures: u64,
    /// Shapes stored (templates and uncacheable markers).
    pub entries: usize,
    /// Approximate heap bytes held by the stored templates.
    pub bytes: usize,
}

/// A snapshot of every cached function that has run, from [`stats`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// One row per function, sorted by module and name.
    pub functions: Vec<FunctionStats>,
    /// Template bytes all caches hold, counted against the global budget.
    pub bytes_held: usize,
    /// The global byte budget ([`set_byte_budget`](crate::set_byte_budget)).
    pub byte_budget: usize,
}

impl Stats {
    /// The row of the function called `name` (the first, if several modules share it).
    pub fn function(&self, name: &str) -> Option<&FunctionStats> {
        self.functions.iter().find(|f| f.name == name)
    }

    /// Hits over all functions.
    pub fn hits(&self) -> u64 {
        self.functions.iter().map(|f| f.hits).sum()
    }

    /// Misses over all functions.
    pub fn misses(&self) -> u64 {
        self.functions.iter().map(|f| f.misses).sum()
    }

    /// Uncacheable shapes over all functions.
    pub fn uncacheable_keys(&self) -> u64 {
        self.functions.iter().map(|f| f.uncacheable_keys).sum()
    }

    /// Stored shapes over all functions.
    pub fn entries(&self) -> usize {
        self.functions.iter().map(|f| f.entries).sum()
    }

    /// Template bytes over all functions.
    pub fn bytes(&self) -> usize {
        self.functions.iter().map(|f| f.bytes).sum()
    }

    /// Calls served uncached over all functions.
    pub fn uncached_calls(&self) -> u64 {
        self.functions.iter().map(|f| f.uncached_calls).sum()
    }

    /// Calls of new shapes not stored (capacity or byte budget) over all functions.
    pub fn rejected(&self) -> u64 {
        self.functions.iter().map(|f| f.rejected).sum()
    }

    /// Sampled verifications over all functions.
    pub fn verified(&self) -> u64 {
        self.functions.iter().map(|f| f.verified).sum()
    }

    /// Verification mismatches over all functions.
    pub fn verify_failures(&self) -> u64 {
        self.functions.iter().map(|f| f.verify_failures).sum()
    }
}

impl fmt::Display for Stats {
    /// A table: one row per function, then the totals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEADER: [&str; 9] = [
            "hits",
            "misses",
            "uncached",
            "uncacheable",
            "rejected",
            "verified",
            "mismatches",
            "entries",
            "bytes",
        ];
        let names: Vec<String> = self
            .functions
            .iter()
            .map(|row| format!("{}::{}", row.module, row.name))
            .collect();
        let width = names.iter().map(String::len).max().unwrap_or(0).max(8);
        let line = |f: &mut fmt::Formatter<'_>, name: &str, cells: [String; 9]| {
            write!(f, "{name:<width$}")?;
            for (cell, head) in cells.iter().zip(HEADER) {
                write!(f, " {cell:>w$}", w = head.len().max(8))?;
            }
            writeln!(f)
        };
        let cells = |row: &FunctionStats| {
            [
                row.hits.to_string(),
                row.misses.to_string(),
                row.uncached_calls.to_string(),
                row.uncacheable_keys.to_string(),
                row.rejected.to_string(),
                row.verified.to_string(),
                row.verify_failures.to_string(),
                row.entries.to_string(),
                row.bytes.to_string(),
            ]
        };
        line(f, "function", HEADER.map(str::to_owned))?;
        for (row, name) in self.functions.iter().zip(&names) {
            line(f, name, cells(row))?;
        }
        line(
            f,
            "total",
            [
                self.hits().to_string(),
                self.misses().to_string(),
                self.uncached_calls().to_string(),
                self.uncacheable_keys().to_string(),
                self.rejected().to_string(),
                self.verified().to_string(),
                self.verify_failures().to_string(),
                self.entries().to_string(),
                self.bytes().to_string(),
            ],
        )?;
        writeln!(
            f,
            "template bytes held {} of a budget of {}",
            self.bytes_held, self.byte_budget
        )
    }
}

/// A snapshot of the counters of every cached function that has run.
///
/// Reading it takes no lock on any cache's hot path.
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
///
/// #[cached_query]
/// fn by_id(id: i64) -> SelectStatement {
///     Query::select().column(Alias::new("name")).from(Alias::new("users"))
///         .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
/// }
///
/// by_id(1).build(SqliteQueryBuilder);
/// by_id(2).build(SqliteQueryBuilder);
/// let row = cached_query::stats().function("by_id").cloned().unwrap();
/// assert_eq!((row.misses, row.hits, row.entries), (1, 1, 1));
/// println!("{}", cached_query::stats());
/// ```
pub fn stats() -> Stats {
    let mut functions: Vec<FunctionStats> =
        registered().iter().map(|cache| cache.report()).collect();
    functions.sort_by(|a, b| (a.module, a.name).cmp(&(b.module, b.name)));
    Stats {
        functions,
        bytes_held: crate::budget::bytes_held(),
        byte_budget: crate::budget::byte_budget(),
    }
}

/// A shape that is served uncached, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UncacheableShape {
    /// The function's name.
    pub name: &'static str,
    /// The module it is defined in.
    pub module: &'static str,
    /// The backend the shape was built for.
    pub backend: BackendId,
    /// Why the cache could not learn it.
    pub reason: Uncacheable,
}

/// Every shape found uncacheable so far, with its reason.
///
/// Each is also logged once as a `tracing` warning when first seen. Unlike [`stats`], this
/// walks every cache's entries.
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
///
/// // The bound value is written into the SQL text: no template can be learned. (The
/// // compile-time lint would reject this; `lint = false` leaves it to the run-time check.)
/// #[cached_query(lint = false)]
/// fn unsafe_shape(name: String) -> SelectStatement {
///     Query::select().column(Alias::new("id")).from(Alias::new("users"))
///         .and_where(Expr::cust(format!("name = '{name}'"))).to_owned()
/// }
///
/// let h = unsafe_shape("ann".into());
/// assert_eq!(h.build(SqliteQueryBuilder), h.statement().build(SqliteQueryBuilder));
/// let found = cached_query::uncacheable();
/// assert!(found.iter().any(|s| s.name == "unsafe_shape"));
/// ```
pub fn uncacheable() -> Vec<UncacheableShape> {
    registered()
        .iter()
        .flat_map(|cache| cache.uncacheable())
        .collect()
}
