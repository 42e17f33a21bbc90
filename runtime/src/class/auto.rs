//! The class of an argument or a struct's field whose type the macros cannot read: `sort: SortBy`,
//! `status: Option<Status>`, `range: Option<DateRange>`. Its name alone does not say whether
//! it is a struct deriving `Args`, a value type of the user's, or an enum (a sort order, a
//! status) with no derive at all, so the choice is made from the traits it implements:
//!
//! | the field's type | class | kind |
//! | --- | --- | --- |
//! | implements [`ArgClass`] (derives `Args`, or is bound by value) | its own | its own |
//! | otherwise, converts into `sea_query::Value` | an error: it is meant to be bound, and needs [`Probe`](crate::Probe) | |
//! | otherwise, `Hash + Eq + Clone` | [`Shape<T>`]: its whole value in the key | `Shape` |
//! | otherwise, `Eq + Clone` | [`ByEq<T>`]: its whole value in the key, hashed by variant | `Shape` |
//! | otherwise, `Clone` | [`ByVariant<T>`]: its variant in the key | `Variant` |
//!
//! The choice is made at compile time, for the concrete type the expansion names, with the
//! inherent-constant idiom: `<Has<T>>::ARGS` is the inherent constant (`true`) where `T`
//! meets its impl's bounds, and the [`NotArgs`] trait's (`false`) where it does not. The
//! four flags pick an impl of [`FieldClass`] through [`Pick`].
//!
//! What the body may do with a field keyed by its variant is checked by `#[cached_query]`
//! at compile time against the kind: match it on its variants, or read it where a lift
//! recomputes it on every call; any other use is an error at the use.

use std::marker::PhantomData;

use super::record::{ArgClass, ArgKind};
use super::{ByEq, ByVariant, Shape};
use crate::checks::ShapeArg;

/// A type as the derive asks about it: see the module documentation.
#[derive(Debug)]
pub struct Has<T: ?Sized>(PhantomData<T>);

impl<T: ArgClass> Has<T> {
    /// `T` has a class of its own.
    pub const ARGS: bool = true;
}

impl<T: Into<sea_query::Value>> Has<T> {
    /// `T` is a value sea-query binds.
    pub const VALUE: bool = true;
}

impl<T: ShapeArg> Has<T> {
    /// `T`'s whole value can be in the key.
    pub const KEYED: bool = true;
}

impl<T: Eq> Has<T> {
    /// `T`'s values can be compared whole.
    pub const EQ: bool = true;
}

/// The answers where [`Has`]'s inherent constants do not apply: in scope in the derive's
/// expansion, so that `<Has<T>>::ARGS` falls back to it.
pub trait NotArgs {
    /// `T` has no class of its own.
    const ARGS: bool = false;
    /// `T` is not a value sea-query binds.
    const VALUE: bool = false;
    /// `T`'s whole value cannot be in the key.
    const KEYED: bool = false;
    /// `T`'s values cannot be compared whole.
    const EQ: bool = false;
}

impl<T: ?Sized> NotArgs for Has<T> {}

/// The choice, by the four answers: `ARGS`, `VALUE`, `KEYED`, then `EQ`.
#[derive(Debug)]
pub struct Pick<const ARGS: bool, const VALUE: bool, const KEYED: bool, const EQ: bool>;

/// What an argument (or a field) keyed by its variant or by its whole value needs: the key
/// keeps a copy of one value. (Reported through `__private::PickedBy`, at the type.)
pub trait KeptArg: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> KeptArg for T {}

/// The class and kind of a field of type `T`, by the choice `Self`.
pub trait FieldClass<T> {
    /// The field's class.
    type Class: super::Class;
}

/// The kind of a field of type `T` by the choice `Self`, as the body analysis reads it:
/// given for every choice, with no bound that [`FieldClass`] does not check already, so a
/// type that fails is reported once, by its check.
pub trait PickKind<T: ?Sized> {
    /// The kind.
    const KIND: ArgKind;
}

impl<T: ArgClass, const VALUE: bool, const KEYED: bool, const EQ: bool> PickKind<T>
    for Pick<true, VALUE, KEYED, EQ>
{
    const KIND: ArgKind = T::KIND;
}

/// (An error, reported by the check: see [`FieldClass`].)
impl<T: ?Sized, const KEYED: bool, const EQ: bool> PickKind<T> for Pick<false, true, KEYED, EQ> {
    const KIND: ArgKind = ArgKind::Bound;
}

