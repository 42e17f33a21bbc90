//! The main job: a video-play endpoint replayed against a database, first with every query
//! built by sea-query, then through `#[cached_query]`, with the same requests; prints
//! requests per second both ways, the time per request spent building queries, the cache's
//! counters, and checks that both runs returned the same rows and left the same table state.
//!
//! ```text
//! cargo run --release -p cached-query-examples --bin playback
//! cargo run --release -p cached-query-examples --bin playback -- --requests 50000
//! cargo run --release -p cached-query-examples --bin playback -- --postgres postgres://postgres@127.0.0.1/test
//! cargo run --release -p cached-query-examples --bin playback -- --mysql mysql://root@127.0.0.1/test
//! ```
//!
//! With no option it runs on SQLite in memory, which needs nothing installed.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use cached_query_examples::drivers::{MySql, Postgres, Sqlite};
use cached_query_examples::playback::{Database, Request, RunReport, load, replay, requests};
use cached_query_tests::db::Dialect;

const USAGE: &str = "\
usage: playback [--requests N] [--seed S] [--postgres URL | --mysql URL] [--sqlite]

Replays video-play requests uncached, then cached, and compares the two runs.

  --requests N    requests per run (default 20000 on SQLite, 2000 on a server)
  --seed S        seed of the request mix (default 1)
  --postgres URL  run on PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/test
  --mysql URL     run on MySQL or MariaDB, e.g. mysql://root@127.0.0.1:3306/test
  --sqlite        run on SQLite in memory (the default); may be given with a server
  -h, --help      this text";

/// Where to run.
enum Target {
    Sqlite,
    Postgres(String),
    MySql(String),
}

struct Options {
    requests: Option<usize>,
    seed: u64,
    targets: Vec<Target>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        requests: None,
        seed: 1,
        targets: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--requests" => {
                let n = value("--requests")?;
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("--requests: `{n}` is not a number"))?;
                if n == 0 {
                    return Err("--requests must be at least 1".to_owned());
                }
                options.requests = Some(n);
            }
            "--seed" => {
                let s = value("--seed")?;
                options.seed = s
                    .parse()
                    .map_err(|_| format!("--seed: `{s}` is not a number"))?;
            }
            "--postgres" => options.targets.push(Target::Postgres(value("--postgres")?)),
            "--mysql" => options.targets.push(Target::MySql(value("--mysql")?)),
            "--sqlite" => options.targets.push(Target::Sqlite),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if options.targets.is_empty() {
        options.targets.push(Target::Sqlite);
    }
    Ok(options)
}

/// A progress bar on stderr when it is a terminal; a line per quarter otherwise.
fn progress(label: &'static str, total: usize) -> impl FnMut(usize) {
    let terminal = std::io::stderr().is_terminal();
    let mut last_quarter = 0;
    move |done| {
        let mut err = std::io::stderr().lock();
        if terminal {
            let width = 40;
            let filled = done * width / total.max(1);
            let _ = write!(
                err,
                "\r  {label:<9} [{}{}] {done}/{total}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let quarter = done * 4 / total.max(1);
            if quarter > last_quarter {
                last_quarter = quarter;
                let _ = writeln!(err, "  {label:<9} {}% ({done}/{total})", quarter * 25);
            }
        }
    }
}

fn micros(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Loads the schema and replays both ways; returns whether the runs agreed.
fn run<D: Database>(mut db: D, dialect: Dialect, requests: &[Request]) -> Result<bool, String> {
    println!("== {}", db.name());
    let start = Instant::now();
    let rows = load(&mut db, dialect)?;
    println!(
        "   loaded {rows} rows into 10 tables in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    // An untimed uncached pass over the first tenth warms the database (pages, prepared
    // statements) for both timed runs alike; the cache stays cold.
    replay(
        &mut db,
        &requests[..requests.len().div_ceil(10)],
        false,
        |_| {},
    )?;
    let before = cached_query::stats();
    let uncached = replay(
        &mut db,
        requests,
        false,
        progress("uncached", requests.len()),
    )?;
    let cached = replay(&mut db, requests, true, progress("cached", requests.len()))?;
    let after = cached_query::stats();

    let line = |name: &str, r: &RunReport| {
        println!(
            "   {name:<9} {:>9.0} req/s   {:>7.1} µs/request   building {:>6.2} µs/request ({:>4.1}% of the time)",
            r.per_second(),
            micros(r.elapsed) / requests.len() as f64,
            micros(r.building_per_request()),
            100.0 * r.building.as_secs_f64() / r.elapsed.as_secs_f64().max(1e-9),
        );
    };
    println!(
        "   {} requests, {} statements and {} rows per run",
        requests.len(),
        cached.statements,
        cached.rows
    );
    line("uncached", &uncached);
    line("cached", &cached);
    println!(
        "   speed-up  {:.2}x requests/s, {:.1}x less time building queries",
        cached.per_second() / uncached.per_second().max(1e-9),
        uncached.building.as_secs_f64() / cached.building.as_secs_f64().max(1e-12),
    );
    let delta = |f: fn(&cached_query::Stats) -> u64| f(&after) - f(&before);
    println!(
        "   cache     {} entries, {} bytes; this run: {} hits, {} misses, {} uncacheable keys",
        after.entries(),
        after.bytes(),
        delta(cached_query::Stats::hits),
        delta(cached_query::Stats::misses),
        delta(cached_query::Stats::uncacheable_keys),
    );

    let mismatched = uncached
        .digests
        .iter()
        .zip(&cached.digests)
        .position(|(a, b)| a != b);
    let same_views = uncached.views == cached.views;
    match mismatched {
        None if same_views => {
            println!(
                "   results   identical: {} requests, {} rows read, {} rows written, {} view counters",
                requests.len(),
                cached.rows,
                cached.changed,
                cached.views.len()
            );
            Ok(true)
        }
        None => {
            println!("   results   DIFFERENT: the view counters differ after the two runs");
            Ok(false)
        }
        Some(i) => {
            println!(
                "   results   DIFFERENT: request {i} returned other rows: {:?}",
                requests[i]
            );
            Ok(false)
        }
    }
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("playback: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut all_same = true;
    for target in &options.targets {
        let n = options.requests.unwrap_or(match target {
            Target::Sqlite => 20_000,
            Target::Postgres(_) | Target::MySql(_) => 2_000,
        });
        let requests = requests(n, options.seed);
        let outcome = match target {
            Target::Sqlite => Sqlite::open().and_then(|db| run(db, Dialect::Sqlite, &requests)),
            Target::Postgres(url) => {
                Postgres::connect(url).and_then(|db| run(db, Dialect::Postgres, &requests))
            }
            Target::MySql(url) => {
                MySql::connect(url).and_then(|db| run(db, Dialect::MySql, &requests))
            }
        };
        match outcome {
            Ok(same) => all_same &= same,
            Err(e) => {
                eprintln!("playback: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if all_same {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
