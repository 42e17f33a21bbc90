//! Checking a template against a recording of the body: in place, piece by piece, and
//! rendered (to say where they differ) only when they do not match.

use std::fmt::Write as _;

use super::walk::Visit;
use super::{Origin, Source, Template};
use crate::error::Uncacheable;
use crate::record::Recording;
use crate::value_ref::ValueRef;

impl Template {
    /// Checks that the template renders exactly `rec` for the arguments in `src`.
    pub(crate) fn check<S: Source + ?Sized>(
        &self,
        src: &S,
        rec: &Recording,
        round: &'static str,
    ) -> Result<(), Uncacheable> {
        // Every miss checks three recordings: compare in place first, and render (to say
        // where and how they differ) only when they do.
        if self.matches(src, rec) {
            return Ok(());
        }
        let Some((sql, values)) = self.render(src.as_dyn()) else {
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
    pub(super) fn matches<S: Source + ?Sized>(&self, src: &S, rec: &Recording) -> bool {
        let mut cursor = Cursor {
            template: self,
            src,
            rec,
            at: 0,
            param: 0,
        };
        self.walk(&|list| src.len(list), &mut cursor).is_some()
            && cursor.at == rec.sql.len()
            && cursor.param == rec.params.len()
    }
}

/// A position in a recording, for [`Template::matches`].
struct Cursor<'t, 's, 'r, S: ?Sized> {
    template: &'t Template,
    src: &'s S,
    rec: &'r Recording,
    /// Bytes of `rec.sql` matched so far.
    at: usize,
    /// Parameters of `rec` matched so far.
    param: usize,
}

impl<S: Source + ?Sized> Visit<'_> for Cursor<'_, '_, '_, S> {
    /// Matches literal `text` at the cursor.
    fn text(&mut self, text: &str) -> Option<()> {
        let end = self.at + text.len();
        let ok = self.rec.sql.get(self.at..end) == Some(text);
        self.at = end;
        ok.then_some(())
    }

    /// Matches the next parameter: its placeholder (and, when numbered, its 1-based number)
    /// at the cursor, and its value.
    fn param(&mut self, origin: Origin) -> Option<()> {
        let value = self.template.read(origin, self.src)?;
        self.next_param(&value).then_some(())
    }

    /// The literal stands for the parameter the body binds.
    fn inline(&mut self, _: &str, value: Origin) -> Option<()> {
        self.param(value)
    }
}

impl<S: ?Sized> Cursor<'_, '_, '_, S> {
    fn next_param(&mut self, value: &ValueRef<'_>) -> bool {
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
        let placeholder_ok = match written.strip_prefix(self.template.placeholder) {
            Some(digits) if self.template.numbered => {
                !digits.starts_with('0')
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && digits.parse::<usize>().ok() == Some(self.param)
            }
            Some(rest) => rest.is_empty(),
            None => false,
        };
        placeholder_ok && value.is(&param.value)
    }
}

/// Where two texts first differ, with a little of each around it.
pub(super) fn first_difference(ours: &str, theirs: &str) -> String {
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
