//! Heap held against the number of distinct argument values, measured with a counting
//! allocator, for (a) the `#[cached_query]` function `quality_rules` and (b) a naive
//! per-value memo of the same query (a `HashMap` keyed by all the arguments, holding the
//! built `(String, Values)`: what the `cached` crate does), plotted with the expected curves.
//!
//! ```text
//! cargo run --release -p cached-query-benches --bin memory [-- --max N] [--png FILE] [--out FILE]
//! ```
//!
//! Calls the query with `user = 1, 2, ..., N` (default N = 1 000 000) and at log-spaced
//! points (1, 2, 5, 10, 20, 50, ...) records the heap bytes each side holds, plus the cache's
//! own count of bytes and entries (`cached_query::stats()`). Writes the table as
//! tab-separated values (default `target/cached-query-benches/memory.tsv`) and the plot
//! (default `docs/memory.png` in the workspace root). About 10 s in release, most of it
//! building the naive memo's million statements; the memo peaks near 1 GiB.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use cached_query_benches::alloc::{Counting, snapshot};
use cached_query_benches::memory::{Point, checkpoints, to_tsv};
use cached_query_benches::{group_digits, human_bytes, results_dir, workspace_root};
use cached_query_tests::queries::quality_rules;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use sea_query::{PostgresQueryBuilder, Value, Values};

#[global_allocator]
static ALLOC: Counting = Counting;

/// The shape every call has; only `user` changes.
const GROUPS: &[i64] = &[3, 5, 8];

/// The naive memo's key: every argument of `quality_rules`, owned.
type Key = (
    Option<bool>,
    Option<bool>,
    Option<i64>,
    Option<i64>,
    Vec<i64>,
    Option<i64>,
    Option<i64>,
    i32,
    bool,
    u64,
);

fn key(user: i64) -> Key {
    (
        Some(true),
        Some(false),
        Some(11),
        None,
        GROUPS.to_vec(),
        None,
        Some(user),
        1,
        true,
        20,
    )
}

/// The cached call with `user`.
fn ours(user: i64) -> (String, Values) {
    quality_rules(
        Some(true),
        Some(false),
        Some(11),
        None,
        GROUPS,
        None,
        Some(user),
        1,
        true,
        20,
    )
    .build(PostgresQueryBuilder)
}

/// The naive memo's call with `user`: the memoized result, or build it uncached and keep it.
fn naive(memo: &mut HashMap<Key, (String, Values)>, user: i64) -> (String, Values) {
    memo.entry(key(user))
        .or_insert_with(|| {
            let (a, b, c, d, groups, f, g, h, i, j) = key(user);
            quality_rules(a, b, c, d, &groups, f, g, h, i, j)
                .statement()
                .build(PostgresQueryBuilder)
        })
        .clone()
}

/// Heap bytes one memo entry holds: its table slot (with hashbrown's 7/8 load factor and one
/// control byte) plus the key's list and the entry's SQL and values.
fn bytes_per_entry(memo: &HashMap<Key, (String, Values)>) -> f64 {
    let slot = std::mem::size_of::<(Key, (String, Values))>() + 1;
    let heap = memo
        .iter()
        .next()
        .map(|(key, (sql, values))| {
            key.4.capacity() * std::mem::size_of::<i64>()
                + sql.capacity()
                + values.0.capacity() * std::mem::size_of::<Value>()
        })
        .unwrap_or(0);
    heap as f64 + slot as f64 * 8.0 / 7.0
}

struct Options {
    max: u64,
    png: PathBuf,
    out: PathBuf,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        max: 1_000_000,
        png: workspace_root().join("docs").join("memory.png"),
        out: results_dir().join("memory.tsv"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--max" => {
                options.max = value
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| format!("--max {value}: not a positive number"))?;
            }
            "--png" => options.png = PathBuf::from(value),
            "--out" => options.out = PathBuf::from(value),
            _ => return Err(format!("unknown option {arg}")),
        }
    }
    Ok(options)
}

fn live() -> f64 {
    snapshot().live as f64
}

