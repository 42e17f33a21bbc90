//! The handle a cached function returns, and the hit and miss paths behind `build`.

use std::fmt;
use std::hash::Hash;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use sea_query::{Value, Values};

use crate::backend::{Backend, BackendId};
use crate::cache::{Entry, FnCache, FnMeta, HitCounter, Lookup, Stored};
use crate::error::Uncacheable;
use crate::probe::{CHECK_ROUNDS, Prober};
use crate::record::Recording;
use crate::statement::Statement;
use crate::template::{Names, SentinelTable, Source, SqlText, Template};
use crate::value_ref::ValueRef;

/// What `#[cached_query]` generates for one function: its argument struct (`Args`), its
/// cache key, and how to read and probe the arguments. Implemented by generated code only.
#[doc(hidden)]
pub trait Family: Sized + 'static {
    /// The function's arguments, borrowed for `'a`.
    type Args<'a>;
    /// The shape part of the cache key (flags, presences, emptiness, `#[shape]` values).
    type Key: Hash + Eq + Send + Sync + 'static;
    /// The statement the body returns.
    type Statement: Statement;

    /// Names and limits.
    const META: &'static FnMeta;

    /// The function's cache.
    fn cache() -> &'static FnCache<Self::Key>;

    /// The shape key of a call.
    fn key(args: &Self::Args<'_>) -> Self::Key;

    /// The flag, presence and emptiness bits of a key (for messages).
    fn key_bits(key: &Self::Key) -> u64;

    /// The value of bound source `source` (`None` if absent), borrowed where it holds text
    /// or bytes.
    fn value<'r>(args: &'r Self::Args<'_>, source: u16) -> Option<ValueRef<'r>>;

    /// The length of list `list` (0 if absent).
    fn len(args: &Self::Args<'_>, list: u16) -> usize;

    /// Element `index` of list `list`, borrowed where it holds text or bytes.
    fn elem<'r>(args: &'r Self::Args<'_>, list: u16, index: usize) -> Option<ValueRef<'r>>;

    /// Runs `f` on arguments of the same shape as `real` whose bound values are fresh
    /// sentinels from `prober`.
    fn probe<__CqR>(
        real: &Self::Args<'_>,
        prober: &mut Prober,
        f: &mut dyn FnMut(&Self::Args<'_>) -> __CqR,
    ) -> __CqR;

    /// The body, if known before the first call (a body naming `Self` is not).
    fn body() -> Option<Body<Self>>;

    /// Runs `f` on arguments of every shape (bound values from `prober`, lists of two
    /// elements), with the labels of the `#[shape]` values; returns the number of shapes, or
    /// why they cannot be enumerated (then `f` never runs).
    fn each_shape(
        prober: &mut Prober,
        f: &mut dyn FnMut(&Self::Args<'_>, &[&str]),
    ) -> Result<usize, crate::shape_values::NotEnumerable>;
}

/// The body of a cached function, taking its arguments by reference.
#[doc(hidden)]
pub type Body<F> = for<'x, 'y> fn(&'y <F as Family>::Args<'x>) -> <F as Family>::Statement;

/// One call's arguments together with the function body.
#[doc(hidden)]
pub struct Bound<'a, F: Family> {
    args: F::Args<'a>,
    body: Body<F>,
}

/// Wraps a call's arguments and body into the handle the cached function returns.
#[doc(hidden)]
#[inline]
pub fn bind<F: Family>(args: F::Args<'_>, body: Body<F>) -> Cached<Bound<'_, F>> {
    Cached {
        query: Bound { args, body },
    }
}

struct Access<'r, 'a, F: Family>(&'r F::Args<'a>);

impl<F: Family> Source for Access<'_, '_, F> {
    #[inline]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        F::value(self.0, source)
    }
    #[inline]
    fn len(&self, list: u16) -> usize {
        F::len(self.0, list)
    }
    #[inline]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        F::elem(self.0, list, index)
    }
}

/// The arguments of a call read by index, for a statement cache that binds them one by one.
impl<F: Family> Source for Bound<'_, F> {
    #[inline]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        F::value(&self.args, source)
    }
    #[inline]
    fn len(&self, list: u16) -> usize {
        F::len(&self.args, list)
    }
    #[inline]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        F::elem(&self.args, list, index)
    }
}

