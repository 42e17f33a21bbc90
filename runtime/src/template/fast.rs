//! The fast path of a hit: when every list has the length the template was stored with, the
//! text is the stored one and the values are read, in placeholder order, from a flat list of
//! origins stored with it.

use std::sync::Arc;

use sea_query::Value;

use super::source::Padded;
use super::walk::Visit;
use super::{Item, Origin, Source, SqlText, Template, pack_lens};
use crate::record::Recording;

/// The fast path's values ([`Template::fill`]): where each comes from, in placeholder
/// order, grouped into runs.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct FastValues {
    pub(super) origins: Box<[Origin]>,
    pub(super) runs: Box<[Run]>,
    /// The number of values.
    pub(super) values: usize,
    /// Values read as their source and then converted (`Origin::Wide`): the position of
    /// each among the values, and the conversion. Empty for most templates.
    pub(super) wide: Box<[(usize, u16)]>,
}

/// A run of fast-path values.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Run {
    /// `FastValues::origins[start..end]`.
    Origins { start: usize, end: usize },
    /// Elements `start..end` of list `list`, in order (an `IN (...)` group).
    Elems { list: u16, start: u32, end: u32 },
}

/// The shortest list run worth an `Elems` run of its own.
const MIN_ELEMS_RUN: usize = 4;

impl FastValues {
    /// Groups `flat` into runs: consecutive elements of one list (at least
    /// [`MIN_ELEMS_RUN`]) become an `Elems` run, everything else `Origins`.
    fn new(flat: &[Origin]) -> FastValues {
        let mut wide = Vec::new();
        let flat: Vec<Origin> = flat
            .iter()
            .enumerate()
            .map(|(at, origin)| match *origin {
                Origin::Wide { source, kind } => {
                    wide.push((at, kind));
                    Origin::Arg(source)
                }
                other => other,
            })
            .collect();
        let flat = flat.as_slice();
        let mut origins = Vec::with_capacity(flat.len());
        let mut runs = Vec::new();
        let mut i = 0;
        while i < flat.len() {
            if let Origin::Elem { list, index } = flat[i] {
                let len = flat[i..]
                    .iter()
                    .zip(index..)
                    .take_while(|&(o, index)| *o == Origin::Elem { list, index })
                    .count();
                if len >= MIN_ELEMS_RUN {
                    let end = index + len as u32;
                    runs.push(Run::Elems {
                        list,
                        start: index,
                        end,
                    });
                    i += len;
                    continue;
                }
            }
            origins.push(flat[i]);
            match runs.last_mut() {
                Some(Run::Origins { end, .. }) if *end == origins.len() - 1 => *end += 1,
                _ => runs.push(Run::Origins {
                    start: origins.len() - 1,
                    end: origins.len(),
                }),
            }
            i += 1;
        }
        FastValues {
            origins: origins.into_boxed_slice(),
            runs: runs.into_boxed_slice(),
            values: flat.len(),
            wide: wide.into_boxed_slice(),
        }
    }
}

impl Template {
    /// Renders the template for the arguments in `src`: the SQL text and the values, or
    /// `None` if the arguments do not fit the template (which a correct key rules out).
    ///
    /// Compiled once: the arguments are a trait object, and at the fast path's list lengths
    /// one virtual call ([`Source::fast_values`]) reads every value with the query
    /// function's own code.
    pub(crate) fn fill<T: SqlText>(&self, src: &dyn Source) -> Option<(T, Vec<Value>)> {
        if !self.is_fast(src) {
            let (sql, values) = self.render(src)?;
            return Some((T::owned(sql), values));
        }
        let values = src.fast_values(self)?;
        Some((T::shared(&self.fast_sql), values))
    }

    /// The values of the fast path for the call in `src`: the code of a hit that is
    /// compiled for each query function (see [`Source::fast_values`]), reading its
    /// arguments without a virtual call.
    #[inline]
    pub(crate) fn fast_values_of<S: Source + ?Sized>(&self, src: &S) -> Option<Vec<Value>> {
        let mut values = Vec::with_capacity(self.fast.values);
        let mut ok = true;
        for run in &*self.fast.runs {
            ok &= match *run {
                Run::Origins { start, end } => {
                    let origins = self.fast.origins.get(start..end)?;
                    self.extend_values(&mut values, origins.iter().copied(), src)
                }
                Run::Elems { list, start, end } => {
                    let elems = (start..end).map(|index| Origin::Elem { list, index });
                    self.extend_values(&mut values, elems, src)
                }
            };
        }
        if !self.fast.wide.is_empty() {
            ok &= self.convert(&mut values);
        }
        ok.then_some(values)
    }

