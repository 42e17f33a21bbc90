//! Templates: the rendered SQL of one shape, split into literal text and parameter slots, and
//! how they are learned from probe recordings and filled again on a hit.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use sea_query::Value;

use crate::error::Uncacheable;
use crate::record::{Recording, write_placeholder};
use crate::value_ref::ValueRef;
#[cfg(test)]
use sea_query::Values;

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

    /// The value of bound source `source`, as sea-query binds it. Always inline, as are
    /// `value_ref` and `into_owned` on a hit's `fill`: the value is then made directly.
    #[inline(always)]
    fn value(&self, source: u16) -> Option<Value> {
        self.value_ref(source).map(ValueRef::into_owned)
    }
    /// Element `index` of list `list`, as sea-query binds it.
    #[inline(always)]
    fn elem(&self, list: u16, index: usize) -> Option<Value> {
        self.elem_ref(list, index).map(ValueRef::into_owned)
    }

    /// [`value`](Self::value) for a template of `numbered` placeholders (Postgres): `None`
    /// for a value that builder does not bind as one plain parameter (a `Value::Enum` is
    /// bound as text followed by a cast, `$1::"mood"`), so the call takes the uncached path.
    /// Only the catch-all [`ValueRef::Value`] can hold such a value: the check costs nothing
    /// on a value of a known variant.
    #[inline(always)]
    fn bound(&self, source: u16, numbered: bool) -> Option<Value> {
        plain(self.value_ref(source)?, numbered)
    }

    /// [`elem`](Self::elem), checked as [`bound`](Self::bound) checks a value.
    #[inline(always)]
    fn bound_elem(&self, list: u16, index: usize, numbered: bool) -> Option<Value> {
        plain(self.elem_ref(list, index)?, numbered)
    }
}

/// `value` as sea-query binds it, unless `numbered` (Postgres) and the builder renders it
/// other than as one plain placeholder.
#[inline(always)]
fn plain(value: ValueRef<'_>, numbered: bool) -> Option<Value> {
    match value {
        ValueRef::Value(v) if numbered && !crate::value_ref::postgres_binds_plainly(&v) => None,
        v => Some(v.into_owned()),
    }
}

/// Names used in diagnostics: bound sources and lists, in the macro's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Names<'m> {
    pub(crate) sources: &'m [&'static str],
    pub(crate) lists: &'m [&'static str],
}

impl Names<'_> {
    fn list(&self, list: u16) -> &'static str {
        self.lists.get(usize::from(list)).copied().unwrap_or("?")
    }

    fn origin(&self, origin: Origin) -> String {
        match origin {
            Origin::Arg(s) => {
                format!(
                    "`{}`",
                    self.sources.get(usize::from(s)).copied().unwrap_or("?")
                )
            }
            Origin::Elem(l, j) => format!("`{}[{j}]`", self.list(l)),
        }
    }
}

/// Which argument a sentinel value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Arg(u16),
    Elem(u16, usize),
}

/// Every sentinel value of one probe round, mapped to the argument it was given to.
#[derive(Debug, Default)]
pub(crate) struct SentinelTable {
    map: HashMap<Value, Origin, foldhash::fast::RandomState>,
}

impl SentinelTable {
    /// Reads the sentinels back from the probe arguments (`sources` bound scalars, `lists`
    /// lists); two arguments with equal values make the round useless.
    pub(crate) fn read(
        src: &(impl Source + ?Sized),
        sources: u16,
        lists: u16,
        names: Names<'_>,
    ) -> Result<Self, Uncacheable> {
        let mut table = SentinelTable::default();
        for s in 0..sources {
            if let Some(value) = src.value(s) {
                table.insert(value, Origin::Arg(s), names)?;
            }
        }
        for l in 0..lists {
            for j in 0..src.len(l) {
                if let Some(value) = src.elem(l, j) {
                    table.insert(value, Origin::Elem(l, j), names)?;
                }
            }
        }
        Ok(table)
    }

    fn insert(
        &mut self,
        value: Value,
        origin: Origin,
        names: Names<'_>,
    ) -> Result<(), Uncacheable> {
        match self.map.entry(value) {
            Entry::Vacant(slot) => {
                slot.insert(origin);
                Ok(())
            }
            Entry::Occupied(slot) => Err(Uncacheable::SentinelCollision {
                first: names.origin(*slot.get()),
                second: names.origin(origin),
            }),
        }
    }

    fn get(&self, value: &Value) -> Option<Origin> {
        self.map.get(value).copied()
    }
}

/// Where a placeholder's value comes from on a hit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Slot {
    /// The body always binds this value for the shape.
    Const(Value),
    /// Bound source `n`, passed through unchanged.
    Arg(u16),
}

/// [`Slot`] in a compiled template: constants live in [`Template::consts`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum ItemSlot {
    /// `Template::consts[n]`.
    Const(u32),
    /// Bound source `n`.
    Arg(u16),
}

/// One token of a template while it is learned.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'r> {
    /// Literal text, borrowed from the recording.
    Text(&'r str),
    Param(Slot),
    Group {
        list: u16,
        sep: Option<Vec<Tok<'r>>>,
    },
}

/// A compiled template item; text ranges index [`Template::text`]. Kept small (16 bytes):
/// every stored shape holds a few dozen, and a miss that stores less touches fewer new pages.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Text(Range<u32>),
    Param(ItemSlot),
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

/// One value of the fast path (where every list has the length the template was stored
/// with).
#[derive(Debug, Clone, PartialEq)]
enum Single {
    /// A constant the body always binds, of a type without heap data: built in place, with
    /// no call of `Value::clone` (constants are often flags or small numbers).
    Scalar(Scalar),
    /// Any other constant the body always binds; cloned.
    Const(Value),
    /// Bound source `n`.
    Arg(u16),
    /// Element `.1` of list `.0`.
    Elem(u16, usize),
}

/// The constant [`Value`]s that hold no heap data.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    Bool(Option<bool>),
    TinyInt(Option<i8>),
    SmallInt(Option<i16>),
    Int(Option<i32>),
    BigInt(Option<i64>),
    TinyUnsigned(Option<u8>),
    SmallUnsigned(Option<u16>),
    Unsigned(Option<u32>),
    BigUnsigned(Option<u64>),
    Float(Option<f32>),
    Double(Option<f64>),
    Char(Option<char>),
}

impl Scalar {
    #[inline(always)]
    fn value(self) -> Value {
        match self {
            Scalar::Bool(x) => Value::Bool(x),
            Scalar::TinyInt(x) => Value::TinyInt(x),
            Scalar::SmallInt(x) => Value::SmallInt(x),
            Scalar::Int(x) => Value::Int(x),
            Scalar::BigInt(x) => Value::BigInt(x),
            Scalar::TinyUnsigned(x) => Value::TinyUnsigned(x),
            Scalar::SmallUnsigned(x) => Value::SmallUnsigned(x),
            Scalar::Unsigned(x) => Value::Unsigned(x),
            Scalar::BigUnsigned(x) => Value::BigUnsigned(x),
            Scalar::Float(x) => Value::Float(x),
            Scalar::Double(x) => Value::Double(x),
            Scalar::Char(x) => Value::Char(x),
        }
    }
}

