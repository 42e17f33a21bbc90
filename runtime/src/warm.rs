//! Every shape ahead of time: functions register themselves (through `inventory`), and
//! [`warm_up`] stores every shape of every function before the first request
//! ([`warm_up_for`] for one backend) while [`inventory`] lists the SQL each shape sends.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use sea_query::Value;

use crate::backend::{Backend, BackendId};
use crate::cache::{Entry, FnMeta, Lookup, Slot};
use crate::class::Class;
use crate::error::Uncacheable;
use crate::family::{DynCall, FnSpec, Registered};
use crate::miss::learn;
use crate::probe::Prober;
use crate::shape_values::NotEnumerable;
use crate::statement::Statement;

/// One `#[cached_query]` function, as it registers itself at start-up.
#[doc(hidden)]
pub struct Registration {
    spec: &'static dyn Registered,
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("function", &self.spec.meta().name)
            .finish()
    }
}

impl Registration {
    /// The registration of the function `spec` declares.
    pub const fn new<C: Class, S: Statement>(spec: &'static FnSpec<C, S>) -> Registration {
        Registration { spec }
    }
}

inventory::collect!(Registration);

/// Every registered function, sorted by module and name.
fn registered() -> Vec<&'static Registration> {
    let mut all: Vec<&'static Registration> = inventory::iter::<Registration>.into_iter().collect();
    all.sort_by_key(|r| (r.spec.meta().module, r.spec.meta().name));
    all
}

/// What [`warm_up`] did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WarmUpReport {
    /// The backends warmed: all three for [`warm_up`], one for [`warm_up_for`].
    pub backends: Vec<BackendId>,
    /// Caching was off ([`set_enabled(false)`](crate::config::set_enabled) or
    /// `CACHED_QUERY_DISABLE=1`), so nothing was rendered or stored.
    pub disabled: bool,
    /// Functions visited.
    pub functions: usize,
    /// Shapes (per backend) rendered and stored now.
    pub stored: usize,
    /// Shapes that were stored already.
    pub already_stored: usize,
    /// Shapes not stored because a function's cache or the global byte budget is full.
    pub rejected: usize,
    /// Shapes found uncacheable (stored as such, served uncached), with their reasons.
    pub uncacheable: Vec<WarmUpShape>,
    /// Functions whose shapes cannot be listed, with the reason.
    pub not_enumerable: Vec<(&'static str, &'static str, NotEnumerable)>,
    /// Time taken.
    pub elapsed: Duration,
}

/// A shape warm-up found uncacheable.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WarmUpShape {
    /// The function.
    pub name: &'static str,
    /// Its module.
    pub module: &'static str,
    /// The backend.
    pub backend: BackendId,
    /// The shape (`status: Some, tags: empty, ...`).
    pub shape: String,
    /// Why it cannot be cached.
    pub reason: Uncacheable,
}

impl fmt::Display for WarmUpShape {
    /// `app::db::search [postgres] pattern: Some: the SQL text depends on ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}::{} [{}] {}: {}",
            self.module, self.name, self.backend, self.shape, self.reason
        )
    }
}

impl WarmUpReport {
    /// Whether every shape of every function is stored as a template (not when caching
    /// was off: then nothing is).
    pub fn is_complete(&self) -> bool {
        !self.disabled
            && self.rejected == 0
            && self.uncacheable.is_empty()
            && self.not_enumerable.is_empty()
    }
}

impl fmt::Display for WarmUpReport {
    /// A summary line, then one line per uncacheable shape and per function that could
    /// not be enumerated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backends: Vec<&str> = self.backends.iter().map(|b| b.name()).collect();
        let backends = backends.join(", ");
        if self.disabled {
            return writeln!(
                f,
                "warm-up ({backends}) skipped: caching is off (set_enabled(false) or CACHED_QUERY_DISABLE)"
            );
        }
        writeln!(
            f,
            "warm-up ({backends}): {} functions, {} shapes stored, {} already stored, {} rejected (cache full), {} uncacheable, {} functions not enumerable, in {:.1?}",
            self.functions,
            self.stored,
            self.already_stored,
            self.rejected,
            self.uncacheable.len(),
            self.not_enumerable.len(),
            self.elapsed
        )?;
        for s in &self.uncacheable {
            writeln!(f, "  uncacheable {s}")?;
        }
        for (module, name, reason) in &self.not_enumerable {
            writeln!(f, "  not enumerable {module}::{name}: {reason}")?;
        }
        Ok(())
    }
}