mod sealed {
    use super::{Backend, Served};

    pub trait Sealed {
        /// Crate-private: the call as a statement cache takes it (see [`Served`]). The trait
        /// cannot be named outside the crate, so neither can this method.
        #[allow(private_interfaces)]
        fn serve<B: Backend>(&self) -> Served<'_>;
    }
    impl<F: super::Family> Sealed for super::Bound<'_, F> {
        #[inline]
        #[allow(private_interfaces)]
        fn serve<B: Backend>(&self) -> Served<'_> {
            self.serve::<B>()
        }
    }
}

/// The arguments of one call of a `#[cached_query]` function, ready to build.
///
/// Only the macro implements it; use it through [`Cached`].
pub trait QueryArgs: sealed::Sealed {
    /// The statement type the function returns.
    type Statement: Statement;

    /// Runs the original body: the statement, uncached.
    fn statement(&self) -> Self::Statement;

    /// The SQL and values for `backend`, from the cache when the shape is known.
    fn build<B: Backend>(&self, backend: B) -> (String, Values);

    /// Like [`build`](Self::build), with the SQL shared with the cache.
    fn build_shared<B: Backend>(&self, backend: B) -> (Arc<str>, Values);

    /// The function's name.
    fn function_name(&self) -> &'static str;
}

impl<F: Family> QueryArgs for Bound<'_, F> {
    type Statement = F::Statement;

    fn statement(&self) -> F::Statement {
        (self.body)(&self.args)
    }

    #[inline]
    fn build<B: Backend>(&self, _backend: B) -> (String, Values) {
        self.build_as::<B, String>()
    }

    #[inline]
    fn build_shared<B: Backend>(&self, _backend: B) -> (Arc<str>, Values) {
        self.build_as::<B, Arc<str>>()
    }

    fn function_name(&self) -> &'static str {
        F::META.name
    }
}

