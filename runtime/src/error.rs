//! Why a shape could not be cached.

/// The reason a shape (a cache key) is served uncached.
///
/// The cache learns a shape by running the function body with probe values and keeps the
/// template only when every probe renders consistently. When one does not, the shape is
/// remembered as uncacheable: calls with it always take the uncached path, so the result is
/// still exactly sea-query's. The reason is logged once (a `tracing` warning) and counted in
/// [`stats`](crate::stats).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Uncacheable {
    /// Two arguments received equal probe values, so their placeholders cannot be told
    /// apart (a type with few values, such as `bool` elements or `i8` in long lists).
    #[error(
        "probe values of {first} and {second} are equal, so their placeholders cannot be told apart"
    )]
    SentinelCollision {
        /// The first argument (or list element).
        first: String,
        /// The argument that collided with it.
        second: String,
    },
    /// A list's elements are not bound in order as one repeated group (an element used on
    /// its own, such as `tags[0]`, or elements of two lists interleaved).
    #[error(
        "the elements of list `{list}` are not bound as one group in order (an element used on its own, or another list's elements in between)"
    )]
    ListLayout {
        /// The list argument.
        list: String,
    },
    /// The SQL text changes with a bound value: the body writes a value into the text
    /// (`Expr::cust` with `format!`, `Order::Field`, ...) or branches on a bound value.
    #[error(
        "the SQL text depends on a bound value ({round}, {detail}): the body writes a value into the text (Expr::cust with format!, Order::Field, ...) or branches on it; mark the argument #[shape] or build that part in the caller"
    )]
    TextDiffers {
        /// Which check failed: `"learning probe"`, `"check round 1 (lists at 3)"` (2, 3) or `"real call"`.
        round: &'static str,
        /// Where the texts differ.
        detail: String,
    },
    /// A bound value is not an argument passed through unchanged: the body computes it
    /// (`x * 2`, `format!("%{x}%")`, a cast) or branches on a bound value.
    #[error(
        "parameter {index} is not an argument passed through unchanged ({round}: {detail}): the body computes it from a bound argument or branches on one; compute the value in the caller or mark the argument #[shape]"
    )]
    ValueDiffers {
        /// Which check failed: `"learning probe"`, `"check round 1 (lists at 3)"` (2, 3) or `"real call"`.
        round: &'static str,
        /// The 1-based parameter number.
        index: usize,
        /// The two values.
        detail: String,
    },
    /// Sampled verification (the `verify` option) found a hit whose cached SQL or values
    /// differ from what the body builds: the shape depends on something the key does not
    /// hold. The uncached result was returned, and the shape is served uncached from then on.
    #[error(
        "sampled verification found a difference: cached `{cached}`, uncached `{uncached}` (or their values differ); the shape depends on something the key does not hold"
    )]
    VerificationFailed {
        /// The SQL the cache produced.
        cached: String,
        /// The SQL the body built.
        uncached: String,
    },
    /// `inline_limit = true`, but a `LIMIT` or `OFFSET` value comes from a bound argument:
    /// its value is not part of the cache key, so it cannot be written into the text.
    #[error(
        "inline_limit: the {clause} value comes from the bound argument `{argument}`, whose value is not part of the cache key; mark `{argument}` #[shape] (one template per value) or leave inline_limit off"
    )]
    LimitNotInKey {
        /// `"LIMIT"` or `"OFFSET"`.
        clause: &'static str,
        /// The argument.
        argument: String,
    },
    /// The body panicked when run with probe values (for example it indexed a list or
    /// parsed a bound string). The real call's result was returned unaffected.
    #[error("the body panicked when run with probe values: {message}")]
    ProbePanicked {
        /// The panic message.
        message: String,
    },
}

impl Uncacheable {
    /// [`Uncacheable::ProbePanicked`] from the payload `catch_unwind` returned.
    pub(crate) fn probe_panicked(panic: Box<dyn std::any::Any + Send>) -> Self {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_owned());
        Uncacheable::ProbePanicked { message }
    }
}
