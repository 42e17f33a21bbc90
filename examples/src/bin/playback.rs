//! The main job: a video-play endpoint replayed against a database, first with every query
//! built by sea-query, then through `#[cached_query]`, with the same requests. On SQLite two
//! more runs follow: the cached queries through `SqliteStatements`, and the ideal (the SQL
//! and values of every statement precomputed, nothing built). Prints requests per second of
//! each, the time per request spent building queries, SQLite's re-prepares per request, the
//! cache's counters, and checks that every run returned the same rows and left the same table
//! state. Each kind of run is repeated (`--rounds`) and its fastest round reported.
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
use cached_query_examples::playback::{
    Database, Mode, Recording, Request, RunReport, load, replay, replay_ideal, requests,
};
use cached_query_tests::db::Dialect;

const USAGE: &str = "\
usage: playback [--requests N] [--rounds R] [--seed S] [--postgres URL | --mysql URL] [--sqlite]

Replays video-play requests uncached, then cached (on SQLite also through the statement
cache, and the ideal replay of precomputed statements), and compares all runs.

  --requests N    requests per run (default 20000 on SQLite, 2000 on a server)
  --rounds R      runs of each kind, the fastest reported (default 3 on SQLite, 1 on a server)
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
    rounds: Option<usize>,
    seed: u64,
    targets: Vec<Target>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        requests: None,
        rounds: None,
        seed: 1,
        targets: Vec::new(),
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--requests" => options.requests = Some(positive("--requests", value("--requests")?)?),
            "--rounds" => options.rounds = Some(positive("--rounds", value("--rounds")?)?),
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

