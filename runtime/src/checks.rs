//! What an argument's type must be, as traits whose errors say how to fix it: checked by the
//! code `#[cached_query]` generates, at the argument, through `__private`.

use crate::probe::Probe;

/// What a bound argument's type needs; checked with a message that says how to fix it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a bound argument of a #[cached_query] function",
    label = "this argument's value is bound, not part of the cache key",
    note = "a bound argument must be `Clone`, convert into `sea_query::Value` and implement `cached_query::Probe`",
    note = "or mark the argument `#[shape]` to make its value part of the cache key"
)]
pub trait BoundArg<'a>: Clone + Into<sea_query::Value> + Probe<'a> {}

impl<'a, T: Clone + Into<sea_query::Value> + Probe<'a>> BoundArg<'a> for T {}

/// What a `#[shape]` argument's type needs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a #[shape] argument",
    label = "a #[shape] argument's value is stored in the cache key",
    note = "a #[shape] argument must be `Hash + Eq + Clone + Send + Sync + 'static` (derive `Hash, PartialEq, Eq, Clone` on it)"
)]
pub trait ShapeArg: std::hash::Hash + Eq + Clone + Send + Sync + 'static {}

impl<T: std::hash::Hash + Eq + Clone + Send + Sync + 'static> ShapeArg for T {}
