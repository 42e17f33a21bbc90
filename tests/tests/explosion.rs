//! Shape explosion: a `#[shape]` argument that takes a new value on every call (a shard
//! number, a table chosen at run time) must not grow the cache without bound. With the
//! default capacity ([`cached_query::config::DEFAULT_CAPACITY`] shapes), the first shapes are stored,
//! every later new shape is served uncached and counted as rejected, the stored ones keep
//! being served, every output still equals sea-query's, and memory stays flat: the template
//! bytes stop growing once the cache is full, and the process's resident memory grows by
//! less than a fixed bound.
//!
//! `CACHED_QUERY_EXPLOSION_CALLS` sets the number of distinct values (default 1,000,000:
//! 9 to 13 s in a debug build and 1.5 to 4 s in release, on two shared cores).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Instant;

use cached_query::cached_query;
use cached_query::config::DEFAULT_CAPACITY;
use cached_query_tests::check_all;
use cached_query_tests::schema::Post;
use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};

/// The function's name, as `stats()` reports it.
const NAME: &str = "shard_posts";

/// Every `SAMPLE`-th call is also built uncached and compared.
const SAMPLE: u64 = 997;

/// New values after the loop that are checked on all three backends.
const ALL_BACKEND_CHECKS: u64 = 64;

/// Resident memory may grow by at most this much over the whole run. A memo keyed by the
/// value would hold a rendered statement per call: well over 100 MB for a million calls.
const RSS_GROWTH_LIMIT: u64 = 64 << 20;

