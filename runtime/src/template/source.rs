//! A call's arguments as a template reads them ([`Source`]), the same arguments with their
//! `IN` lists padded ([`Padded`]), and the names messages give them ([`Names`]).

use sea_query::Value;

use super::Origin;
use crate::value_ref::{ValueRef, widen};

/// Read access to one call's arguments, by the indices the macro assigned: bound scalar
/// sources (`value`) and list arguments (`len`, `elem`).
pub(crate) trait Source {
    /// The value of bound source `source`, borrowed where it can be, or `None` if it is
    /// absent (an `Option` that is `None`).
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>>;
    /// The length of list `list` (0 when absent).
    fn len(&self, list: u16) -> usize;
    /// Element `index` of list `list`, borrowed where it can be.
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>>;
    /// The same arguments as a trait object: the code that is not the hit's fast path
    /// (rendering another list length, padding) reads them through one, compiled once.
    fn as_dyn(&self) -> &dyn Source;
    /// The values of `template`'s fast path for these arguments
    /// ([`Template::fast_values_of`](super::Template::fast_values_of)): the one virtual
    /// call of a hit, which reads every value with the implementor's own code.
    fn fast_values(&self, template: &super::Template) -> Option<Vec<Value>>;

    /// The value of bound source `source`, as sea-query binds it. Always inline, as are
    /// `value_ref` and `into_owned` on a hit's `fill`: the value is then made directly.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value(&self, source: u16) -> Option<Value> {
        self.value_ref(source).map(ValueRef::into_owned)
    }
    /// Element `index` of list `list`, as sea-query binds it.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem(&self, list: u16, index: usize) -> Option<Value> {
        self.elem_ref(list, index).map(ValueRef::into_owned)
    }

    /// [`value`](Self::value) for a template of `numbered` placeholders (Postgres): `None`
    /// for a value that builder does not bind as one plain parameter (a `Value::Enum` is
    /// bound as text followed by a cast, `$1::"mood"`), so the call takes the uncached path.
    /// Only the catch-all [`ValueRef::Value`] can hold such a value: the check costs nothing
    /// on a value of a known variant.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn bound(&self, source: u16, numbered: bool) -> Option<Value> {
        plain(self.value_ref(source)?, numbered)
    }

    /// Bound source `source` converted by `kind` (see [`widen`]), as the body passed it on
    /// (`per_page.into()`). Out of line: most templates read none.
    #[inline(never)]
    #[cold]
    fn widened(&self, source: u16, kind: u16, numbered: bool) -> Option<Value> {
        plain(widen::value_ref(self.value_ref(source)?, kind)?, numbered)
    }

    /// [`elem`](Self::elem), checked as [`bound`](Self::bound) checks a value.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn bound_elem(&self, list: u16, index: usize, numbered: bool) -> Option<Value> {
        plain(self.elem_ref(list, index)?, numbered)
    }
}

/// `value` as sea-query binds it, unless `numbered` (Postgres) and the builder renders it
/// other than as one plain placeholder.
#[cfg_attr(not(debug_assertions), inline(always))]
fn plain(value: ValueRef<'_>, numbered: bool) -> Option<Value> {
    match value {
        ValueRef::Value(v) if numbered && !crate::value_ref::postgres_binds_plainly(&v) => None,
        v => Some(v.into_owned()),
    }
}

/// The longest list `IN` padding produces: a list longer than this is left as it is, so
/// padding never pushes a query past PostgreSQL's 65,535 parameters on its own.
pub(super) const MAX_PADDED_LEN: usize = 1 << 15;

/// The arguments of a call with every list of `lists` (a bit set) padded to the next power
/// of two by repeating its last element.
pub(super) struct Padded<'s, S: ?Sized> {
    pub(super) src: &'s S,
    pub(super) lists: u64,
}

impl<S: Source + ?Sized> Padded<'_, S> {
    #[inline]
    fn padded(&self, list: u16) -> Option<usize> {
        let len = self.src.len(list);
        let padded = len.next_power_of_two();
        (list < 64 && self.lists >> list & 1 == 1 && len > 0 && padded <= MAX_PADDED_LEN)
            .then_some(padded)
    }
}

impl<S: Source + ?Sized> Source for Padded<'_, S> {
    fn as_dyn(&self) -> &dyn Source {
        self
    }
    fn fast_values(&self, template: &super::Template) -> Option<Vec<Value>> {
        template.fast_values_of(self)
    }
    #[inline]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        self.src.value_ref(source)
    }
    #[inline]
    fn len(&self, list: u16) -> usize {
        self.padded(list).unwrap_or_else(|| self.src.len(list))
    }
    #[inline]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        let len = self.src.len(list);
        if index >= len && self.padded(list).is_some_and(|padded| index < padded) {
            return self.src.elem_ref(list, len - 1);
        }
        self.src.elem_ref(list, index)
    }
}

/// Names used in diagnostics: bound sources and lists, in the macro's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Names<'m> {
    pub(crate) sources: &'m [&'static str],
    pub(crate) lists: &'m [&'static str],
}

impl Names<'_> {
    pub(super) fn source(&self, source: u16) -> &'static str {
        self.sources
            .get(usize::from(source))
            .copied()
            .unwrap_or("?")
    }

    pub(super) fn list(&self, list: u16) -> &'static str {
        self.lists.get(usize::from(list)).copied().unwrap_or("?")
    }

    /// How a message names the argument `origin` reads: "`author`", "`ids[1]`".
    pub(super) fn origin(&self, origin: Origin) -> String {
        match origin {
            Origin::Arg(s) => format!("`{}`", self.source(s)),
            Origin::Wide { source, .. } => format!("`{}`, converted", self.source(source)),
            Origin::Elem { list, index } => format!("`{}[{index}]`", self.list(list)),
            Origin::Const(c) => format!("constant {c}"),
        }
    }
}
