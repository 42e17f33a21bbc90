//! What a body may do with a bound value: the whole allow-list, in one place.
//!
//! A *bound* value is one whose value is not in the cache key: a plain argument, the inner
//! value of an `Option`, the elements of a list. A cached hit replays the SQL text learned
//! for the call's shape and binds the new values where the old ones were, so a bound value
//! may only travel *unchanged* from the signature to a sea-query method that binds it as
//! one parameter. The analysis (`analyse/`) allows exactly what is listed here and rejects
//! everything else with a compile error:
//!
//! - [`VALUE_STEPS`], [`LIST_STEPS`], [`OPTION_STEPS`]: methods that pass a value on
//!   unchanged (a copy, a borrow, a conversion into `Value`), or that look only at what the
//!   key holds (presence of an `Option`, emptiness of a list).
//! - [`PATH_STEPS`]: the same as functions (`Value::from(x)`, `Some(x)`).
//! - [`METHOD_SINKS`] and [`PATH_SINKS`]: sea-query methods and constructors that bind their
//!   argument as a parameter. What they return holds the parameter inside a statement
//!   fragment: it may be passed on to any builder method, but not decided on.
//!
//! The tables are matched by name, as a macro sees code (it has no types): a method of your
//! own named like a sink is taken for one. The run-time probe and verification stand behind
//! the lint for that case (see `docs/soundness.md`).

/// Which arguments of a sink receive values to bind.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Positions {
    /// Every argument is bound (or is a fragment that holds bound values).
    All,
    /// Only the argument at this index; the others name columns or types and are written
    /// into the SQL text, so they must not hold a bound value.
    Only(usize),
}

impl Positions {
    pub(crate) fn binds(self, index: usize) -> bool {
        match self {
            Positions::All => true,
            Positions::Only(i) => i == index,
        }
    }
}

/// A sea-query method that binds its argument(s) as parameters.
#[derive(Debug)]
pub(crate) struct Sink {
    pub(crate) name: &'static str,
    pub(crate) positions: Positions,
    /// It takes a plain value (`LIMIT`'s `u64`, `LIKE`'s pattern), never an expression: a
    /// fragment there can only be something the body computed.
    pub(crate) value_only: bool,
}

const fn all(name: &'static str) -> Sink {
    Sink {
        name,
        positions: Positions::All,
        value_only: false,
    }
}

const fn only(name: &'static str, index: usize) -> Sink {
    Sink {
        name,
        positions: Positions::Only(index),
        value_only: false,
    }
}

const fn plain(name: &'static str) -> Sink {
    Sink {
        name,
        positions: Positions::All,
        value_only: true,
    }
}

/// Methods that bind their argument as a parameter: `ExprTrait`'s comparisons, arithmetic
/// and `IN`, `LIKE`, a statement's `LIMIT`/`OFFSET`, an insert's or update's values, a
/// function call's arguments and a `CASE`'s results.
pub(crate) const METHOD_SINKS: &[Sink] = &[
    all("eq"),
    all("ne"),
    all("gt"),
    all("gte"),
    all("lt"),
    all("lte"),
    all("is"),
    all("is_not"),
    all("is_in"),
    all("is_not_in"),
    all("in_tuples"),
    all("between"),
    all("not_between"),
    plain("like"),
    plain("not_like"),
    plain("ilike"),
    plain("not_ilike"),
    all("add"),
    all("sub"),
    all("mul"),
    all("div"),
    all("modulo"),
    all("bit_and"),
    all("bit_or"),
    all("left_shift"),
    all("right_shift"),
    all("and"),
    all("or"),
    all("if_null"),
    plain("limit"),
    plain("offset"),
    all("values"),
    all("values_panic"),
    all("arg"),
    all("args"),
    all("finally"),
    all("case"),
    only("binary", 1),
    only("value", 1),
];