impl Single {
    /// The slot of constant `v`.
    fn constant(v: &Value) -> Single {
        Single::Scalar(match *v {
            Value::Bool(x) => Scalar::Bool(x),
            Value::TinyInt(x) => Scalar::TinyInt(x),
            Value::SmallInt(x) => Scalar::SmallInt(x),
            Value::Int(x) => Scalar::Int(x),
            Value::BigInt(x) => Scalar::BigInt(x),
            Value::TinyUnsigned(x) => Scalar::TinyUnsigned(x),
            Value::SmallUnsigned(x) => Scalar::SmallUnsigned(x),
            Value::Unsigned(x) => Scalar::Unsigned(x),
            Value::BigUnsigned(x) => Scalar::BigUnsigned(x),
            Value::Float(x) => Scalar::Float(x),
            Value::Double(x) => Scalar::Double(x),
            Value::Char(x) => Scalar::Char(x),
            _ => return Single::Const(v.clone()),
        })
    }
}

/// A run of fast-path values.
#[derive(Debug, Clone, PartialEq)]
enum Run {
    /// `FastValues::singles[start..end]`.
    Singles { start: usize, end: usize },
    /// Elements `start..end` of list `list`, in order (an `IN (...)` group).
    Elems { list: u16, start: usize, end: usize },
}

/// The fast path's values ([`Template::fill`]): arguments, list elements and constants, in
/// placeholder order, grouped into runs.
#[derive(Debug, Default, Clone, PartialEq)]
struct FastValues {
    singles: Box<[Single]>,
    runs: Box<[Run]>,
    /// The number of values.
    values: usize,
}

/// Where each value of one SQL text of a template comes from (its lists at given lengths),
/// in placeholder order: made once per text by a statement cache, which then reads each
/// call's values with [`Bind::read`].
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Binds(Box<[Bind]>);

/// Where one value comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    /// Bound source `n`.
    Arg(u16),
    /// Element `j` of list `l`.
    Elem(u16, usize),
    /// Element `j` of list `l` padded (`IN` padding): its last element where it is shorter.
    PaddedElem(u16, usize),
    /// A constant of the body.
    Const(Value),
}

impl Binds {
    /// The values in placeholder order.
    #[inline]
    #[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
    pub(crate) fn as_slice(&self) -> &[Bind] {
        &self.0
    }
}

impl Bind {
    /// This value of the call in `src`, borrowed where it holds text or bytes; `None` if an
    /// argument is missing (which a correct key rules out).
    #[inline]
    #[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
    pub(crate) fn read<'s>(&'s self, src: &'s dyn Source) -> Option<ValueRef<'s>> {
        match *self {
            Bind::Arg(s) => src.value_ref(s),
            Bind::Elem(l, j) => src.elem_ref(l, j),
            Bind::PaddedElem(l, j) => src.elem_ref(l, j.min(src.len(l).checked_sub(1)?)),
            Bind::Const(ref v) => Some(ValueRef::Const(v)),
        }
    }
}

/// Groups the fast path's values into runs: consecutive elements of one list (at least
/// [`MIN_ELEMS_RUN`]) become an `Elems` run, everything else `Singles`.
fn runs(flat: Vec<Single>) -> (Vec<Single>, Vec<Run>) {
    let mut singles = Vec::with_capacity(flat.len());
    let mut runs = Vec::new();
    let mut i = 0;
    while i < flat.len() {
        if let Single::Elem(list, start) = flat[i] {
            let len = flat[i..]
                .iter()
                .enumerate()
                .take_while(|(k, s)| **s == Single::Elem(list, start + k))
                .count();
            if len >= MIN_ELEMS_RUN {
                runs.push(Run::Elems {
                    list,
                    start,
                    end: start + len,
                });
                i += len;
                continue;
            }
        }
        singles.push(flat[i].clone());
        match runs.last_mut() {
            Some(Run::Singles { end, .. }) if *end == singles.len() - 1 => *end += 1,
            _ => runs.push(Run::Singles {
                start: singles.len() - 1,
                end: singles.len(),
            }),
        }
        i += 1;
    }
    (singles, runs)
}

/// The shortest list run worth an `Elems` run of its own.
const MIN_ELEMS_RUN: usize = 4;