fn calls() -> u64 {
    std::env::var("CACHED_QUERY_EXPLOSION_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// One table per shard: each value of `n` renders its own SQL, so each is its own shape.
#[cached_query]
fn shard_posts(#[shape] n: u64, author: i64, ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id)
        .from(Alias::new(format!("post_{n}")))
        .and_where(Expr::col(Post::Author).eq(author));
    if !ids.is_empty() {
        q.and_where(Expr::col(Post::Id).is_in(ids.iter().copied()));
    }
    q
}

/// The process's resident memory in bytes: `VmRSS` of `/proc/self/status`, the resident
/// figure of `/proc/self/statm` already in kB (statm counts pages, whose size would take an
/// unsafe `sysconf` call, and the workspace forbids `unsafe`). `Err` says why it is unknown.
fn rss_bytes() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("/proc/self/status is not readable ({e})"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .ok_or_else(|| "/proc/self/status has no VmRSS line".to_owned())
}

fn row() -> cached_query::statistics::FunctionStats {
    cached_query::stats()
        .function(NAME)
        .cloned()
        .unwrap_or_else(|| panic!("`{NAME}` never ran"))
}

/// The arguments of call `i`: shard `i`, a list of one to three ids (never empty, so the
/// shard number alone decides the shape).
fn ids(i: u64) -> Vec<i64> {
    let i = i as i64;
    (0..1 + i % 3).map(|k| i * 3 + k).collect()
}

#[test]
fn a_million_shapes_keep_the_cache_at_capacity() {
    let calls = calls();
    let capacity = DEFAULT_CAPACITY as u64;
    assert!(
        calls > capacity,
        "CACHED_QUERY_EXPLOSION_CALLS={calls} must exceed the capacity {capacity}"
    );
    let rss_start = rss_bytes();
    let began = Instant::now();

    let mut sampled = 0u64;
    let mut bytes_at_full = None;
    let mut rss_at_full = None;
    for n in 0..calls {
        let list = ids(n);
        let h = shard_posts(n, n as i64 ^ 0x5a5a, &list);
        let cached = h.build(PostgresQueryBuilder);
        if n % SAMPLE == 0 || n == capacity - 1 || n == capacity || n == calls - 1 {
            assert_eq!(
                cached,
                h.statement().build(PostgresQueryBuilder),
                "call {n} differs from the uncached build"
            );
            sampled += 1;
        }
        if n + 1 == capacity {
            let full = row();
            assert_eq!(full.entries, DEFAULT_CAPACITY, "{full:?}");
            assert_eq!(full.rejected, 0, "{full:?}");
            bytes_at_full = Some(full.bytes);
            rss_at_full = rss_bytes().ok();
        }
    }
    let loop_time = began.elapsed();

    // The stored shapes are still served from the cache, none was evicted or replaced.
    for n in (0..capacity).step_by(7) {
        let list = ids(n + 1);
        let h = shard_posts(n, -(n as i64), &list);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder),
            "stored shape {n} differs from the uncached build"
        );
    }
    let rehits = capacity.div_ceil(7);

    // New shapes on every backend after the explosion: each of the six builds of
    // `check_all` (build and build_shared on three backends) is one more rejected call.
    for k in 0..ALL_BACKEND_CHECKS {
        let n = calls + k * 12_345;
        check_all(&shard_posts(n, 7, &ids(n)), NAME).unwrap_or_else(|m| panic!("{m}"));
    }
    let elapsed = began.elapsed();

    let rss_end = rss_bytes();
    let stats = row();
    let rejected = (calls - capacity) + 6 * ALL_BACKEND_CHECKS;
    let longest_sql = shard_posts(calls, 0, &[1, 2, 3])
        .statement()
        .build(PostgresQueryBuilder)
        .0
        .len();
    // A template holds the SQL text twice (the template and the fast path's copy), 16 bytes
    // per value slot and a few small tables: four times the longest SQL and 512 bytes more
    // per entry is ample, and far below what a million stored shapes would take.
    let bytes_limit = DEFAULT_CAPACITY * (4 * longest_sql + 512);

    println!(
        "{calls} distinct values in {:.1} s ({:.2} µs/call; {:.1} s with the checks after), {sampled} sampled against the uncached build",
        loop_time.as_secs_f64(),
        loop_time.as_secs_f64() * 1e6 / calls as f64,
        elapsed.as_secs_f64()
    );
    println!(
        "entries {}, rejected {}, misses {}, hits {}, uncached calls {}, bytes {} (limit {bytes_limit}, at full {})",
        stats.entries,
        stats.rejected,
        stats.misses,
        stats.hits,
        stats.uncached_calls,
        stats.bytes,
        bytes_at_full.unwrap_or_default()
    );

    assert_eq!(stats.entries, DEFAULT_CAPACITY, "{stats:?}");
    assert_eq!(stats.misses, capacity, "{stats:?}");
    assert_eq!(stats.rejected, rejected, "{stats:?}");
    assert_eq!(stats.uncached_calls, rejected, "{stats:?}");
    assert_eq!(stats.hits, rehits, "{stats:?}");
    assert_eq!(stats.uncacheable_keys, 0, "{stats:?}");
    assert_eq!(
        Some(stats.bytes),
        bytes_at_full,
        "template bytes grew after the cache was full"
    );
    assert!(
        stats.bytes <= bytes_limit,
        "{} template bytes for {} entries, above {bytes_limit}",
        stats.bytes,
        stats.entries
    );

    match (rss_start, rss_end) {
        (Ok(start), Ok(end)) => {
            let growth = end.saturating_sub(start);
            let after_full = rss_at_full.map(|full| end.saturating_sub(full));
            println!(
                "resident memory {:.1} MiB at the start, {:.1} MiB at the end: grew {:.2} MiB ({} after the cache was full; limit {} MiB)",
                start as f64 / 1048576.0,
                end as f64 / 1048576.0,
                growth as f64 / 1048576.0,
                after_full.map_or_else(
                    || "unknown".to_owned(),
                    |b| format!("{:.2} MiB", b as f64 / 1048576.0)
                ),
                RSS_GROWTH_LIMIT >> 20
            );
            assert!(
                growth < RSS_GROWTH_LIMIT,
                "resident memory grew by {growth} bytes over {calls} distinct values"
            );
        }
        (Err(reason), _) | (_, Err(reason)) => {
            println!("skipped the resident-memory bound: {reason}");
        }
    }
}
