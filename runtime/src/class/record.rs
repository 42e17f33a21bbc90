//! Structs as arguments: `#[derive(cached_query::Args)]` makes a struct's fields take part in
//! a call exactly as arguments of the same types would (an `Option` field's presence and a
//! `bool` field's value in the key, a `#[shape]` field's value in the key, a `Vec` field's
//! emptiness in the key and its elements bound, every other field bound).
//!
//! The struct is its own [`Class`]: its key bits are its fields' side by side, its sources
//! and lists theirs one after another (the class of a tuple of its fields' classes, read
//! through the fields). [`ArgClass`] maps an argument's type to its class: the derive
//! implements it for the struct, a blanket impl for every type bound by value.
//!
//! The body analysis of `#[cached_query]` does not see the struct's definition. Where a body
//! decides on a field (`if let Some(s) = &filter.search`, `if filter.published`,
//! `match filter.sort`), the analysis assumes the field has a class that permits it and the
//! expansion checks that assumption at compile time against [`ArgClass::KIND`], the fields'
//! classes as the derive wrote them ([`expect`]). An assumption that does not hold is a
//! compile error at the decision, so no body compiles that decides on a bound value.

use super::{Bound, Class, Described, Own};
use crate::probe::Probe;

/// How an argument type's parts take part in a call, as the analysis of a body needs to
/// know it: written by `#[derive(cached_query::Args)]`, read at compile time by [`expect`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum ArgKind {
    /// Bound on every hit: the body may not decide on it.
    Bound,
    /// A `bool`: its value is in the key.
    Flag,
    /// A `#[shape]` value: in the key.
    Shape,
    /// A list: its emptiness is in the key, its elements are bound.
    List,
    /// An `Option`: its presence is in the key, then the inner kind.
    Opt(&'static ArgKind),
    /// A struct deriving `Args`: its fields, by name (`"0"`, `"1"` for a tuple struct).
    Record(&'static [(&'static str, ArgKind)]),
    /// An enum deriving `Args`: its variant is in the key, not its data.
    Variant,
}

/// What a body assumes of a part of an argument ([`expect`]).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Want {
    /// Its presence decides: an `Option`.
    Opt,
    /// Its emptiness decides, or its elements are bound one by one: a list.
    List,
    /// Its value decides or is computed with: a flag or a `#[shape]` value.
    Key,
    /// Its variant decides (patterns that name variants and bind nothing): an enum deriving
    /// `Args`, or a value in the key.
    Variant,
    /// Its value is read (bound, converted, passed on) where no lift recomputes it: anything
    /// but a part keyed by its variant alone, whose other data the probe takes from the
    /// call that stored the shape.
    Value,
}

/// The class of an argument of type `Self`. A struct gets it from
/// `#[derive(cached_query::Args)]`, and an enum (keyed by its variant) too; a type bound by value (a type of yours that converts
/// into `sea_query::Value` and implements [`Probe`]) has it already.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a #[cached_query] function",
    label = "neither a struct or enum deriving `cached_query::Args` nor a value type",
    note = "an enum (a sort order, a status) as an argument: derive `cached_query::Args` on the enum (it needs `Clone`, not `Hash`), and its variant is part of the cache key; as a field of a struct deriving `Args` it needs no derive",
    note = "a struct: derive `cached_query::Args` on it, and its fields are read as the arguments they stand for",
    note = "a value bound as one parameter: implement `Clone`, `Into<sea_query::Value>` and `cached_query::Probe`",
    note = "an enum argument needs no derive where the body only matches on its variants (patterns that bind nothing) or reads it where it is recomputed; `#[shape]` puts a whole value in the key"
)]
pub trait ArgClass: 'static {
    /// Its class.
    #[doc(hidden)]
    type Class: Class;
    /// Its parts' kinds, as the body analysis reads them.
    #[doc(hidden)]
    const KIND: ArgKind;
}

impl<T: 'static + Clone + Into<sea_query::Value> + for<'a> Probe<'a, Owned = T>> ArgClass for T {
    type Class = Bound<Own<T>>;
    const KIND: ArgKind = ArgKind::Bound;
}

/// Whether `a` and `b` are the same text (`==` is not `const`).
pub(super) const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The first `.`-separated segment of `path` and the rest (empty when none is left).
pub(super) const fn split(path: &str) -> (&str, &str) {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] != b'.' {
        i += 1;
    }
    if i == bytes.len() {
        return (path, "");
    }
    let (head, _) = path.split_at(i);
    let (_, rest) = path.split_at(i + 1);
    (head, rest)
}

/// Whether the part of an argument of kind `kind` at `path` permits what the body does with
/// it (`want`). `path` names fields and, with `?`, the value inside an `Option`:
/// `"search"`, `"range.?.from"`; the empty path is the argument itself. Evaluated at
/// compile time by the expansion of `#[cached_query]`.
#[doc(hidden)]
pub const fn expect(kind: ArgKind, path: &str, want: Want) -> bool {
    if path.is_empty() {
        return match (kind, want) {
            (ArgKind::Opt(_), Want::Opt) => true,
            (ArgKind::List, Want::List) => true,
            (ArgKind::Flag | ArgKind::Shape, Want::Key | Want::Variant) => true,
            // Its whole value is in the key: so is its presence, its emptiness.
            (ArgKind::Shape, Want::Opt | Want::List) => true,
            (ArgKind::Variant, Want::Variant) => true,
            (kind, Want::Value) => !by_variant(kind),
            // `Option<bool>` and the like: the whole value is in the key.
            (ArgKind::Opt(inner), Want::Key) => expect(*inner, path, want),
            _ => false,
        };
    }
    let (head, rest) = split(path);
    match kind {
        ArgKind::Opt(inner) if same(head, "?") => expect(*inner, rest, want),
        ArgKind::Record(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if same(fields[i].0, head) {
                    return expect(fields[i].1, rest, want);
                }
                i += 1;
            }
            false
        }
        // A field of a bound value (`point.x`): bound, as the value is.
        ArgKind::Bound => matches!(want, Want::Value),
        _ => false,
    }
}

