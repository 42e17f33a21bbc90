//! Random call sequences of the tests crate's query functions: every cached build must
//! equal sea-query's own build on PostgreSQL, MySQL and SQLite. See `src/calls.rs`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cached_query_fuzz::calls::run(data));
