//! A bound value as a statement cache reads it: borrowed from the call's arguments where it
//! holds text or bytes, so that binding it to a prepared statement copies nothing first.

use std::mem::ManuallyDrop;

use sea_query::Value;

/// One placeholder's value on a hit, before anything is made of it.
///
/// `into_owned` gives exactly the [`Value`] sea-query binds for the argument
/// (`Value::from(argument)`): text and bytes as `String`/`Bytes`, anything else made in full.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub enum ValueRef<'a> {
    /// `Value::String(Some(..))`, borrowed.
    Str(&'a str),
    /// `Value::Bytes(Some(..))`, borrowed.
    Bytes(&'a [u8]),
    /// A constant of the template, borrowed.
    Const(&'a Value),
    /// `Value::BigInt(Some(..))`: the usual numbers and flags apart, so that comparing and
    /// dropping them is inline.
    BigInt(i64),
    /// `Value::Int(Some(..))`.
    Int(i32),
    /// `Value::Bool(Some(..))`.
    Bool(bool),
    /// Any other value, made in full (other numbers, `None`s, a type of the user's).
    Value(Value),
}

impl ValueRef<'_> {
    /// `value`, with the usual numbers and flags in variants of their own.
    #[inline(always)]
    pub fn from_value(value: Value) -> Self {
        // The three variants taken apart own nothing: copied from, they need no drop (a
        // call of `Value`'s out-of-line drop glue per value otherwise).
        let value = ManuallyDrop::new(value);
        match &*value {
            Value::BigInt(Some(n)) => ValueRef::BigInt(*n),
            Value::Int(Some(n)) => ValueRef::Int(*n),
            Value::Bool(Some(b)) => ValueRef::Bool(*b),
            _ => ValueRef::Value(ManuallyDrop::into_inner(value)),
        }
    }

    /// The value sea-query binds. Always inline: where the variant is known (a hit's
    /// `fill` reads an `i64` argument), it folds into the `Value` made directly.
    #[inline(always)]
    pub fn into_owned(self) -> Value {
        // Only `Value` owns anything, and it is taken out (an empty `Bool` left behind): the
        // rest is copied from, and nothing needs a drop.
        let mut this = ManuallyDrop::new(self);
        match &mut *this {
            ValueRef::Str(s) => Value::String(Some((*s).to_owned())),
            ValueRef::Bytes(b) => Value::Bytes(Some(b.to_vec())),
            ValueRef::Const(v) => (*v).clone(),
            ValueRef::BigInt(n) => Value::BigInt(Some(*n)),
            ValueRef::Int(n) => Value::Int(Some(*n)),
            ValueRef::Bool(b) => Value::Bool(Some(*b)),
            ValueRef::Value(v) => std::mem::replace(v, Value::Bool(None)),
        }
    }

    /// Whether `held` is this value: `self.into_owned() == *held`, without making it.
    #[inline]
    pub(crate) fn is(&self, held: &Value) -> bool {
        match (self, held) {
            (ValueRef::Str(s), Value::String(Some(h))) => *s == h,
            (ValueRef::Bytes(b), Value::Bytes(Some(h))) => *b == h.as_slice(),
            (ValueRef::Str(_) | ValueRef::Bytes(_), _) => false,
            (ValueRef::BigInt(n), Value::BigInt(Some(h))) => n == h,
            (ValueRef::Int(n), Value::Int(Some(h))) => n == h,
            (ValueRef::Bool(b), Value::Bool(Some(h))) => b == h,
            (ValueRef::BigInt(_) | ValueRef::Int(_) | ValueRef::Bool(_), _) => false,
            (ValueRef::Const(v), held) => same(v, held),
            (ValueRef::Value(v), held) => same(v, held),
        }
    }
}

/// Whether sea-query's Postgres builder binds `value` as one plain parameter, as the MySQL
/// and SQLite builders bind every value. It does not for a `Value::Enum` (bound as text and
/// followed by a cast to the enum's type: `$1::"mood"`) nor for an array of enums; a variant
/// this crate cannot name (behind a sea-query feature it does not enable, such as
/// `postgres-array`) counts as not plain too, so a template never serves it on Postgres.
/// Always inline: where a hit's `fill` knows the variant (a `u64` argument is always a
/// `BigUnsigned`), the test folds away.
#[inline(always)]
pub(crate) fn postgres_binds_plainly(value: &Value) -> bool {
    match value {
        Value::Bool(_)
        | Value::TinyInt(_)
        | Value::SmallInt(_)
        | Value::Int(_)
        | Value::BigInt(_)
        | Value::TinyUnsigned(_)
        | Value::SmallUnsigned(_)
        | Value::Unsigned(_)
        | Value::BigUnsigned(_)
        | Value::Float(_)
        | Value::Double(_)
        | Value::String(_)
        | Value::Char(_)
        | Value::Bytes(_) => true,
        #[cfg(feature = "with-json")]
        Value::Json(_) => true,
        #[cfg(feature = "with-chrono")]
        Value::ChronoDate(_)
        | Value::ChronoTime(_)
        | Value::ChronoDateTime(_)
        | Value::ChronoDateTimeUtc(_)
        | Value::ChronoDateTimeLocal(_)
        | Value::ChronoDateTimeWithTimeZone(_) => true,
        #[cfg(feature = "with-time")]
        Value::TimeDate(_)
        | Value::TimeTime(_)
        | Value::TimeDateTime(_)
        | Value::TimeDateTimeWithTimeZone(_) => true,
        #[cfg(feature = "with-uuid")]
        Value::Uuid(_) => true,
        #[cfg(feature = "with-rust_decimal")]
        Value::Decimal(_) => true,
        _ => false,
    }
}

/// `a == b`, with the usual scalars compared inline rather than through `Value`'s
/// out-of-line `PartialEq`.
#[inline]
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::BigInt(a), Value::BigInt(b)) => a == b,
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::String(a), Value::String(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// What a hit reads of a bound argument `x`.
    macro_rules! view {
        ($x:expr) => {{ crate::Probe::value_ref(&$x) }};
    }

    #[test]
    fn text_and_bytes_are_borrowed_and_own_as_sea_query_binds_them() {
        let text = String::from("O'Brien");
        let bytes = vec![0u8, 1, 255];
        // The argument types of a cached function: `&str`, `String`, `&String`, ...
        let (str_ref, string_ref, cow) = (text.as_str(), &text, Cow::Borrowed(text.as_str()));
        let slice = bytes.as_slice();
        let cases: Vec<(ValueRef<'_>, Value)> = vec![
            (view!(str_ref), Value::from(str_ref)),
            (view!(text), Value::from(text.clone())),
            (view!(*string_ref), Value::from(string_ref)),
            (view!(cow), Value::from(cow.clone())),
            (view!(slice), Value::from(slice)),
            (view!(bytes), Value::from(bytes.clone())),
        ];
        for (view, value) in cases {
            assert!(
                matches!(view, ValueRef::Str(_) | ValueRef::Bytes(_)),
                "{view:?}"
            );
            assert!(view.is(&value));
            assert_eq!(view.into_owned(), value);
        }
    }

    #[test]
    fn other_values_are_made_as_sea_query_makes_them() {
        let cases: Vec<(ValueRef<'_>, Value)> = vec![
            (view!(5i64), Value::from(5i64)),
            (view!(u64::MAX), Value::from(u64::MAX)),
            (view!(f64::NAN), Value::from(f64::NAN)),
            (view!('x'), Value::from('x')),
            (ValueRef::from_value(Value::from(true)), Value::from(true)),
            (view!(Some("a")), Value::from(Some("a"))),
            (view!(None::<&str>), Value::from(None::<&str>)),
            (view!(Value::Int(Some(3))), Value::Int(Some(3))),
            (view!(7i32), Value::from(7i32)),
            (view!(Some(8i64)), Value::from(Some(8i64))),
            (view!(None::<i64>), Value::from(None::<i64>)),
            (ValueRef::from_value(Value::from(false)), Value::from(false)),
        ];
        for (view, value) in &cases {
            assert!(view.is(value), "{view:?}");
            assert_eq!(view.clone().into_owned(), *value);
        }
        // A number is never a number of another width, nor `None` of its own type.
        for (view, _) in &cases {
            for (_, value) in &cases {
                assert_eq!(
                    view.is(value),
                    view.clone().into_owned() == *value,
                    "{view:?} {value:?}"
                );
            }
        }
    }
}

