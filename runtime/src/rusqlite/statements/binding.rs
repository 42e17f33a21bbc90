//! Binding a call to its held statement: a hit reads each value from the call's arguments
//! where its template says it comes from, and binds only the values that changed.

use std::sync::Arc;

use rusqlite::Statement;
use sea_query::{SqliteQueryBuilder, Value};

use super::{Slot, SqliteStatementStats, SqliteStatements, Use};
use crate::handle::{Cached, QueryArgs};
use crate::rusqlite::SqliteArg;
use crate::rusqlite::serve::{Hit, Served, serve};
use crate::statement::Statement as _;
use crate::value_ref::ValueRef;

impl<'conn> SqliteStatements<'conn> {
    /// The held statement of `query`'s template, prepared if need be, with the call's values
    /// bound; or, for a call without a template, its text and values to run by text.
    #[inline]
    pub(super) fn statement<Q: QueryArgs>(
        &mut self,
        query: &Cached<Q>,
    ) -> rusqlite::Result<Use<'_, 'conn>> {
        Ok(match self.take(serve(query.call()))? {
            Some(taken) => taken,
            None => uncached(query),
        })
    }

    /// What [`statement`](Self::statement) does once the call is served: one piece of code
    /// for every query function, short on a hit. `None` for a hit missing an argument (which
    /// a correct key rules out), to build uncached.
    #[inline(never)]
    fn take(&mut self, served: Served<'_>) -> rusqlite::Result<Option<Use<'_, 'conn>>> {
        // A hit owns nothing (`Hit` is `Copy`): nothing to drop once it is copied out.
        let served = std::mem::ManuallyDrop::new(served);
        let Hit {
            id,
            sql,
            template,
            args,
            pad,
        } = match &*served {
            Served::Hit(hit) => *hit,
            Served::Built { .. } => {
                return self.take_built(std::mem::ManuallyDrop::into_inner(served));
            }
        };
        let text = || match sql {
            Some(sql) => Some(Arc::clone(sql)),
            None => template.render_text(args, pad).map(Arc::from),
        };
        let Some((at, k)) = self.slot(id, sql, text)? else {
            return Ok(None);
        };
        let slot = &mut self.slots[at];
        let fresh = slot.begin_use(&mut self.clock);
        if slot.ids[k].1.is_none() {
            slot.ids[k].1 = template.binds_for(args, pad);
        }
        let Slot {
            ids,
            statement,
            bound,
            ..
        } = slot;
        let Some((_, Some(binds))) = ids.get(k) else {
            return Ok(None);
        };
        let binds = binds.as_slice();
        let mut count = Ok(Some(binds.len()));
        for (i, &origin) in binds.iter().enumerate() {
            let Some(value) = template.read(origin, args) else {
                count = Ok(None);
                break;
            };
            if let Err(e) = bind_one(statement, bound, &mut self.stats, fresh, i, value) {
                count = Err(e);
                break;
            }
        }
        self.slots[at].bound_all(count)
    }

    /// [`take`](Self::take) of a call the cache built: the first of a shape, a sampled
    /// verification, a call served uncached (run by text).
    #[cold]
    #[inline(never)]
    fn take_built(&mut self, served: Served<'_>) -> rusqlite::Result<Option<Use<'_, 'conn>>> {
        let Served::Built { sql, values, id } = served else {
            unreachable!("take() serves hits")
        };
        let Some(id) = id else {
            return Ok(Some(Use::ByText(sql, values)));
        };
        let Some((at, _)) = self.slot(id, Some(&sql), || Some(Arc::clone(&sql)))? else {
            return Ok(None);
        };
        let slot = &mut self.slots[at];
        let fresh = slot.begin_use(&mut self.clock);
        let stats = &mut self.stats;
        let count = values.0.len();
        let bound = values.0.into_iter().enumerate().try_for_each(|(i, value)| {
            bind_one(
                &mut slot.statement,
                &mut slot.bound,
                stats,
                fresh,
                i,
                ValueRef::Value(value),
            )
        });
        slot.bound_all(bound.map(|()| Some(count)))
    }
}

/// A hit's argument was missing, which a correct key rules out: the call built uncached, to
/// run by text.
#[cold]
#[inline(never)]
fn uncached<'s, 'conn, Q: QueryArgs>(query: &Cached<Q>) -> Use<'s, 'conn> {
    let (sql, values) = query.statement().build_with(SqliteQueryBuilder);
    Use::ByText(Arc::from(sql), values)
}