/// Whether a value of kind `kind` holds a part keyed by its variant alone (whose data the
/// key does not hold).
const fn by_variant(kind: ArgKind) -> bool {
    match kind {
        ArgKind::Variant => true,
        ArgKind::Opt(inner) => by_variant(*inner),
        ArgKind::Record(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if by_variant(fields[i].1) {
                    return true;
                }
                i += 1;
            }
            false
        }
        ArgKind::Bound | ArgKind::Flag | ArgKind::Shape | ArgKind::List => false,
    }
}

/// The name diagnostics give field `field` of argument `arg` (`filter.search`), kept for the
/// life of the process in the interned text (one copy per distinct name, made when a
/// function's cache is created).
#[doc(hidden)]
pub fn field_name(arg: &str, field: &str) -> &'static str {
    super::intern::text(format!("{arg}.{field}"))
}

/// Describes the fields of a struct argument named `names[0]`: each as an argument named
/// `arg.field`.
#[doc(hidden)]
pub fn describe_field<C: Class>(
    names: &[&'static str],
    field: &str,
    within: &str,
    out: &mut Described,
) {
    let arg = names.first().copied().unwrap_or("?");
    C::describe(&[field_name(arg, field)], within, out);
}

/// The [`Class`] and [`ArgClass`] impls of a struct, as `#[derive(cached_query::Args)]`
/// writes them: `$name` the struct, `$values` the values of its `#[shape]` fields (for
/// warm-up), each field with its index, name, class and kind.
#[doc(hidden)]
#[macro_export]
macro_rules! __args_struct {
    ($name:ident [$values:path] { $($i:tt $field:tt : $class:ty = $kind:expr),* $(,)? }) => {
        impl $crate::__private::Class for $name {
            type At<'a> = $name;
            type Shape = <($($class,)*) as $crate::__private::Class>::Shape;
            type Store = <($($class,)*) as $crate::__private::Class>::Store;
            const BITS: u32 = <($($class,)*) as $crate::__private::Class>::BITS;
            const SOURCES: u16 = <($($class,)*) as $crate::__private::Class>::SOURCES;
            const LISTS: u16 = <($($class,)*) as $crate::__private::Class>::LISTS;

            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn key(v: &$name) -> (u64, Self::Shape) {
                let mut bits = 0u64;
                let mut shift = 0u32;
                let shape = ($({
                    let (b, s) = <$class as $crate::__private::Class>::key(&v.$field);
                    bits |= b.checked_shl(shift).unwrap_or(0);
                    shift += <$class as $crate::__private::Class>::BITS;
                    s
                },)*);
                (bits, shape)
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn value<'r>(v: &'r $name, source: u16) -> ::core::option::Option<$crate::__private::ValueRef<'r>> {
                let mut s = source;
                $(
                    if s < <$class as $crate::__private::Class>::SOURCES {
                        return <$class as $crate::__private::Class>::value(&v.$field, s);
                    }
                    s -= <$class as $crate::__private::Class>::SOURCES;
                )*
                ::core::option::Option::None
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn len(v: &$name, list: u16) -> usize {
                let mut l = list;
                $(
                    if l < <$class as $crate::__private::Class>::LISTS {
                        return <$class as $crate::__private::Class>::len(&v.$field, l);
                    }
                    l -= <$class as $crate::__private::Class>::LISTS;
                )*
                0
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn elem<'r>(v: &'r $name, list: u16, index: usize) -> ::core::option::Option<$crate::__private::ValueRef<'r>> {
                let mut l = list;
                $(
                    if l < <$class as $crate::__private::Class>::LISTS {
                        return <$class as $crate::__private::Class>::elem(&v.$field, l, index);
                    }
                    l -= <$class as $crate::__private::Class>::LISTS;
                )*
                ::core::option::Option::None
            }
            fn store(bits: u64, shape: &Self::Shape, prober: &mut $crate::__private::Prober) -> Self::Store {
                <($($class,)*) as $crate::__private::Class>::store(bits, shape, prober)
            }
            #[allow(unused_variables)]
            fn view(store: &Self::Store) -> $name {
                $name { $($field: <$class as $crate::__private::Class>::view(&store.$i),)* }
            }
            #[allow(unused_variables)]
            fn describe(names: &[&'static str], within: &str, out: &mut $crate::__private::Described) {
                $($crate::__private::describe_field::<$class>(names, ::core::stringify!($field), within, out);)*
            }
            fn variants(
                shapes: &mut $crate::__private::ShapeCursor<'_>,
            ) -> ::core::result::Result<
                ::std::vec::Vec<$crate::__private::Variant<Self::Shape>>,
                $crate::__private::NotEnumerable,
            > {
                let count = $crate::__private::shape_count::<Self>();
                let mut fields = shapes.nested(&$values, count);
                <($($class,)*) as $crate::__private::Class>::variants(&mut fields)
            }
        }

        impl $crate::__private::ArgClass for $name {
            type Class = $name;
            const KIND: $crate::__private::ArgKind =
                $crate::__private::ArgKind::Record(&[$((::core::stringify!($field), $kind),)*]);
        }
    };
}
