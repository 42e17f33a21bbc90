//! Learning a template from a probe recording: every parameter's value is looked up among
//! the round's sentinels, which says where it comes from ([`Origin`]); the elements of a
//! list become a group, and the text between them its separator.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::Arc;

use sea_query::Value;

use super::walk::InLists;
use super::{FastValues, Item, Names, Origin, Source, Template};
use crate::error::Uncacheable;
use crate::record::Recording;
use crate::value_ref::widen;

/// Every sentinel value of one probe round, mapped to the argument it was given to.
#[derive(Debug, Default)]
pub(crate) struct SentinelTable {
    map: HashMap<Value, Origin, foldhash::fast::RandomState>,
}

impl SentinelTable {
    /// Reads the sentinels back from the probe arguments (`sources` bound scalars, `lists`
    /// lists); two arguments with equal values make the round useless.
    pub(crate) fn read<S: Source + ?Sized>(
        src: &S,
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
        for list in 0..lists {
            for (j, index) in (0..src.len(list)).zip(0u32..) {
                if let Some(value) = src.elem(list, j) {
                    table.insert(value, Origin::Elem { list, index }, names)?;
                }
            }
        }
        // A number the body widens (`per_page.into()` into a `u64`) reads as its argument,
        // converted. Where a converted sentinel equals another value, that value keeps it:
        // the check rounds, with other sentinels, catch a template read from the wrong one.
        for source in 0..sources {
            let Some(value) = src.value(source) else {
                continue;
            };
            for kind in 1..=widen::KINDS {
                if let Some(wide) = widen::value(&value, kind) {
                    let origin = Origin::Wide { source, kind };
                    table.map.entry(wide).or_insert(origin);
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
        let mut learner = Learner {
            rec: first,
            sentinels,
            lens,
            names,
            consts: Vec::new(),
        };
        let toks = learner.tokens()?;
        Ok(compile(&toks, learner.consts, placeholder))
    }
}

/// One token of a template while it is learned.
#[derive(Debug, Clone, PartialEq)]
enum Tok<'r> {
    /// Literal text, borrowed from the recording.
    Text(&'r str),
    Param(Origin),
    Group {
        list: u16,
        sep: Option<Vec<Tok<'r>>>,
    },
}

/// Splits a probe recording into text, placeholders and list groups.
struct Learner<'r, 'a> {
    rec: &'r Recording,
    sentinels: &'a SentinelTable,
    lens: &'a [usize],
    names: Names<'a>,
    /// The constants met so far, which [`Origin::Const`] indexes.
    consts: Vec<Value>,
}

impl<'r> Learner<'r, '_> {
    fn tokens(&mut self) -> Result<Vec<Tok<'r>>, Uncacheable> {
        let rec = self.rec;
        let mut toks = Vec::with_capacity(2 * rec.params.len() + 1);
        push_text(&mut toks, rec.literal(0));
        let mut i = 0;
        while i < rec.params.len() {
            match self.classify(i) {
                Ok(tok) => toks.push(tok),
                Err((list, 0)) => {
                    let (sep, last) = self.group(list, i)?;
                    toks.push(Tok::Group { list, sep });
                    i = last;
                }
                Err((list, _)) => return Err(self.layout(list)),
            }
            i += 1;
            push_text(&mut toks, rec.literal(i));
        }
        Ok(toks)
    }

    /// The group of list `list` whose first element is parameter `first`: its separator,
    /// the same between every two elements, and the parameter of its last element.
    fn group(
        &mut self,
        list: u16,
        first: usize,
    ) -> Result<(Option<Vec<Tok<'r>>>, usize), Uncacheable> {
        let len = self.lens.get(usize::from(list)).copied().unwrap_or(0);
        let mut sep: Option<Vec<Tok<'r>>> = None;
        let mut i = first;
        for j in (1..len).map(u32::try_from) {
            let j = j.map_err(|_| self.layout(list))?;
            // Everything up to the next list element is the separator; the constants of
            // every separator after the first are compared with the first's, then dropped.
            let consts = self.consts.len();
            let mut between = Vec::new();
            let mut k = i + 1;
            push_text(&mut between, self.rec.literal(k));
            loop {
                if k >= self.rec.params.len() {
                    return Err(self.layout(list));
                }
                match self.classify(k) {
                    Ok(tok) => between.push(tok),
                    Err((l, e)) if l == list && e == j => break,
                    Err(_) => return Err(self.layout(list)),
                }
                k += 1;
                push_text(&mut between, self.rec.literal(k));
            }
            match &sep {
                Some(prev) if !self.same(prev, &between) => return Err(self.layout(list)),
                Some(_) => self.consts.truncate(consts),
                None => sep = Some(between),
            }
            i = k;
        }
        Ok((sep, i))
    }

    /// A parameter is a token of its own (`Ok`) or element `.1` of list `.0` (`Err`).
    fn classify(&mut self, i: usize) -> Result<Tok<'r>, (u16, u32)> {
        let value = &self.rec.params[i].value;
        match self.sentinels.get(value) {
            None => {
                self.consts.push(value.clone());
                Ok(Tok::Param(Origin::Const(self.consts.len() as u32 - 1)))
            }
            Some(Origin::Elem { list, index }) => Err((list, index)),
            Some(origin) => Ok(Tok::Param(origin)),
        }
    }