/// A bound number as the body may pass it on: through a lossless conversion (`.into()`,
/// `i64::from(x)`, `u64::from(x)`) into a wider type, which sea-query binds as another
/// variant (`.limit(per_page.into())` binds a `u32` argument as a `u64`). A template reads
/// such a value as `Origin::Wide`: the argument's own value, converted as the probe saw it
/// converted.
pub(crate) mod widen {
    use sea_query::Value;

    use super::ValueRef;

    /// The conversions: `kind` 1 to 7 give `BigInt`, `BigUnsigned`, `Int`, `Unsigned`,
    /// `SmallInt`, `SmallUnsigned` and `Double`.
    pub(crate) const KINDS: u16 = 7;

    /// `value` converted by `kind`, if the standard library converts its type losslessly
    /// (`From`) into that kind's type; `None` otherwise.
    pub(crate) fn value(value: &Value, kind: u16) -> Option<Value> {
        // Each source type, as the widest signed, unsigned and float values it fits.
        let (signed, unsigned, float): (Option<i64>, Option<u64>, Option<f64>) = match *value {
            Value::TinyInt(Some(v)) => (Some(v.into()), None, Some(v.into())),
            Value::SmallInt(Some(v)) => (Some(v.into()), None, Some(v.into())),
            Value::Int(Some(v)) => (Some(v.into()), None, Some(v.into())),
            Value::TinyUnsigned(Some(v)) => (Some(v.into()), Some(v.into()), Some(v.into())),
            Value::SmallUnsigned(Some(v)) => (Some(v.into()), Some(v.into()), Some(v.into())),
            Value::Unsigned(Some(v)) => (Some(v.into()), Some(v.into()), Some(v.into())),
            Value::Float(Some(v)) => (None, None, Some(v.into())),
            _ => return None,
        };
        // The target must be wider than the source: `From` exists exactly then.
        let bits = |v: &Value| match v {
            Value::TinyInt(_) | Value::TinyUnsigned(_) => 8,
            Value::SmallInt(_) | Value::SmallUnsigned(_) => 16,
            Value::Int(_) | Value::Unsigned(_) | Value::Float(_) => 32,
            _ => 64,
        };
        // A signed target holds an unsigned source of fewer bits (`u32` into `i64`), and a
        // signed source never goes into an unsigned target (`unsigned` is `None` for it).
        let source_bits = bits(value);
        let wider = |target_bits: u32| target_bits > source_bits;
        let out = match kind {
            1 if wider(64) => Value::BigInt(signed),
            2 if wider(64) => Value::BigUnsigned(Some(unsigned?)),
            3 if wider(32) => Value::Int(Some(i32::try_from(signed?).ok()?)),
            4 if wider(32) => Value::Unsigned(Some(u32::try_from(unsigned?).ok()?)),
            5 if wider(16) => Value::SmallInt(Some(i16::try_from(signed?).ok()?)),
            6 if wider(16) => Value::SmallUnsigned(Some(u16::try_from(unsigned?).ok()?)),
            // `f64: From` of every integer up to 32 bits and of `f32`.
            7 if source_bits <= 32 => Value::Double(float),
            _ => return None,
        };
        match out {
            Value::BigInt(None) | Value::Double(None) => None,
            out => Some(out),
        }
    }

    /// [`value`] for a value a hit reads.
    #[inline]
    pub(crate) fn value_ref(value: ValueRef<'_>, kind: u16) -> Option<ValueRef<'_>> {
        let owned = value.into_owned();
        self::value(&owned, kind).map(ValueRef::from_value)
    }
}
