//! Warming one backend, and warm-ups under the disable switch. One test: the switch is
//! process-wide, so nothing may run beside it.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::{BackendId, cached_query};
use sea_query::{
    Alias, Expr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder,
};

/// 2 x 2 shapes per backend.
#[cached_query]
fn accounts(city: Option<&str>, active: bool) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("accounts"));
    if let Some(c) = city {
        q.and_where(Expr::col(Alias::new("city")).eq(c));
    }
    if active {
        q.and_where(Expr::col(Alias::new("active")).eq(true));
    }
    q
}

fn entries() -> usize {
    cached_query::stats()
        .function("accounts")
        .map_or(0, |row| row.entries)
}

#[test]
fn warm_ups_render_the_backends_asked_for_and_nothing_while_disabled() {
    // Off: no warm-up renders or stores anything, and each says why.
    cached_query::config::set_enabled(false);
    let here = module_path!();
    for report in [
        cached_query::warm_up(),
        cached_query::warm_up_for(PostgresQueryBuilder),
        cached_query::ahead::warm_up_function("accounts"),
        cached_query::ahead::warm_up_module(here),
    ] {
        assert!(report.disabled, "{report}");
        assert!(!report.is_complete());
        assert_eq!((report.functions, report.stored), (0, 0), "{report}");
        assert!(
            report.to_string().contains("skipped: caching is off"),
            "{report}"
        );
    }
    assert_eq!(entries(), 0);
    cached_query::config::set_enabled(true);

    // One backend: its four shapes, no other backend's.
    let report = cached_query::warm_up_for(PostgresQueryBuilder);
    assert_eq!(report.backends, [BackendId::Postgres]);
    assert!(!report.disabled);
    assert_eq!((report.functions, report.stored), (1, 4), "{report}");
    assert!(report.is_complete(), "{report}");
    assert!(
        report
            .to_string()
            .starts_with("warm-up (postgres): 1 functions, 4 shapes stored")
    );
    assert_eq!(entries(), 4);

    // Every shape of that backend is now a hit; another backend's first call is a miss.
    for (city, active) in [
        (Some("Oslo"), true),
        (None, true),
        (Some("Oslo"), false),
        (None, false),
    ] {
        let h = accounts(city, active);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
    }
    accounts(None, false).build(SqliteQueryBuilder);
    let row = cached_query::stats().function("accounts").cloned().unwrap();
    assert_eq!((row.hits, row.misses), (4, 1));

    // The other two: what is left.
    let mysql = cached_query::warm_up_for(MysqlQueryBuilder);
    assert_eq!((mysql.stored, mysql.already_stored), (4, 0), "{mysql}");
    let sqlite = cached_query::warm_up_for(SqliteQueryBuilder);
    assert_eq!((sqlite.stored, sqlite.already_stored), (3, 1), "{sqlite}");
    let all = cached_query::warm_up();
    assert_eq!(
        all.backends,
        [BackendId::Postgres, BackendId::MySql, BackendId::Sqlite]
    );
    assert_eq!((all.stored, all.already_stored), (0, 12), "{all}");
    assert_eq!(entries(), 12);
}
