//! Build sea-query statements once per shape, then only bind values.
//!
//! `#[cached_query]` goes on a function that builds a sea-query statement. At compile time
//! it reads which arguments shape the SQL (an `Option` present or not, a `bool`, a list
//! empty or not, an argument marked `#[shape]`) and which are only values. At run time the
//! first call of each shape renders the SQL once and learns where every value goes; every
//! later call copies that SQL and binds the new values, growing or shrinking `IN (...)`
//! lists to their real length. The result is always byte for byte what sea-query itself
//! returns; a shape the cache cannot prove safe is served uncached and reported.
//!
//! ```
//! use cached_query::cached_query;
//! use sea_query::{Expr, ExprTrait, Iden, Order, PostgresQueryBuilder, Query, SelectStatement};
//!
//! #[derive(Iden)]
//! enum Post { Table, Id, Title, Author, Status, Tag, PublishedAt }
//!
//! #[cached_query]
//! pub fn posts(author: i64, status: Option<&str>, tags: &[i64], published: bool, limit: u64)
//!     -> SelectStatement
//! {
//!     let mut q = Query::select();
//!     q.columns([Post::Id, Post::Title]).from(Post::Table)
//!         .and_where(Expr::col(Post::Author).eq(author));
//!     if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
//!     if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
//!     if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
//!     q.order_by(Post::Id, Order::Desc).limit(limit);
//!     q
//! }
//!
//! let (sql, values) = posts(7, Some("draft"), &[1, 2, 3], true, 20).build(PostgresQueryBuilder);
//! assert_eq!(
//!     sql,
//!     r#"SELECT "id", "title" FROM "post" WHERE "author" = $1 AND "status" = $2 AND "tag" IN ($3, $4, $5) AND "published_at" IS NOT NULL ORDER BY "id" DESC LIMIT $6"#
//! );
//! assert_eq!(values.0.len(), 6);
//!
//! // The same shape again: no body run, no rendering; the list has another length.
//! let h = posts(8, Some("live"), &[4, 5], true, 10);
//! assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
//! ```
//!
//! # How arguments are read
//!
//! | argument type | in the key | bound on a hit |
//! | --- | --- | --- |
//! | `Option<T>` | `Some` or `None` | the inner value |
//! | `bool` | its value | nothing |
//! | `&[T]`, `Vec<T>`, `&Vec<T>`, `[T; N]`, `&[T; N]` | empty or not | each element |
//! | argument marked `#[shape]` | its value (`Hash + Eq + Clone + 'static`) | nothing |
//! | an enum the body only matches on its variants (patterns that bind nothing) | its variant | nothing |
//! | any other `T` (`Into<Value>` + [`Probe`]) | nothing | its value |
//!
//! Classes compose (`Option<bool>` keys presence and value). `Vec<u8>` and `&[u8]` are
//! byte values, not lists. The backend is part of the key as well. The attribute's own page,
//! [`#[cached_query]`](macro@cached_query), has this table, the body rules and every option
//! in one place.
//!
//! # What a body may do with its arguments
//!
//! A bound argument's value is not in the key, so it may only reach the statement unchanged:
//! passed on (`x`, `&x`, `*x`, `.clone()`, `.to_owned()`, `.into()`, `Value::from(x)`,
//! `Some(x)`) into a sea-query method that binds it (`.eq(x)`, `.is_in(list.iter().copied())`,
//! `.like(x)`, `.limit(x)`, `Expr::val(x)`, `.values_panic([..])`). The macro follows every
//! bound argument through the body when you compile (through `let`, patterns, tuples,
//! closures, assignments and borrows), allows exactly those steps, and rejects anything else
//! with a span and a hint: a decision it cannot lift (in a `matches!`, on a closure's
//! parameter, per element of a list), a call of your own helper with the statement. A
//! decision on bound values that the macro can recompute (`if limit > 100`,
//! `order.eq_ignore_ascii_case("desc")`) has its outcome in the key. A value computed from arguments and then bound
//! (arithmetic, casts, `format!`, `.to_string()`, `std::cmp::min(x, 100)`) is a *derived
//! value*, recomputed from the arguments on every hit. `Option` arguments may be tested for
//! presence, lists for emptiness, flags and `#[shape]` arguments freely:
//!
//! ```compile_fail
//! # use cached_query::cached_query;
//! # use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
//! #[cached_query]
//! fn posts(role: Option<&str>, limit: u64) -> SelectStatement {
//!     let mut q = Query::select();
//!     q.column(Alias::new("id")).from(Alias::new("post")).limit(limit);
//!     if matches!(role, Some("admin")) { // error: `role` decides control flow here, but its value is not part of the cache key
//!         q.and_where(Expr::col(Alias::new("hidden")).eq(true));
//!     }
//!     q
//! }
//! ```
//!
//! A `for` loop over a list may add one `INSERT` row per element and nothing else. What the
//! analysis cannot see (your own types' methods named like sea-query's, `lint = false`) is
//! left to the run-time check: the first call of every shape renders the body again with
//! probe values, one learning round of distinct sentinels (lists at two elements) and
//! [`CHECK_ROUNDS`] check rounds (every bound value from a class such as negative, zero,
//! small, empty or punctuated text; lists at three elements, unsorted and with a duplicate,
//! then at one; see [`Probe`]), and keeps the template only if all of them agree; otherwise
//! that shape is served uncached, counted and logged. `docs/soundness.md` in the repository
//! explains each rule and what each check catches.
//!
//! A raw [`Value`](sea_query::Value) argument is bound as it is, except that PostgreSQL
//! renders a `Value::Enum` with a cast (`$1::"mood"`): on PostgreSQL a call that binds an
//! enum value takes the uncached path.
//!
//! The body must depend on its arguments only. Anything else it reads (a `static`, a
//! thread-local, the clock, configuration) is not in the key, and neither the lint nor the
//! probe sees it: its value at a shape's first call is kept in that shape's template. Pass
//! such a value as an argument instead (`#[shape]` if it changes the SQL); `verify = rate`
//! compares sampled hits with sea-query's output and catches such a body at run time.
//!
//! # Options
//!
//! `#[cached_query(capacity = 64, pad_in = true, verify = 0.01, inline_limit = true, lint = false, crate = my::reexport)]`,
//! each checked at compile time (a bad value is an error at the value):
//!
//! - `capacity = N`: shapes kept per function (default [`DEFAULT_CAPACITY`]); when full, new
//!   shapes are served uncached, counted as rejected and logged once. All functions together
//!   also stay within a global byte budget ([`set_byte_budget`], default 64 MiB), with the
//!   same behaviour, so a `#[shape]` argument with millions of values keeps memory bounded.
//! - `pad_in = true`: every `IN (...)`/`NOT IN (...)` list of the function is padded to the
//!   next power of two by repeating its last element (up to 32,768 elements; longer lists
//!   are left as they are). Lengths 1 to 1,000 then give 11 SQL texts instead of 1,000, so a
//!   driver's prepared-statement cache (sqlx keeps 100 per connection) stops churning. The
//!   rows are the same, but the text and values are then **not** byte-identical to
//!   sea-query's, on purpose. [`set_pad_in`] turns it on for every function.
//! - `verify = rate`: that fraction of hits is also built uncached and compared. A
//!   difference (a body whose SQL depends on something the key does not hold, which neither
//!   the lint nor the probe caught) returns the uncached result, marks the shape
//!   uncacheable, counts it and logs an error with the function, the key and both SQL texts.
//!   The default is [`DEFAULT_VERIFY_RATE`]: every hit in a build with debug assertions, so
//!   a test suite catches what the lint and the probe rounds missed; off in release builds,
//!   and then free: the hit path reads one flag it reads anyway. [`set_verify_rate`] (or
//!   `CACHED_QUERY_VERIFY`) sets a rate for the functions without the option, which wins
//!   over the default.
//! - `lint = false`: turn off the compile-time body check; the run-time check still guards
//!   every shape.
//! - `inline_limit = true`: write `LIMIT` and `OFFSET` values into the SQL text instead of
//!   binding them, when they are constant within the shape (a constant in the body, or a
//!   `#[shape]` argument, so that each value is a shape of its own). This changes the SQL
//!   text on purpose (`build` then differs from sea-query's, the rows do not), so that
//!   SQLite does not compile the statement again for a `LIMIT ?` it must re-plan whenever
//!   the value is bound (see
//!   [docs/sqlite.md](https://github.com/cached-query/cached-query/blob/main/docs/sqlite.md)).
//!   A limit taken from a bound argument makes
//!   the shape uncacheable, with a reason that names the argument
//!   ([`Uncacheable::LimitNotInKey`]).
//!
//!   ```
//!   use cached_query::cached_query;
//!   use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
//!
//!   #[cached_query(inline_limit = true)]
//!   fn newest(author: i64, #[shape] limit: u64) -> SelectStatement {
//!       Query::select().column(Alias::new("id")).from(Alias::new("post"))
//!           .and_where(Expr::col(Alias::new("author")).eq(author))
//!           .limit(limit).to_owned()
//!   }
//!
//!   let (sql, values) = newest(7, 20).build(SqliteQueryBuilder);
//!   assert_eq!(sql, r#"SELECT "id" FROM "post" WHERE "author" = ? LIMIT 20"#);
//!   assert_eq!(values.0, [sea_query::Value::from(7i64)]);
//!   ```
//! - `crate = path`: where the generated code finds this crate, for crates that re-export it.
//!
//! ```
//! use cached_query::cached_query;
//! use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
//!
//! #[cached_query(capacity = 64, pad_in = true, verify = 0.01)]
//! fn by_ids(ids: &[i64]) -> SelectStatement {
//!     Query::select().column(Alias::new("name")).from(Alias::new("users"))
//!         .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())).to_owned()
//! }
//!
//! let (sql, values) = by_ids(&[7, 8, 9]).build(PostgresQueryBuilder);
//! // Three ids, padded to four with the last one: the same rows as `IN (7, 8, 9)`.
//! assert_eq!(sql, r#"SELECT "name" FROM "users" WHERE "id" IN ($1, $2, $3, $4)"#);
//! assert_eq!(values.0, [7i64, 8, 9, 9].map(sea_query::Value::from));
//! ```
//!
//! # Operating it
//!
//! [`stats()`] is a snapshot of every function's counters (calls, hits, misses, uncached
//! calls, uncacheable shapes, rejections, verifications, entries, bytes) whose `Display` is a
//! table with a hit-rate column and sizes in KiB/MiB; reading it takes no lock on any hit
//! path, so it can be scraped every second. [`uncacheable()`] lists the shapes served
//! uncached, with their reasons (each prints as one line).
//!
//! [`warm_up_for(PostgresQueryBuilder)`](warm_up_for) at start-up stores every shape of
//! every function for the one backend you use, so that no request pays a miss;
//! [`warm_up()`] does all three backends, [`warm_up_function`] and [`warm_up_module`] a part.
//! [`inventory()`] lists the SQL of every shape, for a snapshot test.
//!
//! [`set_enabled(false)`](set_enabled) (or `CACHED_QUERY_DISABLE=1` at start) sends every
//! call down the uncached path, at once and without a restart; warm-ups then do nothing. The
//! environment variables `CACHED_QUERY_PAD_IN=1`, `CACHED_QUERY_VERIFY=<rate>` and
//! `CACHED_QUERY_BYTE_BUDGET=<bytes>` set the other switches' initial values.
//!
//! ## Tracing
//!
//! The cache logs through [`tracing`](https://docs.rs/tracing) and prints nothing unless you
//! install a subscriber. Every event's target is a module path of this crate, so it starts
//! with `cached_query`: `RUST_LOG=cached_query=debug` (with `tracing-subscriber`'s
//! `EnvFilter`) selects them all, `cached_query=warn` only what needs attention. Every
//! message starts with `cached_query:`, and every event has the fields `function`, `module`
//! and (but for the full-cache warning) `backend`.
//!
//! | level | message | more fields |
//! | --- | --- | --- |
//! | `debug` | `cached_query: miss; learning the shape` | `key` |
//! | `debug` | `cached_query: template stored` | `bytes` |
//! | `warn` | `cached_query: shape is uncacheable; its calls take the uncached path` (once per shape) | `key`, `reason` |
//! | `warn` | `cached_query: the cache is full (its capacity)` or `... the global byte budget is reached` (once per function) | `capacity`, `entries`, `bytes_held`, `byte_budget` |
//! | `error` | `cached_query: sampled verification found a cached result that differs from sea-query's; ...` | `key`, `cached`, `uncached` |
//!
//! `key` describes the shape: `status: Some, tags: empty, published: true`.
//!
//! # Drivers
//!
//! Optional features bind a handle to the driver you use, in one call, with the same result
//! shape on every database:
//!
//! | feature | methods | returns |
//! | --- | --- | --- |
//! | `sqlx-postgres` | [`Cached::sqlx_postgres`], [`Cached::sqlx_postgres_as`] | `Result<sqlx::query::Query(As)<..>, BindError>` |
//! | `sqlx-mysql` | [`Cached::sqlx_mysql`], [`Cached::sqlx_mysql_as`] | the same |
//! | `sqlx-sqlite` | [`Cached::sqlx_sqlite`], [`Cached::sqlx_sqlite_as`] | the same |
//! | `rusqlite` | [`Cached::rusqlite_query_map`], [`Cached::rusqlite_query_row`], [`Cached::rusqlite_execute`], [`rusqlite_params`], [`SqliteStatements`] | `rusqlite::Result<..>` |
//!
//! [`BindError`] converts into `sqlx::Error`, so `?` works in a function that returns sqlx
//! errors. The SQL goes to sqlx as the cache's shared `Arc<str>`, without a copy.
//! [`SqliteStatements`] keeps one prepared statement per cached shape, found by the
//! template's identity, whose unchanged values stay bound, so that SQLite does not compile
//! it again on every call. `with-chrono`, `with-time`, `with-uuid`, `with-json` and
//! `with-rust_decimal` allow arguments of those types (and enable them in sea-query and the
//! drivers).
//!
//! If you know sea-query's own driver crates, this is what each call becomes:
//!
//! | sea-query-sqlx / sea-query-rusqlite | cached-query |
//! | --- | --- |
//! | `let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);` `sqlx::query_with(&sql, values)` | `h.sqlx_postgres()?` (`sqlx_mysql()?`, `sqlx_sqlite()?`) |
//! | `sqlx::query_as_with::<_, T, _>(&sql, values)` | `h.sqlx_postgres_as::<T>()?` (and siblings) |
//! | `SqlxValues` | [`SqlxValues`], the same type, re-exported |
//! | `let (sql, values) = stmt.build_rusqlite(SqliteQueryBuilder);` `values.as_params()` | `let (sql, values) = h.build(SqliteQueryBuilder);` [`rusqlite_params(&values)`](rusqlite_params) |
//! | `conn.query_row(&sql, &*values.as_params(), f)` | `h.rusqlite_query_row(&conn, f)` |
//! | `conn.prepare(&sql)?.query_map(&*values.as_params(), f)?.collect()` | `h.rusqlite_query_map(&conn, f)` |
//! | `conn.execute(&sql, &*values.as_params())` | `h.rusqlite_execute(&conn)` |
//!
//! The method names follow the drivers' own (`query_as`, `query_row`, `query_map`,
//! `execute`), prefixed with the driver, as sea-query's `build_sqlx` and `build_rusqlite` are.
//!
//! # Requirements
//!
//! Rust 1.95 or newer (edition 2024). Works with sea-query 1.0; it enables sea-query's
//! `hashable-value` and `thread-safe` features. The `sqlx-*` features work with sqlx 0.9;
//! `rusqlite` with rusqlite 0.39 to 0.43. One build links one SQLite: with both `rusqlite`
//! and `sqlx-sqlite`, sqlx 0.9.0 needs rusqlite 0.39, sqlx 0.9.1 takes any of them (the
//! README's "Supported versions" has the table). Bound argument types must be `Clone`,
//! convert into [`sea_query::Value`] and implement [`Probe`] (done for the integer, float,
//! string, `char` and byte types).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

