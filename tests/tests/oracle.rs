//! The differential oracle: for random arguments, in random order, with a cache warmed by
//! other shapes and list lengths, every cached build equals sea-query's own build on all
//! three backends.
//!
//! `CACHED_QUERY_ORACLE_CASES` sets the number of random call sequences (default 256, each
//! of up to 48 calls).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_tests::calls::{Call, FUNCTIONS};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("CACHED_QUERY_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

#[test]
fn cached_builds_equal_sea_query_builds() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let calls = std::sync::atomic::AtomicU64::new(0);
    let result = runner.run(&proptest::collection::vec(Call::any(), 1..48), |sequence| {
        for call in &sequence {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Err(mismatch) = call.check() {
                return Err(TestCaseError::fail(format!("{call:?}\n{mismatch}")));
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }

    let stats = cached_query::stats();
    let calls = calls.into_inner();
    println!("{calls} calls, each checked on 3 backends (build and build_shared)\n{stats}");
    for name in FUNCTIONS {
        let row = stats
            .function(name)
            .unwrap_or_else(|| panic!("`{name}` never ran"));
        assert_eq!(
            row.uncacheable_keys,
            0,
            "`{name}` had uncacheable shapes: {:?}",
            cached_query::statistics::uncacheable()
        );
        assert!(row.hits > 0, "`{name}` was never served from the cache");
    }
    // The oracle is only meaningful if most calls were hits, not misses.
    assert!(
        stats.hits() > 4 * stats.misses(),
        "too few hits: {} hits, {} misses",
        stats.hits(),
        stats.misses()
    );
}
