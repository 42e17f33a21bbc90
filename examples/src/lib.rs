//! Runnable programs that show and measure cached-query; see `src/bin/`.

use std::time::{Duration, Instant};

/// Runs `f` `n` times and returns the mean time per call.
pub fn time_per_call(n: u32, mut f: impl FnMut(u32)) -> Duration {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    start.elapsed() / n.max(1)
}
