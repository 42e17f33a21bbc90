//! The memory measurement's results: heap held against the number of distinct argument
//! values, for a `#[cached_query]` function and for a naive per-value memo, as written by
//! `src/bin/memory.rs` (`target/cached-query-benches/memory.tsv`) and read by the report.

use std::fmt::Write as _;

/// One measured point: after `calls` calls, each with a new value of the bound argument.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Distinct argument values so far (one call each).
    pub calls: u64,
    /// Heap bytes held by the `#[cached_query]` side (counting allocator, live bytes since
    /// just before its first call).
    pub ours_heap: f64,
    /// The cache's own count of template bytes (`cached_query::stats()`).
    pub ours_cache_bytes: f64,
    /// Shapes the cache holds (`cached_query::stats()`).
    pub ours_entries: u64,
    /// What the cache is expected to hold: what it held after the first call, at every `n`.
    pub ours_expected: f64,
    /// Heap bytes held by the naive memo (live bytes since just before its first call).
    pub naive_heap: f64,
    /// Entries in the naive memo.
    pub naive_entries: u64,
    /// What the memo is expected to hold: `calls` times the bytes of one entry.
    pub naive_expected: f64,
}

const COLUMNS: [&str; 8] = [
    "calls",
    "ours_heap",
    "ours_cache_bytes",
    "ours_entries",
    "ours_expected",
    "naive_heap",
    "naive_entries",
    "naive_expected",
];

/// The points as tab-separated values with a header line.
pub fn to_tsv(points: &[Point]) -> String {
    let mut out = COLUMNS.join("\t");
    out.push('\n');
    for p in points {
        let _ = writeln!(
            out,
            "{}\t{:.0}\t{:.0}\t{}\t{:.0}\t{:.0}\t{}\t{:.0}",
            p.calls,
            p.ours_heap,
            p.ours_cache_bytes,
            p.ours_entries,
            p.ours_expected,
            p.naive_heap,
            p.naive_entries,
            p.naive_expected
        );
    }
    out
}

/// Parses what [`to_tsv`] wrote; `None` if the header or a line does not fit.
pub fn from_tsv(text: &str) -> Option<Vec<Point>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next()?.split('\t').collect();
    if header != COLUMNS {
        return None;
    }
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let [calls, oh, ob, oe, ox, nh, ne, nx] = cells.as_slice() else {
                return None;
            };
            Some(Point {
                calls: calls.parse().ok()?,
                ours_heap: oh.parse().ok()?,
                ours_cache_bytes: ob.parse().ok()?,
                ours_entries: oe.parse().ok()?,
                ours_expected: ox.parse().ok()?,
                naive_heap: nh.parse().ok()?,
                naive_entries: ne.parse().ok()?,
                naive_expected: nx.parse().ok()?,
            })
        })
        .collect()
}

/// `1, 2, 5, 10, 20, 50, ...` up to and including `max`.
pub fn checkpoints(max: u64) -> Vec<u64> {
    let mut points = Vec::new();
    let mut decade = 1u64;
    'outer: loop {
        for step in [1, 2, 5] {
            let n = decade.saturating_mul(step);
            if n > max {
                break 'outer;
            }
            points.push(n);
        }
        decade = decade.saturating_mul(10);
    }
    if points.last() != Some(&max) && max > 0 {
        points.push(max);
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_log_spaced() {
        assert_eq!(checkpoints(1), vec![1]);
        assert_eq!(checkpoints(100), vec![1, 2, 5, 10, 20, 50, 100]);
        assert_eq!(checkpoints(300), vec![1, 2, 5, 10, 20, 50, 100, 200, 300]);
    }

    #[test]
    fn tsv_round_trips() {
        let points = vec![Point {
            calls: 10,
            ours_heap: 5000.0,
            ours_cache_bytes: 1200.0,
            ours_entries: 1,
            ours_expected: 5000.0,
            naive_heap: 9000.0,
            naive_entries: 10,
            naive_expected: 8800.0,
        }];
        assert_eq!(from_tsv(&to_tsv(&points)), Some(points));
        assert_eq!(from_tsv("calls\tother\n1\t2\n"), None);
    }
}
