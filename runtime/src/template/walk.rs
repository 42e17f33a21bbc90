//! The one walk over a template's pieces: text, placeholders (each with the [`Origin`] of
//! its value), values written into the text, and `IN` groups at one call's list lengths.
//! Rendering, measuring, matching a recording, listing the values' origins and finding the
//! paddable lists are each a [`Visit`] of it.

use super::{Item, Origin, Template};

/// What a walk meets, in text order. Each method returns `None` to stop the walk (a missing
/// value, a difference), which then returns `None` too.
pub(super) trait Visit<'t> {
    /// Literal text.
    fn text(&mut self, text: &'t str) -> Option<()>;

    /// A placeholder, whose value comes from `origin`.
    fn param(&mut self, origin: Origin) -> Option<()>;

    /// A value written into the text (`inline_limit`): it renders as `text` and stands for
    /// the parameter `value` (a constant) where the template is compared with the body's
    /// recording, which binds it. Text by default.
    fn inline(&mut self, text: &'t str, value: Origin) -> Option<()> {
        let _ = value;
        self.text(text)
    }

    /// The elements of a list: by default each one's placeholder, with the separator's
    /// pieces between two ([`Group::each`]).
    fn group(&mut self, group: Group<'t>) -> Option<()> {
        group.each(self)
    }
}

/// One list's group of placeholders at the length of a call.
#[derive(Clone, Copy)]
pub(super) struct Group<'t> {
    template: &'t Template,
    pub(super) list: u16,
    /// The call's length: at least 1.
    pub(super) len: u32,
    /// The pieces between two elements: text and placeholders, never a group.
    sep: &'t [Item],
}

impl<'t> Group<'t> {
    /// Visits each element's placeholder, and the separator's pieces between two.
    pub(super) fn each<V: Visit<'t> + ?Sized>(self, visit: &mut V) -> Option<()> {
        for index in 0..self.len {
            if index > 0 {
                for item in self.sep {
                    match *item {
                        Item::Text(ref r) => visit.text(self.template.text(r))?,
                        Item::Param(origin) => visit.param(origin)?,
                        // Separators hold text and placeholders only.
                        Item::Inline { .. } | Item::Group { .. } => return None,
                    }
                }
            }
            visit.param(Origin::Elem {
                list: self.list,
                index,
            })?;
        }
        Some(())
    }

    /// The separator when it is text only (an `IN (...)` list: `, `), `None` if it holds a
    /// placeholder.
    pub(super) fn sep_text(&self) -> Option<&'t str> {
        match self.sep {
            [] => Some(""),
            [Item::Text(r)] => Some(self.template.text(r)),
            _ => None,
        }
    }

    /// Whether the separator holds no placeholder.
    pub(super) fn sep_is_text(&self) -> bool {
        self.sep.iter().all(|item| matches!(item, Item::Text(_)))
    }

    /// The separator's bytes of text and its placeholders.
    pub(super) fn sep_size(&self) -> (usize, usize) {
        self.sep
            .iter()
            .fold((0, 0), |(text, params), item| match item {
                Item::Text(r) => (text + r.len(), params),
                _ => (text, params + 1),
            })
    }
}

impl Template {
    /// Walks the template for a call whose list `l` has `len(l)` elements; `None` when a
    /// visit stops it, or when the lengths do not fit the template (an empty list, or a
    /// list longer than one whose separator was never seen), which a correct key rules
    /// out.
    pub(super) fn walk<'t, V: Visit<'t> + ?Sized>(
        &'t self,
        len: &dyn Fn(u16) -> usize,
        visit: &mut V,
    ) -> Option<()> {
        for item in &*self.items {
            self.piece(item, len, visit)?;
        }
        Some(())
    }

    #[inline]
    fn piece<'t, V: Visit<'t> + ?Sized>(
        &'t self,
        item: &'t Item,
        len: &dyn Fn(u16) -> usize,
        visit: &mut V,
    ) -> Option<()> {
        match *item {
            Item::Text(ref r) => visit.text(self.text(r)),
            Item::Param(origin) => visit.param(origin),
            Item::Inline { ref text, value } => visit.inline(self.text(text), Origin::Const(value)),
            Item::Group { list, ref sep } => {
                let len = len(list);
                if len == 0 || (len > 1 && sep.is_none()) {
                    return None;
                }
                visit.group(Group {
                    template: self,
                    list,
                    len: u32::try_from(len).ok()?,
                    sep: self.sep(sep),
                })
            }
        }
    }
}

/// The lists whose every group is a whole `IN (...)` list of placeholders: text ending in
/// `IN (` before it, text starting with `)` after it, and only text between elements.
#[derive(Default)]
pub(super) struct InLists<'t> {
    /// The text just before the next piece, if that was text.
    before: Option<&'t str>,
    /// The last group's bit, and whether it is an `IN` list so far, until its next piece.
    open: Option<(u64, bool)>,
    inside: u64,
    elsewhere: u64,
}

impl<'t> InLists<'t> {
    /// The lists of `template`.
    pub(super) fn of(template: &'t Template) -> u64 {
        let mut lists = InLists::default();
        // Every group at one element: the length does not change what the text around it is.
        let _ = template.walk(&|_| 1, &mut lists);
        lists.close(None);
        lists.inside & !lists.elsewhere
    }

    /// Decides the open group, now that the piece after it is `after` (text, or not).
    fn close(&mut self, after: Option<&str>) {
        if let Some((bit, is_in)) = self.open.take() {
            if is_in && after.is_some_and(|t| t.starts_with(')')) {
                self.inside |= bit;
            } else {
                self.elsewhere |= bit;
            }
        }
    }

    fn other(&mut self) -> Option<()> {
        self.close(None);
        self.before = None;
        Some(())
    }
}

impl<'t> Visit<'t> for InLists<'t> {
    fn text(&mut self, text: &'t str) -> Option<()> {
        self.close(Some(text));
        self.before = Some(text);
        Some(())
    }

    fn param(&mut self, _: Origin) -> Option<()> {
        self.other()
    }

    fn inline(&mut self, _: &'t str, _: Origin) -> Option<()> {
        self.other()
    }

    fn group(&mut self, group: Group<'t>) -> Option<()> {
        let is_in = self.before.is_some_and(|t| t.ends_with(" IN (")) && group.sep_is_text();
        self.other();
        // Lists 0 to 63 only.
        if let Some(bit) = 1u64.checked_shl(u32::from(group.list)) {
            self.open = Some((bit, is_in));
        }
        Some(())
    }
}
