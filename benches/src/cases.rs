//! The measured cases. Each case is one query call, measured as several rows:
//!
//! - `uncached`: `h.statement().build(B)`, what sea-query alone costs;
//! - `cached`: `h.build(B)`, served from the cache;
//! - `cached_shared`: `h.build_shared(B)`, the SQL shared with the cache as an `Arc<str>`;
//! - `lower_bound`: what a person writes by hand with no macro: a `HashMap<(u8, u64), String>`
//!   lookup of a precomputed shape key, a clone of the stored SQL and a `Vec<Value>` filled
//!   with the same values the call binds;
//! - `miss` (the miss case only): the first call of a new shape.
//!
//! The criterion suite (`benches/hit.rs`), the allocation counter (`src/bin/allocs.rs`) and
//! the report (`src/bin/report.rs`) all read this one list, so their rows always match.
//! [`Case::prepare`] pre-warms a case's cache and checks that every row returns exactly what
//! the uncached build returns, and that the cached rows really are hits.

use std::collections::HashMap;
use std::fmt;
use std::hint::black_box;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use cached_query::{Backend, Cached, QueryArgs, Statement};
use cached_query_tests::queries::{insert_tags, posts, quality_rules, update_status};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, Value, Values};

use crate::queries::{filtered_posts_flat, post_by_id, posts_by_len, quality_rules_fresh};

/// What one measured call returns. Returned (not dropped inside the row) so the work cannot
/// be optimized away; every row pays the same move and drop.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// `(String, Values)`, as `build` returns it.
    Owned(String, Values),
    /// `(Arc<str>, Values)`, as `build_shared` returns it.
    Shared(Arc<str>, Values),
}

impl Out {
    /// The SQL text.
    pub fn sql(&self) -> &str {
        match self {
            Out::Owned(sql, _) => sql,
            Out::Shared(sql, _) => sql,
        }
    }

    /// The bound values.
    pub fn values(&self) -> &Values {
        match self {
            Out::Owned(_, values) | Out::Shared(_, values) => values,
        }
    }
}

/// One way of making a case's call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Row {
    /// `h.statement().build(B)`.
    Uncached,
    /// `h.build(B)` on a pre-warmed cache.
    Cached,
    /// `h.build_shared(B)` on a pre-warmed cache.
    CachedShared,
    /// The hand-written `HashMap` lookup, `String` clone and `Vec<Value>` fill.
    LowerBound,
    /// `h.build(B)` for a shape never seen before.
    Miss,
}

impl Row {
    /// Every row, in table order.
    pub const ALL: [Row; 5] = [
        Row::Uncached,
        Row::Cached,
        Row::CachedShared,
        Row::LowerBound,
        Row::Miss,
    ];

    /// The criterion function id, also used in the allocation file.
    pub const fn id(self) -> &'static str {
        match self {
            Row::Uncached => "uncached",
            Row::Cached => "cached",
            Row::CachedShared => "cached_shared",
            Row::LowerBound => "lower_bound",
            Row::Miss => "miss",
        }
    }

    /// The row whose id is `id`.
    pub fn from_id(id: &str) -> Option<Row> {
        Row::ALL.into_iter().find(|row| row.id() == id)
    }
}

/// A measured call, boxed so every case fits one list.
pub type Run = Box<dyn Fn() -> Out + Send + Sync>;

/// Whether a case measures hits or misses (what [`Case::prepare`] checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The cached rows must be hits after warming.
    Hit,
    /// Every `miss` call must be a miss.
    Miss,
}

