//! What the code `#[cached_query]` generates names, and nothing else: the contract
//! (`FnSpec`, `bind`), the argument classes, the checks that report a wrong argument
//! type at the argument, and the crates it needs (`inventory`).

pub use crate::cache::{DEFAULT_CAPACITY, FnCache, FnMeta};
pub use crate::class::auto::{FieldClass, Has, KeptArg, NotArgs, Pick, PickKind, VecPick};
pub use crate::class::part::{Part, PartParam, Passed, accepts, part_kind};
pub use crate::class::record::{ArgClass, ArgKind, Want, describe_field, expect, field_name};
pub use crate::class::{
    Array, Bound, Bytes, CowStr, Flag, Leaf, Opt, Own, RefArray, RefVec, Shape, Slice, Str, VecOf,
    Wide,
};
pub use crate::class::{
    ByEq, ByVariant, Class, Described, EqKey, Ref, SeaShape, ShapeCursor, Tup, Variant, VariantArg,
    VariantKey, shape_count,
};
pub use crate::derived::{
    DecideOf, Derivable, Lift, LiftOf, PartLiftOf, decided, decided_if, decided_part,
    decided_part_if, derived, derived_part, derived_value, in_part,
};
pub use crate::family::{ArgsOf, BodyOf, FnSpec};
pub use crate::handle::bind;
pub use crate::handle::{Cached, QueryArgs};
pub use crate::probe::Prober;
pub use crate::shape_values::NotEnumerable;
pub use crate::shape_values::{Detect, DetectNone, DetectShapeValues};
pub use crate::value_ref::ValueRef;
pub use crate::warm::Registration;
pub use core::marker::PhantomData;
pub use inventory;
/// What a lift returns: a derived value as sea-query binds it.
pub use sea_query::Value as DerivedValue;
pub use std::sync::{LazyLock, OnceLock};

pub use crate::checks::{BoundArg, ShapeArg};

/// Compile-time check that `T` can be bound: the value of the argument's check constant
/// (see [`Checked`]).
pub const fn assert_bound<'a, T: BoundArg<'a>>() -> usize {
    0
}

/// Compile-time check that `T` is a statement the cache can hold: the value of the return
/// type's check constant (see [`Checked`]).
pub const fn assert_statement<T: crate::statement::Statement>() -> usize {
    0
}

/// Compile-time check that `T` can be an argument (or a struct's field) whose class is
/// picked by its traits (`P`): the value of its check constant (see [`Checked`]).
pub const fn assert_pick<T: PickedBy<P>, P>() -> usize {
    0
}

/// `P: FieldClass<T>`, with `T` first: an error is reported at the argument's type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a #[cached_query] function",
    label = "no class of its own: see the notes",
    note = "a struct: derive `cached_query::Args` on it, and its fields are read as the arguments they stand for",
    note = "an enum (a sort order, a status): derive `Clone` on it, and its variant is part of the cache key; with `PartialEq, Eq` too, its whole value is",
    note = "a value bound as one parameter: implement `Clone`, `Into<sea_query::Value>` and `cached_query::Probe`"
)]
pub trait PickedBy<P> {}

impl<T, P: FieldClass<T>> PickedBy<P> for T {}

/// Compile-time check that `T` can be an argument the body matches on its variant: the
/// value of the argument's check constant (see [`Checked`]).
pub const fn assert_variant<T: VariantArg>() -> usize {
    0
}

/// Compile-time check that `T` can be a `#[shape]` argument: the value of the argument's
/// check constant (see [`Checked`]).
pub const fn assert_shape<T: ShapeArg>() -> usize {
    0
}

/// An argument's type `T`, as generated code names it in the argument tuple. `CHECK` is the
/// argument's check constant, `assert_bound::<T>()` or `assert_shape::<T>()`, whose error
/// is spanned at the argument's type. While the check holds, `Checked<T, CHECK>` is `T`.
/// When it fails, the constant has no value and the projection normalizes to the error
/// type, which rustc reports nothing further about: the user sees the check's error at the
/// argument, and none of the follow-on errors its type would cause in the expansion.
pub type Checked<T, const CHECK: usize> = <Check<T, CHECK> as Resolve>::Type;

/// See [`Checked`].
#[derive(Debug)]
pub struct Check<T, const CHECK: usize>(PhantomData<T>);

/// See [`Checked`].
pub trait Resolve {
    /// The checked type.
    type Type;
}

impl<T, const CHECK: usize> Resolve for Check<T, CHECK> {
    type Type = T;
}

/// The values of a `#[shape]` argument, for a function's [`FnSpec`].
pub fn shape_values<T: 'static>(
    values: Option<Vec<(T, String)>>,
) -> Option<Box<dyn std::any::Any>> {
    values.map(|v| Box::new(v) as Box<dyn std::any::Any>)
}

/// The `shape_values` of a function without `#[shape]` arguments (or none whose type lists
/// its values).
pub fn no_shape_values(_: usize) -> Option<Box<dyn std::any::Any>> {
    None
}

/// The sum of `bits` (the key bits of a function's decisions and its helpers'), for the
/// compile-time check that they fit in the key.
pub const fn sum_bits(bits: &[u32]) -> u32 {
    let (mut total, mut i) = (0u32, 0);
    while i < bits.len() {
        total = total.saturating_add(bits[i]);
        i += 1;
    }
    total
}
