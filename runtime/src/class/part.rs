//! Helpers marked `#[cached_query::part]`: what a cached function may pass them.
//!
//! The attribute checks a helper's body with the rules of a cached body, each parameter
//! taken for what its type is (an `Option` may decide by its presence, a list by its
//! emptiness, a `bool` or a `#[shape]` parameter by its value, every other value only
//! bound). It writes, next to the helper, a hidden type of the same name that implements
//! [`Part`]: [`Part::PARAMS`] says, per parameter, what the helper may decide on.
//!
//! A cached function that passes a bound value to a helper cannot see the helper, so its
//! expansion checks at compile time, through that type, that the helper is marked and that
//! everything the helper may decide on is in the caller's key ([`accepts`]). A helper that
//! is not marked has no such type: the call does not compile.

use super::record::ArgKind;

/// One parameter of a helper marked `#[cached_query::part]`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum PartParam {
    /// A `&mut` reference or a sea-query expression: what the helper builds on. It may
    /// not decide on it, so it takes anything.
    Builder,
    /// A parameter of this kind: its keyed parts (presence, emptiness, flags, `#[shape]`
    /// values) may decide.
    Class(ArgKind),
}

/// What a caller passes to a helper's parameter: a sea-query expression holding bound
/// values, or a value of this kind, whose keyed parts are in the caller's key.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Passed {
    Fragment,
    Kind(ArgKind),
}

/// A helper marked `#[cached_query::part]`, by the hidden type its attribute writes next to
/// it (under the helper's own name, so that it travels with every `use` of the helper).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a helper marked `#[cached_query::part]`",
    label = "a cached function passes a bound value here",
    note = "mark the helper function `#[cached_query::part]`, so that its body is checked like a cached body"
)]
pub trait Part {
    /// Its parameters, in order.
    const PARAMS: &'static [PartParam];
    /// The values its body derives from its parameters (their expressions), which a caller
    /// recomputes through the helper's `__cq_lift`.
    const DERIVED: &'static [&'static str] = &[];
    /// The key bits of the decisions its body makes on values of its parameters (each the
    /// decision, and what a set and a clear bit mean), which a caller computes through the
    /// helper's `__cq_decide`.
    const DECIDED: &'static [(&'static str, &'static str, &'static str)] = &[];
}

/// Whether a caller may pass `passed` as parameter `index` of a helper with parameters
/// `params`: everything the helper may decide on is in the caller's key. Evaluated at
/// compile time by the expansion of `#[cached_query]`.
#[doc(hidden)]
pub const fn accepts(params: &[PartParam], index: usize, passed: Passed) -> bool {
    if index >= params.len() {
        return false;
    }
    match (params[index], passed) {
        (PartParam::Builder, _) => true,
        (PartParam::Class(needs), Passed::Fragment) => keys_none(needs),
        (PartParam::Class(needs), Passed::Kind(has)) => covers(has, needs),
    }
}

/// Whether every part of a value of kind `needs` that decides is in the key of a value of
/// kind `has`.
const fn covers(has: ArgKind, needs: ArgKind) -> bool {
    if keys_all(has) || keys_none(needs) {
        return true;
    }
    match (has, needs) {
        (ArgKind::Opt(has), ArgKind::Opt(needs)) => covers(*has, *needs),
        (ArgKind::List, ArgKind::List) | (ArgKind::Variant, ArgKind::Variant) => true,
        (ArgKind::Record(has), ArgKind::Record(needs)) => {
            let mut i = 0;
            while i < needs.len() {
                let (name, kind) = needs[i];
                let mut found = false;
                let mut j = 0;
                while j < has.len() {
                    if super::record::same(has[j].0, name) {
                        found = covers(has[j].1, kind);
                        break;
                    }
                    j += 1;
                }
                if !found {
                    return false;
                }
                i += 1;
            }
            true
        }
        _ => false,
    }
}