/// The learned SQL of one shape for one backend.
#[derive(Debug)]
pub(crate) struct Template {
    text: Box<str>,
    /// The constants the body binds, in the order of their [`ItemSlot::Const`] indices.
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

/// The longest list `IN` padding produces: a list longer than this is left as it is, so
/// padding never pushes a query past PostgreSQL's 65,535 parameters on its own.
pub(crate) const MAX_PADDED_LEN: usize = 1 << 15;

/// The arguments of a call with every list of `lists` (a bit set) padded to the next power
/// of two by repeating its last element.
struct Padded<'s, S: ?Sized> {
    src: &'s S,
    lists: u64,
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
    /// Learns a template from `first`, a probe recording made with every non-empty list at
    /// two or more elements (or its fixed length), and the sentinels of that round.
    pub(crate) fn learn(
        first: &Recording,
        sentinels: &SentinelTable,
        lens: &[usize],
        names: Names<'_>,
        placeholder: (&'static str, bool),
    ) -> Result<Template, Uncacheable> {
        let toks = tokenize(first, sentinels, lens, names)?;
        Ok(compile(&toks, placeholder))
    }

    /// Renders the template for the arguments in `src`: the SQL text and the values, or
    /// `None` if the arguments do not fit the template (which a correct key rules out).
    #[inline]
    pub(crate) fn fill<T: SqlText>(&self, src: &(impl Source + ?Sized)) -> Option<(T, Vec<Value>)> {
        if self.is_fast(src) {
            // Each run's values go in with one `extend` over an exact-size iterator, never a
            // `push` per value: `extend` reserves first, so the compiler builds each value
            // where it belongs. With `push`, which may reallocate, every value was built in a
            // temporary and copied, and that copy reloaded with wide loads the bytes just
            // stored in narrow pieces: a store-forwarding stall per value, which cost as much
            // as the rest of a hit together. A missing argument (which a correct key rules
            // out) leaves a placeholder, clears `ok`, and the call takes the uncached path.
            let mut values = Vec::with_capacity(self.fast.values);
            let mut ok = true;
            let numbered = self.numbered;
            for run in &*self.fast.runs {
                match *run {
                    Run::Singles { start, end } => {
                        let mut missing = || {
                            ok = false;
                            Value::Bool(None)
                        };
                        let singles = self.fast.singles.get(start..end)?;
                        values.extend(singles.iter().map(|single| match single {
                            Single::Scalar(c) => c.value(),
                            Single::Const(v) => v.clone(),
                            Single::Arg(s) => match src.bound(*s, numbered) {
                                Some(v) => v,
                                None => missing(),
                            },
                            Single::Elem(l, j) => match src.bound_elem(*l, *j, numbered) {
                                Some(v) => v,
                                None => missing(),
                            },
                        }));
                    }
                    Run::Elems { list, start, end } => {
                        values.extend((start..end).map(
                            |j| match src.bound_elem(list, j, numbered) {
                                Some(v) => v,
                                None => {
                                    ok = false;
                                    Value::Bool(None)
                                }
                            },
                        ));
                    }
                }
            }
            return ok.then(|| (T::shared(&self.fast_sql), values));
        }
        let (sql, values) = self.render(src)?;
        Some((T::owned(sql), values))
    }

    /// Like [`fill`](Self::fill), with every `IN (...)` list padded to the next power of
    /// two (up to [`MAX_PADDED_LEN`]) by repeating its last element: the same rows, and at
    /// most one SQL text per power of two.
    #[inline]
    pub(crate) fn fill_padded<T: SqlText>(
        &self,
        src: &(impl Source + ?Sized),
    ) -> Option<(T, Vec<Value>)> {
        if self.in_lists == 0 {
            return self.fill(src);
        }
        self.fill(&Padded {
            src,
            lists: self.in_lists,
        })
    }

    /// The fast path's text for a call whose [`text_key`](Self::text_key) is `key`: the
    /// text depends on the lengths of the lists alone, so equal keys mean the same text.
    #[inline]
    pub(crate) fn fast_text(&self, key: u64) -> Option<&Arc<str>> {
        (self.fast_key == Some(key)).then_some(&self.fast_sql)
    }

    /// The text of the call in `src` (its lists padded, if `pad`) when it is not the fast
    /// path's: rendered, as [`fill`](Self::fill) renders it.
    #[cold]
    #[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
    pub(crate) fn render_text(&self, src: &dyn Source, pad: bool) -> Option<String> {
        let rendered = match self.padding(pad) {
            0 => self.render(src),
            lists => self.render(&Padded { src, lists }),
        };
        rendered.map(|(sql, _)| sql)
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

    /// The lists to pad: those of `IN` groups if `pad`, none otherwise.
    #[inline]
    fn padding(&self, pad: bool) -> u64 {
        if pad { self.in_lists } else { 0 }
    }

    #[inline]
    fn is_fast<S: Source + ?Sized>(&self, src: &S) -> bool {
        self.fast_lens.iter().all(|&(l, len)| src.len(l) == len)
    }

    /// Renders text and values item by item; used when a list's length differs from the
    /// stored one. Costs O(template + list lengths): the text between placeholders is copied,
    /// each group gets its placeholders, and Postgres numbers after a group are rewritten.
    fn render<S: Source + ?Sized>(&self, src: &S) -> Option<(String, Vec<Value>)> {
        // Sizes first, so that neither the text nor the values ever reallocate.
        let digits = |n: usize| {
            if self.numbered {
                n.checked_ilog10().unwrap_or(0) as usize + 1
            } else {
                0
            }
        };
        let (mut text_len, mut value_count) = (0usize, 0usize);
        for item in &*self.items {
            match item {
                Item::Text(r) | Item::Inline { text: r, .. } => text_len += r.len(),
                Item::Param(_) => value_count += 1,
                Item::Group { list, sep } => {
                    let len = src.len(*list);
                    if len == 0 || (len > 1 && sep.is_none()) {
                        return None;
                    }
                    let sep = self.sep(sep);
                    let sep_text: usize = sep
                        .iter()
                        .map(|item| match item {
                            Item::Text(r) => r.len(),
                            _ => 0,
                        })
                        .sum();
                    let sep_params = sep
                        .iter()
                        .filter(|item| matches!(item, Item::Param(_)))
                        .count();
                    value_count += len + (len - 1) * sep_params;
                    text_len += (len - 1) * sep_text;
                }
            }
        }
        let mut out = Render {
            sql: String::with_capacity(
                text_len + value_count * (self.placeholder.len() + digits(value_count)),
            ),
            values: Vec::with_capacity(value_count),
            placeholder: self.placeholder,
            numbered: self.numbered,
        };
        for item in &*self.items {
            match item {
                Item::Text(r) | Item::Inline { text: r, .. } => out.sql.push_str(self.text(r)),
                Item::Param(slot) => out.param(self.slot_value(slot, src)?),
                Item::Group { list, sep } => {
                    let len = src.len(*list);
                    let sep = self.sep(sep);
                    if sep.iter().all(|item| matches!(item, Item::Text(_))) {
                        // `IN ($1, $2, ...)`: the values in one go (see `Template::fill`),
                        // then the placeholders.
                        let first = out.values.len();
                        let mut ok = true;
                        out.values.extend((0..len).map(|j| {
                            match src.bound_elem(*list, j, self.numbered) {
                                Some(v) => v,
                                None => {
                                    ok = false;
                                    Value::Bool(None)
                                }
                            }
                        }));
                        if !ok {
                            return None;
                        }
                        let sep_text = match sep {
                            [] => Some(""),
                            [Item::Text(r)] => Some(self.text(r)),
                            _ => None,
                        };
                        match sep_text {
                            Some(sep_text) => write_group(
                                &mut out.sql,
                                sep_text,
                                self.placeholder,
                                self.numbered,
                                first + 1,
                                len,
                            )?,
                            None => {
                                for j in 0..len {
                                    if j > 0 {
                                        for item in sep {
                                            if let Item::Text(r) = item {
                                                out.sql.push_str(self.text(r));
                                            }
                                        }
                                    }
                                    write_placeholder(
                                        &mut out.sql,
                                        self.placeholder,
                                        self.numbered,
                                        first + j + 1,
                                    );
                                }
                            }
                        }
                        continue;
                    }
                    for j in 0..len {
                        if j > 0 {
                            for item in sep {
                                match item {
                                    Item::Text(r) | Item::Inline { text: r, .. } => {
                                        out.sql.push_str(self.text(r));
                                    }
                                    Item::Param(slot) => out.param(self.slot_value(slot, src)?),
                                    Item::Group { .. } => return None,
                                }
                            }
                        }
                        out.param(src.bound_elem(*list, j, self.numbered)?);
                    }
                }
            }
        }
        Some((out.sql, out.values))
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

    #[inline]
    fn slot_value<S: Source + ?Sized>(&self, slot: &ItemSlot, src: &S) -> Option<Value> {
        match *slot {
            ItemSlot::Const(c) => self.consts.get(c as usize).cloned(),
            ItemSlot::Arg(s) => src.bound(s, self.numbered),
        }
    }

    /// Checks that the template renders exactly `rec` for the arguments in `src`.
    pub(crate) fn check(
        &self,
        src: &(impl Source + ?Sized),
        rec: &Recording,
        round: &'static str,
    ) -> Result<(), Uncacheable> {
        // Every miss checks three recordings: compare in place first, and render (to say
        // where and how they differ) only when they do.
        if self.matches(src, rec) {
            return Ok(());
        }
        let Some((sql, values)) = self.render(src) else {
            return Err(Uncacheable::TextDiffers {
                round,
                detail: "the arguments do not fit the learned layout".to_owned(),
            });
        };
        if sql != rec.sql {
            return Err(Uncacheable::TextDiffers {
                round,
                detail: first_difference(&sql, &rec.sql),
            });
        }
        if let Some(index) = (0..values.len().max(rec.params.len()))
            .find(|&i| values.get(i) != rec.params.get(i).map(|p| &p.value))
        {
            return Err(Uncacheable::ValueDiffers {
                round,
                index: index + 1,
                detail: format!(
                    "expected {:?}, the body bound {:?}",
                    values.get(index),
                    rec.params.get(index).map(|p| &p.value)
                ),
            });
        }
        Ok(())
    }

    /// Whether rendering the template for `src` gives exactly `rec`, text and values,
    /// compared piece by piece without rendering.
    fn matches(&self, src: &(impl Source + ?Sized), rec: &Recording) -> bool {
        let mut cursor = Cursor {
            rec,
            at: 0,
            param: 0,
        };
        let text_ok = |cursor: &mut Cursor<'_>, r: &Range<u32>| cursor.text(self.text(r));
        for item in &*self.items {
            let ok = match item {
                Item::Text(r) => text_ok(&mut cursor, r),
                Item::Param(slot) => self.param_matches(&mut cursor, slot, src),
                Item::Inline { value, .. } => {
                    self.param_matches(&mut cursor, &ItemSlot::Const(*value), src)
                }
                Item::Group { list, sep } => {
                    let len = src.len(*list);
                    if len == 0 || (len > 1 && sep.is_none()) {
                        return false;
                    }
                    (0..len).all(|j| {
                        (j == 0
                            || self.sep(sep).iter().all(|item| match item {
                                Item::Text(r) => text_ok(&mut cursor, r),
                                Item::Param(slot) => self.param_matches(&mut cursor, slot, src),
                                Item::Inline { value, .. } => {
                                    self.param_matches(&mut cursor, &ItemSlot::Const(*value), src)
                                }
                                Item::Group { .. } => false,
                            }))
                            && src
                                .elem(*list, j)
                                .is_some_and(|v| cursor.param(self.placeholder, self.numbered, &v))
                    })
                }
            };
            if !ok {
                return false;
            }
        }
        cursor.at == rec.sql.len() && cursor.param == rec.params.len()
    }

    fn param_matches(
        &self,
        cursor: &mut Cursor<'_>,
        slot: &ItemSlot,
        src: &(impl Source + ?Sized),
    ) -> bool {
        match *slot {
            ItemSlot::Const(c) => self
                .consts
                .get(c as usize)
                .is_some_and(|v| cursor.param(self.placeholder, self.numbered, v)),
            ItemSlot::Arg(s) => src
                .value(s)
                .is_some_and(|v| cursor.param(self.placeholder, self.numbered, &v)),
        }
    }

    /// Stores the fast path for the list lengths of `src` (the real call's arguments).
    pub(crate) fn with_fast_path(mut self, src: &(impl Source + ?Sized), rec: &Recording) -> Self {
        let mut lens: Vec<(u16, usize)> = Vec::new();
        for item in &*self.items {
            if let Item::Group { list, .. } = item
                && !lens.iter().any(|(l, _)| l == list)
            {
                lens.push((*list, src.len(*list)));
            }
        }
        let flat = self.flat_values(src);
        let values = flat.len();
        let (singles, runs) = runs(flat);
        let fast = FastValues {
            singles: singles.into_boxed_slice(),
            runs: runs.into_boxed_slice(),
            values,
        };
        self.fast_key = pack_lens(lens.iter().map(|&(_, len)| len));
        self.fast_lens = lens.into_boxed_slice();
        self.fast_sql = match self.has_inline() {
            // The text differs from the body's where a value was written into it.
            true => self
                .render(src)
                .map_or_else(|| Arc::from(""), |(sql, _)| Arc::from(sql)),
            false => Arc::from(rec.sql.as_str()),
        };
        self.fast = fast;
        self
    }

    /// Where each value of the call in `src` comes from, in order, for the lengths of its
    /// lists: the same for every call whose lists have those lengths (lengths the template
    /// renders: [`render`](Self::render) says which).
    fn flat_values<S: Source + ?Sized>(&self, src: &S) -> Vec<Single> {
        let mut flat: Vec<Single> = Vec::new();
        let param = |item: &Item, flat: &mut Vec<Single>| match item {
            Item::Param(ItemSlot::Const(c)) => {
                if let Some(v) = self.consts.get(*c as usize) {
                    flat.push(Single::constant(v));
                }
            }
            Item::Param(ItemSlot::Arg(s)) => flat.push(Single::Arg(*s)),
            Item::Text(_) | Item::Group { .. } | Item::Inline { .. } => {}
        };
        for item in &*self.items {
            match item {
                Item::Group { list, sep } => {
                    for j in 0..src.len(*list) {
                        if j > 0 {
                            for item in self.sep(sep) {
                                param(item, &mut flat);
                            }
                        }
                        flat.push(Single::Elem(*list, j));
                    }
                }
                item => param(item, &mut flat),
            }
        }
        flat
    }

    /// [`Binds`] of the call in `src` with its lists padded, if `pad`: where the values of
    /// every call of the same text come from. Only for a call whose text renders.
    #[cfg_attr(not(feature = "rusqlite"), allow(dead_code))]
    pub(crate) fn binds_for(&self, src: &dyn Source, pad: bool) -> Binds {
        let lists = self.padding(pad);
        let flat = match lists {
            0 => self.flat_values(src),
            lists => self.flat_values(&Padded { src, lists }),
        };
        Binds(
            flat.into_iter()
                .map(|single| match single {
                    Single::Scalar(c) => Bind::Const(c.value()),
                    Single::Const(v) => Bind::Const(v),
                    Single::Arg(s) => Bind::Arg(s),
                    // Padded or not, whichever call made these binds: a call of the same
                    // text may be padded when this one was not (padding switched on).
                    Single::Elem(l, j) if j > 0 && l < 64 && self.in_lists >> l & 1 == 1 => {
                        Bind::PaddedElem(l, j)
                    }
                    Single::Elem(l, j) => Bind::Elem(l, j),
                })
                .collect(),
        )
    }

    /// Approximate heap bytes this template holds.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.len()
            + std::mem::size_of_val(&*self.consts)
            + self.fast_sql.len()
            + std::mem::size_of_val(&*self.items)
            + std::mem::size_of_val(&*self.seps)
            + std::mem::size_of_val(&*self.fast.singles)
            + std::mem::size_of_val(&*self.fast.runs)
            + std::mem::size_of_val(&*self.fast_lens)
    }
}

impl Template {
    /// Whether a value is written into the text (`inline_limit`), so that the SQL differs
    /// from the body's own.
    pub(crate) fn has_inline(&self) -> bool {
        self.items
            .iter()
            .any(|item| matches!(item, Item::Inline { .. }))
    }

    /// `inline_limit`: writes the value of every parameter that directly follows `LIMIT ` or
    /// `OFFSET ` into the text, when it is a constant of the shape (a `#[shape]` argument or
    /// a constant in the body) and a non-negative integer. A value that comes from a bound
    /// argument is not in the key, so the shape is refused, naming the argument.
    pub(crate) fn inline_limits(mut self, names: Names<'_>) -> Result<Template, Uncacheable> {
        let mut text = String::from(std::mem::take(&mut self.text));
        let mut items = std::mem::take(&mut self.items).into_vec();
        for k in 1..items.len() {
            let (Item::Text(before), Item::Param(slot)) = (&items[k - 1], &items[k]) else {
                continue;
            };
            let before = &text[before.start as usize..before.end as usize];
            let Some(clause) = ["LIMIT", "OFFSET"].into_iter().find(|clause| {
                before
                    .strip_suffix(' ')
                    .and_then(|b| b.strip_suffix(clause))
                    .is_some_and(|b| b.is_empty() || b.ends_with([' ', ')', '\n']))
            }) else {
                continue;
            };
            match *slot {
                ItemSlot::Arg(s) => {
                    return Err(Uncacheable::LimitNotInKey {
                        clause,
                        argument: names
                            .sources
                            .get(usize::from(s))
                            .copied()
                            .unwrap_or("?")
                            .to_owned(),
                    });
                }
                ItemSlot::Const(c) => {
                    let Some(literal) = self.consts.get(c as usize).and_then(integer_literal)
                    else {
                        continue;
                    };
                    let start = text.len() as u32;
                    text.push_str(&literal);
                    items[k] = Item::Inline {
                        text: start..text.len() as u32,
                        value: c,
                    };
                }
            }
        }
        self.text = text.into_boxed_str();
        self.items = items.into_boxed_slice();
        Ok(self)
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

/// A constant as a SQL integer literal: non-negative integers up to `i64::MAX` only (a
/// `LIMIT` of any other value stays bound).
fn integer_literal(value: &Value) -> Option<String> {
    let n: i128 = match *value {
        Value::TinyInt(Some(v)) => v.into(),
        Value::SmallInt(Some(v)) => v.into(),
        Value::Int(Some(v)) => v.into(),
        Value::BigInt(Some(v)) => v.into(),
        Value::TinyUnsigned(Some(v)) => v.into(),
        Value::SmallUnsigned(Some(v)) => v.into(),
        Value::Unsigned(Some(v)) => v.into(),
        Value::BigUnsigned(Some(v)) => v.into(),
        _ => return None,
    };
    (0..=i128::from(i64::MAX))
        .contains(&n)
        .then(|| n.to_string())
}

/// Writes the placeholders of an `IN` group of `len` elements, numbered from `first` when
/// `numbered`, separated by `sep`: `$7, $8, $9`. When the pieces are short ASCII (always, for
/// sea-query) the text goes through a small byte buffer into `sql` a chunk at a time:
/// `String::push_str` per placeholder and separator calls `memcpy` each time, which was most
/// of the time of a long list. `None` only if a chunk were not UTF-8, which ASCII rules out.
fn write_group(
    sql: &mut String,
    sep: &str,
    placeholder: &str,
    numbered: bool,
    first: usize,
    len: usize,
) -> Option<()> {
    const CHUNK: usize = 512;
    let widest = sep.len() + placeholder.len() + 20;
    if widest > CHUNK / 2 || !sep.is_ascii() || !placeholder.is_ascii() {
        for j in 0..len {
            if j > 0 {
                sql.push_str(sep);
            }
            write_placeholder(sql, placeholder, numbered, first + j);
        }
        return Some(());
    }
    let (sep, placeholder) = (sep.as_bytes(), placeholder.as_bytes());
    let mut buf = [0u8; CHUNK];
    let mut at = 0;
    let mut number = Counter::new(first);
    for j in 0..len {
        if at + widest > CHUNK {
            sql.push_str(std::str::from_utf8(&buf[..at]).ok()?);
            at = 0;
        }
        if j > 0 {
            for &byte in sep {
                buf[at] = byte;
                at += 1;
            }
        }
        for &byte in placeholder {
            buf[at] = byte;
            at += 1;
        }
        if numbered {
            for &digit in number.digits() {
                buf[at] = digit;
                at += 1;
            }
            number.increment();
        }
    }
    sql.push_str(std::str::from_utf8(&buf[..at]).ok()?);
    Some(())
}

/// A position in a recording, for [`Template::matches`].
struct Cursor<'r> {
    rec: &'r Recording,
    /// Bytes of `rec.sql` matched so far.
    at: usize,
    /// Parameters of `rec` matched so far.
    param: usize,
}

impl Cursor<'_> {
    /// Matches literal `text` at the cursor.
    fn text(&mut self, text: &str) -> bool {
        let end = self.at + text.len();
        let ok = self.rec.sql.get(self.at..end) == Some(text);
        self.at = end;
        ok
    }

    /// Matches the next parameter: its placeholder (`placeholder` and, when `numbered`, its
    /// 1-based number) at the cursor, and its value.
    fn param(&mut self, placeholder: &str, numbered: bool, value: &Value) -> bool {
        let Some(param) = self.rec.params.get(self.param) else {
            return false;
        };
        let Some(written) = self.rec.sql.get(param.start..param.end) else {
            return false;
        };
        if param.start != self.at {
            return false;
        }
        self.param += 1;
        self.at = param.end;
        let placeholder_ok = match written.strip_prefix(placeholder) {
            Some(digits) if numbered => {
                !digits.starts_with('0')
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && digits.parse::<usize>().ok() == Some(self.param)
            }
            Some(rest) => rest.is_empty(),
            None => false,
        };
        placeholder_ok && param.value == *value
    }
}

/// A decimal number kept as ASCII digits, for the consecutive placeholder numbers of an
/// `IN` group: incrementing touches the last digit or two instead of dividing by ten for
/// every digit of every number.
struct Counter {
    digits: [u8; 20],
    start: usize,
}

impl Counter {
    fn new(mut n: usize) -> Counter {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Counter { digits, start }
    }

    #[inline]
    fn increment(&mut self) {
        let mut i = self.digits.len();
        while i > 0 {
            i -= 1;
            if self.digits[i] == b'9' {
                self.digits[i] = b'0';
            } else {
                self.digits[i] += 1;
                self.start = self.start.min(i);
                return;
            }
        }
    }

    #[inline]
    fn digits(&self) -> &[u8] {
        &self.digits[self.start..]
    }
}

struct Render {
    sql: String,
    values: Vec<Value>,
    placeholder: &'static str,
    numbered: bool,
}

impl Render {
    #[inline]
    fn param(&mut self, value: Value) {
        self.values.push(value);
        write_placeholder(
            &mut self.sql,
            self.placeholder,
            self.numbered,
            self.values.len(),
        );
    }
}

/// A parameter is a slot of its own (`Ok`) or element `.1` of list `.0` (`Err`).
fn classify<'r>(
    rec: &'r Recording,
    i: usize,
    sentinels: &SentinelTable,
) -> Result<Tok<'r>, (u16, usize)> {
    let value = &rec.params[i].value;
    match sentinels.get(value) {
        None => Ok(Tok::Param(Slot::Const(value.clone()))),
        Some(Origin::Arg(s)) => Ok(Tok::Param(Slot::Arg(s))),
        Some(Origin::Elem(l, j)) => Err((l, j)),
    }
}