/// One measured query call and its rows.
pub struct Case {
    /// The criterion group id: lower-case letters, digits and `_` only.
    pub id: String,
    /// What the call is, for the report.
    pub title: String,
    /// The `#[cached_query]` function the cached rows call (its name in `stats()`).
    pub function: &'static str,
    /// Hit or miss case.
    pub kind: Kind,
    warm: Option<Box<dyn Fn() + Send + Sync>>,
    rows: Vec<(Row, Run)>,
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Case")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("function", &self.function)
            .field("kind", &self.kind)
            .field(
                "rows",
                &self
                    .rows
                    .iter()
                    .map(|(row, _)| row.id())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Case {
    /// The rows, in table order.
    pub fn rows(&self) -> impl Iterator<Item = (Row, &Run)> {
        self.rows.iter().map(|(row, run)| (*row, run))
    }

    /// The call of row `row`, if the case has it.
    pub fn row(&self, row: Row) -> Option<&Run> {
        self.rows
            .iter()
            .find(|(r, _)| *r == row)
            .map(|(_, run)| run)
    }

    /// Pre-warms the cache (stores the template the case is about), then checks that every
    /// row returns exactly what the uncached build returns and that the cached rows are hits
    /// (or, for the miss case, misses).
    pub fn prepare(&self) -> Result<(), String> {
        if let Some(warm) = &self.warm {
            warm();
        }
        let uncached = self
            .row(Row::Uncached)
            .ok_or_else(|| format!("{}: no uncached row", self.id))?;
        let reference = uncached();
        for (row, run) in &self.rows {
            // Twice: the first cached call of a hit case may be the miss that stores it.
            for _ in 0..2 {
                let out = run();
                if out.sql() != reference.sql() || out.values() != reference.values() {
                    return Err(format!(
                        "{} / {}: differs from the uncached build\n  got:      {} {:?}\n  expected: {} {:?}",
                        self.id,
                        row.id(),
                        out.sql(),
                        out.values().0,
                        reference.sql(),
                        reference.values().0
                    ));
                }
            }
        }
        let counters = || {
            cached_query::stats()
                .function(self.function)
                .map(|f| (f.hits, f.misses, f.uncached_calls))
                .unwrap_or_default()
        };
        let before = counters();
        let checked: &[Row] = match self.kind {
            Kind::Hit => &[Row::Cached, Row::CachedShared],
            Kind::Miss => &[Row::Miss],
        };
        for row in checked {
            if let Some(run) = self.row(*row) {
                black_box(run());
            }
        }
        let after = counters();
        let calls = checked.iter().filter(|r| self.row(**r).is_some()).count() as u64;
        let expected = match self.kind {
            Kind::Hit => (before.0 + calls, before.1, before.2),
            Kind::Miss => (before.0, before.1 + calls, before.2),
        };
        if after != expected {
            return Err(format!(
                "{}: `{}` counters (hits, misses, uncached) went from {before:?} to {after:?}, expected {expected:?}",
                self.id, self.function
            ));
        }
        Ok(())
    }
}

/// Runs `run` `iters` times on each of two threads at once and returns the slower thread's
/// time: the time per call of each thread while the other one runs the same calls.
pub fn on_two_threads(run: &(dyn Fn() -> Out + Sync), iters: u64) -> Duration {
    let start = Barrier::new(2);
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    let t = Instant::now();
                    for _ in 0..iters {
                        black_box(run());
                    }
                    t.elapsed()
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a benchmark thread panicked"))
            .max()
            .unwrap_or_default()
    })
}

/// The hand-written lower bound: a map from a precomputed `(backend, shape bits)` key to the
/// SQL, and a function that pushes the call's values.
struct Lower<F> {
    map: HashMap<(u8, u64), String>,
    key: (u8, u64),
    values: usize,
    fill: F,
}

impl<F: Fn(&mut Vec<Value>)> Lower<F> {
    fn new(backend: u8, shape: u64, sql: String, values: usize, fill: F) -> Self {
        let key = (backend, shape);
        let mut map = HashMap::new();
        // Other shapes of the same function, as a hand-written per-shape map would hold.
        for other in 1..16u64 {
            map.insert(
                (backend, shape ^ (other << 20)),
                format!("-- shape {other}"),
            );
        }
        map.insert(key, sql);
        Lower {
            map,
            key,
            values,
            fill,
        }
    }

    #[inline]
    fn build(&self) -> (String, Values) {
        let sql = self
            .map
            .get(black_box(&self.key))
            .cloned()
            .unwrap_or_default();
        let mut values = Vec::with_capacity(self.values);
        (self.fill)(&mut values);
        (sql, Values(values))
    }
}