impl<F: Family> Bound<'_, F> {
    #[inline]
    fn build_as<B: Backend, T: SqlText>(&self) -> (T, Values) {
        let (sql, values, _) = self.build_from::<B, T>();
        (sql, values)
    }

    /// The build, and the template a hit was served from (`None` on every other path).
    #[inline(always)]
    fn build_from<B: Backend, T: SqlText>(&self) -> (T, Values, Option<&'static Stored>) {
        let cache = F::cache();
        let flags = crate::settings::flags();
        let found = self.find::<B>(cache, flags);
        self.finish::<B, T>(found, cache, flags)
    }

    /// What the cache holds for this call's shape.
    #[inline(always)]
    fn find<B: Backend>(
        &self,
        cache: &'static FnCache<F::Key>,
        flags: crate::settings::Flags,
    ) -> Found<F::Key> {
        if !flags.enabled() {
            return Found::Uncached;
        }
        let key = (B::ID, F::key(&self.args));
        match cache.get(&key) {
            Lookup::Ready(stored) => {
                let rate = flags.verify_rate(F::META.verify);
                if rate > 0.0 && crate::settings::sample(rate) {
                    Found::Verify(stored, key)
                } else {
                    Found::Hit(stored)
                }
            }
            Lookup::Uncacheable => Found::Uncached,
            // A full cache stores nothing more: serve the call uncached rather than probe a
            // shape that would not be kept.
            Lookup::Missing if cache.is_full() => {
                cache.count_rejected();
                Found::Uncached
            }
            Lookup::Missing => Found::Miss(key),
        }
    }

    /// The build of a call whose shape `find` looked up.
    #[inline(always)]
    fn finish<B: Backend, T: SqlText>(
        &self,
        found: Found<F::Key>,
        cache: &'static FnCache<F::Key>,
        flags: crate::settings::Flags,
    ) -> (T, Values, Option<&'static Stored>) {
        let pad = F::META.pad_in || flags.pad_in();
        let fill = |stored: &'static Stored| {
            let access = Access::<F>(&self.args);
            if pad {
                stored.template.fill_padded::<T>(&access)
            } else {
                stored.template.fill::<T>(&access)
            }
        };
        match found {
            Found::Hit(stored) => {
                if let Some((sql, values)) = fill(stored) {
                    cache.count_hit();
                    return (sql, Values(values), Some(stored));
                }
            }
            Found::Verify(stored, key) => {
                if let Some(filled) = fill(stored) {
                    let (sql, values) = self.verify::<B, T>(cache, &key, stored, filled);
                    return (sql, values, None);
                }
            }
            Found::Miss(key) => {
                let (sql, values) = self.miss::<B, T>(cache, key, flags.pad_in());
                return (sql, values, None);
            }
            Found::Uncached => {}
        }
        cache.count_uncached();
        let (sql, values) = self.statement().build_with(B::default());
        (T::owned(sql), values, None)
    }

    /// First call of a shape: build for real (that is the result), then learn the shape.
    #[cold]
    #[inline(never)]
    fn miss<B: Backend, T: SqlText>(
        &self,
        cache: &'static FnCache<F::Key>,
        key: (BackendId, F::Key),
        pad_all: bool,
    ) -> (T, Values) {
        cache.count_miss();
        tracing::debug!(
            function = F::META.name,
            module = F::META.module,
            backend = B::ID.name(),
            key = %F::META.describe_bits(F::key_bits(&key.1)),
            "cached_query: miss; learning the shape"
        );
        let real = Recording::of::<_, B>(&self.statement());
        let entry = match learn::<F, B>(&self.args, self.body, &real) {
            Ok(template) => {
                tracing::debug!(
                    function = F::META.name,
                    module = F::META.module,
                    backend = B::ID.name(),
                    bytes = template.heap_bytes(),
                    "cached_query: template stored"
                );
                Entry::ready(template)
            }
            Err(reason) => {
                tracing::warn!(
                    function = F::META.name,
                    module = F::META.module,
                    backend = B::ID.name(),
                    key = %F::META.describe_bits(F::key_bits(&key.1)),
                    %reason,
                    "cached_query: shape is uncacheable; its calls take the uncached path"
                );
                Entry::Uncacheable(reason)
            }
        };
        let stored = cache.store(key, entry);
        // With padding or `inline_limit`, the first call already returns the text later
        // calls of the shape return (one text per power of two, the limit written in).
        let pad = F::META.pad_in || pad_all;
        if let Some(Entry::Ready(stored)) = stored
            && stored.failed.get().is_none()
            && (pad || stored.template.has_inline())
        {
            let access = Access::<F>(&self.args);
            let filled = if pad {
                stored.template.fill_padded::<T>(&access)
            } else {
                stored.template.fill::<T>(&access)
            };
            if let Some((sql, values)) = filled {
                return (sql, Values(values));
            }
        }
        let (sql, values) = real.into_output();
        (T::owned(sql), values)
    }

    /// A sampled hit: build uncached too and compare. On a mismatch the uncached result is
    /// returned, the shape is marked uncacheable, and the difference is logged and counted.
    /// The comparison is with what the template renders for these arguments before any
    /// padding and with inlined limits as the parameters sea-query binds: a padded or
    /// inlined text differs from sea-query's on purpose.
    #[cold]
    #[inline(never)]
    fn verify<B: Backend, T: SqlText>(
        &self,
        cache: &'static FnCache<F::Key>,
        key: &(BackendId, F::Key),
        stored: &'static Stored,
        (sql, values): (T, Vec<Value>),
    ) -> (T, Values) {
        let expected = Recording::of::<_, B>(&self.statement());
        let same = stored
            .template
            .check(&Access::<F>(&self.args), &expected, "verification")
            .is_ok();
        cache.count_verified(!same);
        if same {
            cache.count_hit();
            return (sql, Values(values));
        }
        let (expected_sql, expected_values) = expected.into_output();
        let cached_sql = stored
            .template
            .fill::<String>(&Access::<F>(&self.args))
            .map_or_else(String::new, |(s, _)| s);
        let reason = Uncacheable::VerificationFailed {
            cached: cached_sql.clone(),
            uncached: expected_sql.clone(),
        };
        tracing::error!(
            function = F::META.name,
            module = F::META.module,
            backend = B::ID.name(),
            key = %F::META.describe_bits(F::key_bits(&key.1)),
            cached = %cached_sql,
            uncached = %expected_sql,
            "cached_query: sampled verification found a cached result that differs from sea-query's; the shape is served uncached from now on"
        );
        let _ = stored.failed.set(reason);
        (T::owned(expected_sql), expected_values)
    }
}

