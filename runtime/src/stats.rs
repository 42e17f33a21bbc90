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

impl FunctionStats {
    /// Every call of the function: hits, misses, calls served uncached, and hits whose
    /// sampled verification found a difference (those return the uncached result).
    pub fn calls(&self) -> u64 {
        self.hits + self.misses + self.uncached_calls + self.verify_failures
    }

    /// The fraction of calls answered from a template, from 0.0 to 1.0; `None` before the
    /// first call.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
    ///
    /// #[cached_query]
    /// fn rated(id: i64) -> SelectStatement {
    ///     Query::select().column(Alias::new("id")).from(Alias::new("t"))
    ///         .and_where(Expr::col(Alias::new("id")).eq(id)).to_owned()
    /// }
    ///
    /// for id in 0..4 {
    ///     rated(id).build(SqliteQueryBuilder);
    /// }
    /// let row = cached_query::stats().function("rated").cloned().unwrap();
    /// assert_eq!(row.calls(), 4);
    /// assert_eq!(row.hit_rate(), Some(0.75)); // one miss, three hits
    /// ```
    pub fn hit_rate(&self) -> Option<f64> {
        rate(self.hits, self.calls())
    }
}

impl fmt::Display for FunctionStats {
    /// One line: `app::posts: 1200 calls, 1196 hits (99.7%), 4 misses, ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{}: {} calls, {} hits ({}), {} misses, {} uncached, {} uncacheable shapes, {} rejected, {} verified ({} mismatches), {} entries, {}",
            self.module,
            self.name,
            self.calls(),
            self.hits,
            Percent(self.hit_rate()),
            self.misses,
            self.uncached_calls,
            self.uncacheable_keys,
            self.rejected,
            self.verified,
            self.verify_failures,
            self.entries,
            Bytes(self.bytes),
        )
    }
}

/// `part / whole`, or `None` when `whole` is 0.
fn rate(part: u64, whole: u64) -> Option<f64> {
    // Counters far below 2^53: the conversion is exact where it matters.
    #[allow(clippy::cast_precision_loss)]
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// A fraction as a percentage with one decimal (`99.7%`), `-` for none.
#[derive(Debug, Clone, Copy)]
struct Percent(Option<f64>);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) => f.pad(&format!("{:.1}%", r * 100.0)),
            None => f.pad("-"),
        }
    }
}

/// A byte count for people: `812 B`, `147.6 KiB`, `64 MiB` (binary units, one decimal
/// unless the value is whole).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bytes(pub(crate) usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        if self.0 < 1024 {
            return f.pad(&format!("{} B", self.0));
        }
        // Sizes of caches, far below 2^53 bytes: exact enough to print one decimal.
        #[allow(clippy::cast_precision_loss)]
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = UNITS[0];
        for next in &UNITS[1..] {
            if value < 1024.0 {
                break;
            }
            value /= 1024.0;
            unit = next;
        }
        let text = if value.fract() == 0.0 {
            format!("{value:.0} {unit}")
        } else {
            format!("{value:.1} {unit}")
        };
        f.pad(&text)
    }
}

/// A snapshot of every cached function that has run, from [`stats`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// One row per function, sorted by module and name.
    pub functions: Vec<FunctionStats>,
    /// Template bytes all caches hold, counted against the global budget.
    pub bytes_held: usize,
    /// The global byte budget ([`set_byte_budget`](crate::config::set_byte_budget)).
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

    /// Calls over all functions (see [`FunctionStats::calls`]).
    pub fn calls(&self) -> u64 {
        self.functions.iter().map(FunctionStats::calls).sum()
    }

    /// The fraction of all calls answered from a template; `None` before the first call.
    pub fn hit_rate(&self) -> Option<f64> {
        rate(self.hits(), self.calls())
    }
}

impl fmt::Display for Stats {
    /// A table: one row per function, then the totals and the byte budget.
    ///
    /// ```text
    /// function           calls     hits  hit rate   misses uncached uncacheable rejected verified mismatches  entries      bytes
    /// app::db::posts      1200     1196     99.7%        4        0           0        0        0          0        4    3.1 KiB
    /// total               1200     1196     99.7%        4        0           0        0        0          0        4    3.1 KiB
    /// templates hold 3.1 KiB of a 64 MiB budget (0.0%)
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEADER: [&str; 11] = [
            "calls",
            "hits",
            "hit rate",
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
        let line = |f: &mut fmt::Formatter<'_>, name: &str, cells: [String; 11]| {
            write!(f, "{name:<width$}")?;
            for (cell, head) in cells.iter().zip(HEADER) {
                write!(f, " {cell:>w$}", w = head.len().max(8))?;
            }
            writeln!(f)
        };
        let cells = |row: &FunctionStats| {
            [
                row.calls().to_string(),
                row.hits.to_string(),
                Percent(row.hit_rate()).to_string(),
                row.misses.to_string(),
                row.uncached_calls.to_string(),
                row.uncacheable_keys.to_string(),
                row.rejected.to_string(),
                row.verified.to_string(),
                row.verify_failures.to_string(),
                row.entries.to_string(),
                Bytes(row.bytes).to_string(),
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
                self.calls().to_string(),
                self.hits().to_string(),
                Percent(self.hit_rate()).to_string(),
                self.misses().to_string(),
                self.uncached_calls().to_string(),
                self.uncacheable_keys().to_string(),
                self.rejected().to_string(),
                self.verified().to_string(),
                self.verify_failures().to_string(),
                self.entries().to_string(),
                Bytes(self.bytes()).to_string(),
            ],
        )?;
        // Under 2^53 bytes: exact.
        #[allow(clippy::cast_precision_loss)]
        let share =
            (self.byte_budget > 0).then(|| self.bytes_held as f64 / self.byte_budget as f64);
        writeln!(
            f,
            "templates hold {} of a {} budget ({})",
            Bytes(self.bytes_held),
            Bytes(self.byte_budget),
            Percent(share)
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

impl fmt::Display for UncacheableShape {
    /// `app::db::search [postgres]: the SQL text depends on a bound value (...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{} [{}]: {}",
            self.module, self.name, self.backend, self.reason
        )
    }
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
/// let found = cached_query::statistics::uncacheable();
/// let shape = found.iter().find(|s| s.name == "unsafe_shape").unwrap();
/// let line = shape.to_string(); // `module::unsafe_shape [sqlite]: the SQL text depends on ...`
/// assert!(line.contains("::unsafe_shape [sqlite]: the SQL text depends on a bound value"), "{line}");
/// ```
pub fn uncacheable() -> Vec<UncacheableShape> {
    registered()
        .iter()
        .flat_map(|cache| cache.uncacheable())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Bytes, Percent};

    #[test]
    fn bytes_read_as_people_write_them() {
        let cases = [
            (0, "0 B"),
            (812, "812 B"),
            (1023, "1023 B"),
            (1024, "1 KiB"),
            (1536, "1.5 KiB"),
            (151_174, "147.6 KiB"),
            (64 << 20, "64 MiB"),
            ((3 << 30) + (1 << 29), "3.5 GiB"),
        ];
        for (n, text) in cases {
            assert_eq!(Bytes(n).to_string(), text, "{n}");
        }
        assert_eq!(format!("{:>10}", Bytes(2048)), "     2 KiB");
    }

    #[test]
    fn rates_print_as_percentages() {
        assert_eq!(Percent(Some(0.997)).to_string(), "99.7%");
        assert_eq!(Percent(Some(1.0)).to_string(), "100.0%");
        assert_eq!(format!("{:>6}", Percent(None)), "     -");
    }
}
