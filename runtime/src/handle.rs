//! The handle a cached function returns, and the hit path behind `build`: the only code
//! compiled once per query function. Everything that is not a hit (the first call of a
//! shape, a sampled verification, a call served uncached) goes to [`crate::miss`], which is
//! compiled once for all of them.

use std::fmt;
use std::sync::Arc;

use sea_query::Values;

use crate::backend::{Backend, BackendId};
use crate::cache::{Found, Stored};
use crate::class::Class;
use crate::family::{BodyOf, Call, DynCall, FnSpec};
use crate::miss;
use crate::settings::Flags;
use crate::statement::Statement;
use crate::template::{Source, SqlText, Template};

mod sealed {
    use crate::family::DynCall;

    pub trait Sealed {
        /// Crate-private: the call as the code that is not generic over the function takes
        /// it (a statement cache, `Debug`). The trait cannot be named outside the crate, so
        /// neither can this method.
        #[allow(private_interfaces)]
        fn call(&self) -> &dyn DynCall;
    }
    impl<C: crate::class::Class, S: crate::statement::Statement> Sealed
        for crate::family::Call<'_, C, S>
    {
        #[inline]
        #[allow(private_interfaces)]
        fn call(&self) -> &dyn DynCall {
            self
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

impl<C: Class, S: Statement> QueryArgs for Call<'_, C, S> {
    type Statement = S;

    fn statement(&self) -> S {
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
        self.cache.meta().name
    }
}

/// Fills `template` for a hit, with `IN` lists padded if `pad`.
#[cfg_attr(not(debug_assertions), inline(always))]
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

impl<C: Class, S: Statement> Call<'_, C, S> {
    /// The build, and the template a hit was served from (`None` on every other path).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn build_from<T: SqlText>(&self, backend: BackendId) -> (T, Values, Option<&'static Stored>) {
        let flags = crate::settings::flags();
        match DynCall::find(self, backend, flags) {
            Ok(stored) => {
                let pad = self.cache.meta().pad_in || flags.pad_in();
                if let Some((sql, values)) = fill::<T>(&stored.template, self, pad) {
                    self.cache.count_hit();
                    return (sql, Values(values), Some(stored));
                }
                self.slow(backend, Found::Hit(stored), flags)
            }
            Err(found) => self.slow(backend, found, flags),
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
        let mut served = None;
        DynCall::with_slot(self, &mut |slot| {
            served = Some(miss::serve::<T>(self, slot, backend, found, flags));
        });
        served.unwrap_or_else(|| {
            let (sql, values) = DynCall::build(self, backend);
            (T::owned(sql), values, None)
        })
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

impl<Q: QueryArgs> Cached<Q> {
    /// The call as the code that is not generic over the function takes it.
    pub(crate) fn call(&self) -> &dyn DynCall {
        sealed::Sealed::call(&self.query)
    }
}

impl<Q: QueryArgs> fmt::Debug for Cached<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cached")
            .field("function", &self.call().meta().name)
            .finish_non_exhaustive()
    }
}

/// Wraps a call's arguments and body into the handle the cached function returns.
#[doc(hidden)]
#[inline]
pub fn bind<'a, C: Class, S: Statement>(
    args: C::At<'a>,
    body: BodyOf<C, S>,
    spec: &'static FnSpec<C, S>,
) -> Cached<Call<'a, C, S>> {
    spec.know_body(body);
    Cached::new(Call {
        args,
        body,
        cache: spec.cache(),
        derived: crate::derived::Derived::real(spec.lift()),
    })
}