/// What the cache holds for a call's shape.
enum Found<K> {
    /// A template, and the call is not sampled for verification.
    Hit(&'static Stored),
    /// A template, and the call is sampled for verification.
    Verify(&'static Stored, (BackendId, K)),
    /// Nothing yet: the first call of the shape.
    Miss((BackendId, K)),
    /// The call is served uncached: caching off, an uncacheable shape, a full cache.
    Uncached,
}

/// Probes the body in several rounds and keeps a template only if it reproduces every
/// round and the real call exactly. The learning round (every non-empty list at 2 elements,
/// in descending order; distinct, large sentinels) teaches where each value goes; each of
/// the [`CHECK_ROUNDS`] check rounds (lists at 3 elements, `[v0, v0, v1]` with `v0 > v1`,
/// then at 1; every value from a class such as negative, zero, small, empty or punctuated
/// text, the class turning with the round and the argument) checks that the layout repeats
/// and that the body neither transforms a bound value nor branches on one.
pub(crate) fn learn<F: Family, B: Backend>(
    args: &F::Args<'_>,
    body: Body<F>,
    real: &Recording,
) -> Result<Template, Uncacheable> {
    let meta = F::META;
    let names = Names {
        sources: meta.sources,
        lists: meta.lists,
    };
    let sources = meta.sources.len() as u16;
    let lists = meta.lists.len() as u16;
    let mut prober = Prober::new();

    let template = probe_round::<F, _>(args, &mut prober, |probe| {
        let rec = Recording::of::<_, B>(&body(probe));
        let access = Access::<F>(probe);
        let sentinels = SentinelTable::read(&access, sources, lists, names)?;
        let lens: Vec<usize> = (0..lists).map(|l| access.len(l)).collect();
        let template = Template::learn(&rec, &sentinels, &lens, names, B::ID.placeholder())?;
        template.check(&access, &rec, "learning probe")?;
        Ok(template)
    })?;

    // With nothing bound, every round's arguments would be the real call's.
    if sources > 0 || lists > 0 {
        for round in 1..=CHECK_ROUNDS {
            prober.check_round(round);
            probe_round::<F, _>(args, &mut prober, |probe| {
                let rec = Recording::of::<_, B>(&body(probe));
                template.check(
                    &Access::<F>(probe),
                    &rec,
                    CHECK_ROUND_NAMES[round as usize - 1],
                )
            })?;
        }
    }

    let access = Access::<F>(args);
    template.check(&access, real, "real call")?;
    let template = match meta.inline_limit {
        true => template.inline_limits(names)?,
        false => template,
    };
    Ok(template.with_fast_path(&access, real))
}

/// The check rounds' names in messages.
const CHECK_ROUND_NAMES: [&str; CHECK_ROUNDS as usize] =
    ["check round 1 (lists at 3)", "check round 2 (lists at 1)"];

fn probe_round<F: Family, R>(
    args: &F::Args<'_>,
    prober: &mut Prober,
    mut f: impl FnMut(&F::Args<'_>) -> Result<R, Uncacheable>,
) -> Result<R, Uncacheable> {
    catch_unwind(AssertUnwindSafe(|| F::probe(args, prober, &mut f)))
        .unwrap_or_else(|panic| Err(Uncacheable::probe_panicked(panic)))
}

/// The handle a `#[cached_query]` function returns.
///
/// Nothing is built until you ask: [`build`](Self::build) returns exactly what
/// `statement().build(backend)` returns, from the cache when the call's shape has been seen
/// before; [`statement`](Self::statement) runs the original body.
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[cached_query]
/// fn users(min_age: i64, city: Option<&str>, ids: &[i64]) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("users"))
///         .and_where(Expr::col(Alias::new("age")).gte(min_age));
///     if let Some(city) = city {
///         q.and_where(Expr::col(Alias::new("city")).eq(city));
///     }
///     if !ids.is_empty() {
///         q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
///     }
///     q
/// }
///
/// let h = users(18, Some("Oslo"), &[1, 2, 3]);
/// let (sql, values) = h.build(PostgresQueryBuilder);
/// assert_eq!(sql, r#"SELECT "id" FROM "users" WHERE "age" >= $1 AND "city" = $2 AND "id" IN ($3, $4, $5)"#);
/// assert_eq!((sql, values), h.statement().build(PostgresQueryBuilder));
///
/// // Same shape, other values and another list length: served from the cache.
/// let h = users(30, Some("Bergen"), &[7]);
/// assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
/// ```
#[must_use = "a cached query does nothing until it is built"]
pub struct Cached<Q> {
    query: Q,
}

impl<Q: QueryArgs> Cached<Q> {
    /// The SQL and values for `backend`: byte for byte and value for value what
    /// `self.statement().build(backend)` returns.
    #[inline]
    pub fn build<B: Backend>(&self, backend: B) -> (String, Values) {
        self.query.build(backend)
    }

    /// Like [`build`](Self::build), but the SQL is an `Arc<str>` shared with the cache: no
    /// copy of the text when every list has the length the shape was first seen with.
    ///
    /// ```
    /// use cached_query::cached_query;
    /// use sea_query::{Alias, DeleteStatement, Expr, ExprTrait, Query, SqliteQueryBuilder};
    ///
    /// #[cached_query]
    /// fn delete_session(token: &str) -> DeleteStatement {
    ///     Query::delete().from_table(Alias::new("sessions"))
    ///         .and_where(Expr::col(Alias::new("token")).eq(token)).to_owned()
    /// }
    ///
    /// let (sql, _) = delete_session("a").build_shared(SqliteQueryBuilder);
    /// let (again, values) = delete_session("b").build_shared(SqliteQueryBuilder);
    /// assert_eq!(&*again, r#"DELETE FROM "sessions" WHERE "token" = ?"#);
    /// assert!(std::sync::Arc::ptr_eq(&sql, &again) || *sql == *again);
    /// assert_eq!(values.0, vec![sea_query::Value::from("b")]);
    /// ```
    #[inline]
    pub fn build_shared<B: Backend>(&self, backend: B) -> (Arc<str>, Values) {
        self.query.build_shared(backend)
    }

    /// Runs the original function body: the statement, uncached.
    pub fn statement(&self) -> Q::Statement {
        self.query.statement()
    }
}

impl<Q: QueryArgs> fmt::Debug for Cached<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cached")
            .field("function", &self.query.function_name())
            .finish_non_exhaustive()
    }
}

impl<F: Family> fmt::Debug for Bound<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("function", &F::META.name)
            .finish_non_exhaustive()
    }
}

