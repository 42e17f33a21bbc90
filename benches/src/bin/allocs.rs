//! Allocations per call of every benchmark case and row, counted by a global allocator that
//! wraps `std::alloc::System`.
//!
//! ```text
//! cargo run --release -p cached-query-benches --bin allocs [-- --out FILE]
//! ```
//!
//! Prints a table and writes it as tab-separated values (default
//! `target/cached-query-benches/allocs.tsv`) for the report. An allocation is an `alloc`,
//! `alloc_zeroed` or `realloc` call. Exits with status 1 if the 10-filter select misses its
//! targets: at most 3 allocations per hit through `build`, at most 2 through `build_shared`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use cached_query_benches::alloc::{Counting, snapshot};
use cached_query_benches::cases::{Row, hit_cases, miss_case};
use cached_query_benches::results_dir;

#[global_allocator]
static ALLOC: Counting = Counting;

/// Calls counted per row (after three warm-up calls).
const CALLS: u64 = 1000;

/// `(case, row, most allocations per call)` that must hold.
const TARGETS: [(&str, Row, f64); 2] = [
    ("select_10_filters_postgres", Row::Cached, 3.0),
    ("select_10_filters_postgres", Row::CachedShared, 2.0),
];

fn main() -> ExitCode {
    let mut out = results_dir().join("allocs.tsv");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(path)) => out = PathBuf::from(path),
            _ => {
                eprintln!("usage: allocs [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }

    let mut cases = hit_cases();
    cases.push(miss_case());
    for case in &cases {
        if let Err(problem) = case.prepare() {
            eprintln!("inconsistent case, nothing counted: {problem}");
            return ExitCode::from(2);
        }
    }

    let mut tsv = String::from("case\trow\tallocs_per_call\treallocs_per_call\tbytes_per_call\n");
    println!(
        "{:<34} {:<14} {:>12} {:>10} {:>14}",
        "case", "row", "allocs/call", "of them re", "bytes/call"
    );
    let mut missed = Vec::new();
    for case in &cases {
        for (row, run) in case.rows() {
            for _ in 0..3 {
                black_box(run());
            }
            let before = snapshot();
            for _ in 0..CALLS {
                black_box(run());
            }
            let delta = snapshot().since(&before);
            let per_call = |n: u64| n as f64 / CALLS as f64;
            let allocs = per_call(delta.allocations());
            let reallocs = per_call(delta.reallocs);
            let bytes = per_call(delta.bytes);
            println!(
                "{:<34} {:<14} {allocs:>12.2} {reallocs:>10.2} {bytes:>14.0}",
                case.id,
                row.id()
            );
            let _ = writeln!(
                tsv,
                "{}\t{}\t{allocs:.3}\t{reallocs:.3}\t{bytes:.1}",
                case.id,
                row.id()
            );
            for (target_case, target_row, most) in TARGETS {
                if case.id == target_case && row == target_row && allocs > most {
                    missed.push(format!(
                        "{target_case} / {}: {allocs:.2} allocations per call, target at most {most}",
                        row.id()
                    ));
                }
            }
        }
    }

    if let Some(dir) = out.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::write(&out, tsv) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("\nwritten: {}", out.display());

    if missed.is_empty() {
        println!("targets met: 10-filter select hit ≤ 3 allocations (build), ≤ 2 (build_shared)");
        ExitCode::SUCCESS
    } else {
        for m in &missed {
            println!("TARGET MISSED: {m}");
        }
        ExitCode::from(1)
    }
}