/// Renders and stores every shape of every registered `#[cached_query]` function for every
/// backend, so that no request pays a miss. Call it at start-up; it is idempotent. An
/// application that talks to one database calls [`warm_up_for`] instead, which renders
/// only that backend's shapes.
///
/// While caching is off ([`set_enabled(false)`](crate::config::set_enabled) or
/// `CACHED_QUERY_DISABLE=1`) it renders and stores nothing, and the report says so.
///
/// Functions register themselves wherever they are defined (nested modules, `impl` blocks);
/// one whose body names `Self` is known only after its first call, and one with a
/// `#[shape]` argument needs [`ShapeValues`](crate::ShapeValues) on that type. The report
/// lists both kinds, and every uncacheable shape with its reason.
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
///
/// #[cached_query]
/// fn users(city: Option<&str>, active: bool) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("users"));
///     if let Some(c) = city { q.and_where(Expr::col(Alias::new("city")).eq(c)); }
///     if active { q.and_where(Expr::col(Alias::new("active")).eq(true)); }
///     q
/// }
///
/// let report = cached_query::warm_up();
/// println!("{report}");
/// // 2 x 2 shapes, for each of the three backends.
/// assert!(report.stored >= 12);
/// let row = cached_query::stats().function("users").cloned().unwrap();
/// assert_eq!((row.entries, row.misses), (12, 0));
/// ```
pub fn warm_up() -> WarmUpReport {
    warm_up_where(|_| true, &BACKENDS)
}

/// [`warm_up`] for one backend, named by its sea-query builder as in
/// [`build`](crate::Cached::build): every shape of every registered function, rendered for
/// that backend only. A PostgreSQL application does not pay for MySQL and SQLite shapes (or
/// hold them in the byte budget).
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[cached_query]
/// fn accounts(city: Option<&str>, active: bool) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("accounts"));
///     if let Some(c) = city { q.and_where(Expr::col(Alias::new("city")).eq(c)); }
///     if active { q.and_where(Expr::col(Alias::new("active")).eq(true)); }
///     q
/// }
///
/// let report = cached_query::warm_up_for(PostgresQueryBuilder);
/// println!("{report}");
/// assert_eq!(report.backends, [cached_query::BackendId::Postgres]);
/// // 2 x 2 shapes, for PostgreSQL only.
/// let row = cached_query::stats().function("accounts").cloned().unwrap();
/// assert_eq!((row.entries, row.misses), (4, 0));
///
/// // The first call of each shape is a hit.
/// accounts(Some("Oslo"), true).build(PostgresQueryBuilder);
/// let row = cached_query::stats().function("accounts").cloned().unwrap();
/// assert_eq!((row.hits, row.misses), (1, 0));
/// ```
pub fn warm_up_for<B: Backend>(_backend: B) -> WarmUpReport {
    warm_up_where(|_| true, &[B::ID])
}

/// [`warm_up`] for the registered functions called `name` (a bare name, or a path ending
/// with it such as `"app::queries::users"`).
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
///
/// #[cached_query]
/// fn orders(ids: &[i64]) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("orders"));
///     if !ids.is_empty() { q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())); }
///     q
/// }
///
/// let report = cached_query::ahead::warm_up_function("orders");
/// assert_eq!((report.functions, report.stored), (1, 6));
/// ```
pub fn warm_up_function(name: &str) -> WarmUpReport {
    warm_up_where(|meta| matches_name(meta, name), &BACKENDS)
}

/// [`warm_up`] for the functions defined in module `prefix` or below it.
///
/// ```
/// mod queries {
///     use sea_query::{Alias, Query, SelectStatement};
///     #[cached_query::cached_query]
///     pub fn all_users(active: bool) -> SelectStatement {
///         Query::select().column(Alias::new("id")).from(Alias::new("users")).to_owned()
///     }
/// }
/// let here = module_path!();
/// let report = cached_query::ahead::warm_up_module(&format!("{here}::queries"));
/// assert_eq!(report.functions, 1);
/// ```
pub fn warm_up_module(prefix: &str) -> WarmUpReport {
    warm_up_where(|meta| in_module(meta.module, prefix), &BACKENDS)
}