mod backend;
mod bind;
mod budget;
mod cache;
mod checks;
mod class;
mod derived;
mod error;
mod family;
mod handle;
mod miss;
mod probe;
mod record;
#[cfg(feature = "rusqlite")]
mod rusqlite;
mod settings;
mod shape_values;
#[cfg(any(
    feature = "sqlx-postgres",
    feature = "sqlx-mysql",
    feature = "sqlx-sqlite"
))]
mod sqlx;
mod statement;
mod stats;
mod template;
mod value_ref;
mod warm;

pub use backend::{Backend, BackendId};
pub use bind::BindError;
pub use cached_query_macros::{Args, cached_query, part};
pub use error::Uncacheable;
pub use handle::{Cached, QueryArgs};
pub use probe::{Probe, Prober};
pub use shape_values::ShapeValues;
pub use statement::Statement;
pub use stats::stats;
pub use warm::{inventory, warm_up, warm_up_for};

// The grouped items at the crate root too, hidden from the docs: code written against the
// flat root (before the grouping into `config`, `statistics`, `ahead` and `drivers`) builds.
#[doc(hidden)]
pub use ahead::{
    CHECK_ROUNDS, FunctionInventory, Inventory, NotEnumerable, SHAPE_LIMIT, ShapeSql, WarmUpReport,
    WarmUpShape, warm_up_function, warm_up_module,
};
#[doc(hidden)]
pub use config::*;
#[cfg(feature = "rusqlite")]
#[doc(hidden)]
pub use drivers::rusqlite::*;
#[cfg(any(
    feature = "sqlx-postgres",
    feature = "sqlx-mysql",
    feature = "sqlx-sqlite"
))]
#[doc(hidden)]
pub use drivers::sqlx::*;
#[doc(hidden)]
pub use statistics::{FunctionStats, Stats, UncacheableShape, uncacheable};

