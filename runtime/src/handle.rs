//! The handle a cached function returns, and the hit path behind `build`: the only code
//! compiled once per query function. Everything that is not a hit (the first call of a
//! shape, a sampled verification, a call served uncached) goes to [`crate::miss`], which is
//! compiled once for all of them.

use std::fmt;
use std::sync::Arc;

use sea_query::Values;

use crate::backend::{Backend, BackendId};
use crate::cache::{HitCounter, Keyed, Lookup, Stored};
use crate::family::{Call, Family};
use crate::miss::{self, Found};
use crate::settings::Flags;
use crate::statement::Statement;
use crate::template::{Source, SqlText, Template};

mod sealed {
    use super::{Backend, Served};

    pub trait Sealed {
        /// Crate-private: the call as a statement cache takes it (see [`Served`]). The trait
        /// cannot be named outside the crate, so neither can this method.
        #[allow(private_interfaces)]
        fn serve<B: Backend>(&self) -> Served<'_>;
    }
    impl<F: crate::family::Family> Sealed for crate::family::Call<'_, F> {
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

impl<F: Family> QueryArgs for Call<'_, F> {
    type Statement = F::Statement;

    fn statement(&self) -> F::Statement {
        Call::statement(self)
    }

    #[inline]
    fn build<B: Backend>(&self, _backend: B) -> (String, Values) {
        let (sql, values, _) = self.build_from::<String>(B::ID);
        (sql, values)
    }

    #[inline]
    fn build_shared<B: Backend>(&self, _backend: B) -> (Arc<str>, Values) {
        let (sql, values, _) = self.build_from::<Arc<str>>(B::ID);
        (sql, values)
    }

    fn function_name(&self) -> &'static str {
        F::META.name
    }
}

/// Fills `template` for a hit, with `IN` lists padded if `pad`.
#[inline(always)]
fn fill<T: SqlText>(
    template: &Template,
    src: &dyn Source,
    pad: bool,
) -> Option<(T, Vec<sea_query::Value>)> {
    if pad {
        template.fill_padded::<T>(src)
    } else {
        template.fill::<T>(src)
    }
}

impl<F: Family> Call<'_, F> {
    /// The build, and the template a hit was served from (`None` on every other path).
    #[inline(always)]
    fn build_from<T: SqlText>(&self, backend: BackendId) -> (T, Values, Option<&'static Stored>) {
        let flags = crate::settings::flags();
        match self.find(backend, flags) {
            Ok(stored) => {
                let pad = F::META.pad_in || flags.pad_in();
                if let Some((sql, values)) = fill::<T>(&stored.template, self, pad) {
                    F::cache().count_hit();
                    return (sql, Values(values), Some(stored));
                }
                self.slow(backend, Found::Uncached, flags)
            }
            Err(found) => self.slow(backend, found, flags),
        }
    }

    /// The template of a hit, or what the cache holds for this call's shape otherwise.
    #[inline(always)]
    fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found> {
        if !flags.enabled() {
            return Err(Found::Uncached);
        }
        match F::cache().get(&(backend, self.key())) {
            Lookup::Ready(stored) => {
                let rate = flags.verify_rate(F::META.verify);
                if rate > 0.0 && crate::settings::sample(rate) {
                    Err(Found::Verify(stored))
                } else {
                    Ok(stored)
                }
            }
            Lookup::Uncacheable => Err(Found::Uncached),
            Lookup::Missing => Err(Found::Miss),
        }
    }

    /// Any call that is not a hit, handed to the code shared by every function.
    #[inline(never)]
    fn slow<T: SqlText>(
        &self,
        backend: BackendId,
        found: Found,
        flags: Flags,
    ) -> (T, Values, Option<&'static Stored>) {
        let slot = Keyed {
            cache: F::cache(),
            key: self.key(),
        };
        miss::serve::<T>(self, &slot, backend, found, flags)
    }
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

impl<Q> Cached<Q> {
    pub(crate) fn new(query: Q) -> Self {
        Cached { query }
    }
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

impl TemplateId {
    /// The id of the text `src` gets from `stored` (its lists padded, if `pad`): `None` when
    /// its lists are too many or too long to pack.
    #[inline]
    pub(crate) fn of(stored: &'static Stored, src: &dyn Source, pad: bool) -> Option<Self> {
        stored.template.text_key(src, pad).map(|lens| TemplateId {
            template: std::ptr::from_ref(stored).addr(),
            lens,
        })
    }
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

impl<F: Family> Call<'_, F> {
    /// The call as a statement cache takes it: a hit on its template's own text binds
    /// straight from the arguments; any other call is built as `build_shared` builds it,
    /// with the id of its template when its shape has one.
    #[inline]
    fn serve<B: Backend>(&self) -> Served<'_> {
        let flags = crate::settings::flags();
        let pad = F::META.pad_in || flags.pad_in();
        match self.find(B::ID, flags) {
            Ok(stored) => match TemplateId::of(stored, self, pad) {
                Some(id) => Served::Hit(Hit {
                    hits: F::cache().hit_counter(),
                    id,
                    sql: stored.template.fast_text(id.lens),
                    template: &stored.template,
                    args: self,
                    pad,
                }),
                None => self.serve_built(B::ID, Found::Hit(stored), flags, pad),
            },
            Err(found) => self.serve_built(B::ID, found, flags, pad),
        }
    }

    /// [`serve`](Self::serve) of a call that is not a hit on its template's text.
    #[inline(never)]
    fn serve_built(&self, backend: BackendId, found: Found, flags: Flags, pad: bool) -> Served<'_> {
        let slot = Keyed {
            cache: F::cache(),
            key: self.key(),
        };
        miss::serve_built(self, &slot, backend, found, flags, pad)
    }
}
