//! The cost of a miss (the first call of a new shape: the real build, the probe rounds,
//! learning and storing the template) as a multiple of an uncached build of the same
//! statement, the two measured side by side in one run: batches of uncached builds and of
//! misses alternate, and the medians of the batch times are compared.
//!
//! `cargo run --release -p cached-query-benches --bin miss_cost`

use std::hint::black_box;
use std::time::Instant;

use cached_query_benches::cases::{Row, miss_case};

const BATCHES: usize = 30;
const CALLS: usize = 400;

fn main() {
    let case = miss_case();
    if let Err(e) = case.prepare() {
        eprintln!("{e}");
        std::process::exit(2);
    }
    let (Some(uncached), Some(miss)) = (case.row(Row::Uncached), case.row(Row::Miss)) else {
        eprintln!(
            "{}: the miss case needs an uncached and a miss row",
            case.id
        );
        std::process::exit(2);
    };
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..BATCHES {
        for (slot, run) in [uncached, miss].into_iter().enumerate() {
            let start = Instant::now();
            for _ in 0..CALLS {
                black_box(run());
            }
            times[slot].push(start.elapsed().as_secs_f64() / CALLS as f64);
        }
    }
    let [un, mi] = times.map(|mut t| {
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    });
    println!(
        "{}: uncached {:.2} µs, miss {:.2} µs: {:.2}x ({} batches of {} calls each, medians)",
        case.id,
        un * 1e6,
        mi * 1e6,
        mi / un,
        BATCHES,
        CALLS
    );
}
