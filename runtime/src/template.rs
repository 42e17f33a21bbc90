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
#[cfg(test)]
use sea_query::Values;

/// Read access to one call's arguments, by the indices the macro assigned: bound scalar
/// sources (`value`) and list arguments (`len`, `elem`).
pub(crate) trait Source {
    /// The value of bound source `source`, or `None` if it is absent (an `Option` that is
    /// `None`).
    fn value(&self, source: u16) -> Option<Value>;
    /// The length of list `list` (0 when absent).
    fn len(&self, list: u16) -> usize;
    /// Element `index` of list `list`.
    fn elem(&self, list: u16, index: usize) -> Option<Value>;
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
    map: HashMap<Value, Origin>,
}

impl SentinelTable {
    /// Reads the sentinels back from the probe arguments (`sources` bound scalars, `lists`
    /// lists); two arguments with equal values make the round useless.
    pub(crate) fn read(
        src: &impl Source,
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

/// One token of a template while it is learned.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Text(String),
    Param(Slot),
    Group { list: u16, sep: Option<Vec<Tok>> },
}

/// A compiled template item; text ranges index [`Template::text`].
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Text(Range<u32>),
    Param(Slot),
    /// The elements of a list, each a placeholder, separated by `sep` (items in
    /// [`Template::seps`]); `None` when the list had a single element and its separator was
    /// never seen (fixed-size arrays of one element).
    Group {
        list: u16,
        sep: Option<Range<u32>>,
    },
}

/// A value slot of the fast path, where every list has the length the template was stored
/// with.
#[derive(Debug, Clone, PartialEq)]
enum FastSlot {
    Const(Value),
    Arg(u16),
    Elem(u16, usize),
}

/// The learned SQL of one shape for one backend.
#[derive(Debug)]
pub(crate) struct Template {
    text: Box<str>,
    items: Box<[Item]>,
    seps: Box<[Item]>,
    placeholder: &'static str,
    numbered: bool,
    /// The lists whose elements appear in the text, with the lengths of the fast path.
    fast_lens: Box<[(u16, usize)]>,
    fast_sql: Arc<str>,
    fast_slots: Box<[FastSlot]>,
}

/// A rendered SQL text, either owned or shared with the template.
pub(crate) trait SqlText: Sized {
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
    pub(crate) fn fill<T: SqlText>(&self, src: &impl Source) -> Option<(T, Vec<Value>)> {
        if self.is_fast(src) {
            let mut values = Vec::with_capacity(self.fast_slots.len());
            for slot in &*self.fast_slots {
                values.push(match slot {
                    FastSlot::Const(v) => v.clone(),
                    FastSlot::Arg(s) => src.value(*s)?,
                    FastSlot::Elem(l, j) => src.elem(*l, *j)?,
                });
            }
            return Some((T::shared(&self.fast_sql), values));
        }
        let (sql, values) = self.render(src)?;
        Some((T::owned(sql), values))
    }

    #[inline]
    fn is_fast(&self, src: &impl Source) -> bool {
        self.fast_lens.iter().all(|&(l, len)| src.len(l) == len)
    }

    /// Renders text and values item by item; used when a list's length differs from the
    /// stored one. Costs O(template + list lengths).
    fn render(&self, src: &impl Source) -> Option<(String, Vec<Value>)> {
        let mut out = Render {
            sql: String::with_capacity(self.fast_sql.len() + 8 * self.items.len()),
            values: Vec::with_capacity(self.fast_slots.len()),
            placeholder: self.placeholder,
            numbered: self.numbered,
        };
        for item in &*self.items {
            match item {
                Item::Text(r) => out.sql.push_str(self.text(r)),
                Item::Param(slot) => out.param(self.slot_value(slot, src)?),
                Item::Group { list, sep } => {
                    let len = src.len(*list);
                    if len == 0 || (len > 1 && sep.is_none()) {
                        return None;
                    }
                    for j in 0..len {
                        if j > 0 {
                            let sep = sep.as_ref()?;
                            for item in &self.seps[sep.start as usize..sep.end as usize] {
                                match item {
                                    Item::Text(r) => out.sql.push_str(self.text(r)),
                                    Item::Param(slot) => out.param(self.slot_value(slot, src)?),
                                    Item::Group { .. } => return None,
                                }
                            }
                        }
                        out.param(src.elem(*list, j)?);
                    }
                }
            }
        }
        Some((out.sql, out.values))
    }

    #[inline]
    fn text(&self, r: &Range<u32>) -> &str {
        &self.text[r.start as usize..r.end as usize]
    }

    #[inline]
    fn slot_value(&self, slot: &Slot, src: &impl Source) -> Option<Value> {
        match slot {
            Slot::Const(v) => Some(v.clone()),
            Slot::Arg(s) => src.value(*s),
        }
    }