/// A hit case: `make` creates the call's handle (its arguments go through `black_box`);
/// `fill` pushes the values the call binds, by hand, for the lower bound; `shape` is the
/// lower bound's shape bits.
fn hit_case<Q, B, M, F>(
    id: String,
    title: String,
    function: &'static str,
    backend: B,
    make: M,
    shape: u64,
    fill: F,
) -> Case
where
    Q: QueryArgs + 'static,
    B: Backend + Send + Sync + 'static,
    M: Fn() -> Cached<Q> + Clone + Send + Sync + 'static,
    F: Fn(&mut Vec<Value>) + Send + Sync + 'static,
{
    let (sql, values) = make().statement().build_with(backend);
    let lower = Lower::new(B::ID as u8, shape, sql, values.0.len(), fill);
    let (m1, m2, m3) = (make.clone(), make.clone(), make);
    Case {
        id,
        title,
        function,
        kind: Kind::Hit,
        warm: None,
        rows: vec![
            (
                Row::Uncached,
                Box::new(move || {
                    let (sql, values) = m1().statement().build_with(B::default());
                    Out::Owned(sql, values)
                }),
            ),
            (
                Row::Cached,
                Box::new(move || {
                    let (sql, values) = m2().build(B::default());
                    Out::Owned(sql, values)
                }),
            ),
            (
                Row::CachedShared,
                Box::new(move || {
                    let (sql, values) = m3().build_shared(B::default());
                    Out::Shared(sql, values)
                }),
            ),
            (
                Row::LowerBound,
                Box::new(move || {
                    let (sql, values) = lower.build();
                    Out::Owned(sql, values)
                }),
            ),
        ],
    }
}

/// The list lengths of the `IN (...)` cases.
pub const LIST_LENGTHS: [usize; 4] = [1, 10, 100, 1000];

/// The length `posts`' template is first stored with in the other-length cases; differs from
/// every length in [`LIST_LENGTHS`], so those calls take the re-rendering path.
pub const POSTS_STORED_LENGTH: usize = 2;

/// Rows of `insert_tags` in the stored-length and the other-length insert cases.
pub const INSERT_ROWS: (usize, usize) = (10, 25);

/// The case the two-thread benchmark runs.
pub const TWO_THREAD_CASE: &str = "select_10_filters_postgres";

/// The criterion group id of the two-thread run of case `id`.
pub fn two_thread_group(id: &str) -> String {
    format!("two_threads_{id}")
}

const GROUPS: &[i64] = &[3, 5, 8];

fn id_list(len: usize) -> &'static [i64] {
    // Leaked on purpose: the cases live for the whole process.
    let ids: Vec<i64> = (0..len as i64).map(|i| 1000 + 7 * i).collect();
    ids.leak()
}

fn tag_list(len: usize) -> &'static [&'static str] {
    let tags: Vec<&'static str> = (0..len).map(|i| &*format!("tag-{i}").leak()).collect();
    tags.leak()
}

/// The 1-filter select: [`post_by_id`] on Postgres.
fn select_1_filter() -> Case {
    hit_case(
        "select_1_filter_postgres".into(),
        "1-filter select `post_by_id` (Postgres)".into(),
        "post_by_id",
        PostgresQueryBuilder,
        || post_by_id(black_box(42)),
        0b1,
        |v| v.push(Value::from(black_box(42i64))),
    )
}

/// The 10-filter `quality_rules` select on backend `B`.
fn select_10_filters<B: Backend + Send + Sync + 'static>(
    backend: B,
    name: &str,
    title: &str,
) -> Case {
    hit_case(
        format!("select_10_filters_{name}"),
        format!("10-filter select `quality_rules` ({title})"),
        "quality_rules",
        backend,
        || {
            quality_rules(
                black_box(Some(true)),
                black_box(Some(false)),
                black_box(Some(11)),
                black_box(None),
                black_box(GROUPS),
                black_box(None),
                black_box(Some(42)),
                black_box(1),
                black_box(true),
                black_box(20),
            )
        },
        0b10_1101_0111,
        |v| {
            let (licensed, protected, rightholder, user, min_priority, limit) =
                black_box((true, false, 11i64, 42i64, 1i32, 20u64));
            v.push(Value::from(!licensed));
            v.push(Value::from(!protected));
            v.push(Value::from(true));
            v.push(Value::from(rightholder));
            v.extend(black_box(GROUPS).iter().map(|&g| Value::from(g)));
            v.push(Value::from(user));
            v.push(Value::from(min_priority));
            v.push(Value::from(0i32));
            v.push(Value::from(limit));
        },
    )
}

/// Pushes the values of `posts(7, Some("live"), tags, true, 20)`.
fn posts_values(v: &mut Vec<Value>, tags: &[i64]) {
    let (author, status, limit) = black_box((7i64, "live", 20u64));
    v.push(Value::from(author));
    v.push(Value::from(status));
    v.extend(black_box(tags).iter().map(|&t| Value::from(t)));
    v.push(Value::from(limit));
}

