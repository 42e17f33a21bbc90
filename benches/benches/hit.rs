//! The criterion suite: for every case in `cached_query_benches::cases`, the uncached build,
//! the cached `build` and `build_shared`, and the hand-written lower bound, measured in the
//! same run; the 10-filter select again on two threads at once; and the miss (first call of
//! a new shape) against the uncached build.
//!
//! ```text
//! cargo bench -p cached-query-benches                 # everything, about 2-3 minutes
//! cargo bench -p cached-query-benches -- select_10    # a filter
//! ```
//!
//! Every cache is pre-warmed and every row checked against the uncached build before
//! anything is measured (`Case::prepare`). Results land in `target/criterion/<case>/<row>/`;
//! `bash benches/report.sh` turns them into `BENCHMARKS.md`.

use std::time::Duration;

use cached_query_benches::cases::{
    Case, TWO_THREAD_CASE, hit_cases, miss_case, on_two_threads, two_thread_group,
};
use criterion::{Criterion, criterion_group, criterion_main};

/// Short runs: about 1.5 s per row, so the whole suite stays within a few minutes on two
/// cores. Raise `measurement_time` for steadier numbers.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1000))
        .sample_size(40)
        .nresamples(20_000)
        .without_plots()
}

fn prepare(case: &Case) {
    if let Err(problem) = case.prepare() {
        panic!("benchmark case is inconsistent, nothing measured: {problem}");
    }
}

/// Hits: every case, every row, on one thread.
fn hits(c: &mut Criterion) {
    let cases = hit_cases();
    cases.iter().for_each(prepare);
    for case in &cases {
        let mut group = c.benchmark_group(&case.id);
        for (row, run) in case.rows() {
            group.bench_function(row.id(), |b| b.iter(run));
        }
        group.finish();
    }
}

/// Hits from two threads at once: each thread makes `iters` calls; the time is the slower
/// thread's, per call (equal to the one-thread time if the two threads do not interfere).
fn two_threads(c: &mut Criterion) {
    let cases = hit_cases();
    let case = cases
        .iter()
        .find(|case| case.id == TWO_THREAD_CASE)
        .expect("the two-thread case is one of the hit cases");
    prepare(case);
    let mut group = c.benchmark_group(two_thread_group(&case.id));
    for (row, run) in case.rows() {
        group.bench_function(row.id(), |b| {
            b.iter_custom(|iters| on_two_threads(&**run, iters))
        });
    }
    group.finish();
}

/// Misses: every `miss` call is the first call of a fresh `#[shape]` value, so it renders,
/// probes the body (a learning round and two check rounds), learns and stores a template.
fn misses(c: &mut Criterion) {
    let case = miss_case();
    prepare(&case);
    let mut group = c.benchmark_group(&case.id);
    group.sample_size(20);
    for (row, run) in case.rows() {
        group.bench_function(row.id(), |b| b.iter(run));
    }
    group.finish();
    if let Some(row) = cached_query::stats().function(case.function) {
        // A full cache would have served calls uncached and hidden the miss cost.
        assert_eq!(
            row.rejected, 0,
            "`{}` rejected shapes: raise its capacity",
            case.function
        );
        eprintln!(
            "{}: {} misses measured, {} shapes stored, {} template bytes",
            case.function, row.misses, row.entries, row.bytes
        );
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = hits, two_threads, misses
}
criterion_main!(benches);
