//! Compile-fail and compile-pass cases of `#[cached_query]`; see `tests/ui.rs`. Random
//! bodies against the oracle: `build.rs` and `tests/random_bodies.rs`.

mod rng;

pub use rng::Rng;