/// The value of option `name`, a count of at least 1.
fn positive(name: &str, n: String) -> Result<usize, String> {
    match n.parse() {
        Ok(0) => Err(format!("{name} must be at least 1")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{name}: `{n}` is not a number")),
    }
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

/// The report's line for one run.
fn line(r: &RunReport, requests: usize) {
    let building = match r.building_per_request() {
        Some(b) => format!(
            "building {:>6.2} µs/request ({:>4.1}% of the time)",
            micros(b),
            100.0 * r.building.unwrap_or_default().as_secs_f64()
                / r.elapsed.as_secs_f64().max(1e-9),
        ),
        None => "building           -".to_owned(),
    };
    let reprepares = r.reprepares_per_request().map_or(String::new(), |n| {
        format!("   re-prepares {n:>6.3}/request")
    });
    println!(
        "   {:<24} {:>9.0} req/s   {:>7.1} µs/request   {building}{reprepares}",
        r.mode.name(),
        r.per_second(),
        micros(r.elapsed) / requests as f64,
    );
}

/// Loads the schema and replays in every mode the database has; returns whether all runs
/// agreed.
fn run<D: Database>(
    mut db: D,
    dialect: Dialect,
    requests: &[Request],
    rounds: usize,
) -> Result<bool, String> {
    println!("== {}", db.name());
    let start = Instant::now();
    let rows = load(&mut db, dialect)?;
    println!(
        "   loaded {rows} rows into 10 tables in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    // An untimed uncached pass over the first tenth warms the database (pages, prepared
    // statements) for the timed runs alike; the cache stays cold.
    let warm = &requests[..requests.len().div_ceil(10)];
    replay(&mut db, warm, Mode::Uncached, None, |_| {})?;
    let n = requests.len();
    let statement_cache = db.has_statement_cache();
    let mut passes = Vec::new();
    let mut plan = None;
    let (mut before, mut after) = (cached_query::stats(), cached_query::stats());
    for round in 0..rounds {
        passes.push(replay(
            &mut db,
            requests,
            Mode::Uncached,
            None,
            progress("uncached", n),
        )?);
        if round == 0 {
            before = cached_query::stats();
        }
        passes.push(replay(
            &mut db,
            requests,
            Mode::Cached,
            None,
            progress("cached", n),
        )?);
        if round == 0 {
            after = cached_query::stats();
        }
        if !statement_cache {
            continue;
        }
        passes.push(replay(
            &mut db,
            requests,
            Mode::Statements,
            None,
            progress("stmts", n),
        )?);
        if plan.is_none() {
            // The ideal run replays what a cached run sent, recorded in an untimed pass.
            let mut recording = Recording::default();
            let mut recorded = replay(
                &mut db,
                requests,
                Mode::Cached,
                Some(&mut recording),
                |_| {},
            )?;
            recorded.untimed = true;
            passes.push(recorded);
            plan = Some(recording.plan());
        }
        if let Some(plan) = &plan {
            passes.push(replay_ideal(&mut db, plan, progress("ideal", n))?);
        }
    }
    // Each mode's fastest round: the machine's noise only ever slows a run down.
    let best = |mode: Mode| {
        passes
            .iter()
            .filter(|r| r.mode == mode && !r.untimed)
            .max_by(|a, b| a.per_second().total_cmp(&b.per_second()))
    };
    let runs: Vec<&RunReport> = [Mode::Uncached, Mode::Cached, Mode::Statements, Mode::Ideal]
        .into_iter()
        .filter_map(best)
        .collect();

    let (uncached, cached) = (runs[0], runs[1]);
    println!(
        "   {} requests, {} statements and {} rows per run; {} of each run, the fastest shown",
        n,
        cached.statements,
        cached.rows,
        match rounds {
            1 => "one".to_owned(),
            r => format!("{r} rounds"),
        }
    );
    for r in &runs {
        line(r, n);
    }
    let ratio = |r: &RunReport| r.per_second() / uncached.per_second().max(1e-9);
    println!(
        "   speed-up  {:.2}x requests/s, {:.1}x less time building queries",
        ratio(cached),
        uncached.building.unwrap_or_default().as_secs_f64()
            / cached.building.unwrap_or_default().as_secs_f64().max(1e-12),
    );
    if let [_, _, statements, ideal] = runs[..] {
        println!(
            "   with the statement cache {:.2}x requests/s of uncached; {:.1}% of the ideal ({:.2}x of it)",
            ratio(statements),
            100.0 * statements.per_second() / ideal.per_second().max(1e-9),
            statements.per_second() / ideal.per_second().max(1e-9),
        );
    }
    let delta = |f: fn(&cached_query::Stats) -> u64| f(&after) - f(&before);
    println!(
        "   cache     {} entries, {} bytes; first cached run: {} hits, {} misses, {} uncacheable keys",
        after.entries(),
        after.bytes(),
        delta(cached_query::Stats::hits),
        delta(cached_query::Stats::misses),
        delta(cached_query::Stats::uncacheable_keys),
    );
    if let Some(statements) = db.statement_cache() {
        println!("   statements {statements}");
    }

    let mut same = true;
    for r in &passes[1..] {
        let mismatched = uncached
            .digests
            .iter()
            .zip(&r.digests)
            .position(|(a, b)| a != b);
        if let Some(i) = mismatched {
            println!(
                "   results   DIFFERENT: {} request {i} returned other rows than uncached: {:?}",
                r.mode.name(),
                requests[i]
            );
            same = false;
        } else if r.views != uncached.views || r.digests.len() != uncached.digests.len() {
            println!(
                "   results   DIFFERENT: {} left other view counters than uncached",
                r.mode.name()
            );
            same = false;
        }
    }
    if same {
        println!(
            "   results   identical in all {} passes: {} requests, {} rows read, {} rows written, {} view counters",
            passes.len(),
            n,
            cached.rows,
            cached.changed,
            cached.views.len()
        );
    }
    Ok(same)
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
        let rounds = options.rounds.unwrap_or(match target {
            Target::Sqlite => 3,
            Target::Postgres(_) | Target::MySql(_) => 1,
        });
        let requests = requests(n, options.seed);
        let outcome = match target {
            Target::Sqlite => Sqlite::open()
                .and_then(|conn| run(Sqlite::new(&conn), Dialect::Sqlite, &requests, rounds)),
            Target::Postgres(url) => {
                Postgres::connect(url).and_then(|db| run(db, Dialect::Postgres, &requests, rounds))
            }
            Target::MySql(url) => {
                MySql::connect(url).and_then(|db| run(db, Dialect::MySql, &requests, rounds))
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
