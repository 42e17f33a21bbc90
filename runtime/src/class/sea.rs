//! `#[shape]` arguments of sea-query's own enums (`Order`, `NullOrdering`, `JoinType`,
//! `UnionType`, `LockType`, `LockBehavior`, and an `Option` of one), which are not `Hash`:
//! their key is the value, hashed by its variant and compared with `PartialEq`.

use std::hash::{Hash, Hasher};

use sea_query::{JoinType, LockBehavior, LockType, NullOrdering, Order, UnionType};

use super::{Shape, ShapeKeyOf};
use crate::shape_values::ShapeValues;

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

/// A `#[shape]` argument of a sea-query enum `T`: its value is in the key, as a `SeaKey`.
pub type SeaShape<T> = Shape<T, SeaKey<T>>;

impl<T: SeaEnum> ShapeKeyOf<T> for SeaKey<T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn of(value: &T) -> Self {
        SeaKey(value.clone())
    }
    fn value(&self) -> T {
        self.0.clone()
    }
}
