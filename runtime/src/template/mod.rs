//! Templates: the rendered SQL of one shape, split into literal text and placeholders, how
//! they are learned from probe recordings and filled again on a hit.
//!
//! Where each placeholder's value comes from is one [`Origin`] (an argument, a list
//! element, a constant of the body), made once when the template is learned and read
//! unchanged by every user: filling ([`Template::fill`]), checking against the body
//! ([`Template::check`]), padding `IN` lists, and the statement caches ([`Binds`]). Every
//! pass over a template's pieces is a visit of one walk (`walk.rs`).
//!
//! - `learn.rs`: a template from a probe recording and its sentinels, `inline_limit`.
//! - `walk.rs`: the walk over the pieces, at one call's list lengths.
//! - `render.rs`, `check.rs`: rendering a call, comparing with a recording.
//! - `fast.rs`: the fast path of a hit (the lengths the template was stored with).
//! - `source.rs`: a call's arguments as a template reads them, and padded.
//!
//! What the drivers read is at the end of this file: a text's identity
//! ([`text_key`](Template::text_key)), its SQL ([`fast_text`](Template::fast_text),
//! [`render_text`](Template::render_text)), where its values come from
//! ([`binds_for`](Template::binds_for)) and each value ([`read`](Template::read)).

mod check;
mod fast;
mod learn;
mod render;
mod source;
mod walk;

#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::Arc;

use sea_query::Value;

use self::fast::FastValues;
pub(crate) use self::learn::SentinelTable;
use self::source::Padded;
pub(crate) use self::source::{Names, Source};
use crate::value_ref::ValueRef;

/// Where a placeholder's value comes from on a hit: made when a template is learned, and
/// the same for every call of the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    /// Bound source `n`: an argument, passed through unchanged.
    Arg(u16),
    /// Element `index` of list `list`.
    Elem { list: u16, index: u32 },
    /// Constant `n` of the template: a value the body always binds for the shape.
    Const(u32),
    /// Bound source `source`, converted by `kind` into a wider number as the body passed it
    /// on (`per_page.into()`; see `value_ref::widen`).
    Wide { source: u16, kind: u16 },
    // A value derived from the arguments (issue 13) is one more variant, read through
    // `Source` as an argument is.
}

/// A compiled template item; text ranges index [`Template::text`]. Kept small (16 bytes):
/// every stored shape holds a few dozen, and a miss that stores less touches fewer new pages.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Text(Range<u32>),
    /// A placeholder of an argument or a constant (list elements are in groups).
    Param(Origin),
    /// The elements of a list, each a placeholder, separated by `sep` (items in
    /// [`Template::seps`]); `None` when the list had a single element and its separator was
    /// never seen (fixed-size arrays of one element).
    Group {
        list: u16,
        sep: Option<Range<u32>>,
    },
    /// A `LIMIT`/`OFFSET` value written into the text (`inline_limit`): renders as the
    /// literal `text`, and stands for the parameter `Template::consts[value]` when the
    /// template is compared with a recording of the body, which binds it.
    Inline {
        text: Range<u32>,
        value: u32,
    },
}

/// The learned SQL of one shape for one backend.
#[derive(Debug)]
pub(crate) struct Template {
    text: Box<str>,
    /// The constants the body binds, which [`Origin::Const`] indexes.
    consts: Box<[Value]>,
    items: Box<[Item]>,
    seps: Box<[Item]>,
    placeholder: &'static str,
    numbered: bool,
    /// The lists whose elements appear in the text, with the lengths of the fast path.
    fast_lens: Box<[(u16, usize)]>,
    /// [`lens_key`](Self::lens_key) of `fast_lens`: a call whose text key is this one has the
    /// fast path's text (`None` when the lengths do not pack).
    fast_key: Option<u64>,
    fast_sql: Arc<str>,
    /// Where the fast path's values come from.
    fast: FastValues,
    /// Bit `l` set: every group of list `l` is a whole `IN (...)` list, which padding may
    /// lengthen (lists 0 to 63 only).
    in_lists: u64,
}

/// A rendered SQL text, either owned or shared with the template.
pub(crate) trait SqlText: Sized + AsRef<str> {
    fn shared(sql: &Arc<str>) -> Self;
    fn owned(sql: String) -> Self;
}

