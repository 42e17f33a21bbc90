//! Unit tests of the template module.

use std::sync::Arc;

use sea_query::{
    Alias, Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, SelectStatement, Value,
    Values,
};

#[cfg(feature = "rusqlite")]
use super::Binds;
use super::check::first_difference;
use super::learn::integer_literal;
use super::{Names, SentinelTable, Source, Template};
use crate::backend::{Backend, BackendId};
use crate::error::Uncacheable;
use crate::record::Recording;
use crate::value_ref::ValueRef;

/// Arguments by index: one scalar source and one list.
struct Fake {
    scalar: Option<Value>,
    list: Vec<Value>,
}

impl Source for Fake {
    fn as_dyn(&self) -> &dyn Source {
        self
    }
    fn fast_values(&self, template: &crate::template::Template) -> Option<Vec<sea_query::Value>> {
        template.fast_values_of(self)
    }
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

/// Reads the text ids of the SQLite statement cache, which exists with the feature only.
#[cfg(feature = "rusqlite")]
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
                let read = |binds: Option<Binds>| -> Option<Vec<Value>> {
                    let binds = binds?;
                    binds
                        .as_slice()
                        .iter()
                        .map(|&b| template.read(b, src).map(ValueRef::into_owned))
                        .collect()
                };
                let case = format!("stored {stored}, length {len}, pad {pad}");
                let seen = read(template.binds_for(&first, pad));
                assert_eq!(seen.as_ref(), Some(&values), "{case}");
                // Binds made by an unpadded call of the same text serve a padded call
                // (padding switched on meanwhile).
                let seen = read(template.binds_for(&first, false));
                assert_eq!(seen, Some(values), "{case}");
                let text =
                    fast.map_or_else(|| template.render_text(src, pad), |t| Some(t.to_string()));
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
        let binds = template.binds_for(&fake(0, 0..1), false).unwrap();
        assert!(
            binds
                .as_slice()
                .iter()
                .any(|&origin| template.read(origin, &missing).is_none())
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
    let err =
        Template::learn(&rec, &table, &[2], NAMES, BackendId::Postgres.placeholder()).unwrap_err();
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

#[test]
fn items_and_origins_stay_small() {
    // A stored shape holds a few dozen items; a miss that stores less touches fewer pages.
    assert_eq!(std::mem::size_of::<super::Item>(), 16);
    assert_eq!(std::mem::size_of::<super::Origin>(), 8);
}