/// Switches and limits: caching on or off, `IN` padding, sampled verification, the byte
/// budget. Each reads its environment variable once and can be set at run time.
pub mod config {
    pub use crate::budget::{DEFAULT_BYTE_BUDGET, byte_budget, set_byte_budget};
    pub use crate::cache::DEFAULT_CAPACITY;
    pub use crate::settings::{
        DEFAULT_VERIFY_RATE, is_enabled, pad_in, set_enabled, set_pad_in, set_verify_rate,
        verify_rate,
    };
}

/// What the caches did: hits, misses, calls served uncached and why, bytes held.
pub mod statistics {
    pub use crate::stats::{FunctionStats, Stats, UncacheableShape, stats, uncacheable};
}

/// Every shape ahead of time: warming the caches before the first request, and the
/// inventory of every SQL statement the functions can send.
pub mod ahead {
    pub use crate::probe::CHECK_ROUNDS;
    pub use crate::shape_values::{NotEnumerable, SHAPE_LIMIT};
    pub use crate::warm::{
        FunctionInventory, Inventory, ShapeSql, WarmUpReport, WarmUpShape, inventory, warm_up,
        warm_up_for, warm_up_function, warm_up_module,
    };
}

/// The database drivers: running a cached call through rusqlite or sqlx.
pub mod drivers {
    /// SQLite through rusqlite, with a statement cache of one prepared statement per shape.
    #[cfg(feature = "rusqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rusqlite")))]
    pub mod rusqlite {
        pub use crate::rusqlite::{
            DEFAULT_STATEMENT_LIMIT, PrepareFailure, PreparedInventory, STATEMENTS_PER_LIST_SHAPE,
            SqliteArg, SqliteStatementStats, SqliteStatements, rusqlite_params,
        };
    }

    /// PostgreSQL, MySQL and SQLite through sqlx.
    #[cfg(any(
        feature = "sqlx-postgres",
        feature = "sqlx-mysql",
        feature = "sqlx-sqlite"
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            feature = "sqlx-postgres",
            feature = "sqlx-mysql",
            feature = "sqlx-sqlite"
        )))
    )]
    pub mod sqlx {
        pub use sea_query_sqlx::SqlxValues;
    }
}

/// Used by the code `#[cached_query]` generates. Not a public API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