fn push_text<'r>(toks: &mut Vec<Tok<'r>>, text: &'r str) {
    if !text.is_empty() {
        toks.push(Tok::Text(text));
    }
}

/// Splits a probe recording into text, constant and argument slots, and list groups.
fn tokenize<'r>(
    rec: &'r Recording,
    sentinels: &SentinelTable,
    lens: &[usize],
    names: Names<'_>,
) -> Result<Vec<Tok<'r>>, Uncacheable> {
    let n = rec.params.len();
    let mut toks = Vec::with_capacity(2 * rec.params.len() + 1);
    push_text(&mut toks, rec.literal(0));
    let mut i = 0;
    while i < n {
        match classify(rec, i, sentinels) {
            Ok(tok) => toks.push(tok),
            Err((list, 0)) => {
                let len = lens.get(usize::from(list)).copied().unwrap_or(0);
                let mut sep: Option<Vec<Tok<'_>>> = None;
                for j in 1..len {
                    // Everything up to the next list element is the separator.
                    let mut between = Vec::new();
                    let mut k = i + 1;
                    push_text(&mut between, rec.literal(k));
                    loop {
                        if k >= n {
                            return Err(Uncacheable::ListLayout {
                                list: names.list(list).to_owned(),
                            });
                        }
                        match classify(rec, k, sentinels) {
                            Ok(tok) => between.push(tok),
                            Err((l, e)) if l == list && e == j => break,
                            Err(_) => {
                                return Err(Uncacheable::ListLayout {
                                    list: names.list(list).to_owned(),
                                });
                            }
                        }
                        k += 1;
                        push_text(&mut between, rec.literal(k));
                    }
                    match &sep {
                        Some(prev) if *prev != between => {
                            return Err(Uncacheable::ListLayout {
                                list: names.list(list).to_owned(),
                            });
                        }
                        Some(_) => {}
                        None => sep = Some(between),
                    }
                    i = k;
                }
                toks.push(Tok::Group { list, sep });
            }
            Err((list, _)) => {
                return Err(Uncacheable::ListLayout {
                    list: names.list(list).to_owned(),
                });
            }
        }
        i += 1;
        push_text(&mut toks, rec.literal(i));
    }
    Ok(toks)
}

