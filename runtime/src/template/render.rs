//! Rendering a template item by item, for a call whose lists do not have the lengths of the
//! fast path: the text between placeholders is copied, each group gets its placeholders,
//! and Postgres numbers after a group are rewritten.

use sea_query::Value;

use super::walk::{Group, Visit};
use super::{Origin, Source, Template};
use crate::record::write_placeholder;

impl Template {
    /// Renders text and values for the arguments in `src`; `None` if they do not fit the
    /// template or one is missing (which a correct key rules out). Costs O(template + list
    /// lengths).
    pub(super) fn render(&self, src: &dyn Source) -> Option<(String, Vec<Value>)> {
        let len = |list| src.len(list);
        // Sizes first, so that neither the text nor the values ever reallocate.
        let mut size = Measure::default();
        self.walk(&len, &mut size)?;
        let digits = match self.numbered {
            true => size.values.checked_ilog10().unwrap_or(0) as usize + 1,
            false => 0,
        };
        let mut out = Render {
            template: self,
            src,
            sql: String::with_capacity(size.text + size.values * (self.placeholder.len() + digits)),
            values: Vec::with_capacity(size.values),
        };
        self.walk(&len, &mut out)?;
        Some((out.sql, out.values))
    }
}

/// The bytes of text and the number of values a rendering holds.
#[derive(Default)]
struct Measure {
    text: usize,
    values: usize,
}

impl Visit<'_> for Measure {
    fn text(&mut self, text: &str) -> Option<()> {
        self.text += text.len();
        Some(())
    }

    fn param(&mut self, _: Origin) -> Option<()> {
        self.values += 1;
        Some(())
    }

    fn group(&mut self, group: Group<'_>) -> Option<()> {
        let (len, (sep_text, sep_params)) = (group.len as usize, group.sep_size());
        self.values += len + (len - 1) * sep_params;
        self.text += (len - 1) * sep_text;
        Some(())
    }
}

/// A rendering in progress.
struct Render<'t, 's, S: ?Sized> {
    template: &'t Template,
    src: &'s S,
    sql: String,
    values: Vec<Value>,
}

impl<'t, S: Source + ?Sized> Visit<'t> for Render<'t, '_, S> {
    fn text(&mut self, text: &'t str) -> Option<()> {
        self.sql.push_str(text);
        Some(())
    }

    #[inline(always)]
    fn param(&mut self, origin: Origin) -> Option<()> {
        let template = self.template;
        self.values.push(template.value_any(origin, self.src)?);
        let number = self.values.len();
        write_placeholder(
            &mut self.sql,
            template.placeholder,
            template.numbered,
            number,
        );
        Some(())
    }

    fn group(&mut self, group: Group<'t>) -> Option<()> {
        let Some(sep) = group.sep_text() else {
            return group.each(self);
        };
        // `IN ($1, $2, ...)`: the values in one go (see `Template::fill`), then the
        // placeholders.
        let template = self.template;
        let first = self.values.len() + 1;
        let list = group.list;
        let elems = (0..group.len).map(|index| Origin::Elem { list, index });
        if !template.extend_values(&mut self.values, elems, self.src) {
            return None;
        }
        let (placeholder, numbered) = (template.placeholder, template.numbered);
        let len = group.len as usize;
        write_group(&mut self.sql, sep, placeholder, numbered, first, len)
    }
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
