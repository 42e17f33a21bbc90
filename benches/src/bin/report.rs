//! Writes `BENCHMARKS.md` (workspace root) from the last run of the criterion suite, the
//! allocation counter and the memory measurement: the machine, every case with its time per
//! call, ratios and allocations, the issue's targets with the measured figures, and the
//! memory summary.
//!
//! ```text
//! bash benches/report.sh                                   # runs everything, then this
//! cargo run --release -p cached-query-benches --bin report [-- --out FILE]
//! ```
//!
//! Reads `target/criterion/<case>/<row>/new/estimates.json` (the median of each row),
//! `target/cached-query-benches/allocs.tsv` and `target/cached-query-benches/memory.tsv`.
//! Exits with status 1 if a target is missed (the file is written all the same), 2 if an
//! input is missing.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use cached_query_benches::cases::{
    INSERT_ROWS, LIST_LENGTHS, POSTS_STORED_LENGTH, Row, TWO_THREAD_CASE, hit_cases, miss_case,
    two_thread_group,
};
use cached_query_benches::memory::{Point, from_tsv};
use cached_query_benches::{group_digits, human_bytes, results_dir, target_dir, workspace_root};

/// One criterion estimate, in nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    median: f64,
    low: f64,
    high: f64,
}

/// Reads the median and its 95 % interval of one row.
fn estimate(criterion: &Path, group: &str, row: &str) -> Result<Estimate, String> {
    let path = criterion
        .join(group)
        .join(row)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (run `cargo bench -p cached-query-benches`)",
            path.display()
        )
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let number = |pointer: &str| {
        json.pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| format!("{}: no {pointer}", path.display()))
    };
    Ok(Estimate {
        median: number("/median/point_estimate")?,
        low: number("/median/confidence_interval/lower_bound")?,
        high: number("/median/confidence_interval/upper_bound")?,
    })
}

/// `case -> row -> allocations per call` from the allocation counter's file.
fn allocations(path: &Path) -> Result<HashMap<(String, String), f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run `cargo run --release -p cached-query-benches --bin allocs`)",
            path.display()
        )
    })?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    if !header.starts_with("case\trow\tallocs_per_call") {
        return Err(format!("{}: unexpected header {header:?}", path.display()));
    }
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            match cells.as_slice() {
                [case, row, allocs, ..] => allocs
                    .parse()
                    .map(|a| (((*case).to_owned(), (*row).to_owned()), a))
                    .map_err(|e| format!("{}: {line:?}: {e}", path.display())),
                _ => Err(format!("{}: bad line {line:?}", path.display())),
            }
        })
        .collect()
}

/// Nanoseconds as `850 ns`, `3.12 µs` or `1.20 ms`.
fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns >= 100.0 {
        format!("{ns:.0} ns")
    } else {
        format!("{ns:.1} ns")
    }
}

fn ratio(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}×")
    } else if x >= 10.0 {
        format!("{x:.1}×")
    } else {
        format!("{x:.2}×")
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "**pass**" } else { "**MISSED**" }
}

/// `YYYY-MM-DD HH:MM UTC` of now.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// CPU model, logical CPUs, kernel and rustc, as far as they can be read.
fn machine() -> Vec<(&'static str, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let logical = cpuinfo
        .lines()
        .filter(|line| line.starts_with("processor"))
        .count();
    let available = std::thread::available_parallelism().map_or(0, usize::from);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| format!("Linux {}", s.trim()))
        .unwrap_or_else(|_| std::env::consts::OS.to_owned());
    let rustc =
        std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version")
            .current_dir(workspace_root())
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown".to_owned());
    vec![
        ("CPU", model),
        (
            "cores",
            format!("{logical} logical CPUs ({available} available to the process)"),
        ),
        ("OS", kernel),
        ("compiler", rustc),
        ("date", utc_now()),
    ]
}

struct Target {
    what: String,
    measured: String,
    ok: bool,
}

/// The part of a previous report from its first section whose heading says it was
/// "measured by hand" to the end (these follow the generated sections), or nothing.
fn hand_sections(previous: &str) -> &str {
    let mut at = 0;
    for line in previous.split_inclusive('\n') {
        if line.starts_with("## ") && line.contains("(measured by hand)") {
            return &previous[at..];
        }
        at += line.len();
    }
    ""
}

