//! Benchmarks of cached-query: what a cache hit costs against sea-query's own build and
//! against a hand-written lower bound, how many allocations it makes, and how much memory
//! the cache holds as the number of distinct argument values grows.
//!
//! | target | what |
//! | --- | --- |
//! | `benches/hit.rs` | the criterion suite: `cargo bench -p cached-query-benches` |
//! | `src/bin/allocs.rs` | allocations per call of every case and row |
//! | `src/bin/memory.rs` | heap held against distinct values, plotted to `docs/memory.png` |
//! | `src/bin/report.rs` | writes `BENCHMARKS.md` from the three above |
//! | `src/bin/profile.rs` | one row in a loop, for `valgrind --tool=callgrind` |
//! | `report.sh` | runs all of them: `bash benches/report.sh` |
//!
//! The cases are defined once, in [`cases`], and shared by every target; the memory
//! measurement's table format is in [`memory`].

pub mod alloc;
pub mod cases;
pub mod memory;
pub mod queries;

use std::path::PathBuf;

/// The workspace root (the directory of the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, or `target/` in the workspace root.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_root().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}

/// Where the allocation counter and the memory measurement write their tables for the
/// report: `target/cached-query-benches/`.
pub fn results_dir() -> PathBuf {
    target_dir().join("cached-query-benches")
}

/// `n` with a thin space every three digits, e.g. `1 000 000`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// Bytes in B, KiB, MiB or GiB with up to three significant digits.
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.abs() >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else if value.abs() >= 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(group_digits(1_000_000), "1\u{2009}000\u{2009}000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_bytes(1536.0), "1.50 KiB");
        assert_eq!(human_bytes(300.0 * 1024.0 * 1024.0), "300 MiB");
    }
}
