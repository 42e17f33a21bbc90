//! Concurrency stress: eight threads call a mix of cached functions with random arguments,
//! released together so that first-time probes of the same key race, with uncacheable
//! keys, nested cached calls and hits interleaved. Every result is compared with the
//! uncached build; a watchdog fails the test instead of letting a deadlock hang CI; each
//! key is stored once.
//!
//! `CACHED_QUERY_STRESS_CALLS` sets the calls per thread (default 1500).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use cached_query::cached_query;
use cached_query_tests::calls::Call;
use cached_query_tests::check_all;
use cached_query_tests::queries::authors_of_posts;
use cached_query_tests::schema::Post;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sea_query::{Expr, ExprTrait, Query, SelectStatement};

const THREADS: usize = 8;

fn calls_per_thread() -> usize {
    std::env::var("CACHED_QUERY_STRESS_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}

/// Eight shapes per backend: a flag, an option and a list.
#[cached_query]
fn small_key_space(flag: bool, author: Option<i64>, tags: &[i64], title: &str) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    if flag {
        q.and_where(Expr::col(Post::PublishedAt).is_not_null());
    }
    if let Some(a) = author {
        q.and_where(Expr::col(Post::Author).eq(a));
    }
    if !tags.is_empty() {
        q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied()));
    }
    q.and_where(Expr::col(Post::Title).ne(title));
    q
}

/// Uncacheable for `flag = true` (the value decides the SQL text), fine otherwise.
#[cached_query(lint = false)]
fn partly_uncacheable(flag: bool, limit: u64) -> SelectStatement {
    let mut q = Query::select();
    q.column(Post::Id).from(Post::Table);
    if flag {
        q.and_where(Expr::cust(format!("score > {limit}")));
    }
    q.limit(limit);
    q
}

fn work(thread: usize, calls: usize, start: &Barrier) -> Result<usize, String> {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[thread as u8 + 1; 32]),
    );
    let strategy = Call::any();
    start.wait();
    let mut done = 0;
    for i in 0..calls {
        let fail = |m: String| format!("thread {thread}, call {i}: {m}");
        // The same keys on every thread first, so their first probes race.
        let n = i as i64;
        check_all(
            &small_key_space(
                i % 2 == 0,
                (i % 3 != 0).then_some(n),
                &[n, 1, 2][..i % 4 % 3],
                "t",
            ),
            "small_key_space",
        )
        .map_err(|m| fail(m.to_string()))?;
        check_all(
            &partly_uncacheable(i % 5 == 0, i as u64),
            "partly_uncacheable",
        )
        .map_err(|m| fail(m.to_string()))?;
        if i % 7 == 0 {
            check_all(&authors_of_posts(n, "NO"), "authors_of_posts")
                .map_err(|m| fail(m.to_string()))?;
        }
        let call = strategy
            .new_tree(&mut runner)
            .map_err(|e| fail(e.to_string()))?
            .current();
        call.check().map_err(|m| fail(format!("{call:?}\n{m}")))?;
        done += 4;
    }
    Ok(done)
}

#[test]
fn eight_threads_agree_with_sea_query_without_deadlock() {
    let calls = calls_per_thread();
    let start = Arc::new(Barrier::new(THREADS));
    let (tx, rx) = mpsc::channel();
    for thread in 0..THREADS {
        let (tx, start) = (tx.clone(), Arc::clone(&start));
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(|| work(thread, calls, &start))
                .unwrap_or_else(|_| Err(format!("thread {thread} panicked")));
            let _ = tx.send(outcome);
        });
    }
    drop(tx);

    // Generous: a debug build on two loaded cores does ~1,000 checked calls a second.
    let limit = Duration::from_secs(120 + (calls as u64 * THREADS as u64) / 50);
    let began = Instant::now();
    let mut total = 0;
    for _ in 0..THREADS {
        let left = limit.saturating_sub(began.elapsed());
        match rx.recv_timeout(left) {
            Ok(Ok(n)) => total += n,
            Ok(Err(message)) => panic!("{message}"),
            Err(_) => {
                panic!("watchdog: threads still running after {limit:?}; a deadlock is likely")
            }
        }
    }
    println!(
        "{THREADS} threads, {total} checked calls (each on 3 backends, build and build_shared), 0 mismatches, {:.1} s",
        began.elapsed().as_secs_f64()
    );

    let stats = cached_query::stats();
    let small = stats.function("small_key_space").unwrap();
    // 8 shapes x 3 backends, each stored once however many threads raced on its miss.
    assert_eq!(small.entries, 24, "{small:?}");
    assert_eq!(small.uncacheable_keys, 0, "{small:?}");
    assert!(small.hits > small.misses, "{small:?}");
    let partly = stats.function("partly_uncacheable").unwrap();
    // flag = true is uncacheable, flag = false is cached: 3 backends each.
    assert_eq!(partly.uncacheable_keys, 3, "{partly:?}");
    assert_eq!(partly.entries, 6, "{partly:?}");
    let nested = stats.function("authors_of_posts").unwrap();
    assert_eq!(nested.uncacheable_keys, 0, "{nested:?}");
}