fn measure(max: u64) -> Vec<Point> {
    let marks = checkpoints(max);
    let mut points: Vec<Point> = marks
        .iter()
        .map(|&calls| Point {
            calls,
            ours_heap: 0.0,
            ours_cache_bytes: 0.0,
            ours_entries: 0,
            ours_expected: 0.0,
            naive_heap: 0.0,
            naive_entries: 0,
            naive_expected: 0.0,
        })
        .collect();

    // (a) `#[cached_query]`: one shape, so one template, whatever the values.
    let base = live();
    let mut next = 0;
    for user in 1..=max {
        black_box(ours(user as i64));
        if marks.get(next) == Some(&user) {
            let heap = live() - base;
            let stats = cached_query::stats();
            let row = stats.function("quality_rules");
            let point = &mut points[next];
            point.ours_heap = heap;
            point.ours_cache_bytes = row.map_or(0.0, |r| r.bytes as f64);
            point.ours_entries = row.map_or(0, |r| r.entries as u64);
            next += 1;
        }
    }
    let first = points.first().map_or(0.0, |p| p.ours_heap);
    for point in &mut points {
        point.ours_expected = first;
    }

    // (b) The naive memo: one entry per distinct argument tuple.
    let mut memo: HashMap<Key, (String, Values)> = HashMap::new();
    let base = live();
    let mut next = 0;
    let mut per_entry = 0.0;
    for user in 1..=max {
        black_box(naive(&mut memo, user as i64));
        if user == 1 {
            per_entry = bytes_per_entry(&memo);
        }
        if marks.get(next) == Some(&user) {
            let point = &mut points[next];
            point.naive_heap = live() - base;
            point.naive_entries = memo.len() as u64;
            point.naive_expected = per_entry * user as f64;
            next += 1;
        }
    }
    drop(memo);
    points
}

/// Axis labels in decimal units, which read well at the powers of ten of a log axis.
fn bytes_label(b: &f64) -> String {
    let b = b.round();
    let (value, unit) = if b >= 1e9 {
        (b / 1e9, "GB")
    } else if b >= 1e6 {
        (b / 1e6, "MB")
    } else if b >= 1e3 {
        (b / 1e3, "kB")
    } else {
        (b, "B")
    };
    format!("{value} {unit}")
}

/// Axis labels: `1`, `10`, `1k`, `1M` for counts.
fn count_label(n: &f64) -> String {
    let n = n.round();
    if n >= 1e6 {
        format!("{}M", n / 1e6)
    } else if n >= 1e3 {
        format!("{}k", n / 1e3)
    } else {
        format!("{n}")
    }
}

