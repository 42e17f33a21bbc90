//! The main job: a video-play endpoint replayed against a database, once with every query
//! built by sea-query and once through `#[cached_query]`, with the same requests. On SQLite
//! two more runs join them: the cached queries through `SqliteStatements`, and the ideal (the
//! SQL and values of every statement precomputed, nothing built). The four SQLite runs take
//! turns, 100 requests at a time, each on its own copy of the database, so that a busy
//! machine slows them alike and their ratios hold; on a server the runs follow each other.
//! Prints requests per second of each, the time per request spent building queries, SQLite's
//! re-prepares per request, the cache's counters, and checks that every run returned the same
//! rows and left the same table state. `--rounds` repeats the runs; totals are reported.
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
    Database, Lane, Mode, Recording, Request, RunReport, interleave, load, replay, requests,
};
use cached_query_examples::video::Dialect;

const USAGE: &str = "\
usage: playback [--requests N] [--rounds R] [--seed S] [--postgres URL | --mysql URL] [--sqlite]

Replays video-play requests uncached, then cached (on SQLite also through the statement
cache, and the ideal replay of precomputed statements), and compares all runs.

  --requests N    requests per run (default 20000 on SQLite, 2000 on a server)
  --rounds R      runs of each kind, totals reported (default 3 on SQLite, 1 on a server)
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
fn progress(label: String, total: usize) -> impl FnMut(usize) {
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

/// Requests each run takes in its turn when the runs of SQLite take turns.
const CHUNK: usize = 100;

/// Loads the schema into every database of `dbs` and replays in every mode they have;
/// returns whether all runs agreed. With four databases that have a statement cache
/// (SQLite) the four runs take turns, `CHUNK` requests at a time, each on its own copy of
/// the database; with one (a server), uncached and cached runs follow each other.
fn run<D: Database>(
    mut dbs: Vec<D>,
    dialect: Dialect,
    requests: &[Request],
    rounds: usize,
) -> Result<bool, String> {
    let Some(first) = dbs.first() else {
        return Ok(true);
    };
    println!("== {}", first.name());
    let start = Instant::now();
    let mut rows = 0;
    for db in &mut dbs {
        rows = load(db, dialect)?;
        // An untimed uncached pass over the first tenth warms each database (pages,
        // prepared statements) for the timed runs alike; the cache stays cold.
        replay(
            db,
            &requests[..requests.len().div_ceil(10)],
            Mode::Uncached,
            None,
            |_| {},
        )?;
    }
    println!(
        "   loaded {rows} rows into 10 tables{} in {:.2} s",
        match dbs.len() {
            1 => String::new(),
            n => format!(", {n} copies (one per run)"),
        },
        start.elapsed().as_secs_f64()
    );
    let n = requests.len();
    let before = cached_query::stats();
    let mut after = before.clone();
    let mut passes = Vec::new();
    let interleaved = match &mut dbs[..] {
        [uncached, cached, statements, ideal] if ideal.has_statement_cache() => {
            // The ideal run replays the statements of a pass recorded untimed on its own
            // database: sea-query's SQL and values, which the cached runs send byte for
            // byte (the oracle's guarantee, and the digests below check it again).
            let mut recording = Recording::default();
            let mut recorded = replay(
                ideal,
                requests,
                Mode::Uncached,
                Some(&mut recording),
                |_| {},
            )?;
            recorded.untimed = true;
            passes.push(recorded);
            let plan = recording.plan();
            // The statement cache starts with the statements the ideal run prepares before
            // its clock: both runs then prepare nothing while timed, and the difference
            // between them is what a call costs (the template cache stays cold: building
            // each shape's template the first time is timed).
            let prepared = statements.prepare_statements(&plan.texts)?;
            println!(
                "   statements: {prepared} prepared before the timed runs, for the statement cache and the ideal run alike"
            );
            for round in 0..rounds {
                let mut lanes = vec![
                    Lane::new(uncached, Mode::Uncached, None)?,
                    Lane::new(cached, Mode::Cached, None)?,
                    Lane::new(statements, Mode::Statements, None)?,
                    Lane::ideal(ideal, &plan)?,
                ];
                let label = match rounds {
                    1 => "runs".to_owned(),
                    _ => format!("round {}", round + 1),
                };
                interleave(&mut lanes, requests, CHUNK, progress(label, n))?;
                for lane in lanes {
                    passes.push(lane.finish()?);
                }
                if round == 0 {
                    after = cached_query::stats();
                }
            }
            true
        }
        [db, ..] => {
            for round in 0..rounds {
                passes.push(replay(
                    db,
                    requests,
                    Mode::Uncached,
                    None,
                    progress("uncached".to_owned(), n),
                )?);
                passes.push(replay(
                    db,
                    requests,
                    Mode::Cached,
                    None,
                    progress("cached".to_owned(), n),
                )?);
                if round == 0 {
                    after = cached_query::stats();
                }
            }
            false
        }
        [] => false,
    };
    // Each mode's rounds together: the totals, and the rounds one by one.
    let total = |mode: Mode| {
        passes
            .iter()
            .filter(|r| r.mode == mode && !r.untimed)
            .cloned()
            .reduce(RunReport::absorb)
    };
    let runs: Vec<RunReport> = [Mode::Uncached, Mode::Cached, Mode::Statements, Mode::Ideal]
        .into_iter()
        .filter_map(total)
        .collect();
    let runs: Vec<&RunReport> = runs.iter().collect();
    let (uncached, cached) = (runs[0], runs[1]);
    println!(
        "   {} requests, {} statements and {} rows per run; {}",
        n,
        cached.statements / rounds as u64,
        cached.rows / rounds as u64,
        match (interleaved, rounds) {
            (true, 1) => format!("the runs took turns, {CHUNK} requests at a time"),
            (true, r) =>
                format!("the runs took turns, {CHUNK} requests at a time, {r} rounds, totals shown"),
            (false, 1) => "one round".to_owned(),
            (false, r) => format!("{r} rounds, totals shown"),
        }
    );
    for r in &runs {
        line(r, n * rounds);
    }
    let ratio = |r: &RunReport| r.per_second() / uncached.per_second().max(1e-9);
    println!(
        "   speed-up  {:.2}x requests/s, {:.1}x less time building queries",
        ratio(cached),
        uncached.building.unwrap_or_default().as_secs_f64()
            / cached.building.unwrap_or_default().as_secs_f64().max(1e-12),
    );
    if let [_, _, statements, ideal] = runs[..] {
        let of_ideal =
            |s: &RunReport, i: &RunReport| 100.0 * s.per_second() / i.per_second().max(1e-9);
        println!(
            "   with the statement cache {:.2}x requests/s of uncached; {:.1}% of the ideal ({:.2}x of it)",
            ratio(statements),
            of_ideal(statements, ideal),
            statements.per_second() / ideal.per_second().max(1e-9),
        );
        if rounds > 1 {
            let by_round = |mode: Mode| passes.iter().filter(move |r| r.mode == mode && !r.untimed);
            let each: Vec<String> = by_round(Mode::Statements)
                .zip(by_round(Mode::Ideal))
                .map(|(s, i)| format!("{:.1}%", of_ideal(s, i)))
                .collect();
            println!("   of the ideal, round by round: {}", each.join(", "));
        }
    }
    let delta = |f: fn(&cached_query::statistics::Stats) -> u64| f(&after) - f(&before);
    println!(
        "   cache     {} entries, {} bytes; first round: {} hits, {} misses, {} uncacheable keys",
        after.entries(),
        after.bytes(),
        delta(cached_query::statistics::Stats::hits),
        delta(cached_query::statistics::Stats::misses),
        delta(cached_query::statistics::Stats::uncacheable_keys),
    );
    // The statement cache's database: the third when the runs took turns.
    let statements = if interleaved { dbs.get(2) } else { dbs.first() };
    if let Some(statements) = statements.and_then(|db| db.statement_cache()) {
        println!("   statements {statements}");
    }

    let mut same = true;
    let uncached = passes
        .iter()
        .find(|r| r.mode == Mode::Uncached && !r.untimed)
        .ok_or("no uncached run")?;
    for r in &passes {
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
            uncached.rows,
            uncached.changed,
            uncached.views.len()
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
            // One database per run, so that the runs can take turns.
            Target::Sqlite => (0..4)
                .map(|_| Sqlite::open())
                .collect::<Result<Vec<_>, _>>()
                .and_then(|conns| {
                    let dbs = conns.iter().map(Sqlite::new).collect();
                    run(dbs, Dialect::Sqlite, &requests, rounds)
                }),
            Target::Postgres(url) => Postgres::connect(url)
                .and_then(|db| run(vec![db], Dialect::Postgres, &requests, rounds)),
            Target::MySql(url) => {
                MySql::connect(url).and_then(|db| run(vec![db], Dialect::MySql, &requests, rounds))
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