/// Whether a value of kind `kind` is entirely in the key.
const fn keys_all(kind: ArgKind) -> bool {
    match kind {
        ArgKind::Flag | ArgKind::Shape => true,
        ArgKind::Opt(inner) => keys_all(*inner),
        ArgKind::Record(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if !keys_all(fields[i].1) {
                    return false;
                }
                i += 1;
            }
            true
        }
        ArgKind::Bound | ArgKind::List | ArgKind::Variant => false,
    }
}

/// Whether nothing of a value of kind `kind` may decide.
const fn keys_none(kind: ArgKind) -> bool {
    match kind {
        ArgKind::Bound => true,
        ArgKind::Record(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if !keys_none(fields[i].1) {
                    return false;
                }
                i += 1;
            }
            true
        }
        ArgKind::Flag | ArgKind::Shape | ArgKind::List | ArgKind::Opt(_) | ArgKind::Variant => {
            false
        }
    }
}

/// The kind of the part of a value of kind `kind` at `path` (field names, and `?` for the
/// inside of an `Option`, `.`-separated; empty for the value itself); [`ArgKind::Bound`]
/// (nothing in the key) where the path names nothing.
#[doc(hidden)]
pub const fn part_kind(kind: ArgKind, path: &str) -> ArgKind {
    if path.is_empty() {
        return kind;
    }
    let (head, rest) = super::record::split(path);
    match kind {
        ArgKind::Opt(inner) if super::record::same(head, "?") => part_kind(*inner, rest),
        ArgKind::Record(fields) => {
            let mut i = 0;
            while i < fields.len() {
                if super::record::same(fields[i].0, head) {
                    return part_kind(fields[i].1, rest);
                }
                i += 1;
            }
            ArgKind::Bound
        }
        _ => ArgKind::Bound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILTER: ArgKind = ArgKind::Record(&[
        ("search", ArgKind::Opt(&ArgKind::Bound)),
        ("draft", ArgKind::Flag),
        ("tags", ArgKind::List),
        ("author", ArgKind::Bound),
    ]);

    #[test]
    fn a_helper_decides_only_on_what_the_caller_keys() {
        let opt = ArgKind::Opt(&ArgKind::Bound);
        let params = [
            PartParam::Builder,
            PartParam::Class(opt),
            PartParam::Class(ArgKind::Flag),
            PartParam::Class(ArgKind::Bound),
            PartParam::Class(FILTER),
        ];
        // What the caller keys covers what the helper decides on.
        assert!(accepts(&params, 0, Passed::Fragment));
        assert!(accepts(&params, 1, Passed::Kind(opt)));
        assert!(accepts(
            &params,
            1,
            Passed::Kind(part_kind(FILTER, "search"))
        ));
        assert!(accepts(
            &params,
            2,
            Passed::Kind(part_kind(FILTER, "draft"))
        ));
        assert!(accepts(&params, 3, Passed::Kind(ArgKind::Bound)));
        assert!(accepts(&params, 3, Passed::Fragment));
        assert!(accepts(&params, 4, Passed::Kind(FILTER)));
        // A bound value where the helper decides on presence or on the value.
        assert!(!accepts(&params, 1, Passed::Kind(ArgKind::Bound)));
        assert!(!accepts(&params, 2, Passed::Kind(ArgKind::Bound)));
        assert!(!accepts(&params, 2, Passed::Fragment));
        assert!(!accepts(
            &params,
            2,
            Passed::Kind(part_kind(FILTER, "author"))
        ));
        // A struct whose decided field is bound in the caller's type.
        let bound = ArgKind::Record(&[("search", ArgKind::Bound), ("draft", ArgKind::Flag)]);
        assert!(!accepts(&params, 4, Passed::Kind(bound)));
        // No parameter there.
        assert!(!accepts(&params, 5, Passed::Kind(ArgKind::Shape)));
        assert!(matches!(part_kind(FILTER, "search.?"), ArgKind::Bound));
        assert!(matches!(part_kind(FILTER, "nothing"), ArgKind::Bound));
    }
}