/// Which SQL text a cached call produced, without looking at the text: the address of the
/// stored template and the lengths (padded, where `IN` lists are padded) of the lists its
/// text depends on (an `IN` group of another length is other SQL). Stored templates are
/// never changed nor removed, so an address names one template for the life of the process,
/// and the text is a function of the template and those lengths: equal ids mean equal SQL.
/// A statement cache still compares the text where it has it for free (by pointer, on the
/// fast path) and checks that a call binds as many values as its statement has parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TemplateId {
    template: usize,
    lens: u64,
}

/// One call as a statement cache (see `SqliteStatements`) takes it.
#[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
pub(crate) enum Served<'q> {
    /// A hit, nothing built.
    Hit(Hit<'q>),
    /// Any other call, built (the first of a shape, another list length, a sampled
    /// verification, a call served uncached), with the id of its template if it has one.
    Built {
        sql: Arc<str>,
        values: Values,
        id: Option<TemplateId>,
    },
}

/// A hit as a statement cache takes it: its values are read from `args` one by one
/// ([`Binds`](crate::template::Binds)), nothing built. `Copy`: it owns nothing.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
pub(crate) struct Hit<'q> {
    /// The function's hit counter: the statement cache counts the hit (one copy of that
    /// code for every query function).
    pub(crate) hits: &'static HitCounter,
    pub(crate) id: TemplateId,
    /// The template's own text when every list has the length the template was stored
    /// with; for other lengths a cache that does not hold the id yet renders the text
    /// ([`Template::render_text`]).
    pub(crate) sql: Option<&'static Arc<str>>,
    pub(crate) template: &'static Template,
    pub(crate) args: &'q dyn Source,
    /// `IN` lists are padded.
    pub(crate) pad: bool,
}

