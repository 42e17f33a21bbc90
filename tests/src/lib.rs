//! Query functions written the way applications write them, over a small blog-and-video
//! schema. The differential oracle, the database tests, the examples and the benchmarks
//! all use these, so each shape is proven once and measured on the same code.

pub mod calls;
pub mod check;
pub mod db;
pub mod events;
pub mod queries;
pub mod schema;
pub mod sqlite;

pub use check::{BACKENDS, Mismatch, check_all, prove_the_cache};