    /// Converts the values of `FastValues::wide`, read as their sources, as the body did.
    #[inline(never)]
    #[cold]
    fn convert(&self, values: &mut [Value]) -> bool {
        let mut ok = true;
        for &(at, kind) in &*self.fast.wide {
            match values.get_mut(at) {
                Some(value) => match crate::value_ref::widen::value(value, kind) {
                    Some(wide) => *value = wide,
                    None => ok = false,
                },
                None => ok = false,
            }
        }
        ok
    }

    /// Like [`fill`](Self::fill), with every `IN (...)` list padded to the next power of
    /// two (up to [`MAX_PADDED_LEN`](super::source::MAX_PADDED_LEN)) by repeating its last element:
    /// the same rows, and at most one SQL text per power of two.
    pub(crate) fn fill_padded<T: SqlText>(&self, src: &dyn Source) -> Option<(T, Vec<Value>)> {
        if self.in_lists == 0 {
            return self.fill(src);
        }
        self.fill(&Padded {
            src,
            lists: self.in_lists,
        })
    }

    /// Appends the values of `origins` for the call in `src` to `values`; `false` if one is
    /// missing (which a correct key rules out: the call then takes the uncached path).
    ///
    /// The values go in with one `extend` over an exact-size iterator, never a `push` per
    /// value: `extend` reserves first, so the compiler builds each value where it belongs.
    /// With `push`, which may reallocate, every value was built in a temporary and copied,
    /// and that copy reloaded with wide loads the bytes just stored in narrow pieces: a
    /// store-forwarding stall per value, which cost as much as the rest of a hit together.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn extend_values<S: Source + ?Sized>(
        &self,
        values: &mut Vec<Value>,
        origins: impl Iterator<Item = Origin>,
        src: &S,
    ) -> bool {
        let mut ok = true;
        values.extend(origins.map(|origin| match self.value(origin, src) {
            Some(value) => value,
            None => {
                ok = false;
                Value::Bool(None)
            }
        }));
        ok
    }

    #[inline]
    fn is_fast(&self, src: &dyn Source) -> bool {
        self.fast_lens.iter().all(|&(l, len)| src.len(l) == len)
    }

    /// Stores the fast path for the list lengths of `src` (the real call's arguments).
    pub(crate) fn with_fast_path<S: Source + ?Sized>(mut self, src: &S, rec: &Recording) -> Self {
        let mut lens: Vec<(u16, usize)> = Vec::new();
        for item in &*self.items {
            if let Item::Group { list, .. } = *item
                && !lens.iter().any(|&(l, _)| l == list)
            {
                lens.push((list, src.len(list)));
            }
        }
        self.fast_key = pack_lens(lens.iter().map(|&(_, len)| len));
        self.fast_lens = lens.into_boxed_slice();
        let Some(binds) = self.binds_for(src, false) else {
            // `check` rendered these lengths, so they fit; were they not to, no call would
            // take the fast path.
            self.fast_lens
                .iter_mut()
                .for_each(|(_, len)| *len = usize::MAX);
            self.fast_key = None;
            return self;
        };
        self.fast = FastValues::new(binds.as_slice());
        self.fast_sql = match self.has_inline() {
            // The text differs from the body's where a value was written into it.
            true => Arc::from(self.render_text(src, false).unwrap_or_default()),
            false => Arc::from(rec.sql.as_str()),
        };
        self
    }

    /// Where each value of the call in `src` comes from, in placeholder order; `None` if
    /// its lengths do not fit the template.
    pub(super) fn origins<S: Source + ?Sized>(&self, src: &S) -> Option<Vec<Origin>> {
        let mut flat = Flat(Vec::new());
        self.walk(&|list| src.len(list), &mut flat)?;
        Some(flat.0)
    }
}

/// The origins of a call's values, in placeholder order.
struct Flat(Vec<Origin>);

impl<'t> Visit<'t> for Flat {
    fn text(&mut self, _: &'t str) -> Option<()> {
        Some(())
    }

    fn param(&mut self, origin: Origin) -> Option<()> {
        self.0.push(origin);
        Some(())
    }

    /// Written into the text: no value.
    fn inline(&mut self, _: &'t str, _: Origin) -> Option<()> {
        Some(())
    }
}