impl<T: ?Sized, const EQ: bool> PickKind<T> for Pick<false, false, true, EQ> {
    const KIND: ArgKind = ArgKind::Shape;
}

impl<T: ?Sized> PickKind<T> for Pick<false, false, false, true> {
    const KIND: ArgKind = ArgKind::Shape;
}

impl<T: ?Sized> PickKind<T> for Pick<false, false, false, false> {
    const KIND: ArgKind = ArgKind::Variant;
}

impl<T: ArgClass, const VALUE: bool, const KEYED: bool, const EQ: bool> FieldClass<T>
    for Pick<true, VALUE, KEYED, EQ>
{
    type Class = T::Class;
}

/// A value type without a class: bound, once it implements what the error asks.
impl<T: ArgClass, const KEYED: bool, const EQ: bool> FieldClass<T>
    for Pick<false, true, KEYED, EQ>
{
    type Class = T::Class;
}

impl<T: ShapeArg, const EQ: bool> FieldClass<T> for Pick<false, false, true, EQ> {
    type Class = Shape<T>;
}

impl<T: KeptArg + Eq> FieldClass<T> for Pick<false, false, false, true> {
    type Class = ByEq<T>;
}

impl<T: KeptArg> FieldClass<T> for Pick<false, false, false, false> {
    type Class = ByVariant<T>;
}

/// The choice for a `Vec` of a type the macros cannot read (`Vec<Status>`, `Vec<UserId>`):
/// by whether the element has a class of its own (`ARGS`, of the element: a list of bound
/// values), then whether the whole `Vec` can be in the key (`KEYED`, `EQ`, of the `Vec`).
#[derive(Debug)]
pub struct VecPick<const ARGS: bool, const KEYED: bool, const EQ: bool>;

impl<T, const KEYED: bool, const EQ: bool> FieldClass<Vec<T>> for VecPick<true, KEYED, EQ>
where
    T: 'static + Clone + Into<sea_query::Value> + for<'a> crate::probe::Probe<'a, Owned = T>,
{
    type Class = super::VecOf<super::Own<T>>;
}

impl<T: ShapeArg, const EQ: bool> FieldClass<Vec<T>> for VecPick<false, true, EQ> {
    type Class = Shape<Vec<T>>;
}

impl<T: KeptArg + Eq> FieldClass<Vec<T>> for VecPick<false, false, true> {
    type Class = ByEq<Vec<T>>;
}

impl<T: KeptArg> FieldClass<Vec<T>> for VecPick<false, false, false> {
    type Class = ByVariant<Vec<T>>;
}

impl<T, const KEYED: bool, const EQ: bool> PickKind<T> for VecPick<true, KEYED, EQ> {
    const KIND: ArgKind = ArgKind::List;
}

impl<T, const EQ: bool> PickKind<T> for VecPick<false, true, EQ> {
    const KIND: ArgKind = ArgKind::Shape;
}

impl<T> PickKind<T> for VecPick<false, false, true> {
    const KIND: ArgKind = ArgKind::Shape;
}

impl<T> PickKind<T> for VecPick<false, false, false> {
    const KIND: ArgKind = ArgKind::Variant;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug)]
    enum Sort {
        Newest,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq)]
    enum Dir {
        Asc,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Status {
        Open,
    }

    macro_rules! pick {
        ($t:ty) => {
            Pick<
                { <Has<$t>>::ARGS },
                { <Has<$t>>::VALUE },
                { <Has<$t>>::KEYED },
                { <Has<$t>>::EQ },
            >
        };
    }

    fn kind<T, P: FieldClass<T> + PickKind<T>>() -> ArgKind {
        P::KIND
    }

    #[test]
    fn picks_by_the_traits_of_the_concrete_type() {
        let _ = (Sort::Newest, Dir::Asc, Status::Open);
        assert!(matches!(kind::<Sort, pick!(Sort)>(), ArgKind::Variant));
        assert!(matches!(kind::<Dir, pick!(Dir)>(), ArgKind::Shape));
        assert!(matches!(kind::<Status, pick!(Status)>(), ArgKind::Shape));
        assert!(matches!(kind::<i64, pick!(i64)>(), ArgKind::Bound));
    }
}