    /// Whether two separators are the same, constants compared by value.
    fn same(&self, a: &[Tok<'_>], b: &[Tok<'_>]) -> bool {
        let constant = |c: u32| self.consts.get(c as usize);
        a.len() == b.len()
            && a.iter().zip(b).all(|pair| match pair {
                (Tok::Param(Origin::Const(x)), Tok::Param(Origin::Const(y))) => {
                    constant(*x) == constant(*y)
                }
                (x, y) => x == y,
            })
    }

    fn layout(&self, list: u16) -> Uncacheable {
        Uncacheable::ListLayout {
            list: self.names.list(list).to_owned(),
        }
    }
}

fn push_text<'r>(toks: &mut Vec<Tok<'r>>, text: &'r str) {
    if !text.is_empty() {
        toks.push(Tok::Text(text));
    }
}

fn compile(
    toks: &[Tok<'_>],
    consts: Vec<Value>,
    (placeholder, numbered): (&'static str, bool),
) -> Template {
    let text_len: usize = toks
        .iter()
        .map(|tok| match tok {
            Tok::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    let mut text = String::with_capacity(text_len + 16);
    let mut seps = Vec::new();
    let mut items = Vec::with_capacity(toks.len());
    for tok in toks {
        items.push(match tok {
            Tok::Text(t) => Item::Text(intern(t, &mut text)),
            Tok::Param(origin) => Item::Param(*origin),
            Tok::Group { list, sep } => {
                let sep = sep.as_ref().map(|sep| {
                    let start = seps.len() as u32;
                    for tok in sep {
                        seps.push(match tok {
                            Tok::Text(t) => Item::Text(intern(t, &mut text)),
                            Tok::Param(origin) => Item::Param(*origin),
                            // Separators are built only from text and placeholders.
                            Tok::Group { .. } => Item::Text(0..0),
                        });
                    }
                    start..seps.len() as u32
                });
                Item::Group { list: *list, sep }
            }
        });
    }
    let mut template = Template {
        in_lists: 0,
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
    };
    template.in_lists = InLists::of(&template);
    template
}

/// Appends `t` to `text`; returns its range there.
fn intern(t: &str, text: &mut String) -> Range<u32> {
    let start = text.len() as u32;
    text.push_str(t);
    start..text.len() as u32
}

impl Template {
    /// `inline_limit`: writes the value of every parameter that directly follows `LIMIT ` or
    /// `OFFSET ` into the text, when it is a constant of the shape (a `#[shape]` argument or
    /// a constant in the body) and a non-negative integer. A value that comes from a bound
    /// argument is not in the key, so the shape is refused, naming the argument.
    pub(crate) fn inline_limits(mut self, names: Names<'_>) -> Result<Template, Uncacheable> {
        let mut text = String::from(std::mem::take(&mut self.text));
        let mut items = std::mem::take(&mut self.items).into_vec();
        for k in 1..items.len() {
            let (Item::Text(before), Item::Param(origin)) = (&items[k - 1], &items[k]) else {
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
            match *origin {
                Origin::Const(c) => {
                    let Some(literal) = self.consts.get(c as usize).and_then(integer_literal)
                    else {
                        continue;
                    };
                    items[k] = Item::Inline {
                        text: intern(&literal, &mut text),
                        value: c,
                    };
                }
                Origin::Arg(s) | Origin::Wide { source: s, .. } => {
                    return Err(Uncacheable::LimitNotInKey {
                        clause,
                        argument: names.source(s).to_owned(),
                    });
                }
                // Elements are in groups.
                Origin::Elem { .. } => continue,
            }
        }
        self.text = text.into_boxed_str();
        self.items = items.into_boxed_slice();
        Ok(self)
    }
}

/// A constant as a SQL integer literal: non-negative integers up to `i64::MAX` only (a
/// `LIMIT` of any other value stays bound).
pub(super) fn integer_literal(value: &Value) -> Option<String> {
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