/// `IN (...)` with `len` elements on the stored-length fast path: [`posts_by_len`], whose
/// template for this length was stored with this length.
fn in_list_stored(len: usize) -> Case {
    let tags = id_list(len);
    hit_case(
        format!("in_list_{len}_stored_len"),
        format!("IN list, {len} element(s), stored length (`posts_by_len`)"),
        "posts_by_len",
        PostgresQueryBuilder,
        move || {
            posts_by_len(
                black_box(tags.len()),
                black_box(7),
                black_box(Some("live")),
                black_box(tags),
                black_box(true),
                black_box(20),
            )
        },
        0b111 | ((len as u64) << 8),
        move |v| posts_values(v, tags),
    )
}

/// `IN (...)` with `len` elements through `posts`, whose template was stored with
/// [`POSTS_STORED_LENGTH`] elements: the re-rendering path.
fn in_list_other(len: usize) -> Case {
    let tags = id_list(len);
    let mut case = hit_case(
        format!("in_list_{len}_other_len"),
        format!("IN list, {len} element(s), template stored at {POSTS_STORED_LENGTH} (`posts`)"),
        "posts",
        PostgresQueryBuilder,
        move || {
            posts(
                black_box(7),
                black_box(Some("live")),
                black_box(tags),
                black_box(true),
                black_box(20),
            )
        },
        0b111,
        move |v| posts_values(v, tags),
    );
    let stored = id_list(POSTS_STORED_LENGTH);
    case.warm = Some(Box::new(move || {
        black_box(posts(7, Some("live"), stored, true, 20).build(PostgresQueryBuilder));
    }));
    case
}

/// Multi-row `INSERT` of `rows` rows through `insert_tags`, whose template is stored with
/// `INSERT_ROWS.0` rows.
fn insert(rows: usize) -> Case {
    let tags = tag_list(rows);
    let stored = rows == INSERT_ROWS.0;
    let mut case = hit_case(
        format!(
            "insert_{rows}_rows_{}",
            if stored { "stored_len" } else { "other_len" }
        ),
        format!(
            "multi-row INSERT `insert_tags`, {rows} rows, {}",
            if stored {
                "stored length".to_owned()
            } else {
                format!("template stored at {} rows", INSERT_ROWS.0)
            }
        ),
        "insert_tags",
        PostgresQueryBuilder,
        move || insert_tags(black_box(7), black_box(tags)),
        0,
        move |v| {
            let post = black_box(7i64);
            for tag in black_box(tags) {
                v.push(Value::from(post));
                v.push(Value::from(*tag));
            }
        },
    );
    let first = tag_list(INSERT_ROWS.0);
    case.warm = Some(Box::new(move || {
        black_box(insert_tags(7, first).build(PostgresQueryBuilder));
    }));
    case
}

const UPDATE_IDS: &[i64] = &[11, 12, 13, 14, 15];

/// `UPDATE ... SET ... WHERE id IN (5 ids)` through `update_status`.
fn update() -> Case {
    hit_case(
        "update_5_ids_postgres".into(),
        "UPDATE `update_status`, IN list of 5".into(),
        "update_status",
        PostgresQueryBuilder,
        || {
            update_status(
                black_box(UPDATE_IDS),
                black_box("archived"),
                black_box(true),
                black_box(Some(1.5)),
            )
        },
        0b111,
        |v| {
            let (status, score) = black_box(("archived", 1.5f64));
            v.push(Value::from(status));
            v.push(Value::from(1i32));
            v.push(Value::from(score));
            v.extend(black_box(UPDATE_IDS).iter().map(|&id| Value::from(id)));
        },
    )
}

/// Every hit case, in report order.
pub fn hit_cases() -> Vec<Case> {
    let mut cases = vec![
        select_1_filter(),
        select_10_filters(PostgresQueryBuilder, "postgres", "Postgres"),
        select_10_filters(MysqlQueryBuilder, "mysql", "MySQL"),
        select_10_filters(SqliteQueryBuilder, "sqlite", "SQLite"),
    ];
    for len in LIST_LENGTHS {
        cases.push(in_list_stored(len));
        cases.push(in_list_other(len));
    }
    cases.push(insert(INSERT_ROWS.0));
    cases.push(insert(INSERT_ROWS.1));
    cases.push(update());
    cases.push(filter_struct());
    cases.push(filter_flat());
    cases
}

/// The filter of the struct-argument cases: every field present.
fn filter() -> &'static cached_query_tests::queries::PostFilter {
    use cached_query_tests::queries::{IdRange, PostFilter};
    use cached_query_tests::schema::SortBy;
    static FILTER: std::sync::LazyLock<PostFilter> = std::sync::LazyLock::new(|| PostFilter {
        search: Some("%rust%".into()),
        authors: vec![1, 2, 3],
        published: true,
        sort: SortBy::Score,
        range: Some(IdRange {
            from: 5,
            to: Some(900),
        }),
        status: "live".into(),
    });
    &FILTER
}