fn compile(toks: &[Tok<'_>], (placeholder, numbered): (&'static str, bool)) -> Template {
    let mut text = String::with_capacity(
        toks.iter()
            .map(|tok| match tok {
                Tok::Text(t) => t.len(),
                _ => 0,
            })
            .sum::<usize>()
            + 16,
    );
    let mut seps = Vec::new();
    let intern = |t: &str, text: &mut String| {
        let start = text.len() as u32;
        text.push_str(t);
        start..text.len() as u32
    };
    let mut consts: Vec<Value> = Vec::new();
    let mut param = |slot: &Slot| match slot {
        Slot::Const(v) => {
            consts.push(v.clone());
            Item::Param(ItemSlot::Const(consts.len() as u32 - 1))
        }
        Slot::Arg(s) => Item::Param(ItemSlot::Arg(*s)),
    };
    let mut items = Vec::with_capacity(toks.len());
    for tok in toks {
        items.push(match tok {
            Tok::Text(t) => Item::Text(intern(t, &mut text)),
            Tok::Param(slot) => param(slot),
            Tok::Group { list, sep } => {
                let sep = sep.as_ref().map(|sep| {
                    let start = seps.len() as u32;
                    for tok in sep {
                        seps.push(match tok {
                            Tok::Text(t) => Item::Text(intern(t, &mut text)),
                            Tok::Param(slot) => param(slot),
                            Tok::Group { .. } => unreachable_group(),
                        });
                    }
                    start..seps.len() as u32
                });
                Item::Group { list: *list, sep }
            }
        });
    }
    let in_lists = in_lists(&items, &seps, &text);
    Template {
        in_lists,
        text: text.into_boxed_str(),
        consts: consts.into_boxed_slice(),
        items: items.into_boxed_slice(),
        seps: seps.into_boxed_slice(),
        placeholder,
        numbered,
        fast_lens: Box::new([]),
        fast_key: None,
        fast_sql: Arc::from(""),
        fast: FastValues::default(),
    }
}

