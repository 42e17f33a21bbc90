//! Runs one row of one case in a loop, for a profiler, or times every row of a case.
//!
//! ```text
//! cargo build --profile bench -p cached-query-benches --bin profile
//! valgrind --tool=callgrind target/release/profile select_10_filters_postgres cached 100000
//! target/release/profile select_10_filters_postgres time
//! ```
//!
//! `profile CASE ROW [CALLS]` prepares the case (as the benchmarks do) and makes `CALLS`
//! calls of the row (default 100 000): under `valgrind --tool=callgrind`, which counts
//! instructions and so is steady on a noisy machine, subtract a run with `CALLS = 0` and
//! divide. `profile CASE time [CALLS]` times every row of the case, interleaved, 30 rounds
//! of `CALLS` calls (default 20 000), and prints the best round of each: a quick look
//! between two builds, not a replacement for the criterion suite.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use cached_query_benches::cases::{Row, hit_cases, miss_case};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(case_id), Some(row_id)) = (args.next(), args.next()) else {
        eprintln!("usage: profile CASE (ROW | time) [CALLS]");
        return ExitCode::from(2);
    };
    let calls: Option<u64> = match args.next().map(|s| s.parse()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => {
            eprintln!("CALLS: {e}");
            return ExitCode::from(2);
        }
    };
    let mut cases = hit_cases();
    cases.push(miss_case());
    let Some(case) = cases.into_iter().find(|c| c.id == case_id) else {
        eprintln!("no case {case_id:?}; the cases are the criterion group names");
        return ExitCode::from(2);
    };
    if let Err(problem) = case.prepare() {
        eprintln!("inconsistent case: {problem}");
        return ExitCode::from(2);
    }
    if row_id == "time" {
        let calls = calls.unwrap_or(20_000).max(1);
        let rows: Vec<_> = case.rows().collect();
        let mut best = vec![f64::MAX; rows.len()];
        for _ in 0..30 {
            for ((_, run), best) in rows.iter().zip(&mut best) {
                let start = Instant::now();
                for _ in 0..calls {
                    black_box(run());
                }
                *best = best.min(start.elapsed().as_nanos() as f64 / calls as f64);
            }
        }
        let uncached = best.first().copied().unwrap_or(f64::NAN);
        for ((row, _), best) in rows.iter().zip(&best) {
            println!(
                "{:<14} {best:>10.1} ns   uncached / row {:>7.2}",
                row.id(),
                uncached / best
            );
        }
        return ExitCode::SUCCESS;
    }
    let Some(run) = Row::from_id(&row_id).and_then(|row| case.row(row)) else {
        eprintln!("case {case_id} has no row {row_id:?}");
        return ExitCode::from(2);
    };
    for _ in 0..calls.unwrap_or(100_000) {
        black_box(run());
    }
    ExitCode::SUCCESS
}
