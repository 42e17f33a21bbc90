//! Every shape ahead of time: enumeration counts, functions that say why they cannot be
//! enumerated, and warm-up leaving no miss for a random workload.

use cached_query::ahead::{NotEnumerable, SHAPE_LIMIT};
use cached_query::cached_query;
use cached_query_tests::calls::Call;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

/// Two flags, an `Option` and a list: 2 x 2 x 2 x 2 = 16 shapes per backend.
#[cached_query]
fn sixteen(a: bool, b: bool, c: Option<i64>, ids: &[i64], limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    if a {
        q.and_where(Expr::col(Alias::new("a")).eq(true));
    }
    if b {
        q.and_where(Expr::col(Alias::new("b")).eq(true));
    }
    if let Some(c) = c {
        q.and_where(Expr::col(Alias::new("c")).eq(c));
    }
    if !ids.is_empty() {
        q.and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied()));
    }
    q.limit(limit);
    q
}

/// A `#[shape]` type without `ShapeValues`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Column(&'static str);

#[cached_query]
fn by_column(#[shape] column: Column, value: i64) -> SelectStatement {
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new(column.0)).eq(value))
        .to_owned()
}

/// 13 flags: 8,192 shapes, over the limit.
#[cached_query]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn many(
    f1: bool,
    f2: bool,
    f3: bool,
    f4: bool,
    f5: bool,
    f6: bool,
    f7: bool,
    f8: bool,
    f9: bool,
    f10: bool,
    f11: bool,
    f12: bool,
    f13: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    for (i, on) in [f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13]
        .into_iter()
        .enumerate()
    {
        if on {
            q.and_where(Expr::col(Alias::new(format!("f{i}"))).eq(true));
        }
    }
    q
}

mod nested {
    pub(crate) mod deeper {
        use sea_query::{Alias, Query, SelectStatement};

        #[cached_query::cached_query]
        pub(crate) fn nested_one(flag: Option<bool>) -> SelectStatement {
            let mut q = Query::select();
            q.column(Alias::new("id")).from(Alias::new("t"));
            if let Some(true) = flag {
                q.column(Alias::new("x"));
            }
            q
        }
    }
}

fn here(name: &str) -> cached_query::ahead::FunctionInventory {
    let inventory = cached_query::inventory().in_module(module_path!());
    inventory
        .functions
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} is not registered"))
}

#[test]
fn two_flags_an_option_and_a_list_make_16_shapes_per_backend() {
    let shapes = here("sixteen").shapes.expect("enumerable");
    assert_eq!(shapes.len(), 48);
    let postgres: Vec<_> = shapes
        .iter()
        .filter(|s| s.backend == cached_query::BackendId::Postgres)
        .collect();
    assert_eq!(postgres.len(), 16);
    let distinct: std::collections::HashSet<&str> =
        postgres.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(distinct.len(), 16, "every shape sends its own SQL");
    assert!(
        postgres
            .iter()
            .any(|s| s.sql.contains(r#""id" IN ($2, $3) LIMIT $4"#)),
        "lists show two elements: {postgres:#?}"
    );
    // Three variants of `Option<bool>` in a nested module.
    assert_eq!(here("nested_one").shapes.expect("enumerable").len(), 9);
}

#[test]
fn non_enumerable_shape_argument_and_limit_are_reported() {
    assert_eq!(
        here("by_column").shapes,
        Err(NotEnumerable::ShapeArgument { argument: "column" })
    );
    assert_eq!(
        here("many").shapes,
        Err(NotEnumerable::TooManyShapes {
            shapes: 8192,
            limit: SHAPE_LIMIT
        })
    );
    let report = cached_query::ahead::warm_up_function("by_column");
    assert_eq!(report.functions, 1);
    assert_eq!(report.stored, 0);
    assert_eq!(report.not_enumerable.len(), 1, "{report}");
    let report = cached_query::ahead::warm_up_function("many");
    assert!(
        report.to_string().contains("8192 shapes per backend"),
        "{report}"
    );
}

#[test]
fn warm_up_leaves_no_miss_for_a_random_workload() {
    // `Post::by_id` names `Self` in its body: the cache knows that body after one call.
    let _ = cached_query_tests::schema::Post::by_id(1, false);
    let report = cached_query::ahead::warm_up_module("cached_query_tests::queries");
    println!("{report}");
    assert_eq!(report.functions, 20, "{report}");
    assert!(report.not_enumerable.is_empty(), "{report}");
    assert!(report.uncacheable.is_empty(), "{report}");
    assert_eq!(report.rejected, 0, "{report}");
    // Again: everything is stored already.
    let again = cached_query::ahead::warm_up_module("cached_query_tests::queries");
    assert_eq!(again.stored, 0);
    assert_eq!(again.already_stored, report.stored + report.already_stored);

    let misses = |stats: &cached_query::statistics::Stats| -> u64 {
        stats
            .functions
            .iter()
            .filter(|f| f.module.starts_with("cached_query_tests::queries"))
            .map(|f| f.misses)
            .sum()
    };
    let before = misses(&cached_query::stats());
    let mut runner = TestRunner::deterministic();
    let strategy = Call::any();
    for _ in 0..3000 {
        let call = strategy.new_tree(&mut runner).expect("a call").current();
        if let Err(mismatch) = call.check() {
            panic!("{mismatch:?}");
        }
    }
    let after = misses(&cached_query::stats());
    assert_eq!(after - before, 0, "misses after warm-up");
}