fn matches_name(meta: &FnMeta, name: &str) -> bool {
    match name.rsplit_once("::") {
        Some((module, bare)) => bare == meta.name && in_module(meta.module, module),
        None => meta.name == name,
    }
}

fn in_module(module: &str, prefix: &str) -> bool {
    module == prefix
        || module
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

fn warm_up_where(mut keep: impl FnMut(&FnMeta) -> bool, backends: &[BackendId]) -> WarmUpReport {
    let start = Instant::now();
    let mut report = WarmUpReport {
        backends: backends.to_vec(),
        ..WarmUpReport::default()
    };
    if !crate::settings::is_enabled() {
        // Off means off: no body runs, nothing is stored (caching may be off to debug one).
        report.disabled = true;
        return report;
    }
    for registration in registered() {
        if keep(registration.spec.meta()) {
            report.functions += 1;
            warm_registration(registration, &mut report, backends);
        }
    }
    report.elapsed = start.elapsed();
    report
}

fn warm_registration(
    registration: &Registration,
    report: &mut WarmUpReport,
    backends: &[BackendId],
) {
    let meta = registration.spec.meta();
    let mut prober = Prober::enumerating();
    let result = registration
        .spec
        .each_shape(&mut prober, &mut |call, slot, shape| {
            for &backend in backends {
                warm_one(call, slot, backend, &shape, report);
            }
        });
    if let Err(reason) = result {
        report.not_enumerable.push((meta.module, meta.name, reason));
    }
}

/// Renders one shape for one backend with the miss path's learning, without counting a call.
fn warm_one(
    call: &dyn DynCall,
    slot: &dyn Slot,
    backend: BackendId,
    shape: &str,
    report: &mut WarmUpReport,
) {
    match slot.get(backend) {
        Lookup::Ready(_) | Lookup::Uncacheable => {
            report.already_stored += 1;
            return;
        }
        Lookup::Missing if slot.is_full() => {
            report.rejected += 1;
            slot.note_used();
            return;
        }
        Lookup::Missing => {}
    }
    slot.note_used();
    let learned = catch_unwind(AssertUnwindSafe(|| {
        let real = call.record(backend);
        learn(call, backend, &real)
    }))
    .unwrap_or_else(|panic| Err(Uncacheable::probe_panicked(panic)));
    let entry = match learned {
        Ok(template) => Entry::ready(template),
        Err(reason) => {
            let meta = call.meta();
            report.uncacheable.push(WarmUpShape {
                name: meta.name,
                module: meta.module,
                backend,
                shape: shape.to_owned(),
                reason: reason.clone(),
            });
            Entry::Uncacheable(reason)
        }
    };
    match slot.store(backend, entry) {
        Some(Entry::Ready(_)) => report.stored += 1,
        Some(Entry::Uncacheable(_)) => {}
        None => report.rejected += 1,
    }
}

/// The SQL of one shape of one function for one backend, from [`inventory()`](crate::inventory()).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ShapeSql {
    /// The backend.
    pub backend: BackendId,
    /// The shape: `status: Some, tags: non-empty, published: false, sort: Newest`.
    pub shape: String,
    /// The SQL with placeholders, as sent; lists have two elements.
    pub sql: String,
    /// Sample values of the placeholders (typed probe values).
    pub values: Vec<Value>,
    /// The SQL with the sample values written in (sea-query's `to_string`), for `EXPLAIN`.
    pub inline_sql: String,
}

impl fmt::Display for ShapeSql {
    /// Two lines: `-- postgres | status: Some, tags: non-empty`, then the SQL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "-- {} | {}", self.backend, self.shape)?;
        writeln!(f, "{}", self.sql)
    }
}

/// Every SQL statement one function can send.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FunctionInventory {
    /// The function.
    pub name: &'static str,
    /// Its module.
    pub module: &'static str,
    /// Its `IN`-list arguments: each length of a list is SQL of its own.
    pub lists: &'static [&'static str],
    /// The most shapes its cache holds (`capacity = N`).
    pub capacity: usize,
    /// Its shapes for every backend (backend by backend, each in enumeration order), or why
    /// they cannot be listed.
    pub shapes: Result<Vec<ShapeSql>, NotEnumerable>,
}

