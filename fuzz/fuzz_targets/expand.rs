//! Random token streams and mutated real functions through the `#[cached_query]` macro:
//! no panic, and every rejection is a `compile_error!`. See `src/contract.rs`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cached_query_fuzz::contract::run(data));
