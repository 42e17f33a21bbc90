//! `#[shape]` arguments of sea-query's own enums (`Order`, `NullOrdering`, `JoinType`,
//! `UnionType`, `LockType`, `LockBehavior`, and an `Option` of one), which are not `Hash`:
//! their key is the value, hashed by its variant and compared with `PartialEq`.

use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use sea_query::{JoinType, LockBehavior, LockType, NullOrdering, Order, UnionType};

use super::{Class, Described, ShapeCursor, Variant, first};
use crate::probe::Prober;
use crate::shape_values::{NotEnumerable, ShapeValues};
use crate::value_ref::ValueRef;

mod sealed {
    pub trait Sealed {}
}

/// One of sea-query's enums that a `#[shape]` argument may be without being `Hash`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is taken for sea-query's own `{Self}` in a #[shape] argument",
    note = "a #[shape] argument named `Order`, `NullOrdering`, `JoinType`, `UnionType`, `LockType` or `LockBehavior` is read as sea-query's; name a type of your own by a path (`self::Order`, `crate::types::Order`)"
)]
pub trait SeaEnum: sealed::Sealed + Clone + PartialEq + Send + Sync + 'static {}

macro_rules! sea_enum {
    ($($ty:ty => [$($value:expr),*]),* $(,)?) => {$(
        impl sealed::Sealed for $ty {}
        impl SeaEnum for $ty {}
        /// The variants without data, for warm-up.
        impl ShapeValues for $ty {
            fn all() -> Vec<$ty> {
                vec![$($value),*]
            }
        }
    )*};
}

sea_enum!(
    Order => [Order::Asc, Order::Desc],
    NullOrdering => [NullOrdering::First, NullOrdering::Last],
    JoinType => [
        JoinType::Join,
        JoinType::CrossJoin,
        JoinType::InnerJoin,
        JoinType::LeftJoin,
        JoinType::RightJoin,
        JoinType::FullOuterJoin,
        JoinType::StraightJoin
    ],
    UnionType => [UnionType::Intersect, UnionType::Distinct, UnionType::Except, UnionType::All],
    LockType => [LockType::Update, LockType::NoKeyUpdate, LockType::Share, LockType::KeyShare],
    LockBehavior => [LockBehavior::Nowait, LockBehavior::SkipLocked],
);

impl<T: SeaEnum> sealed::Sealed for Option<T> {}
impl<T: SeaEnum> SeaEnum for Option<T> {}

/// A sea-query enum value as a key: hashed by its variant, equal by `PartialEq`. (An
/// `Order::Field` of values that are not equal to themselves, a `NaN`, never finds its
/// template and is rendered each time: slower, never wrong.)
#[derive(Debug, Clone)]
pub struct SeaKey<T>(T);

impl<T: SeaEnum> Hash for SeaKey<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(&self.0).hash(state);
    }
}

impl<T: SeaEnum> PartialEq for SeaKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: SeaEnum> Eq for SeaKey<T> {}

/// A `#[shape]` argument of a sea-query enum `T`: its value is in the key.
#[derive(Debug)]
pub struct SeaShape<T>(PhantomData<T>);

impl<T: SeaEnum> Class for SeaShape<T> {
    type At<'a> = T;
    type Shape = Option<SeaKey<T>>;
    type Store = Option<SeaKey<T>>;
    const BITS: u32 = 0;
    const SOURCES: u16 = 0;
    const LISTS: u16 = 0;

    #[inline(always)]
    fn key(v: &T) -> (u64, Option<SeaKey<T>>) {
        (0, Some(SeaKey(v.clone())))
    }
    #[inline(always)]
    fn value<'r>(_: &'r T, _: u16) -> Option<ValueRef<'r>> {
        None
    }
    #[inline(always)]
    fn len(_: &T, _: u16) -> usize {
        0
    }
    #[inline(always)]
    fn elem<'r>(_: &'r T, _: u16, _: usize) -> Option<ValueRef<'r>> {
        None
    }
    fn store(_: u64, shape: &Option<SeaKey<T>>, _: &mut Prober) -> Option<SeaKey<T>> {
        shape.clone()
    }
    fn view(store: &Option<SeaKey<T>>) -> T {
        match store {
            Some(key) => key.0.clone(),
            // As for `Shape<T>`: a probe key is made from a call or from `variants`.
            None => unreachable!("a #[shape] key without its value"),
        }
    }
    fn describe(names: &[&'static str], _: &str, out: &mut Described) {
        out.shapes.push(first(names));
    }
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<Self::Shape>>, NotEnumerable> {
        Ok(shapes
            .next::<T>()?
            .into_iter()
            .map(|(value, label)| Variant {
                bits: 0,
                shape: Some(SeaKey(value)),
                labels: vec![label],
            })
            .collect())
    }
}