/// The lists whose every group is a whole `IN (...)` list of placeholders: text ending in
/// `IN (` before it, text starting with `)` after it, and only text between elements.
fn in_lists(items: &[Item], seps: &[Item], text: &str) -> u64 {
    let text_of = |item: Option<&Item>| match item {
        Some(Item::Text(r)) => text.get(r.start as usize..r.end as usize),
        _ => None,
    };
    let (mut inside, mut elsewhere) = (0u64, 0u64);
    for (i, item) in items.iter().enumerate() {
        let Item::Group { list, sep } = item else {
            continue;
        };
        let Some(bit) = 1u64.checked_shl(u32::from(*list)) else {
            continue;
        };
        let sep_is_text = sep.as_ref().is_none_or(|r| {
            seps.get(r.start as usize..r.end as usize)
                .is_some_and(|sep| sep.iter().all(|item| matches!(item, Item::Text(_))))
        });
        let before = i.checked_sub(1).and_then(|b| text_of(items.get(b)));
        let after = text_of(items.get(i + 1));
        let is_in = before.is_some_and(|t| t.ends_with(" IN ("))
            && after.is_some_and(|t| t.starts_with(')'))
            && sep_is_text;
        if is_in {
            inside |= bit;
        } else {
            elsewhere |= bit;
        }
    }
    inside & !elsewhere
}

/// Separators are built only from text and slots by [`tokenize`]; a group never nests.
#[cold]
fn unreachable_group() -> Item {
    Item::Text(0..0)
}