/// Constructors that bind their argument as a parameter, or take expressions and statements
/// that hold parameters (`Expr::exists(query)`, `Func::lower(expr)`), by the last two
/// segments of their path (`Expr::val`, `sea_query::Expr::val`). Only these may receive a
/// fragment: any other function may do anything with it.
pub(crate) const PATH_SINKS: &[(&str, &str, Positions)] = &[
    ("Expr", "val", Positions::All),
    ("Expr", "value", Positions::All),
    ("Expr", "expr", Positions::All),
    ("Expr", "tuple", Positions::All),
    ("Expr", "case", Positions::All),
    ("Expr", "Value", Positions::All),
    ("Expr", "exists", Positions::All),
    ("Expr", "not_exists", Positions::All),
    ("Expr", "any", Positions::All),
    ("Expr", "some", Positions::All),
    ("Expr", "all", Positions::All),
    ("Expr", "cust_with_values", Positions::Only(1)),
    ("Expr", "cust_with_expr", Positions::Only(1)),
    ("Expr", "cust_with_exprs", Positions::Only(1)),
    ("SimpleExpr", "Value", Positions::All),
    ("Func", "abs", Positions::All),
    ("Func", "avg", Positions::All),
    ("Func", "char_length", Positions::All),
    ("Func", "coalesce", Positions::All),
    ("Func", "count", Positions::All),
    ("Func", "count_distinct", Positions::All),
    ("Func", "greatest", Positions::All),
    ("Func", "least", Positions::All),
    ("Func", "if_null", Positions::All),
    ("Func", "lower", Positions::All),
    ("Func", "upper", Positions::All),
    ("Func", "max", Positions::All),
    ("Func", "min", Positions::All),
    ("Func", "sum", Positions::All),
    ("Func", "md5", Positions::All),
    ("Func", "round", Positions::All),
    ("Func", "round_with_precision", Positions::All),
    ("Func", "cast_as", Positions::Only(0)),
];

/// Methods on a bound value that pass it on unchanged.
pub(crate) const VALUE_STEPS: &[&str] = &[
    "clone", "to_owned", "into", "as_str", "as_ref", "borrow", "as_slice", // copies, borrows
    "escape",   // `LikeExpr::new(pattern).escape('\\')`: the pattern stays the bound value
];

/// Methods on a list that keep it a list of the same elements in the same order. `map`
/// takes a closure whose parameter is one element; its body is checked like any code.
/// `collect` is allowed only as `collect::<Vec<_>>()`: collecting into a set sorts and
/// removes duplicates.
pub(crate) const LIST_STEPS: &[&str] = &[
    "iter",
    "into_iter",
    "copied",
    "cloned",
    "clone",
    "to_vec",
    "to_owned",
    "as_slice",
    "as_ref",
    "map",
    "collect",
];

/// Methods on a list that look only at what the key holds.
pub(crate) const LIST_TESTS: &[&str] = &["is_empty"];

/// Methods on an `Option` that keep it an `Option` of the same value.
pub(crate) const OPTION_STEPS: &[&str] = &[
    "as_ref", "as_deref", "copied", "cloned", "clone", "to_owned", "map",
];

/// Methods on an `Option` that take the inner value out: `Some`'s value, or (for the
/// `_or` forms) a default when it is `None`, which the key tells apart.
pub(crate) const OPTION_UNWRAPS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "or",
];

/// Methods on an `Option` that look only at what the key holds.
pub(crate) const OPTION_TESTS: &[&str] = &["is_some", "is_none"];

/// Builder methods that take an `Option` and a closure, and run the closure with the inner
/// value when it is present (`apply_if`): presence decides, the value stays bound.
pub(crate) const OPTION_APPLY: &[&str] = &["apply_if"];

/// Functions that pass a value on unchanged, by the last two segments of their path (or
/// the one segment of `Some`).
pub(crate) const PATH_STEPS: &[(&str, &str)] = &[
    ("", "Some"),
    ("Box", "new"),
    ("Value", "from"),
    ("Into", "into"),
    ("From", "from"),
    ("String", "from"),
    ("LikeExpr", "new"),
    ("LikeExpr", "from"),
    // Lossless conversions of numbers, like `.into()` (`i64::from(x)` for an `i32`).
    ("i16", "from"),
    ("i32", "from"),
    ("i64", "from"),
    ("u16", "from"),
    ("u32", "from"),
    ("u64", "from"),
    ("f64", "from"),
];

/// The sink a method call is, if any.
pub(crate) fn method_sink(name: &str) -> Option<&'static Sink> {
    METHOD_SINKS.iter().find(|s| s.name == name)
}

/// The last two segments of a path (`("", name)` for a single segment).
pub(crate) fn tail(path: &syn::Path) -> (String, String) {
    let mut segments = path.segments.iter().rev();
    let last = segments
        .next()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let before = segments
        .next()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    (before, last)
}

/// The sink a path call is, if any.
pub(crate) fn path_sink(path: &syn::Path) -> Option<Positions> {
    let (before, last) = tail(path);
    PATH_SINKS
        .iter()
        .find(|(t, f, _)| *t == before && *f == last)
        .map(|(_, _, p)| *p)
}

/// Whether a path call passes its argument on unchanged.
pub(crate) fn is_path_step(path: &syn::Path) -> bool {
    let (before, last) = tail(path);
    PATH_STEPS.iter().any(|(t, f)| {
        (t.is_empty() && path.segments.len() == 1 && *f == last)
            || (!t.is_empty() && *t == before && *f == last)
    })
}