fn plot(points: &[Point], path: &PathBuf) -> Result<(), Box<dyn std::error::Error>> {
    register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "the DejaVu Sans font does not load")?;
    register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
        .map_err(|_| "the DejaVu Sans Bold font does not load")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let max_calls = points.last().map_or(1, |p| p.calls).max(10) as f64;
    let values = points.iter().flat_map(|p| {
        [
            p.ours_heap,
            p.ours_cache_bytes,
            p.naive_heap,
            p.naive_expected,
        ]
    });
    let top = values.clone().fold(1.0f64, f64::max) * 3.0;
    let bottom = values
        .filter(|v| *v > 0.0)
        .fold(f64::MAX, f64::min)
        .min(top)
        / 3.0;

    let root = BitMapBackend::new(path, (1200, 800)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Heap held against distinct argument values (quality_rules, PostgreSQL, log-log)",
            ("sans-serif", 30).into_font().style(FontStyle::Bold),
        )
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(110)
        .build_cartesian_2d((1.0..max_calls).log_scale(), (bottom..top).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("distinct values of the argument `user` (one call each)")
        .y_desc("heap bytes held")
        .x_label_formatter(&count_label)
        .y_label_formatter(&bytes_label)
        .label_style(("sans-serif", 20))
        .axis_desc_style(("sans-serif", 22))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()?;

    let naive_color = RGBColor(200, 50, 40);
    let ours_color = RGBColor(30, 90, 200);
    let cache_color = RGBColor(20, 150, 90);
    let series = |pick: fn(&Point) -> f64| {
        points
            .iter()
            .map(move |p| (p.calls as f64, pick(p)))
            .filter(|(_, y)| *y > 0.0)
            .collect::<Vec<_>>()
    };

    let naive_expected = series(|p| p.naive_expected);
    chart
        .draw_series(DashedLineSeries::new(
            naive_expected,
            12,
            8,
            naive_color.stroke_width(2),
        ))?
        .label("naive memo, expected: n x bytes of one entry")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 30, y)], naive_color.stroke_width(2))
        });
    let naive_heap = series(|p| p.naive_heap);
    chart.draw_series(LineSeries::new(
        naive_heap.clone(),
        naive_color.mix(0.4).stroke_width(1),
    ))?;
    chart
        .draw_series(
            naive_heap
                .iter()
                .map(|&p| Circle::new(p, 6, naive_color.filled())),
        )?
        .label("naive memo (HashMap of every argument), measured")
        .legend(move |(x, y)| Circle::new((x + 15, y), 6, naive_color.filled()));

    let ours_expected = series(|p| p.ours_expected);
    chart
        .draw_series(DashedLineSeries::new(
            ours_expected,
            12,
            8,
            ours_color.stroke_width(2),
        ))?
        .label("#[cached_query], expected: flat (one template per shape)")
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 30, y)], ours_color.stroke_width(2))
        });
    chart
        .draw_series(
            series(|p| p.ours_heap)
                .into_iter()
                .map(|p| TriangleMarker::new(p, 8, ours_color.filled())),
        )?
        .label("#[cached_query], measured (whole process heap growth)")
        .legend(move |(x, y)| TriangleMarker::new((x + 15, y), 8, ours_color.filled()));
    chart
        .draw_series(
            series(|p| p.ours_cache_bytes)
                .into_iter()
                .map(|p| Cross::new(p, 6, cache_color.stroke_width(2))),
        )?
        .label("#[cached_query], the cache's own count (stats().bytes)")
        .legend(move |(x, y)| Cross::new((x + 15, y), 6, cache_color.stroke_width(2)));

    // The two figures that matter, written at the last point.
    if let Some(last) = points.last() {
        let x = last.calls as f64;
        let style = ("sans-serif", 22).into_font();
        chart.draw_series([
            Text::new(
                format!(
                    "{} entries: {}",
                    group_digits(last.naive_entries),
                    human_bytes(last.naive_heap)
                ),
                (x, last.naive_heap),
                style
                    .clone()
                    .color(&naive_color)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            ),
            Text::new(
                format!(
                    "{} shape: {}",
                    last.ours_entries,
                    human_bytes(last.ours_heap)
                ),
                (x, last.ours_heap),
                style
                    .color(&ours_color)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            ),
        ])?;
    }

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 20))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .margin(12)
        .draw()?;
    root.present()?;
    Ok(())
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(problem) => {
            eprintln!("{problem}\nusage: memory [--max N] [--png FILE] [--out FILE]");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let points = measure(options.max);

    println!(
        "{:>10} {:>12} {:>12} {:>8} {:>12} {:>10} {:>12}",
        "calls", "ours heap", "cache bytes", "shapes", "naive heap", "entries", "expected"
    );
    for p in &points {
        println!(
            "{:>10} {:>12} {:>12} {:>8} {:>12} {:>10} {:>12}",
            group_digits(p.calls),
            human_bytes(p.ours_heap),
            human_bytes(p.ours_cache_bytes),
            p.ours_entries,
            human_bytes(p.naive_heap),
            group_digits(p.naive_entries),
            human_bytes(p.naive_expected)
        );
    }

    if let Some(dir) = options.out.parent()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::write(&options.out, to_tsv(&points)) {
        eprintln!("cannot write {}: {e}", options.out.display());
        return ExitCode::from(2);
    }
    if let Err(e) = plot(&points, &options.png) {
        eprintln!("cannot draw {}: {e}", options.png.display());
        return ExitCode::from(2);
    }
    println!(
        "\nwritten: {} and {} ({:.1} s)",
        options.out.display(),
        options.png.display(),
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