impl SqlText for String {
    #[inline]
    fn shared(sql: &Arc<str>) -> Self {
        String::from(&**sql)
    }
    #[inline]
    fn owned(sql: String) -> Self {
        sql
    }
}

impl SqlText for Arc<str> {
    #[inline]
    fn shared(sql: &Arc<str>) -> Self {
        Arc::clone(sql)
    }
    #[inline]
    fn owned(sql: String) -> Self {
        Arc::from(sql)
    }
}

impl Template {
    /// The value `origin` gives the call in `src`, as sea-query binds it (see
    /// [`Source::bound`]); `None` if it is missing. Always inline: on a hit the origin's
    /// variant is known, and the value is made directly.
    ///
    /// The fast path's origins hold no `Wide` (its values are converted after, see
    /// `FastValues::wide`): here it is `None`, which keeps the conversion's call out of
    /// the loop that reads every value of a hit. Other paths read with
    /// [`value_any`](Self::value_any).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<S: Source + ?Sized>(&self, origin: Origin, src: &S) -> Option<Value> {
        match origin {
            Origin::Arg(s) => src.bound(s, self.numbered),
            Origin::Elem { list, index } => src.bound_elem(list, index as usize, self.numbered),
            Origin::Const(c) => self.consts.get(c as usize).map(constant),
            Origin::Wide { .. } => None,
        }
    }

    /// [`value`](Self::value) for any origin, a converted source too.
    #[inline]
    fn value_any<S: Source + ?Sized>(&self, origin: Origin, src: &S) -> Option<Value> {
        match origin {
            Origin::Wide { source, kind } => src.widened(source, kind, self.numbered),
            other => self.value(other, src),
        }
    }

    /// The items of a group's separator.
    #[inline]
    fn sep(&self, sep: &Option<Range<u32>>) -> &[Item] {
        match sep {
            Some(r) => self
                .seps
                .get(r.start as usize..r.end as usize)
                .unwrap_or_default(),
            None => &[],
        }
    }

    #[inline]
    fn text(&self, r: &Range<u32>) -> &str {
        &self.text[r.start as usize..r.end as usize]
    }

    /// The lists to pad: those of `IN` groups if `pad`, none otherwise.
    #[inline]
    fn padding(&self, pad: bool) -> u64 {
        if pad { self.in_lists } else { 0 }
    }

    /// Whether a value is written into the text (`inline_limit`), so that the SQL differs
    /// from the body's own.
    pub(crate) fn has_inline(&self) -> bool {
        self.items
            .iter()
            .any(|item| matches!(item, Item::Inline { .. }))
    }

    /// Approximate heap bytes this template holds.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.len()
            + std::mem::size_of_val(&*self.consts)
            + self.fast_sql.len()
            + std::mem::size_of_val(&*self.items)
            + std::mem::size_of_val(&*self.seps)
            + std::mem::size_of_val(&*self.fast.origins)
            + std::mem::size_of_val(&*self.fast.runs)
            + std::mem::size_of_val(&*self.fast_lens)
    }
}

/// A constant as the body binds it: the values without heap data are built in place, with
/// no call of `Value::clone` (constants are often flags or small numbers).
#[cfg_attr(not(debug_assertions), inline(always))]
fn constant(value: &Value) -> Value {
    match *value {
        Value::Bool(x) => Value::Bool(x),
        Value::TinyInt(x) => Value::TinyInt(x),
        Value::SmallInt(x) => Value::SmallInt(x),
        Value::Int(x) => Value::Int(x),
        Value::BigInt(x) => Value::BigInt(x),
        Value::TinyUnsigned(x) => Value::TinyUnsigned(x),
        Value::SmallUnsigned(x) => Value::SmallUnsigned(x),
        Value::Unsigned(x) => Value::Unsigned(x),
        Value::BigUnsigned(x) => Value::BigUnsigned(x),
        Value::Float(x) => Value::Float(x),
        Value::Double(x) => Value::Double(x),
        Value::Char(x) => Value::Char(x),
        _ => value.clone(),
    }
}

// ---- what the drivers read ----------------------------------------------------------------

/// Where each value of one SQL text of a template comes from (its lists at given lengths),
/// in placeholder order: made once per text by a statement cache, which then reads each
/// call's values with [`Template::read`].
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Binds(Box<[Origin]>);

impl Binds {
    /// The origins in placeholder order.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[Origin] {
        &self.0
    }
}

