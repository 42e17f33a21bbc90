//! Stage two: each argument's class, read from its type alone. The runtime has one marker
//! type per class (`cached_query::__private::{Bound, Opt, Slice, ...}`); this module decides
//! which, and says why when a type fits none.

use syn::{Expr, Type};

use crate::types::{has_lifetimes, is_ident, single_generic};

/// How an argument takes part in the cache key and in the bound values.
#[derive(Debug, Clone)]
pub(crate) enum Class {
    /// `bool`: its value is in the key.
    Flag,
    /// `#[shape]`: its value is in the key.
    Shape(Box<Type>),
    /// A value bound on every hit.
    Scalar(Leaf),
    /// A slice, `Vec` or array: emptiness in the key, elements bound.
    List { kind: ListKind, elem: Leaf },
    /// `Option<T>`: presence in the key, then `T`'s class.
    Opt(Box<Class>),
    /// `&T`, `T` without lifetimes: read through the reference.
    Ref(Box<Class>, Box<Type>),
    /// A type that names its own class (`cached_query::__private::ArgClass`): a struct
    /// deriving `Args`, or a value type of the user's, bound. Which it is, the expansion
    /// learns from the type system; the body analysis treats its parts as bound values
    /// unless the body decides on them (see `analyse`).
    Record(Box<Type>),
    /// A type the body only matches on its variant (set by the body analysis, in place of
    /// `Record`): its variant is in the key.
    Variant(Box<Type>),
    /// A tuple `(A, B, ..)`: its elements' classes side by side.
    Tuple(Vec<Class>),
    /// A struct's field of a type this module does not know (in place of `Record`): its
    /// class is picked at compile time by the traits the type implements (its own class,
    /// else its whole value in the key if `Hash + Eq`, else its variant; see the runtime's
    /// `class::auto`).
    Auto(Box<Type>),
}

/// The type of a bound value.
#[derive(Debug, Clone)]
pub(crate) enum Leaf {
    /// A type without lifetimes, bound by value.
    Own(Box<Type>),
    /// `&str`
    Str,
    /// `&[u8]`
    Bytes,
    /// `Cow<str>`
    CowStr,
}

/// The container of a list argument.
#[derive(Debug, Clone)]
pub(crate) enum ListKind {
    /// `&[T]`
    Slice,
    /// `Vec<T>`
    Vec,
    /// `&Vec<T>`
    RefVec,
    /// `[T; N]`
    Array(Expr),
    /// `&[T; N]`
    RefArray(Expr),
}

impl Class {
    /// The class behind any `&`.
    pub(crate) fn unref(&self) -> &Class {
        match self {
            Class::Ref(inner, _) => inner.unref(),
            other => other,
        }
    }

    /// Key bits this class needs.
    pub(crate) fn bits(&self) -> usize {
        match self {
            Class::Flag | Class::List { .. } => 1,
            Class::Opt(inner) => 1 + inner.bits(),
            Class::Ref(inner, _) => inner.bits(),
            Class::Tuple(elems) => elems.iter().map(Class::bits).sum(),
            // Counted by the runtime, at compile time, with the struct's fields.
            Class::Shape(_)
            | Class::Scalar(_)
            | Class::Record(_)
            | Class::Variant(_)
            | Class::Auto(_) => 0,
        }
    }
}

/// `class` (a `Record`, or a reference to one) for an argument the body matches on its
/// variant only.
pub(crate) fn by_variant(class: &Class) -> Class {
    match class {
        Class::Record(ty) => Class::Variant(ty.clone()),
        // A value read only where it is recomputed (by an `if let` that binds): its
        // variant (constant, for a type that is not an enum) in the key.
        Class::Scalar(Leaf::Own(ty)) if !has_lifetimes(ty) => Class::Variant(ty.clone()),
        Class::Ref(inner, ty) => Class::Ref(Box::new(by_variant(inner)), ty.clone()),
        other => other.clone(),
    }
}

/// `class` (a struct's field's) with each type this module does not know picked by its
/// traits (`Class::Auto`).
pub(crate) fn field_class(class: Class) -> Class {
    match class {
        Class::Record(ty) => Class::Auto(ty),
        Class::Opt(inner) => Class::Opt(Box::new(field_class(*inner))),
        Class::Ref(inner, ty) => Class::Ref(Box::new(field_class(*inner)), ty),
        Class::Tuple(elems) => Class::Tuple(elems.into_iter().map(field_class).collect()),
        other => other,
    }
}

/// Whether `class` holds a type that names its own class (a struct deriving `Args`, an
/// enum of the user's), whose class the expansion picks by its traits.
pub(crate) fn names_record(class: &Class) -> bool {
    match class {
        Class::Record(_) | Class::Auto(_) => true,
        Class::Opt(inner) | Class::Ref(inner, _) => names_record(inner),
        Class::Tuple(elems) => elems.iter().any(names_record),
        _ => false,
    }
}

/// Why a type cannot be an argument, with the rewrite that works.
const BORROWED_HINT: &str = "#[cached_query] binds borrowed text and bytes (`&str`, `&[u8]`, `Cow<str>`) and references to types without lifetimes (`&T`); this type borrows in another way: take the owned type, or a reference to it";

fn is_bytes(elem: &Type) -> bool {
    is_ident(elem, "u8")
}

fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Paren(inner) => strip(&inner.elem),
        Type::Group(inner) => strip(&inner.elem),
        other => other,
    }
}

