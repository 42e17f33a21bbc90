//! A cached body that builds through another cached function must not deadlock (no shard
//! lock is held while user code runs), and calls from several threads at once agree with
//! sea-query.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_tests::calls::Call;
use cached_query_tests::check_all;
use cached_query_tests::queries::authors_of_posts;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[test]
fn a_cached_body_may_call_another_cached_function() {
    for i in 0..20 {
        check_all(&authors_of_posts(i, "NO"), "authors_of_posts").unwrap();
    }
    cached_query_tests::check::assert_served(&["authors_of_posts"], 1);
}

#[test]
fn threads_calling_at_once_agree_with_sea_query() {
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                let mut runner = TestRunner::deterministic();
                let strategy = Call::any();
                for i in 0..400 {
                    let call = strategy.new_tree(&mut runner).unwrap().current();
                    if let Err(m) = call.check() {
                        panic!("thread {t}, call {i}: {call:?}\n{m}");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
