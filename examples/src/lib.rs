//! Runnable programs that show and measure cached-query. The small applications a user
//! copies are in `examples/` (`cargo run --example axum_postgres`, `rusqlite_cli`); the
//! programs in `src/bin/` measure:
//!
//! - `playback` (the main job): a video-play endpoint replayed on SQLite, PostgreSQL or
//!   MySQL, uncached and then cached, with the same requests; [`video`] holds its schema and
//!   query functions, [`playback`] the replay, [`drivers`] the three databases.
//! - `side_by_side`: cached and uncached SQL of a few calls printed next to each other.
//! - `sqlite_replan`: which bound values make SQLite re-prepare a statement, through
//!   `prepare_cached` and `SqliteStatements`, with and without `ANALYZE`; `docs/sqlite.md`
//!   reports the figures.

pub mod drivers;
pub mod playback;
pub mod rng;
pub mod video;

use std::time::{Duration, Instant};

/// Runs `f` `n` times and returns the mean time per call.
pub fn time_per_call(n: u32, mut f: impl FnMut(u32)) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    start.elapsed() / n.max(1)
}
