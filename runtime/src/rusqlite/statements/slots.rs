//! The held statements: found by a template's identity, or by their text for an identity
//! seen for the first time; prepared into a free slot, or into the least recently used one.

use std::sync::Arc;

use rusqlite::{PrepFlags, Statement, StatementStatus};
use sea_query::Value;

use super::{SqliteStatements, Use};
use crate::rusqlite::serve::TemplateId;
use crate::template::Binds;

/// One held statement.
pub(super) struct Slot<'conn> {
    /// The ids that name this text: usually one, several when shapes differ only in a key
    /// value that is bound as well (an `Option<bool>` that is `Some(true)` or `Some(false)`).
    /// Each with where its values come from, once a hit has needed them.
    pub(super) ids: Vec<(TemplateId, Option<Binds>)>,
    /// The text it was prepared from: a use whose text is this `Arc` (the template's own
    /// SQL, on the fast path) is matched without reading the text.
    pub(super) sql: Arc<str>,
    pub(super) statement: Statement<'conn>,
    /// Its number of parameters.
    pub(super) params: usize,
    /// The values bound now; only those that differ are bound again.
    pub(super) bound: Vec<Value>,
    pub(super) last_used: u64,
}

impl<'conn> Slot<'conn> {
    /// Marks the slot used now, ticking the cache's `clock`, about to be bound; returns
    /// whether nothing is bound yet (or the bindings were given up after an error), and then
    /// makes `bound` ready to hold a value per parameter.
    #[inline]
    pub(super) fn begin_use(&mut self, clock: &mut u64) -> bool {
        *clock += 1;
        self.last_used = *clock;
        let fresh = self.bound.len() != self.params;
        if fresh {
            self.bound.clear();
            self.bound.resize(self.params, Value::Bool(None));
        }
        fresh
    }

    /// The statement, once `count` (the number of values bound) says every parameter is.
    #[inline(always)]
    pub(super) fn bound_all<'s>(
        &'s mut self,
        count: rusqlite::Result<Option<usize>>,
    ) -> rusqlite::Result<Option<Use<'s, 'conn>>> {
        match count {
            Ok(Some(count)) if count == self.params => Ok(Some(Use::Held(&mut self.statement))),
            Ok(Some(count)) => {
                self.bound.clear();
                Err(rusqlite::Error::InvalidParameterCount(count, self.params))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                // Some parameters hold new values, some old: bind them all next time.
                self.bound.clear();
                Err(e)
            }
        }
    }
}

impl<'conn> SqliteStatements<'conn> {
    /// The slot of the statement of `id` and the id's place in its `ids`; `sql` is its
    /// text when the call has it for free (compared with the held one), `text` makes it for
    /// a statement to prepare. `None` when the text cannot be made (a hit missing an
    /// argument).
    #[inline]
    pub(super) fn slot(
        &mut self,
        id: TemplateId,
        sql: Option<&Arc<str>>,
        text: impl FnOnce() -> Option<Arc<str>>,
    ) -> rusqlite::Result<Option<(usize, usize)>> {
        if let Some(&(at, k)) = self.index.get(&id)
            && sql.is_none_or(|sql| same_text(&mut self.slots[at].sql, sql))
        {
            self.stats.hits += 1;
            return Ok(Some((at, k)));
        }
        self.new_slot(id, text)
    }

    /// [`slot`](Self::slot) of an id not held; or, which cannot happen (the id names the
    /// text), held with other text: then the id is moved to the statement of its new text.
    #[cold]
    #[inline(never)]
    fn new_slot(
        &mut self,
        id: TemplateId,
        text: impl FnOnce() -> Option<Arc<str>>,
    ) -> rusqlite::Result<Option<(usize, usize)>> {
        if let Some((at, k)) = self.index.remove(&id) {
            let ids = &mut self.slots[at].ids;
            ids.remove(k);
            for (k, (other, _)) in ids.iter().enumerate().skip(k) {
                self.index.insert(*other, (at, k));
            }
        }
        let Some(text) = text() else {
            return Ok(None);
        };
        self.find_or_prepare(id, text).map(Some)
    }

    /// The slot of an id seen for the first time: the statement of the same text if one is
    /// held, a new one otherwise (in the least recently used slot when the cache is full).
    #[cold]
    fn find_or_prepare(
        &mut self,
        id: TemplateId,
        sql: Arc<str>,
    ) -> rusqlite::Result<(usize, usize)> {
        if let Some(&at) = self.texts.get(&*sql) {
            self.stats.hits += 1;
            let ids = &mut self.slots[at].ids;
            ids.push((id, None));
            self.index.insert(id, (at, ids.len() - 1));
            return Ok((at, ids.len() - 1));
        }
        let at = self.prepare_slot(sql, vec![(id, None)])?;
        self.index.insert(id, (at, 0));
        Ok((at, 0))
    }

    /// Prepares `sql` into a new slot named by `ids` (in the least recently used slot when
    /// the cache is full); returns the slot. The caller indexes the ids.
    pub(super) fn prepare_slot(
        &mut self,
        sql: Arc<str>,
        ids: Vec<(TemplateId, Option<Binds>)>,
    ) -> rusqlite::Result<usize> {
        // Persistent, as rusqlite's own cache prepares: the statement is kept.
        let statement = self
            .conn
            .prepare_with_flags(&sql, PrepFlags::SQLITE_PREPARE_PERSISTENT)?;
        self.stats.prepares += 1;
        let slot = Slot {
            ids,
            sql: Arc::clone(&sql),
            params: statement.parameter_count(),
            statement,
            bound: Vec::new(),
            last_used: self.clock,
        };
        let at = if self.slots.len() < self.limit {
            self.slots.push(slot);
            self.slots.len() - 1
        } else {
            self.stats.evictions += 1;
            let (at, _) = self
                .slots
                .iter()
                .enumerate()
                .min_by_key(|(_, slot)| slot.last_used)
                .ok_or(rusqlite::Error::InvalidQuery)?;
            let old = std::mem::replace(&mut self.slots[at], slot);
            for (id, _) in &old.ids {
                self.index.remove(id);
            }
            self.texts.remove(&*old.sql);
            self.reprepares_gone += status(&old.statement);
            at
        };
        self.texts.insert(sql, at);
        Ok(at)
    }
}

/// Whether `held` is the text `sql`: by pointer when both are the template's shared text,
/// byte for byte otherwise (then `held` takes the new pointer, which is the template's own
/// once the shape's lists are back at their stored lengths).
#[inline]
fn same_text(held: &mut Arc<str>, sql: &Arc<str>) -> bool {
    if Arc::ptr_eq(held, sql) {
        return true;
    }
    if **held == **sql {
        *held = Arc::clone(sql);
        return true;
    }
    false
}

pub(super) fn status(statement: &Statement<'_>) -> u64 {
    u64::try_from(statement.get_status(StatementStatus::RePrepare)).unwrap_or_default()
}