fn main() -> ExitCode {
    let mut out = workspace_root().join("BENCHMARKS.md");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(path)) => out = PathBuf::from(path),
            _ => {
                eprintln!("usage: report [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    match report() {
        Ok((mut text, missed)) => {
            // The sections measured by hand (callgrind figures, one-off studies) are kept.
            if let Ok(previous) = std::fs::read_to_string(&out) {
                text.push_str(hand_sections(&previous));
            }
            if let Err(e) = std::fs::write(&out, text) {
                eprintln!("cannot write {}: {e}", out.display());
                return ExitCode::from(2);
            }
            println!("written: {}", out.display());
            if missed.is_empty() {
                println!("all targets met");
                ExitCode::SUCCESS
            } else {
                for m in &missed {
                    println!("TARGET MISSED: {m}");
                }
                ExitCode::from(1)
            }
        }
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::from(2)
        }
    }
}

fn report() -> Result<(String, Vec<String>), String> {
    let criterion = target_dir().join("criterion");
    let allocs = allocations(&results_dir().join("allocs.tsv"))?;
    let memory_path = results_dir().join("memory.tsv");
    let memory: Vec<Point> = std::fs::read_to_string(&memory_path)
        .ok()
        .and_then(|text| from_tsv(&text))
        .ok_or_else(|| {
            format!(
                "{}: missing or unreadable (run `cargo run --release -p cached-query-benches --bin memory`)",
                memory_path.display()
            )
        })?;

    let mut cases = hit_cases();
    cases.push(miss_case());
    let mut times: HashMap<(String, Row), Estimate> = HashMap::new();
    for case in &cases {
        for (row, _) in case.rows() {
            times.insert(
                (case.id.clone(), row),
                estimate(&criterion, &case.id, row.id())?,
            );
        }
    }
    let two_group = two_thread_group(TWO_THREAD_CASE);
    let mut two: Vec<(Row, Estimate)> = Vec::new();
    for row in [
        Row::Uncached,
        Row::Cached,
        Row::CachedShared,
        Row::LowerBound,
    ] {
        two.push((row, estimate(&criterion, &two_group, row.id())?));
    }
    let t = |case: &str, row: Row| times.get(&(case.to_owned(), row)).map(|e| e.median);
    let a = |case: &str, row: Row| allocs.get(&(case.to_owned(), row.id().to_owned())).copied();

    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by `bash benches/report.sh` from its last run, except the sections measured by hand at the end (kept from one run to the next); do not edit the rest by hand. The \
         code is in [`benches/`](benches/); the rows are defined once, in \
         [`benches/src/cases.rs`](benches/src/cases.rs), and every row is checked to return \
         exactly what the uncached build returns before anything is measured.\n"
    );
    let _ = writeln!(md, "| machine | |\n| --- | --- |");
    for (key, value) in machine() {
        let _ = writeln!(md, "| {key} | {value} |");
    }
    let _ = writeln!(
        md,
        "\nTimes are criterion medians per call (`target/criterion/<case>/<row>/new/estimates.json`), \
         all rows of a case measured in the same run, one after the other; on a shared, \
         noisy machine expect a few percent between runs. Allocations are counted by a \
         counting global allocator over 1,000 calls (`src/bin/allocs.rs`); an allocation is \
         an `alloc` or `realloc` call.\n"
    );
    let _ = writeln!(
        md,
        "Rows: **uncached** is `h.statement().build(B)`, what sea-query alone costs; \
         **cached** is `h.build(B)` (`String` SQL); **cached_shared** is `h.build_shared(B)` \
         (SQL as an `Arc<str>` shared with the cache); **lower_bound** is what a person would \
         write by hand with no macro: a `HashMap` lookup of a precomputed key, a clone of the \
         stored `String` and a `Vec<Value>` filled with the same values.\n"
    );

    // Targets.
    let mut targets: Vec<Target> = Vec::new();
    let sel = "select_10_filters_postgres";
    if let (Some(un), Some(hit), Some(shared), Some(low)) = (
        t(sel, Row::Uncached),
        t(sel, Row::Cached),
        t(sel, Row::CachedShared),
        t(sel, Row::LowerBound),
    ) {
        targets.push(Target {
            what: "10-filter select (Postgres): hit at least 25× faster than uncached".into(),
            measured: format!(
                "{} faster (`build`), {} (`build_shared`): {} against {}",
                ratio(un / hit),
                ratio(un / shared),
                time(hit),
                time(un)
            ),
            ok: un / hit >= 25.0 && un / shared >= 25.0,
        });
        targets.push(Target {
            what: "10-filter select (Postgres): hit at most 1.3× the lower bound".into(),
            measured: format!(
                "{} (`build`), {} (`build_shared`); lower bound {}",
                ratio(hit / low),
                ratio(shared / low),
                time(low)
            ),
            ok: hit / low <= 1.3 && shared / low <= 1.3,
        });
    }
    // Allocations: the hit's own, i.e. beyond the one allocation per bound value that owns
    // heap data (a `String`), which every row pays, the lower bound included (its own
    // allocations are exactly one `String` and one `Vec`).
    let mut worst_owned = (0.0f64, 0.0f64, String::new(), String::new());
    for case in cases
        .iter()
        .filter(|c| !c.id.contains("other_len") && c.row(Row::LowerBound).is_some())
    {
        let (Some(low), Some(hit), Some(shared)) = (
            a(&case.id, Row::LowerBound),
            a(&case.id, Row::Cached),
            a(&case.id, Row::CachedShared),
        ) else {
            continue;
        };
        let values = (low - 2.0).max(0.0);
        if hit - values > worst_owned.0 {
            worst_owned.0 = hit - values;
            worst_owned.2 = case.id.clone();
        }
        if shared - values > worst_owned.1 {
            worst_owned.1 = shared - values;
            worst_owned.3 = case.id.clone();
        }
    }
    if let (Some(hit), Some(shared)) = (a(sel, Row::Cached), a(sel, Row::CachedShared)) {
        targets.push(Target {
            what: "Allocations per hit: at most 3 (`String` path), at most 2 (shared path)".into(),
            measured: format!(
                "10-filter select: {hit:.0} and {shared:.0}. Every case at its stored \
                 length, not counting one allocation per bound `String` value (which the \
                 lower bound pays too): at most {:.0} (`{}`) and {:.0} (`{}`)",
                worst_owned.0, worst_owned.2, worst_owned.1, worst_owned.3
            ),
            ok: hit <= 3.0 && shared <= 2.0 && worst_owned.0 <= 3.0 && worst_owned.1 <= 2.0,
        });
    }
    // IN lists: linear in n, and a hit at another length never builds the statement.
    let per_elem = |kind: &str, from: usize, to: usize| -> Option<f64> {
        let id = |n: usize| format!("in_list_{n}_{kind}");
        Some((t(&id(to), Row::Cached)? - t(&id(from), Row::Cached)?) / (to - from) as f64)
    };
    let mut in_ok = true;
    let mut in_text = Vec::new();
    let low_per_elem = match (
        t("in_list_1000_stored_len", Row::LowerBound),
        t("in_list_100_stored_len", Row::LowerBound),
    ) {
        (Some(large), Some(small)) => Some((large - small) / 900.0),
        _ => None,
    };
    for kind in ["stored_len", "other_len"] {
        if let (Some(small), Some(large), Some(low)) = (
            per_elem(kind, 10, 100),
            per_elem(kind, 100, 1000),
            low_per_elem,
        ) {
            // Linear: the cost of an element does not grow with n.
            in_ok &= large <= small * 1.5 + 1.0;
            in_text.push(format!(
                "{}: {} per element from 10 to 100, {} from 100 to 1000 (lower bound {})",
                if kind == "stored_len" {
                    "stored length"
                } else {
                    "other length"
                },
                time(small),
                time(large),
                time(low)
            ));
        }
    }
    let mut worst_vs_uncached = 0.0f64;
    for n in LIST_LENGTHS {
        let id = format!("in_list_{n}_other_len");
        if let (Some(hit), Some(un)) = (t(&id, Row::Cached), t(&id, Row::Uncached)) {
            worst_vs_uncached = worst_vs_uncached.max(hit / un);
        }
    }
    in_ok &= worst_vs_uncached <= 0.25;
    targets.push(Target {
        what: "An `IN` list of n elements costs O(n) on a hit, with no re-render of the rest \
               of the statement"
            .into(),
        measured: format!(
            "{}. A hit whose list length differs from the template's costs at most {} of \
             the uncached build (n = 1 … 1000)",
            in_text.join("; "),
            ratio(worst_vs_uncached)
        ),
        ok: in_ok && !in_text.is_empty(),
    });
    let miss = miss_case();
    if let (Some(un), Some(m)) = (t(&miss.id, Row::Uncached), t(&miss.id, Row::Miss)) {
        // The same statement's uncached build as measured in the 10-filter select group,
        // earlier in the run: how much the baseline itself moves with the heap's state.
        let other = t(sel, Row::Uncached)
            .map(|u| {
                format!(
                    "; against the 10-filter select's own uncached row ({}, the same \
                     statement measured earlier in the run) it is {}",
                    time(u),
                    ratio(m / u)
                )
            })
            .unwrap_or_default();
        targets.push(Target {
            what: "A miss costs no more than 6× an uncached build (issue 19; 4× before its \
                   extra probe round)"
                .into(),
            measured: format!(
                "{}: {} against {}, the uncached row measured beside it{other}",
                ratio(m / un),
                time(m),
                time(un)
            ),
            ok: m / un <= 6.0,
        });
    }

    let _ = writeln!(md, "## Targets (issue 6)\n");
    let _ = writeln!(md, "| target | measured | |\n| --- | --- | --- |");
    for target in &targets {
        let _ = writeln!(
            md,
            "| {} | {} | {} |",
            target.what,
            target.measured,
            verdict(target.ok)
        );
    }

    let _ = writeln!(
        md,
        "\nA miss renders the statement four times by design: the real call (whose result \
         it returns), the learning round and two check rounds, so four uncached builds are \
         its floor; what it \
         adds to them (learning, checking, storing the template) is small, and the rest is \
         that a build in the middle of a miss runs slower than in a loop of identical builds. \
         The miss row stores a new shape on every call (over 100,000 in a run), so it also \
         pays for a growing heap. An uncached build allocates about 95 times, and its time \
         moves by a third with the state of the heap; the target compares the miss with \
         the uncached row measured beside it, in the same state."
    );

    // Every case.
    let _ = writeln!(md, "\n## Every case\n");
    let _ = writeln!(
        md,
        "`uncached ÷ row` is how many times faster than sea-query's build the row is; \
         `row ÷ lower bound` how it compares with the hand-written lower bound. The `IN` \
         list cases \"stored length\" call `posts_by_len`, whose list length is a `#[shape]` \
         argument, so every length has its own template; \"other length\" cases call `posts`, \
         whose template was stored with {POSTS_STORED_LENGTH} elements, so the group is \
         re-rendered. The insert cases' template was stored with {} rows.\n",
        INSERT_ROWS.0
    );
    let _ = writeln!(
        md,
        "| case | row | time per call | 95 % interval | uncached ÷ row | row ÷ lower bound | allocations per call |\n\
         | --- | --- | ---: | ---: | ---: | ---: | ---: |"
    );
    for case in &cases {
        let un = t(&case.id, Row::Uncached);
        let low = t(&case.id, Row::LowerBound);
        for (i, (row, _)) in case.rows().enumerate() {
            let Some(e) = times.get(&(case.id.clone(), row)) else {
                continue;
            };
            let name = if i == 0 { case.title.as_str() } else { "" };
            let vs_un = un.map_or("".into(), |u| ratio(u / e.median));
            let vs_low = low.map_or("".into(), |l| ratio(e.median / l));
            let allocs = a(&case.id, row).map_or("".into(), |x| format!("{x:.0}"));
            let _ = writeln!(
                md,
                "| {name} | {} | {} | {} – {} | {vs_un} | {vs_low} | {allocs} |",
                row.id(),
                time(e.median),
                time(e.low),
                time(e.high)
            );
        }
    }

    // Two threads.
    let _ = writeln!(md, "\n## Hits from two threads at once\n");
    let _ = writeln!(
        md,
        "The 10-filter select (Postgres), each of two threads making the same calls at the \
         same time; the time is the slower thread's, per call. Equal to the one-thread time \
         when the threads do not slow each other down (the machine has two cores, shared \
         with everything else running). A hit reads the cache without a lock and counts \
         itself in a per-thread slot; `build_shared` returns one `Arc<str>` to both \
         threads, whose reference count they then share.\n"
    );
    let _ = writeln!(
        md,
        "| row | one thread | two threads | two ÷ one |\n| --- | ---: | ---: | ---: |"
    );
    for (row, e) in &two {
        if let Some(one) = t(TWO_THREAD_CASE, *row) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                row.id(),
                time(one),
                time(e.median),
                ratio(e.median / one)
            );
        }
    }

    // Memory.
    let _ = writeln!(md, "\n## Memory against distinct argument values\n");
    let _ = writeln!(
        md,
        "![heap held against distinct values](docs/memory.png)\n\n\
         `quality_rules` called with `user = 1 … n` (every other argument fixed, so one \
         shape), against a naive per-value memo of the same query: a `HashMap` keyed by all \
         the arguments and holding the built `(String, Values)`, which is what the `cached` \
         crate does. Heap bytes held are counted by the counting allocator \
         (`src/bin/memory.rs`); the cache's own figures come from `cached_query::stats()`.\n"
    );
    let _ = writeln!(
        md,
        "| distinct values | `#[cached_query]` heap | cache's own bytes | shapes | naive memo heap | memo entries | naive, expected |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for p in memory.iter().filter(|p| {
        let mut n = p.calls;
        while n >= 10 && n % 10 == 0 {
            n /= 10;
        }
        n == 1 || Some(p.calls) == memory.last().map(|l| l.calls)
    }) {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            group_digits(p.calls),
            human_bytes(p.ours_heap),
            human_bytes(p.ours_cache_bytes),
            p.ours_entries,
            human_bytes(p.naive_heap),
            group_digits(p.naive_entries),
            human_bytes(p.naive_expected)
        );
    }
    if let (Some(first), Some(last)) = (memory.first(), memory.last()) {
        let growth = last.ours_heap - first.ours_heap;
        let per_entry = if last.naive_entries > 0 {
            last.naive_heap / last.naive_entries as f64
        } else {
            0.0
        };
        let _ = writeln!(
            md,
            "\nFrom 1 to {} distinct values the cached function's heap changed by {} \
             (expected: flat, one template per shape); the memo grew to {}, {} per entry \
             (expected: linear, {} per entry from the sizes of one entry's parts; the \
             difference is the hash table's spare capacity).",
            group_digits(last.calls),
            human_bytes(growth),
            human_bytes(last.naive_heap),
            human_bytes(per_entry),
            human_bytes(if last.calls > 0 {
                last.naive_expected / last.calls as f64
            } else {
                0.0
            })
        );
    }

    let missed: Vec<String> = targets
        .iter()
        .filter(|t| !t.ok)
        .map(|t| format!("{}: {}", t.what, t.measured))
        .collect();
    let _ = writeln!(
        md,
        "\n## Reproduce\n\n```sh\nbash benches/report.sh            # criterion, allocations, memory, then this file\n```\n\n\
         The pieces alone: `cargo bench -p cached-query-benches`, \
         `cargo run --release -p cached-query-benches --bin allocs`, \
         `cargo run --release -p cached-query-benches --bin memory`, \
         `cargo run --release -p cached-query-benches --bin report`. To profile one row, \
         `cargo build --profile bench -p cached-query-benches --bin profile` and \
         `valgrind --tool=callgrind target/release/profile select_10_filters_postgres cached`. \
         The sections below whose heading says \"measured by hand\" are not generated: the \
         report keeps them from the previous file.\n"
    );
    Ok((md, missed))
}