/// Binds `value` to parameter `i` (0-based) of `statement`, whose values bound now are
/// `bound`, unless it holds that value already (and is not `fresh`); keeps a copy to compare
/// the next use with. The comparison is inline, the binding out of line: on a warm workload
/// most values are left bound.
#[inline]
fn bind_one(
    statement: &mut Statement<'_>,
    bound: &mut [Value],
    stats: &mut SqliteStatementStats,
    fresh: bool,
    i: usize,
    value: ValueRef<'_>,
) -> rusqlite::Result<()> {
    let params = bound.len();
    let Some(held) = bound.get_mut(i) else {
        return Err(rusqlite::Error::InvalidParameterCount(i + 1, params));
    };
    if !fresh && value.is(held) {
        stats.unchanged += 1;
        return Ok(());
    }
    rebind(statement, held, i, value)?;
    stats.bound += 1;
    Ok(())
}

/// Makes `held` (parameter `i`, 0-based) `value` and binds it.
#[inline(never)]
fn rebind(
    statement: &mut Statement<'_>,
    held: &mut Value,
    i: usize,
    value: ValueRef<'_>,
) -> rusqlite::Result<()> {
    store(value, held);
    statement.raw_bind_parameter(
        i + 1,
        SqliteArg {
            value: held,
            index: i + 1,
        },
    )
}

/// Makes `held` `value`, reusing its text or byte buffer where it has one.
#[inline]
fn store(value: ValueRef<'_>, held: &mut Value) {
    match (value, held) {
        (ValueRef::Str(s), Value::String(Some(h))) => {
            h.clear();
            h.push_str(s);
        }
        (ValueRef::Bytes(b), Value::Bytes(Some(h))) => {
            h.clear();
            h.extend_from_slice(b);
        }
        (ValueRef::BigInt(n), Value::BigInt(h)) => *h = Some(n),
        (ValueRef::Int(n), Value::Int(h)) => *h = Some(n),
        (ValueRef::Bool(b), Value::Bool(h)) => *h = Some(b),
        (value, held) => *held = value.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use sea_query::Value;

    use super::store;
    use crate::value_ref::ValueRef;

    #[test]
    fn storing_a_value_of_another_type_replaces_it() {
        let values = [
            Value::from(5i64),
            Value::from(u64::MAX),
            Value::from(f64::NAN),
            Value::from('x'),
            Value::from(true),
            Value::from(Some("a")),
            Value::from(None::<&str>),
            Value::Int(Some(3)),
            Value::from(Some(8i64)),
            Value::from(None::<i64>),
            Value::from(false),
            Value::from("text"),
            Value::from(b"bytes".as_slice()),
        ];
        let views = values
            .iter()
            .map(|v| ValueRef::from_value(v.clone()))
            .chain([ValueRef::Str("borrowed"), ValueRef::Bytes(b"borrowed")]);
        for view in views {
            for value in &values {
                let mut held = value.clone();
                store(view.clone(), &mut held);
                assert_eq!(held, view.clone().into_owned(), "{view:?} {value:?}");
            }
        }
    }

    #[test]
    fn store_reuses_buffers_and_compares_by_type() {
        let mut held = Value::from("a long enough text");
        let capacity = match &held {
            Value::String(Some(s)) => s.capacity(),
            _ => unreachable!(),
        };
        store(ValueRef::Str("short"), &mut held);
        assert_eq!(held, Value::from("short"));
        assert!(matches!(&held, Value::String(Some(s)) if s.capacity() == capacity));
        // Text never equals bytes, nor an integer its digits.
        assert!(!ValueRef::Str("short").is(&Value::from(b"short".as_slice())));
        assert!(!ValueRef::Value(Value::from(5)).is(&Value::from("5")));
        store(ValueRef::Value(Value::from(7)), &mut held);
        assert_eq!(held, Value::from(7));
        store(ValueRef::Bytes(b"xy"), &mut held);
        assert_eq!(held, Value::from(b"xy".as_slice()));
        let constant = Value::from(9.5f64);
        store(ValueRef::Const(&constant), &mut held);
        assert!(ValueRef::Const(&constant).is(&held));
    }
}