impl<Q: QueryArgs> Cached<Q> {
    /// The call as a statement cache takes it.
    #[allow(dead_code)] // used by the `rusqlite` feature only
    #[inline]
    pub(crate) fn serve<B: Backend>(&self) -> Served<'_> {
        sealed::Sealed::serve::<B>(&self.query)
    }
}

impl<F: Family> Bound<'_, F> {
    /// The call as a statement cache takes it: a hit on its template's own text binds
    /// straight from the arguments; any other call is built as `build_shared` builds it,
    /// with the id of its template when its shape has one (a call served uncached, or whose
    /// lists are too many or too long to pack into an id, has none).
    #[inline]
    fn serve<B: Backend>(&self) -> Served<'_> {
        let cache = F::cache();
        let flags = crate::settings::flags();
        let pad = F::META.pad_in || flags.pad_in();
        let found = self.find::<B>(cache, flags);
        if let Found::Hit(stored) = found
            && let Some(id) = self.id_of(stored, pad)
        {
            return Served::Hit(Hit {
                hits: cache.hit_counter(),
                id,
                sql: stored.template.fast_text(id.lens),
                template: &stored.template,
                args: self,
                pad,
            });
        }
        self.serve_built::<B>(found, cache, flags, pad)
    }

    /// [`serve`](Self::serve) of a call that is not a hit on its template (the first of a
    /// shape, a sampled verification, a call served uncached): out of line, so that each
    /// query function's hit path stays short.
    #[cold]
    #[inline(never)]
    fn serve_built<B: Backend>(
        &self,
        found: Found<F::Key>,
        cache: &'static FnCache<F::Key>,
        flags: crate::settings::Flags,
        pad: bool,
    ) -> Served<'_> {
        let (sql, values, stored) = self.finish::<B, Arc<str>>(found, cache, flags);
        // A hit knows its template; any other call (the first of a shape, a sampled
        // verification) looks the key up again after building.
        let id = stored
            .or_else(|| self.stored_again::<B>())
            .and_then(|stored| self.id_of(stored, pad));
        Served::Built { sql, values, id }
    }

    /// The id of this call's text under `stored` (its lists padded, if `pad`): `None` when
    /// its lists are too many or too long to pack.
    #[inline]
    fn id_of(&self, stored: &'static Stored, pad: bool) -> Option<TemplateId> {
        stored.template.text_key(self, pad).map(|lens| TemplateId {
            template: std::ptr::from_ref(stored).addr(),
            lens,
        })
    }

    /// The template of this call's shape after a build that was not a hit.
    #[cold]
    fn stored_again<B: Backend>(&self) -> Option<&'static Stored> {
        if !crate::settings::is_enabled() {
            return None;
        }
        match F::cache().get(&(B::ID, F::key(&self.args))) {
            Lookup::Ready(stored) => Some(stored),
            Lookup::Uncacheable | Lookup::Missing => None,
        }
    }
}
