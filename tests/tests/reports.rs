//! What an operator reads: every public report prints as the documentation shows, and every
//! event the cache logs is selected by a `cached_query` target filter.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::{BackendId, cached_query};
use cached_query_tests::events::capture;
use sea_query::{Alias, Expr, ExprTrait, MysqlQueryBuilder, Query, SelectStatement};
use tracing::Level;

#[cached_query]
fn by_name(name: Option<&str>, active: bool) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("reports_t"));
    if let Some(n) = name {
        q.and_where(Expr::col(Alias::new("name")).eq(n));
    }
    if active {
        q.and_where(Expr::col(Alias::new("active")).eq(true));
    }
    q
}

/// The bound value is written into the text: the run-time check finds it.
#[cached_query(lint = false)]
fn written_in(name: String) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("reports_t"))
        .and_where(Expr::cust(format!("name = '{name}'")))
        .to_owned()
}

#[test]
fn stats_print_a_hit_rate_and_readable_bytes() {
    for _ in 0..3 {
        by_name(Some("ann"), true).build(MysqlQueryBuilder);
    }
    by_name(None, false).build(MysqlQueryBuilder);
    let stats = cached_query::stats();
    let row = stats.function("by_name").unwrap();
    // Two shapes learned, two hits.
    assert_eq!((row.misses, row.hits, row.calls()), (2, 2, 4));
    assert_eq!(row.hit_rate(), Some(0.5));

    let table = stats.to_string();
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    for column in ["calls", "hits", "hit rate", "misses", "entries", "bytes"] {
        assert!(header.contains(column), "{table}");
    }
    let line = table.lines().find(|l| l.contains("::by_name")).unwrap();
    assert!(line.contains("50.0%"), "{table}");
    // Bytes in binary units, never a raw count of a few hundred thousand digits.
    assert!(line.ends_with(" B") || line.ends_with("KiB"), "{table}");
    let last = table.lines().last().unwrap();
    assert!(last.starts_with("templates hold "), "{table}");
    assert!(last.contains("of a 64 MiB budget"), "{table}");

    let one = row.to_string();
    assert!(
        one.contains("::by_name: 4 calls, 2 hits (50.0%), 2 misses"),
        "{one}"
    );
}

#[test]
fn an_uncacheable_shape_prints_as_one_line() {
    let h = written_in("ann".into());
    assert_eq!(
        h.build(MysqlQueryBuilder),
        h.statement().build(MysqlQueryBuilder)
    );
    let found = cached_query::statistics::uncacheable();
    let shape = found.iter().find(|s| s.name == "written_in").unwrap();
    assert_eq!(shape.backend, BackendId::MySql);
    let line = shape.to_string();
    assert!(
        line.starts_with(&format!("{}::written_in [mysql]: ", shape.module)),
        "{line}"
    );
    assert!(line.contains(&shape.reason.to_string()), "{line}");
    assert!(!line.contains('\n'), "{line}");
}

#[test]
fn inventory_parts_print_as_the_whole_does() {
    let inventory = cached_query::inventory().in_module(module_path!());
    let function = inventory
        .functions
        .iter()
        .find(|f| f.name == "by_name")
        .unwrap();
    let text = function.to_string();
    assert!(
        text.starts_with(&format!(
            "== {}::by_name (4 shapes per backend)\n",
            function.module
        )),
        "{text}"
    );
    let shape = &function.shapes.as_ref().unwrap()[0];
    assert_eq!(
        shape.to_string(),
        format!("-- {} | {}\n{}\n", shape.backend, shape.shape, shape.sql)
    );
    assert!(inventory.to_string().contains(&text));
}

#[test]
fn every_event_is_under_the_cached_query_target() {
    #[cached_query(capacity = 1)]
    fn traced(#[shape] column: u8, value: i64) -> SelectStatement {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("reports_t"))
            .and_where(Expr::col(Alias::new(format!("c{column}"))).eq(value))
            .to_owned()
    }
    #[cached_query(lint = false)]
    fn traced_uncacheable(name: String) -> SelectStatement {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("reports_t"))
            .and_where(Expr::cust(format!("name = '{name}'")))
            .to_owned()
    }
    let ((), events) = capture(|| {
        traced(1, 7).build(MysqlQueryBuilder); // miss, stored
        traced(2, 7).build(MysqlQueryBuilder); // cache full
        traced_uncacheable("x".into()).build(MysqlQueryBuilder); // uncacheable
    });
    let levels: Vec<Level> = events.iter().map(|e| e.level).collect();
    assert!(levels.contains(&Level::DEBUG), "{events:#?}");
    assert!(levels.contains(&Level::WARN), "{events:#?}");
    for event in &events {
        // `RUST_LOG=cached_query=debug` selects the target and everything below it.
        assert!(
            event.target == "cached_query" || event.target.starts_with("cached_query::"),
            "{event:#?}"
        );
        assert!(event.message().starts_with("cached_query: "), "{event:#?}");
        assert!(event.field("function").is_some(), "{event:#?}");
        assert!(event.field("module").is_some(), "{event:#?}");
    }
}