impl fmt::Display for FunctionInventory {
    /// A heading line (`== app::db::posts (4 shapes per backend)`), then every shape.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shapes {
            Ok(shapes) => {
                let per_backend = shapes
                    .iter()
                    .filter(|s| s.backend == BackendId::Postgres)
                    .count();
                writeln!(
                    f,
                    "== {}::{} ({per_backend} shapes per backend)",
                    self.module, self.name
                )?;
                for shape in shapes {
                    write!(f, "{shape}")?;
                }
                Ok(())
            }
            Err(reason) => writeln!(
                f,
                "== {}::{} (not enumerable: {reason})",
                self.module, self.name
            ),
        }
    }
}

/// Every SQL statement the registered functions can send, from [`inventory()`](crate::inventory()).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Inventory {
    /// One entry per function, sorted by module and name.
    pub functions: Vec<FunctionInventory>,
}

impl Inventory {
    /// Only the functions defined in module `prefix` or below it.
    ///
    /// ```
    /// let mine = cached_query::inventory().in_module(module_path!());
    /// assert!(mine.functions.iter().all(|f| f.module.starts_with(module_path!())));
    /// ```
    pub fn in_module(mut self, prefix: &str) -> Inventory {
        self.functions.retain(|f| in_module(f.module, prefix));
        self
    }

    /// Statements over all functions and backends.
    pub fn len(&self) -> usize {
        self.functions
            .iter()
            .map(|f| f.shapes.as_ref().map_or(0, Vec::len))
            .sum()
    }

    /// Whether it lists no statement.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Inventory {
    /// Every function's [`FunctionInventory`], one after the other.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for function in &self.functions {
            write!(f, "{function}")?;
        }
        Ok(())
    }
}

/// Lists, per registered function and backend, every shape with the SQL it sends
/// (placeholders, no values). Keep it as a snapshot test so that every change to the SQL
/// an application can send shows up in review:
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
///
/// #[cached_query]
/// fn by_ids(ids: &[i64], deleted: bool) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("t"));
///     if !ids.is_empty() { q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())); }
///     if deleted { q.and_where(Expr::col(Alias::new("deleted")).eq(true)); }
///     q
/// }
///
/// let inventory = cached_query::inventory().in_module(module_path!());
/// let text = inventory.to_string();
/// assert!(text.contains(r#"SELECT "id" FROM "t" WHERE "id" IN ($1, $2) AND "deleted" = $3"#));
/// assert_eq!(inventory.len(), 12); // 4 shapes x 3 backends
/// // In a test of your crate: insta::assert_snapshot!(text);
/// ```
pub fn inventory() -> Inventory {
    Inventory {
        functions: registered()
            .into_iter()
            .map(|r| FunctionInventory {
                name: r.spec.meta().name,
                module: r.spec.meta().module,
                lists: &r.spec.described().lists,
                capacity: r.spec.meta().capacity,
                shapes: shapes_of(r),
            })
            .collect(),
    }
}

fn shapes_of(registration: &Registration) -> Result<Vec<ShapeSql>, NotEnumerable> {
    let mut per_backend: [Vec<ShapeSql>; 3] = Default::default();
    let mut prober = Prober::enumerating();
    registration
        .spec
        .each_shape(&mut prober, &mut |call, _, shape| {
            for (slot, backend) in per_backend.iter_mut().zip(BACKENDS) {
                slot.push(
                    catch_unwind(AssertUnwindSafe(|| render(call, backend, &shape)))
                        .unwrap_or_else(|_| ShapeSql {
                            backend,
                            shape: shape.clone(),
                            sql: "(the body panicked on these arguments)".to_owned(),
                            values: Vec::new(),
                            inline_sql: String::new(),
                        }),
                );
            }
        })?;
    Ok(per_backend.into_iter().flatten().collect())
}

const BACKENDS: [BackendId; 3] = [BackendId::Postgres, BackendId::MySql, BackendId::Sqlite];

fn render(call: &dyn DynCall, backend: BackendId, shape: &str) -> ShapeSql {
    let (sql, values) = call.build(backend);
    ShapeSql {
        backend,
        shape: shape.to_owned(),
        sql,
        values: values.0,
        inline_sql: call.inline(backend),
    }
}
