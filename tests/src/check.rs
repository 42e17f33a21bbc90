//! The oracle's comparison: a cached handle must build exactly what sea-query builds.

use std::fmt;

use cached_query::{BackendId, Cached, QueryArgs, Statement};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, Values};

/// The three backends, in the order they are checked.
pub const BACKENDS: [BackendId; 3] = [BackendId::Postgres, BackendId::MySql, BackendId::Sqlite];

/// A cached build that differs from sea-query's.
#[derive(Debug)]
pub struct Mismatch {
    /// The function.
    pub function: String,
    /// The backend.
    pub backend: BackendId,
    /// Which output: `build` or `build_shared`.
    pub output: &'static str,
    /// What the cache returned.
    pub cached: (String, Values),
    /// What sea-query returned.
    pub expected: (String, Values),
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, {}):\n  cached:   {}\n            {:?}\n  expected: {}\n            {:?}",
            self.function,
            self.backend.name(),
            self.output,
            self.cached.0,
            self.cached.1,
            self.expected.0,
            self.expected.1
        )
    }
}

fn check_one<Q: QueryArgs, B: cached_query::Backend>(
    h: &Cached<Q>,
    name: &str,
) -> Result<(), Box<Mismatch>> {
    let expected = h.statement().build_with(B::default());
    let mismatch = |output, cached: (String, Values)| {
        Box::new(Mismatch {
            function: name.to_owned(),
            backend: B::ID,
            output,
            cached,
            expected: expected.clone(),
        })
    };
    let cached = h.build(B::default());
    if cached != expected {
        return Err(mismatch("build", cached));
    }
    let (sql, values) = h.build_shared(B::default());
    if *sql != *expected.0 || values != expected.1 {
        return Err(mismatch("build_shared", (sql.to_string(), values)));
    }
    Ok(())
}

/// Turns sampled verification off for the functions without their own `verify = ...`
/// option (a global setting; idempotent). Debug builds verify every hit by default, and a
/// verified hit that differs from sea-query returns sea-query's result: that would hide the
/// very difference the differential tests look for, and keep a statement cache off its hit
/// path. Tests that prove the cache's own output call this first.
pub fn prove_the_cache() {
    cached_query::config::set_verify_rate(0.0);
}

/// Checks `build` and `build_shared` against `statement().build(B)` on every backend, with
/// verification off ([`prove_the_cache`]), so the comparison sees the cache's own output.
pub fn check_all<Q: QueryArgs>(h: &Cached<Q>, name: &str) -> Result<(), Box<Mismatch>> {
    prove_the_cache();
    check_one::<Q, PostgresQueryBuilder>(h, name)?;
    check_one::<Q, MysqlQueryBuilder>(h, name)?;
    check_one::<Q, SqliteQueryBuilder>(h, name)
}

/// Panics with the mismatch when [`check_all`] finds one.
pub fn assert_same<Q: QueryArgs>(h: &Cached<Q>, name: &str) {
    if let Err(mismatch) = check_all(h, name) {
        panic!("{mismatch}");
    }
}

/// Asserts that each function in `names` ran, was served from the cache at least
/// `min_hits` times, and turned no shape away as uncacheable.
pub fn assert_served(names: &[&str], min_hits: u64) {
    let stats = cached_query::stats();
    for name in names {
        let row = stats
            .functions
            .iter()
            .find(|f| f.name == *name)
            .unwrap_or_else(|| panic!("`{name}` never ran"));
        assert_eq!(row.uncacheable_keys, 0, "{row:?}");
        assert!(row.hits >= min_hits, "{row:?}");
    }
}