fn first_difference(ours: &str, theirs: &str) -> String {
    let at = ours
        .char_indices()
        .zip(theirs.chars())
        .find(|((_, a), b)| a != b)
        .map_or(ours.len().min(theirs.len()), |((i, _), _)| i);
    let snippet = |s: &str| {
        let start = s.floor_char_boundary(at.saturating_sub(20));
        let end = s.ceil_char_boundary((at + 40).min(s.len()));
        s.get(start..end).unwrap_or_default().to_owned()
    };
    let mut detail = String::new();
    let _ = write!(
        detail,
        "at byte {at}: template gives {:?}, the body gives {:?}",
        snippet(ours),
        snippet(theirs)
    );
    detail
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{Backend, BackendId};
    use sea_query::{
        Alias, Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, SelectStatement,
    };

    /// Arguments by index: one scalar source and one list.
    struct Fake {
        scalar: Option<Value>,
        list: Vec<Value>,
    }

    impl Source for Fake {
        fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
            (source == 0)
                .then_some(self.scalar.as_ref()?)
                .map(ValueRef::Const)
        }
        fn len(&self, list: u16) -> usize {
            if list == 0 { self.list.len() } else { 0 }
        }
        fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
            (list == 0)
                .then_some(self.list.get(index)?)
                .map(ValueRef::Const)
        }
    }

    const NAMES: Names<'static> = Names {
        sources: &["author"],
        lists: &["ids"],
    };

    /// `author = ? AND score > 10 AND id IN (...) LIMIT 5`, built by sea-query.
    fn statement(args: &Fake) -> SelectStatement {
        let mut q = Query::select();
        q.column(Alias::new("id"))
            .from(Alias::new("post"))
            .and_where(
                Expr::col(Alias::new("author")).eq(args.scalar.clone().unwrap_or(Value::Int(None))),
            )
            .and_where(Expr::col(Alias::new("score")).gt(10))
            .and_where(Expr::col(Alias::new("id")).is_in(args.list.clone()))
            .limit(5);
        q
    }

    fn fake(scalar: i64, list: impl IntoIterator<Item = i64>) -> Fake {
        Fake {
            scalar: Some(Value::from(scalar)),
            list: list.into_iter().map(Value::from).collect(),
        }
    }

    fn learn<B: Backend>(probe: &Fake) -> Result<Template, Uncacheable> {
        let rec = Recording::of::<_, B>(&statement(probe));
        let table = SentinelTable::read(probe, 1, 1, NAMES)?;
        let template = Template::learn(
            &rec,
            &table,
            &[probe.list.len()],
            NAMES,
            B::ID.placeholder(),
        )?;
        Ok(template.with_fast_path(probe, &rec))
    }

    #[test]
    fn fills_other_lengths_and_renumbers_postgres_placeholders() {
        let template = learn::<PostgresQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        // 200 and 1000 elements write more than one chunk of placeholders (`write_group`).
        for len in [1, 2, 3, 7, 64, 200, 1000] {
            let args = fake(-5, (0..len).map(|i| i * 3));
            let (sql, values): (String, Vec<Value>) = template.fill(&args).unwrap();
            let expected = statement(&args).build(PostgresQueryBuilder);
            assert_eq!(sql, expected.0, "length {len}");
            assert_eq!(values, expected.1.0, "length {len}");
        }
        let (sql, _): (String, _) = template.fill(&fake(0, 0..3)).unwrap();
        assert!(sql.ends_with(r#""id" IN ($3, $4, $5) LIMIT $6"#), "{sql}");
    }

    #[test]
    fn visiting_binds_gives_the_values_and_text_fill_gives() {
        // Stored with 2 and with 12 elements (a `Singles` and an `Elems` fast path); called
        // with those lengths (fast) and others (rendered), padded and not.
        for stored in [2, 12] {
            let template = learn::<PostgresQueryBuilder>(&fake(1001, 2001..2001 + stored)).unwrap();
            for len in [1, 2, 3, 5, 12, 13] {
                for pad in [false, true] {
                    let call = fake(-5, (0..len).map(|i| i * 3));
                    let src: &dyn Source = &call;
                    let (sql, values): (String, Vec<Value>) = if pad {
                        template.fill_padded(&call).unwrap()
                    } else {
                        template.fill(&call).unwrap()
                    };
                    let key = template.text_key(src, pad).unwrap();
                    let fast = template.fast_text(key);
                    // Binds are made once per text, from the first call of it: another
                    // call with lists of the same length, or padded the same (the longest).
                    let first_len = if pad {
                        (len as u64).next_power_of_two() as i64
                    } else {
                        len
                    };
                    let first = fake(77, (0..first_len).map(|i| 1000 - i));
                    let read = |binds: Binds| -> Option<Vec<Value>> {
                        let values = binds.as_slice().iter();
                        values
                            .map(|b| b.read(src).map(ValueRef::into_owned))
                            .collect()
                    };
                    let case = format!("stored {stored}, length {len}, pad {pad}");
                    let seen = read(template.binds_for(&first, pad));
                    assert_eq!(seen.as_ref(), Some(&values), "{case}");
                    // Binds made by an unpadded call of the same text serve a padded call
                    // (padding switched on meanwhile).
                    let seen = read(template.binds_for(&first, false));
                    assert_eq!(seen, Some(values), "{case}");
                    let text = fast
                        .map_or_else(|| template.render_text(src, pad), |t| Some(t.to_string()));
                    assert_eq!(text.as_deref(), Some(sql.as_str()), "{case}");
                    // The id's lengths are those of the text: padded lengths share one.
                    let padded = if pad {
                        (len as u64).next_power_of_two()
                    } else {
                        len as u64
                    };
                    assert_eq!(template.text_key(src, pad), Some(padded), "{case}");
                }
            }
            // A missing argument reads as `None` (a correct key rules it out).
            let missing = Fake {
                scalar: None,
                list: vec![Value::from(1)],
            };
            let binds = template.binds_for(&fake(0, 0..1), false);
            assert!(
                binds
                    .as_slice()
                    .iter()
                    .any(|bind| bind.read(&missing).is_none())
            );
        }
    }

    #[test]
    fn long_lists_fill_on_the_fast_path() {
        // Stored with 12 elements: one `Elems` run on the fast path.
        let stored = fake(1001, 2001..2013);
        let template = learn::<PostgresQueryBuilder>(&stored).unwrap();
        let args = fake(-1, (0..12).map(|i| i * 5));
        let (shared, values): (Arc<str>, Vec<Value>) = template.fill(&args).unwrap();
        let expected = statement(&args).build(PostgresQueryBuilder);
        assert_eq!((&*shared, values), (expected.0.as_str(), expected.1.0));
        let (again, _): (Arc<str>, _) = template.fill(&fake(3, 0..12)).unwrap();
        assert!(Arc::ptr_eq(&shared, &again), "same length: the stored SQL");
        for len in [1, 11, 13, 40] {
            let args = fake(7, 0..len);
            let (sql, values): (String, Vec<Value>) = template.fill(&args).unwrap();
            assert_eq!(
                (sql, Values(values)),
                statement(&args).build(PostgresQueryBuilder)
            );
        }
    }

    #[test]
    fn matching_in_place_agrees_with_rendering() {
        let template = learn::<PostgresQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        for len in [1, 2, 5] {
            let args = fake(4, (0..len).map(|i| i + 10));
            let rec = Recording::of::<_, PostgresQueryBuilder>(&statement(&args));
            assert!(template.matches(&args, &rec), "length {len}");
            // Another value for the same text, or other text: no match.
            assert!(!template.matches(&fake(5, (0..len).map(|i| i + 10)), &rec));
            assert!(!template.matches(&fake(4, (0..len + 1).map(|i| i + 10)), &rec));
        }
        let mysql = learn::<MysqlQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        let args = fake(4, [7, 8, 9]);
        assert!(mysql.matches(
            &args,
            &Recording::of::<_, MysqlQueryBuilder>(&statement(&args))
        ));
        assert!(!mysql.matches(
            &args,
            &Recording::of::<_, PostgresQueryBuilder>(&statement(&args))
        ));
    }

    #[test]
    fn question_mark_backends_fill_too() {
        let template = learn::<MysqlQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        let args = fake(9, [4, 5, 6, 7]);
        let (sql, values): (String, Vec<Value>) = template.fill(&args).unwrap();
        assert_eq!(
            (sql, Values(values)),
            statement(&args).build(MysqlQueryBuilder)
        );
    }

    #[test]
    fn same_lengths_share_the_stored_sql() {
        let template = learn::<PostgresQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        let (a, _): (Arc<str>, _) = template.fill(&fake(1, [1, 2])).unwrap();
        let (b, _): (Arc<str>, _) = template.fill(&fake(2, [3, 4])).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let (c, _): (Arc<str>, _) = template.fill(&fake(2, [3, 4, 5])).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[test]
    fn constants_are_kept_and_missing_values_refuse() {
        let template = learn::<PostgresQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        let args = Fake {
            scalar: None,
            list: vec![Value::from(1)],
        };
        assert!(template.fill::<String>(&args).is_none());
        let (_, values): (String, Vec<Value>) = template.fill(&fake(3, [8])).unwrap();
        assert_eq!(
            values[1],
            Value::from(10),
            "the constant 10 is a slot of its own"
        );
        assert_eq!(values[3], Value::from(5u64), "LIMIT is bound");
    }

    #[test]
    fn check_reports_where_texts_differ() {
        let template = learn::<PostgresQueryBuilder>(&fake(1001, [2001, 2002])).unwrap();
        let other = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("post"))
            .and_where(Expr::col(Alias::new("author")).eq(1))
            .to_owned();
        let rec = Recording::of::<_, PostgresQueryBuilder>(&other);
        let err = template
            .check(&fake(1, [1]), &rec, "real call")
            .unwrap_err();
        assert!(
            matches!(
                err,
                Uncacheable::TextDiffers {
                    round: "real call",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn an_element_used_alone_is_not_a_group() {
        let probe = fake(1001, [2001, 2002]);
        let q = Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("post"))
            .and_where(Expr::col(Alias::new("id")).eq(probe.list[1].clone()))
            .to_owned();
        let rec = Recording::of::<_, PostgresQueryBuilder>(&q);
        let table = SentinelTable::read(&probe, 1, 1, NAMES).unwrap();
        let err = Template::learn(&rec, &table, &[2], NAMES, BackendId::Postgres.placeholder())
            .unwrap_err();
        assert_eq!(err, Uncacheable::ListLayout { list: "ids".into() });
    }

    #[test]
    fn colliding_sentinels_are_refused() {
        let err = SentinelTable::read(&fake(7, [1, 7]), 1, 1, NAMES).unwrap_err();
        assert_eq!(
            err,
            Uncacheable::SentinelCollision {
                first: "`author`".into(),
                second: "`ids[1]`".into()
            }
        );
    }

    #[test]
    fn inline_limits_write_constants_and_close_up_postgres_numbers() {
        let probe = fake(1001, [2001, 2002]);
        let rec = Recording::of::<_, PostgresQueryBuilder>(&statement(&probe));
        let table = SentinelTable::read(&probe, 1, 1, NAMES).unwrap();
        let placeholder = BackendId::Postgres.placeholder();
        let template = Template::learn(&rec, &table, &[2], NAMES, placeholder)
            .unwrap()
            .inline_limits(NAMES)
            .unwrap()
            .with_fast_path(&probe, &rec);
        assert!(template.has_inline());
        for len in [1, 2, 5] {
            let args = fake(-3, (0..len).map(|i| i * 2));
            let (sql, values): (String, Vec<Value>) = template.fill(&args).unwrap();
            let (bound, mut expected) = statement(&args).build(PostgresQueryBuilder);
            let limit = format!("LIMIT ${}", len + 3);
            assert!(bound.ends_with(&limit), "{bound}");
            assert_eq!(sql, bound.replace(&limit, "LIMIT 5"), "length {len}");
            assert_eq!(expected.0.pop(), Some(Value::from(5u64)));
            assert_eq!(values, expected.0);
            // Compared with the body's own recording, the literal stands for its parameter.
            let rec = Recording::of::<_, PostgresQueryBuilder>(&statement(&args));
            assert!(template.matches(&args, &rec), "length {len}");
            template.check(&args, &rec, "real call").unwrap();
        }
    }

    #[test]
    fn inline_limits_refuse_a_bound_limit() {
        let limited = |args: &Fake| {
            let limit = match args.scalar {
                Some(Value::BigUnsigned(Some(n))) => n,
                _ => 0,
            };
            Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("post"))
                .limit(limit)
                .to_owned()
        };
        let probe = Fake {
            scalar: Some(Value::from(1001u64)),
            list: Vec::new(),
        };
        let rec = Recording::of::<_, MysqlQueryBuilder>(&limited(&probe));
        let table = SentinelTable::read(&probe, 1, 1, NAMES).unwrap();
        let template =
            Template::learn(&rec, &table, &[0], NAMES, BackendId::MySql.placeholder()).unwrap();
        assert_eq!(
            template.inline_limits(NAMES).unwrap_err(),
            Uncacheable::LimitNotInKey {
                clause: "LIMIT",
                argument: "author".into()
            }
        );
    }

    #[test]
    fn only_non_negative_integers_become_literals() {
        assert_eq!(integer_literal(&Value::from(7u64)).as_deref(), Some("7"));
        assert_eq!(integer_literal(&Value::from(0i32)).as_deref(), Some("0"));
        assert_eq!(integer_literal(&Value::from(-1i64)), None);
        assert_eq!(integer_literal(&Value::from(u64::MAX)), None);
        assert_eq!(integer_literal(&Value::from("7")), None);
        assert_eq!(integer_literal(&Value::BigUnsigned(None)), None);
    }

    #[test]
    fn difference_snippets_respect_char_boundaries() {
        let d = first_difference("SELECT 'ünï' = 1", "SELECT 'ünï' = 2");
        assert!(d.starts_with("at byte 17:"), "{d}");
    }
}
