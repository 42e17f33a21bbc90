//! What the production controls cost on a hit, side by side in one run:
//!
//! - `controls_select_10_filters_postgres`: the plain cached hit (which counts itself for
//!   `stats()` and reads the switches), the same with `verify = 0.001`, and the hand-written
//!   lower bound (the values and the SQL text with no cache lookup, no counting, no switch).
//! - `controls_in_list_postgres`: an `IN` list of 100 tags cached as is (a length other than
//!   the stored one), padded to 128 by `pad_in = true`, and an unpadded list of 128.
//!
//! ```text
//! cargo bench -p cached-query-benches --bench controls
//! ```

use std::hint::black_box;
use std::time::Duration;

use cached_query_benches::cases::{Row, hit_cases};
use cached_query_benches::queries::{posts_padded, quality_rules_verified};
use cached_query_tests::queries::posts;
use criterion::{Criterion, criterion_group, criterion_main};
use sea_query::PostgresQueryBuilder;

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(2000))
        .sample_size(40)
        .without_plots()
}

/// The groups of `cases::select_10_filters`.
const GROUPS: &[i64] = &[3, 5, 8];

fn verified() -> (String, sea_query::Values) {
    quality_rules_verified(
        black_box(Some(true)),
        black_box(Some(false)),
        black_box(Some(11)),
        black_box(None),
        black_box(GROUPS),
        black_box(None),
        black_box(Some(42)),
        black_box(1),
        black_box(true),
        black_box(20),
    )
    .build(PostgresQueryBuilder)
}

fn hit_costs(c: &mut Criterion) {
    let cases = hit_cases();
    let case = cases
        .iter()
        .find(|case| case.id == "select_10_filters_postgres")
        .expect("the 10-filter Postgres case exists");
    if let Err(problem) = case.prepare() {
        panic!("benchmark case is inconsistent, nothing measured: {problem}");
    }
    let (cached, lower) = match (case.row(Row::Cached), case.row(Row::LowerBound)) {
        (Some(cached), Some(lower)) => (cached, lower),
        _ => panic!("the 10-filter case has cached and lower-bound rows"),
    };
    let warm = verified();
    let uncached = case.row(Row::Uncached).map(|run| run());
    assert_eq!(
        uncached.as_ref().map(|out| (out.sql(), &out.values().0)),
        Some((warm.0.as_str(), &warm.1.0)),
        "the verified twin builds the same query"
    );
    let mut group = c.benchmark_group("controls_select_10_filters_postgres");
    group.bench_function("cached", |b| b.iter(cached));
    group.bench_function("cached_verify_0.001", |b| b.iter(verified));
    group.bench_function("lower_bound", |b| b.iter(lower));
    group.finish();
}

fn padding(c: &mut Criterion) {
    let tags_100: Vec<i64> = (0..100).collect();
    let tags_128: Vec<i64> = (0..128).collect();
    // Warm every shape first (the stored length is 3 for the plain function).
    let _ = posts(7, Some("live"), &[1, 2, 3], true, 20).build(PostgresQueryBuilder);
    let _ = posts_padded(7, Some("live"), &[1, 2, 3], true, 20).build(PostgresQueryBuilder);
    let mut group = c.benchmark_group("controls_in_list_postgres");
    group.bench_function("cached_100", |b| {
        b.iter(|| {
            posts(7, Some("live"), black_box(&tags_100), true, 20).build(PostgresQueryBuilder)
        })
    });
    group.bench_function("cached_pad_in_100_to_128", |b| {
        b.iter(|| {
            posts_padded(7, Some("live"), black_box(&tags_100), true, 20)
                .build(PostgresQueryBuilder)
        })
    });
    group.bench_function("cached_128", |b| {
        b.iter(|| {
            posts(7, Some("live"), black_box(&tags_128), true, 20).build(PostgresQueryBuilder)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = hit_costs, padding
}
criterion_main!(benches);
