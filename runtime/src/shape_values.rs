//! Enumerating a function's shapes: the values a `#[shape]` argument can take, and why a
//! function cannot be enumerated.

use std::fmt;
use std::marker::PhantomData;

/// The most shapes per backend that [`warm_up`](crate::warm_up()) and
/// [`inventory`](crate::inventory()) enumerate for one function; a function with more is
/// reported as [`NotEnumerable::TooManyShapes`] instead.
pub const SHAPE_LIMIT: usize = 4096;

/// A `#[shape]` argument type whose every value can be listed, so that the functions taking
/// it can be warmed up and inventoried shape by shape.
///
/// Implement it with [`shape_values!`](crate::shape_values) for a fieldless enum, or by
/// hand. A `#[shape]` argument whose type does not implement it still compiles; its
/// function is then reported as [`NotEnumerable::ShapeArgument`].
///
/// ```
/// use cached_query::ShapeValues;
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// enum Sort { Newest, Oldest }
///
/// impl ShapeValues for Sort {
///     fn all() -> Vec<Sort> { vec![Sort::Newest, Sort::Oldest] }
/// }
///
/// assert_eq!(Sort::all().len(), 2);
/// assert_eq!(bool::all(), [false, true]);
/// ```
pub trait ShapeValues: Sized + fmt::Debug {
    /// Every value, in the order the inventory lists them.
    fn all() -> Vec<Self>;
}

impl ShapeValues for bool {
    fn all() -> Vec<bool> {
        vec![false, true]
    }
}

impl<T: ShapeValues> ShapeValues for Option<T> {
    fn all() -> Vec<Option<T>> {
        std::iter::once(None)
            .chain(T::all().into_iter().map(Some))
            .collect()
    }
}

/// Implements [`ShapeValues`] for a fieldless enum (`shape_values!(Sort { Newest, Oldest })`)
/// or for any type from a list of values (`shape_values!(u8 => [1, 2, 4])`).
///
/// ```
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum Sort { Newest, Score, Title }
///
/// cached_query::shape_values!(Sort { Newest, Score, Title });
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub struct PageSize(u16);
///
/// cached_query::shape_values!(PageSize => [PageSize(10), PageSize(50)]);
///
/// use cached_query::ShapeValues;
/// assert_eq!(Sort::all(), [Sort::Newest, Sort::Score, Sort::Title]);
/// assert_eq!(PageSize::all().len(), 2);
/// ```
#[macro_export]
macro_rules! shape_values {
    ($ty:ident { $($variant:ident),* $(,)? }) => {
        impl $crate::ShapeValues for $ty {
            fn all() -> ::std::vec::Vec<Self> {
                ::std::vec![$($ty::$variant),*]
            }
        }
    };
    ($ty:ty => [$($value:expr),* $(,)?]) => {
        impl $crate::ShapeValues for $ty {
            fn all() -> ::std::vec::Vec<Self> {
                ::std::vec![$($value),*]
            }
        }
    };
}

/// Why a function's shapes cannot be listed ahead of time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotEnumerable {
    /// A `#[shape]` argument's type does not implement [`ShapeValues`].
    #[error(
        "#[shape] argument `{argument}` has a type that does not implement `cached_query::ShapeValues` (use `cached_query::shape_values!`)"
    )]
    ShapeArgument {
        /// The argument.
        argument: &'static str,
    },
    /// More shapes per backend than [`SHAPE_LIMIT`].
    #[error("{shapes} shapes per backend, more than the limit of {limit}")]
    TooManyShapes {
        /// Shapes per backend (saturating).
        shapes: usize,
        /// The limit.
        limit: usize,
    },
    /// The body names `Self` (a function in an `impl` block), so the cache only gets hold
    /// of it on the function's first call.
    #[error(
        "the body names `Self`, so it is known only after the function's first call; call it once first, or write the type's name instead of `Self`"
    )]
    BodyNotYetKnown,
}

/// The number of shapes from the number of variants of each argument, or the reason not to
/// enumerate them.
#[doc(hidden)]
pub(crate) fn count_shapes(variants: &[usize]) -> Result<usize, NotEnumerable> {
    let shapes = variants.iter().fold(1usize, |n, v| n.saturating_mul(*v));
    if shapes > SHAPE_LIMIT {
        return Err(NotEnumerable::TooManyShapes {
            shapes,
            limit: SHAPE_LIMIT,
        });
    }
    Ok(shapes)
}

/// Finds out in generated code, without a compile error, whether `T` implements
/// [`ShapeValues`] (autoref specialization on a concrete type):
/// `(&&Detect::<T>(PhantomData)).shape_values()`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Detect<T>(pub PhantomData<T>);

#[doc(hidden)]
pub trait DetectShapeValues<T> {
    fn shape_values(&self) -> Option<Vec<(T, String)>>;
}

impl<T: ShapeValues> DetectShapeValues<T> for &Detect<T> {
    fn shape_values(&self) -> Option<Vec<(T, String)>> {
        Some(
            T::all()
                .into_iter()
                .map(|v| {
                    let label = format!("{v:?}");
                    (v, label)
                })
                .collect(),
        )
    }
}

#[doc(hidden)]
pub trait DetectNone<T> {
    fn shape_values(&self) -> Option<Vec<(T, String)>>;
}

impl<T> DetectNone<T> for Detect<T> {
    fn shape_values(&self) -> Option<Vec<(T, String)>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum E {
        A,
        B,
    }
    crate::shape_values!(E { A, B });

    struct Plain;

    #[test]
    #[allow(clippy::needless_borrow)]
    fn detects_without_error() {
        assert_eq!(
            (&&Detect::<E>(PhantomData)).shape_values(),
            Some(vec![(E::A, "A".to_owned()), (E::B, "B".to_owned())])
        );
        assert!((&&Detect::<Plain>(PhantomData)).shape_values().is_none());
        assert_eq!(Option::<E>::all(), [None, Some(E::A), Some(E::B)]);
    }

    #[test]
    fn counts_and_limits() {
        assert_eq!(count_shapes(&[]), Ok(1));
        assert_eq!(count_shapes(&[2, 2, 2, 2]), Ok(16));
        assert_eq!(
            count_shapes(&[2; 13]),
            Err(NotEnumerable::TooManyShapes {
                shapes: 8192,
                limit: SHAPE_LIMIT
            })
        );
    }
}
