//! Compile-fail and compile-pass cases of `#[cached_query]`; see `tests/ui.rs`.