    /// Checks that the template renders exactly `rec` for the arguments in `src`.
    pub(crate) fn check(
        &self,
        src: &impl Source,
        rec: &Recording,
        round: &'static str,
    ) -> Result<(), Uncacheable> {
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

    /// Stores the fast path for the list lengths of `src` (the real call's arguments).
    pub(crate) fn with_fast_path(mut self, src: &impl Source, rec: &Recording) -> Self {
        let mut lens: Vec<(u16, usize)> = Vec::new();
        for item in &*self.items {
            if let Item::Group { list, .. } = item
                && !lens.iter().any(|(l, _)| l == list)
            {
                lens.push((*list, src.len(*list)));
            }
        }
        let mut slots = Vec::with_capacity(rec.params.len());
        let push_items = |items: &[Item], slots: &mut Vec<FastSlot>, seps: &[Item]| {
            for item in items {
                match item {
                    Item::Text(_) => {}
                    Item::Param(Slot::Const(v)) => slots.push(FastSlot::Const(v.clone())),
                    Item::Param(Slot::Arg(s)) => slots.push(FastSlot::Arg(*s)),
                    Item::Group { list, sep } => {
                        for j in 0..src.len(*list) {
                            if j > 0
                                && let Some(sep) = sep
                            {
                                for item in &seps[sep.start as usize..sep.end as usize] {
                                    match item {
                                        Item::Param(Slot::Const(v)) => {
                                            slots.push(FastSlot::Const(v.clone()))
                                        }
                                        Item::Param(Slot::Arg(s)) => slots.push(FastSlot::Arg(*s)),
                                        Item::Text(_) | Item::Group { .. } => {}
                                    }
                                }
                            }
                            slots.push(FastSlot::Elem(*list, j));
                        }
                    }
                }
            }
        };
        push_items(&self.items, &mut slots, &self.seps);
        self.fast_lens = lens.into_boxed_slice();
        self.fast_sql = Arc::from(rec.sql.as_str());
        self.fast_slots = slots.into_boxed_slice();
        self
    }

    /// Approximate heap bytes this template holds.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.len()
            + self.fast_sql.len()
            + std::mem::size_of_val(&*self.items)
            + std::mem::size_of_val(&*self.seps)
            + std::mem::size_of_val(&*self.fast_slots)
            + std::mem::size_of_val(&*self.fast_lens)
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
fn classify(rec: &Recording, i: usize, sentinels: &SentinelTable) -> Result<Tok, (u16, usize)> {
    let value = &rec.params[i].value;
    match sentinels.get(value) {
        None => Ok(Tok::Param(Slot::Const(value.clone()))),
        Some(Origin::Arg(s)) => Ok(Tok::Param(Slot::Arg(s))),
        Some(Origin::Elem(l, j)) => Err((l, j)),
    }
}

fn push_text(toks: &mut Vec<Tok>, text: &str) {
    if !text.is_empty() {
        toks.push(Tok::Text(text.to_owned()));
    }
}

/// Splits a probe recording into text, constant and argument slots, and list groups.
fn tokenize(
    rec: &Recording,
    sentinels: &SentinelTable,
    lens: &[usize],
    names: Names<'_>,
) -> Result<Vec<Tok>, Uncacheable> {
    let n = rec.params.len();
    let mut toks = Vec::new();
    push_text(&mut toks, rec.literal(0));
    let mut i = 0;
    while i < n {
        match classify(rec, i, sentinels) {
            Ok(tok) => toks.push(tok),
            Err((list, 0)) => {
                let len = lens.get(usize::from(list)).copied().unwrap_or(0);
                let mut sep: Option<Vec<Tok>> = None;
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

fn compile(toks: &[Tok], (placeholder, numbered): (&'static str, bool)) -> Template {
    let mut text = String::new();
    let mut seps = Vec::new();
    let intern = |t: &str, text: &mut String| {
        let start = text.len() as u32;
        text.push_str(t);
        start..text.len() as u32
    };
    let mut items = Vec::with_capacity(toks.len());
    for tok in toks {
        items.push(match tok {
            Tok::Text(t) => Item::Text(intern(t, &mut text)),
            Tok::Param(slot) => Item::Param(slot.clone()),
            Tok::Group { list, sep } => {
                let sep = sep.as_ref().map(|sep| {
                    let start = seps.len() as u32;
                    for tok in sep {
                        seps.push(match tok {
                            Tok::Text(t) => Item::Text(intern(t, &mut text)),
                            Tok::Param(slot) => Item::Param(slot.clone()),
                            Tok::Group { .. } => unreachable_group(),
                        });
                    }
                    start..seps.len() as u32
                });
                Item::Group { list: *list, sep }
            }
        });
    }
    Template {
        text: text.into_boxed_str(),
        items: items.into_boxed_slice(),
        seps: seps.into_boxed_slice(),
        placeholder,
        numbered,
        fast_lens: Box::new([]),
        fast_sql: Arc::from(""),
        fast_slots: Box::new([]),
    }
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
        fn value(&self, source: u16) -> Option<Value> {
            (source == 0).then(|| self.scalar.clone()).flatten()
        }
        fn len(&self, list: u16) -> usize {
            if list == 0 { self.list.len() } else { 0 }
        }
        fn elem(&self, list: u16, index: usize) -> Option<Value> {
            (list == 0).then(|| self.list.get(index).cloned()).flatten()
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
        for len in [1, 2, 3, 7, 64] {
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
    fn difference_snippets_respect_char_boundaries() {
        let d = first_difference("SELECT 'ünï' = 1", "SELECT 'ünï' = 2");
        assert!(d.starts_with("at byte 17:"), "{d}");
    }
}