/// The leaf of a bound type, or why it has none.
fn leaf(ty: &Type) -> Result<Leaf, &'static str> {
    let ty = strip(ty);
    if let Type::Reference(r) = ty
        && r.mutability.is_none()
    {
        match strip(&r.elem) {
            Type::Path(p) if p.qself.is_none() && p.path.is_ident("str") => return Ok(Leaf::Str),
            Type::Slice(s) if is_bytes(&s.elem) => return Ok(Leaf::Bytes),
            _ => {}
        }
    }
    if let Some(inner) = single_generic_cow(ty)
        && matches!(strip(inner), Type::Path(p) if p.path.is_ident("str"))
    {
        return Ok(Leaf::CowStr);
    }
    if has_lifetimes(ty) {
        return Err(BORROWED_HINT);
    }
    Ok(Leaf::Own(Box::new(ty.clone())))
}

/// `T` of `Cow<'_, T>`.
fn single_generic_cow(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Cow" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The class of an argument of type `ty` (not marked `#[shape]`), or why it has none.
pub(crate) fn classify(ty: &Type) -> Result<Class, &'static str> {
    let ty = strip(ty);
    if is_ident(ty, "bool") {
        return Ok(Class::Flag);
    }
    if let Some(inner) = single_generic(ty, "Option") {
        return Ok(Class::Opt(Box::new(classify(inner)?)));
    }
    if let Some(elem) = single_generic(ty, "Vec").filter(|e| !is_bytes(e)) {
        // A list of a type of the user's (a `Vec` of enums): the type system picks its
        // class, the whole list in the key where its elements are `Eq`.
        if is_record(strip(elem)) {
            return Ok(Class::Record(Box::new(ty.clone())));
        }
        return list(ListKind::Vec, elem);
    }
    match ty {
        Type::Array(array) => list(ListKind::Array(array.len.clone()), &array.elem),
        Type::Reference(r) if r.mutability.is_none() => match strip(&r.elem) {
            Type::Slice(slice) if !is_bytes(&slice.elem) => list(ListKind::Slice, &slice.elem),
            Type::Array(array) => list(ListKind::RefArray(array.len.clone()), &array.elem),
            inner => match single_generic(inner, "Vec").filter(|e| !is_bytes(e)) {
                Some(elem) if is_record(strip(elem)) => Ok(Class::Ref(
                    Box::new(Class::Record(Box::new(inner.clone()))),
                    Box::new(inner.clone()),
                )),
                Some(elem) => list(ListKind::RefVec, elem),
                None => match leaf(ty) {
                    Ok(Leaf::Own(_)) | Err(_) if !has_lifetimes(inner) => Ok(Class::Ref(
                        Box::new(classify(inner)?),
                        Box::new(inner.clone()),
                    )),
                    found => found.map(Class::Scalar),
                },
            },
        },
        Type::Tuple(t) if !t.elems.is_empty() => {
            if t.elems.len() > 12 {
                return Err(TUPLE_HINT);
            }
            t.elems
                .iter()
                .map(classify)
                .collect::<Result<_, _>>()
                .map(Class::Tuple)
        }
        _ if is_record(ty) => Ok(Class::Record(Box::new(ty.clone()))),
        _ => leaf(ty).map(Class::Scalar),
    }
}

const TUPLE_HINT: &str = "a tuple argument holds at most 12 elements: group them in a struct that derives `cached_query::Args`";

/// The value types sea-query binds, by the last segment of their path: an argument of one
/// of these is bound, and its class is known here. Any other named type without generic
/// arguments or lifetimes names its own class (`Class::Record`).
const VALUE_TYPES: &[&str] = &[
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "char",
    "String",
    "str",
    "Uuid",
    "Decimal",
    "BigDecimal",
    "NaiveDate",
    "NaiveTime",
    "NaiveDateTime",
    "DateTime",
    "Date",
    "Time",
    "PrimitiveDateTime",
    "OffsetDateTime",
    "Value",
    "Json",
    "JsonValue",
    "IpNetwork",
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "MacAddress",
    "Box",
    "Cow",
];

/// Whether `ty` is a named type this module does not know: a struct of the user's (or a
/// value type of theirs).
fn is_record(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    p.qself.is_none()
        && matches!(last.arguments, syn::PathArguments::None)
        && !VALUE_TYPES.iter().any(|known| last.ident == known)
}

fn list(kind: ListKind, elem: &Type) -> Result<Class, &'static str> {
    Ok(Class::List {
        kind,
        elem: leaf(elem)?,
    })
}

/// sea-query's enums that are not `Hash` (`Order`, ...), named by a bare name or through
/// `sea_query::`, or an `Option` of one: a `#[shape]` argument of one is keyed by the
/// runtime's `SeaShape`.
pub(crate) fn is_sea_enum(ty: &Type) -> bool {
    const NAMES: &[&str] = &[
        "Order",
        "NullOrdering",
        "JoinType",
        "UnionType",
        "LockType",
        "LockBehavior",
    ];
    if let Some(inner) = single_generic(strip(ty), "Option") {
        return is_sea_enum(inner);
    }
    let Type::Path(p) = strip(ty) else {
        return false;
    };
    let segments: Vec<_> = p.path.segments.iter().collect();
    let named = match segments.as_slice() {
        [_] => true,
        [first, .., _] => first.ident == "sea_query",
        [] => false,
    };
    let last = segments.last();
    p.qself.is_none()
        && named
        && last.is_some_and(|l| {
            matches!(l.arguments, syn::PathArguments::None) && NAMES.iter().any(|n| l.ident == n)
        })
}

/// A type the runtime binds as it is, named as the language or the standard library names
/// it (`i64`, `u32`, `f64`, `char`, `String`): no check of it can fail.
pub(crate) fn is_primitive_value(ty: &Type) -> bool {
    const NAMES: &[&str] = &[
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "char", "String",
    ];
    NAMES
        .iter()
        .any(|name| crate::types::is_ident(strip(ty), name))
}
