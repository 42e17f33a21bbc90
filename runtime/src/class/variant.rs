//! An argument the body only matches on its variant (`match sort { Sort::Newest => .., ..
//! }`, `matches!(kind, Kind::A | Kind::B)`, `if let Kind::A = kind`): its variant is in the
//! key, with no derive and no `Hash` on the enum. The body sees, while probed, the value of
//! the call that stored the shape, of the same variant, so it takes the same arms.
//!
//! The macro allows it only where every use of the argument is such a match, by patterns
//! that name variants and bind nothing, and checks at compile time that each path in them
//! is a variant (not a constant, which would compare the value).

use std::hash::{Hash, Hasher};
use std::mem::discriminant;

use super::{Shape, ShapeKeyOf};

/// What an argument matched on its variant needs: the key keeps a copy of one value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is matched on its variant, so the cache key keeps a copy of it",
    label = "matched on its variant in the body",
    note = "an argument the body matches on its variant must be `Clone + Send + Sync + 'static` (derive `Clone` on it)"
)]
pub trait VariantArg: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> VariantArg for T {}

/// A value as a key: hashed and compared by its variant only.
#[derive(Debug, Clone)]
pub struct VariantKey<T>(T);

impl<T> Hash for VariantKey<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        discriminant(&self.0).hash(state);
    }
}

impl<T> PartialEq for VariantKey<T> {
    fn eq(&self, other: &Self) -> bool {
        discriminant(&self.0) == discriminant(&other.0)
    }
}

impl<T> Eq for VariantKey<T> {}

impl<T: VariantArg> ShapeKeyOf<T> for VariantKey<T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn of(value: &T) -> Self {
        VariantKey(value.clone())
    }
    fn value(&self) -> T {
        self.0.clone()
    }
}

/// An argument of type `T` the body matches on its variant.
pub type ByVariant<T> = Shape<T, VariantKey<T>>;

/// A value as a key, for a type that is `Eq` but not `Hash` (an enum deriving
/// `PartialEq, Eq`): compared whole with `==`, hashed by its variant (values `==` holds
/// equal are of one variant for a derived `Eq`; where a hand-written one says otherwise, a
/// lookup only misses).
#[derive(Debug, Clone)]
pub struct EqKey<T>(T);

impl<T> Hash for EqKey<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        discriminant(&self.0).hash(state);
    }
}

impl<T: Eq> PartialEq for EqKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Eq> Eq for EqKey<T> {}

impl<T: VariantArg + Eq> ShapeKeyOf<T> for EqKey<T> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn of(value: &T) -> Self {
        EqKey(value.clone())
    }
    fn value(&self) -> T {
        self.0.clone()
    }
}

/// An argument of type `T` (`Eq`, not `Hash`) whose whole value is in the key.
pub type ByEq<T> = Shape<T, EqKey<T>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[derive(Clone, Debug)]
    enum Sort {
        Newest,
        Field(String),
    }

    #[test]
    fn keys_by_variant_only() {
        let keys: HashSet<VariantKey<Sort>> = [
            Sort::Newest,
            Sort::Field("a".into()),
            Sort::Field("b".into()),
            Sort::Newest,
        ]
        .iter()
        .map(VariantKey::of)
        .collect();
        assert_eq!(keys.len(), 2);
        let Sort::Field(kept) = VariantKey::of(&Sort::Field("x".into())).value() else {
            panic!("the key keeps the value");
        };
        assert_eq!(kept, "x");
    }
}