/// The LIKE pattern `filtered_posts` derives from a filter's search text.
fn like_pattern(search: &str) -> String {
    let escaped = search.replace('\\', "\\\\").replace('%', "\\%");
    format!("%{escaped}%")
}

/// Pushes the values of the filter cases (the pattern made as the body makes it).
fn filter_values(v: &mut Vec<Value>) {
    let f = black_box(filter());
    v.push(Value::from(f.status.clone()));
    v.push(Value::from(f.search.as_deref().map(like_pattern)));
    v.extend(f.authors.iter().map(|&a| Value::from(a)));
    v.push(Value::from(5i64));
    v.push(Value::from(900i64));
    v.push(Value::from(50i64));
    v.push(Value::from(500i64));
    v.push(Value::from(20u64));
}

/// A filter struct (`#[derive(Args)]`, by reference), a tuple cursor, two derived values
/// (the LIKE pattern, the capped limit) and a lifted decision (the order, from the
/// status): `filtered_posts`.
fn filter_struct() -> Case {
    hit_case(
        "filter_struct_postgres".into(),
        "filter struct argument `filtered_posts` (Postgres)".into(),
        "filtered_posts",
        PostgresQueryBuilder,
        || {
            cached_query_tests::queries::filtered_posts(
                black_box(filter()),
                black_box(Some((50, 500))),
                black_box(20),
            )
        },
        0b1_1111,
        filter_values,
    )
}

/// The same query with the filter's fields as separate arguments and the derived values
/// and the decision computed by the caller: `filtered_posts_flat`.
fn filter_flat() -> Case {
    hit_case(
        "filter_flat_postgres".into(),
        "the same filter as separate arguments `filtered_posts_flat` (Postgres)".into(),
        "filtered_posts_flat",
        PostgresQueryBuilder,
        || {
            let f = black_box(filter());
            let pattern = f.search.as_deref().map(like_pattern);
            filtered_posts_flat(
                pattern,
                &f.authors,
                f.published,
                f.sort,
                f.range.as_ref().map(|r| (r.from, r.to)),
                &f.status,
                black_box(Some((50, 500))),
                match f.status.eq_ignore_ascii_case("archived") {
                    true => sea_query::Order::Asc,
                    false => sea_query::Order::Desc,
                },
                std::cmp::min(black_box(20), cached_query_tests::queries::MAX_LIMIT),
            )
        },
        0b1_1111,
        filter_values,
    )
}

/// The miss case: the first call of a new shape of the 10-filter select (`miss`: a fresh
/// `#[shape]` value of [`quality_rules_fresh`] per call) against the uncached build.
pub fn miss_case() -> Case {
    static NEXT_SHAPE: AtomicU32 = AtomicU32::new(0);
    let make = || {
        quality_rules_fresh(
            NEXT_SHAPE.fetch_add(1, Relaxed),
            black_box(Some(true)),
            black_box(Some(false)),
            black_box(Some(11)),
            black_box(None),
            black_box(GROUPS),
            black_box(None),
            black_box(Some(42)),
            black_box(1),
            black_box(true),
            black_box(20),
        )
    };
    Case {
        id: "miss_select_10_filters_postgres".into(),
        title: "miss: first call of a new shape, 10-filter select (Postgres)".into(),
        function: "quality_rules_fresh",
        kind: Kind::Miss,
        warm: None,
        rows: vec![
            (
                Row::Uncached,
                Box::new(move || {
                    let (sql, values) = make().statement().build_with(PostgresQueryBuilder);
                    Out::Owned(sql, values)
                }),
            ),
            (
                Row::Miss,
                Box::new(move || {
                    let (sql, values) = make().build(PostgresQueryBuilder);
                    Out::Owned(sql, values)
                }),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_matches_the_uncached_build() {
        for case in hit_cases().iter().chain([&miss_case()]) {
            case.prepare().expect("case is consistent");
        }
    }

    #[test]
    fn ids_are_file_name_safe_and_unique() {
        let cases = hit_cases();
        let mut ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), cases.len());
        assert!(ids.iter().all(|id| {
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        }));
        assert!(cases.iter().any(|c| c.id == TWO_THREAD_CASE));
    }
}