impl Template {
    /// The value `origin` gives the call in `src`, borrowed where it holds text or bytes;
    /// `None` if an argument is missing (which a correct key rules out). An element past the
    /// end of an `IN` list that padding lengthens is its last element: [`Binds`] made from
    /// one call serve every call of the same text, padded or not (padding may be switched
    /// on meanwhile).
    #[inline]
    pub(crate) fn read<'s, S: Source + ?Sized>(
        &'s self,
        origin: Origin,
        src: &'s S,
    ) -> Option<ValueRef<'s>> {
        match origin {
            Origin::Arg(s) => src.value_ref(s),
            Origin::Wide { source, kind } => {
                crate::value_ref::widen::value_ref(src.value_ref(source)?, kind)
            }
            Origin::Elem { list, index }
                if index > 0 && list < 64 && self.in_lists >> list & 1 == 1 =>
            {
                src.elem_ref(list, (index as usize).min(src.len(list).checked_sub(1)?))
            }
            Origin::Elem { list, index } => src.elem_ref(list, index as usize),
            Origin::Const(c) => self.consts.get(c as usize).map(ValueRef::Const),
        }
    }

    /// [`Binds`] of the call in `src` with its lists padded, if `pad`: where the values of
    /// every call of the same text come from. `None` if the call's lengths do not fit the
    /// template (which a correct key rules out).
    pub(crate) fn binds_for<S: Source + ?Sized>(&self, src: &S, pad: bool) -> Option<Binds> {
        let origins = match self.padding(pad) {
            0 => self.origins(src),
            lists => self.origins(&Padded { src, lists }),
        };
        origins.map(|origins| Binds(origins.into_boxed_slice()))
    }

    /// The text of the call in `src` (its lists padded, if `pad`) when it is not the fast
    /// path's: rendered, as [`fill`](Self::fill) renders it.
    #[cold]
    pub(crate) fn render_text<S: Source + ?Sized>(&self, src: &S, pad: bool) -> Option<String> {
        let rendered = match self.padding(pad) {
            0 => self.render(src.as_dyn()),
            lists => self.render(&Padded { src, lists }),
        };
        rendered.map(|(sql, _)| sql)
    }
}

/// What the SQLite statement cache reads of a template: which text a call gets (its id and,
/// at the fast path's lengths, the text itself) without building it.
#[cfg(feature = "rusqlite")]
impl Template {
    /// The fast path's text for a call whose [`text_key`](Self::text_key) is `key`: the
    /// text depends on the lengths of the lists alone, so equal keys mean the same text.
    #[inline]
    pub(crate) fn fast_text(&self, key: u64) -> Option<&Arc<str>> {
        (self.fast_key == Some(key)).then_some(&self.fast_sql)
    }

    /// [`lens_key`](Self::lens_key) of the lengths the text is rendered with (padded, if
    /// `pad`).
    #[inline]
    pub(crate) fn text_key(&self, src: &dyn Source, pad: bool) -> Option<u64> {
        // Most templates have no list: their one text has key 0.
        if self.fast_lens.is_empty() {
            return Some(0);
        }
        self.lists_key(src, pad)
    }

    /// [`text_key`](Self::text_key) of a template with lists.
    #[inline(never)]
    fn lists_key(&self, src: &dyn Source, pad: bool) -> Option<u64> {
        match self.padding(pad) {
            0 => self.lens_key(src),
            lists => self.lens_key(&Padded { src, lists }),
        }
    }

    /// The lengths of the lists this template's text depends on, packed into one number (16
    /// bits each, in the template's order): with the template's identity it names the SQL
    /// text of a call. `None` for more than four such lists or a list of 65,535 elements or
    /// more.
    pub(crate) fn lens_key<S: Source + ?Sized>(&self, src: &S) -> Option<u64> {
        pack_lens(self.fast_lens.iter().map(|&(list, _)| src.len(list)))
    }
}

/// Lengths packed 16 bits each into one number, in order: `None` for more than four or a
/// length of 65,535 or more.
#[inline]
fn pack_lens(lens: impl Iterator<Item = usize>) -> Option<u64> {
    let mut key = 0u64;
    for (i, len) in lens.enumerate() {
        let len = u64::try_from(len).ok().filter(|&len| len < 0xFFFF)?;
        if i >= 4 {
            return None;
        }
        key |= len << (16 * i);
    }
    Some(key)
}
