//! The playback: replays video-play requests against a database, once building every query
//! with sea-query (uncached) and once through `#[cached_query]`, and reports what each run
//! cost and whether both returned the same rows.
//!
//! A request runs eleven statements of [`crate::video`]: the user agent, the video, its
//! rightholder, a geo block check, the quality rules, the player settings, ad links,
//! subtitles, stats counters, related videos, and the view counter update. Later statements
//! use earlier results (the video's category and rightholder, the agent's id), as a real
//! endpoint does, so optional filters are present or absent in a realistic mix.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::rng::Rng;
use cached_query::{Backend, Cached, QueryArgs, Statement};
use sea_query::{Value, Values};

use crate::video::{
    self, COUNTRIES, KINDS, LANGUAGES, PLATFORMS, RelatedSort, SIZES, user_agent_header,
};

/// One value of a result row, normalized across drivers (SQLite has no booleans, MySQL
/// reports them as `TINYINT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cell {
    /// SQL `NULL`.
    Null,
    /// An integer or a boolean (as 0 or 1).
    Int(i64),
    /// Text.
    Text(String),
}

impl Cell {
    /// The integer, if this is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean, if this is an integer (SQLite and MySQL store booleans as integers).
    pub fn bool(&self) -> Option<bool> {
        self.int().map(|i| i != 0)
    }
}

/// A row of cells.
pub type Row = Vec<Cell>;

/// SQL text as the two runs hold it: an owned `String` from sea-query, or the cache's shared
/// text.
#[derive(Debug, Clone)]
pub enum Sql {
    /// `statement().build(B)`.
    Owned(String),
    /// `build_shared(B)`.
    Shared(Arc<str>),
}

impl std::ops::Deref for Sql {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Sql::Owned(s) => s,
            Sql::Shared(s) => s,
        }
    }
}

/// An error from a database, as text.
pub type DbError = String;

/// A database the playback can run on.
pub trait Database {
    /// The sea-query builder of its dialect.
    type Backend: Backend;

    /// A name for the report, e.g. `SQLite (rusqlite, in memory)`.
    fn name(&self) -> String;

    /// Runs a query and returns its rows.
    fn query(&mut self, sql: Sql, values: Values) -> Result<Vec<Row>, DbError>;

    /// Runs a statement and returns the number of rows it changed.
    fn execute(&mut self, sql: Sql, values: Values) -> Result<u64, DbError>;

    /// Runs a DDL statement without values.
    fn ddl(&mut self, sql: &str) -> Result<(), DbError>;

    /// Whether the database also runs [`Mode::Statements`] and [`Mode::Ideal`] (SQLite).
    fn has_statement_cache(&self) -> bool {
        false
    }

    /// Runs a cached query through a statement cache keyed by the template
    /// ([`Mode::Statements`]); the call builds it.
    fn query_statement<Q: QueryArgs>(&mut self, query: &Cached<Q>) -> Result<Vec<Row>, DbError> {
        let _ = query;
        Err(format!("{} has no statement cache", self.name()))
    }

    /// Executes a cached statement through the statement cache ([`Mode::Statements`]).
    fn execute_statement<Q: QueryArgs>(&mut self, query: &Cached<Q>) -> Result<u64, DbError> {
        let _ = query;
        Err(format!("{} has no statement cache", self.name()))
    }

    /// Prepares a statement of the statement cache ([`Mode::Statements`]) for each of
    /// `texts` not held yet; returns how many it prepared.
    fn prepare_statements(&mut self, texts: &[Arc<str>]) -> Result<usize, DbError> {
        let _ = texts;
        Err(format!("{} has no statement cache", self.name()))
    }

    /// Prepares one statement per text for [`Mode::Ideal`], replacing any prepared before.
    fn prepare_ideal(&mut self, texts: &[Arc<str>]) -> Result<(), DbError> {
        let _ = texts;
        Err(format!("{} has no ideal run", self.name()))
    }

    /// Binds `binds` (1-based index and value) to prepared statement `text` and runs it as a
    /// query ([`Mode::Ideal`]).
    fn query_ideal(&mut self, text: usize, binds: &[(usize, Value)]) -> Result<Vec<Row>, DbError> {
        let _ = (text, binds);
        Err(format!("{} has no ideal run", self.name()))
    }

    /// Binds `binds` to prepared statement `text` and executes it ([`Mode::Ideal`]); returns
    /// the number of rows changed.
    fn execute_ideal(&mut self, text: usize, binds: &[(usize, Value)]) -> Result<u64, DbError> {
        let _ = (text, binds);
        Err(format!("{} has no ideal run", self.name()))
    }

    /// How many times the database re-prepared a statement so far, where it can tell.
    fn reprepares(&self) -> Option<u64> {
        None
    }

    /// The counters of the statement cache of [`Mode::Statements`], for the report.
    fn statement_cache(&self) -> Option<String> {
        None
    }
}

/// Creates the video schema on `db` and fills it.
pub fn load<D: Database>(db: &mut D, dialect: video::Dialect) -> Result<usize, DbError> {
    for ddl in video::create_tables(dialect) {
        db.ddl(&ddl)?;
    }
    let mut rows = 0;
    for insert in video::fill(SIZES) {
        let (sql, values) = insert.build_with(D::Backend::default());
        rows += db.execute(Sql::Owned(sql), values)? as usize;
    }
    Ok(rows)
}

/// The arguments of one request, as they arrive from the client.
#[derive(Debug, Clone)]
pub struct Request {
    /// The requested video (a few ids do not exist).
    pub video: i64,
    /// The viewer's country.
    pub country: &'static str,
    /// The `User-Agent` header (some are not in the table).
    pub user_agent: String,
    /// The viewer's groups (often none).
    pub groups: Vec<i64>,
    /// The signed-in viewer, if any.
    pub user: Option<i64>,
    /// Ad platforms the player supports.
    pub platforms: Vec<&'static str>,
    /// A premium viewer.
    pub premium: bool,
    /// An embedded player.
    pub embed: bool,
    /// Subtitle languages the viewer accepts (empty: all).
    pub languages: Vec<&'static str>,
    /// Stats counter kinds the player reports (empty: all).
    pub kinds: Vec<&'static str>,
    /// Videos already shown, not to be suggested again.
    pub exclude: Vec<i64>,
    /// How related videos are sorted.
    pub sort: RelatedSort,
    /// How many related videos.
    pub related: u64,
    /// Whether the page shows the description.
    pub with_description: bool,
}

fn pick<T: Copy>(rng: &mut Rng, from: &[T]) -> T {
    from[rng.below(from.len() as u64) as usize]
}

fn some_of<T: Copy + PartialEq>(rng: &mut Rng, from: &[T], max: u64) -> Vec<T> {
    let mut out = Vec::new();
    for _ in 0..rng.below(max + 1) {
        let x = pick(rng, from);
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// `n` requests drawn from a fixed seed: the same list for both runs and every database.
pub fn requests(n: usize, seed: u64) -> Vec<Request> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let video = 1 + rng.below(SIZES.videos as u64 + 40) as i64;
            let agent = 1 + rng.below(SIZES.user_agents as u64) as i64;
            let user_agent = if rng.one_in(10) {
                format!("curl/8.{}", rng.below(10))
            } else {
                user_agent_header(agent)
            };
            let groups = if rng.one_in(3) {
                let ids: Vec<i64> = (1..=SIZES.groups).collect();
                some_of(&mut rng, &ids, 5)
            } else {
                Vec::new()
            };
            let exclude = (0..rng.below(9))
                .map(|_| 1 + rng.below(SIZES.videos as u64) as i64)
                .collect();
            Request {
                video,
                country: pick(&mut rng, &COUNTRIES),
                user_agent,
                groups,
                user: (!rng.one_in(3)).then(|| 1 + rng.below(500) as i64),
                platforms: some_of(&mut rng, &PLATFORMS, 3),
                premium: rng.one_in(10),
                embed: rng.one_in(5),
                languages: some_of(&mut rng, &LANGUAGES, 3),
                kinds: some_of(&mut rng, &KINDS, 3),
                exclude,
                sort: if rng.one_in(2) {
                    RelatedSort::Duration
                } else {
                    RelatedSort::Newest
                },
                related: 5 + rng.below(8),
                with_description: rng.one_in(3),
            }
        })
        .collect()
}

/// How a run builds and runs its statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every statement built and rendered by sea-query, run by its text (on SQLite through
    /// rusqlite's `prepare_cached`): what applications do without the cache.
    #[default]
    Uncached,
    /// SQL and values from `#[cached_query]` (`build_shared`), run by text like `Uncached`.
    Cached,
    /// `#[cached_query]` through the database's statement cache keyed by template (SQLite:
    /// [`cached_query::drivers::rusqlite::SqliteStatements`]).
    Statements,
    /// The lower bound: the SQL and values of every statement computed before the run, one
    /// prepared statement per text, and only changed values bound; nothing is built.
    Ideal,
}

impl Mode {
    /// The name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Uncached => "uncached",
            Mode::Cached => "cached",
            Mode::Statements => "cached + statement cache",
            Mode::Ideal => "ideal",
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// How the run built and ran its statements.
    pub mode: Mode,
    /// A pass that is compared but not reported (it recorded the statements for the ideal
    /// run).
    pub untimed: bool,
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Time spent building statements (SQL text and values), part of `elapsed`; `None` where
    /// building is not separate from running (the statement cache builds inside its call)
    /// or does not happen (the ideal run).
    pub building: Option<Duration>,
    /// Statements run.
    pub statements: u64,
    /// Rows returned by all queries.
    pub rows: u64,
    /// Rows changed by all writes.
    pub changed: u64,
    /// Times the database re-prepared a statement during the run, where it can tell.
    pub reprepares: Option<u64>,
    /// One digest of all rows per request, to compare runs.
    pub digests: Vec<u64>,
    /// The view counters after the run.
    pub views: Vec<Row>,
}

impl RunReport {
    /// Requests per second.
    pub fn per_second(&self) -> f64 {
        self.digests.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Mean building time per request.
    pub fn building_per_request(&self) -> Option<Duration> {
        self.building
            .map(|b| b / (self.digests.len().max(1) as u32))
    }

    /// Another round of the same run added to this one: times and tallies summed, digests
    /// appended, the view counters of the later round.
    pub fn absorb(mut self, other: RunReport) -> RunReport {
        self.elapsed += other.elapsed;
        self.building = self.building.zip(other.building).map(|(a, b)| a + b);
        self.statements += other.statements;
        self.rows += other.rows;
        self.changed += other.changed;
        self.reprepares = self.reprepares.zip(other.reprepares).map(|(a, b)| a + b);
        self.digests.extend(other.digests);
        self.views = other.views;
        self
    }

    /// Re-prepares per request.
    pub fn reprepares_per_request(&self) -> Option<f64> {
        self.reprepares
            .map(|r| r as f64 / self.digests.len().max(1) as f64)
    }
}

/// The statements of a run, recorded into the ideal run's [`Plan`] as they are sent: each
/// call's values are compared with the ones its text held before and dropped at once, so
/// that recording leaves no heap of freed values behind for the timed runs to allocate
/// from (a recording kept whole and freed after the pass slowed every run of the first
/// round that followed by up to 14%).
#[derive(Debug, Default)]
pub struct Recording {
    plan: Plan,
    /// The index of each text in `plan.texts`.
    index: std::collections::HashMap<Arc<str>, usize>,
    /// The values each text's statement holds at this point of the plan.
    bound: Vec<Vec<Value>>,
}

/// A recording turned into what the ideal run does: distinct texts to prepare, and per
/// statement the text's index and only the values that differ from the ones its prepared
/// statement holds at that point, laid out flat so that the replay reads memory in order.
#[derive(Debug, Default)]
pub struct Plan {
    /// The distinct SQL texts, one prepared statement each.
    pub texts: Vec<Arc<str>>,
    calls: Vec<PlannedCall>,
    /// The values to bind of all calls, in order: 1-based parameter index and value.
    binds: Vec<(usize, Value)>,
    ends: Vec<usize>,
}

/// One statement of the ideal run.
#[derive(Debug)]
struct PlannedCall {
    text: usize,
    /// Its values to bind: `binds[first..end]`.
    first: usize,
    end: usize,
    write: bool,
}

impl Recording {
    /// Records one statement.
    fn call(&mut self, sql: &str, values: &Values, write: bool) {
        let plan = &mut self.plan;
        let text = match self.index.get(sql) {
            Some(&text) => text,
            None => {
                let sql: Arc<str> = Arc::from(sql);
                plan.texts.push(Arc::clone(&sql));
                self.bound.push(Vec::new());
                self.index.insert(sql, plan.texts.len() - 1);
                plan.texts.len() - 1
            }
        };
        let held = &mut self.bound[text];
        let fresh = held.len() != values.0.len();
        let first = plan.binds.len();
        for (i, value) in values.0.iter().enumerate() {
            if fresh || held[i] != *value {
                plan.binds.push((i + 1, value.clone()));
            }
        }
        held.clone_from(&values.0);
        plan.calls.push(PlannedCall {
            text,
            first,
            end: plan.binds.len(),
            write,
        });
    }

    /// Ends the current request.
    fn end_request(&mut self) {
        self.plan.ends.push(self.plan.calls.len());
    }

    /// The ideal run's plan.
    pub fn plan(self) -> Plan {
        self.plan
    }
}

/// A run in progress: the database, the mode and the tallies.
struct Session<'a, D: Database> {
    db: &'a mut D,
    mode: Mode,
    building: Duration,
    statements: u64,
    rows: u64,
    changed: u64,
    hasher: DefaultHasher,
    recording: Option<&'a mut Recording>,
}

impl<D: Database> Session<'_, D> {
    fn build<Q: QueryArgs>(&mut self, h: &Cached<Q>) -> (Sql, Values) {
        let start = Instant::now();
        let built = if self.mode == Mode::Uncached {
            let (sql, values) = h.statement().build_with(D::Backend::default());
            (Sql::Owned(sql), values)
        } else {
            let (sql, values) = h.build_shared(D::Backend::default());
            (Sql::Shared(sql), values)
        };
        self.building += start.elapsed();
        built
    }

    fn record(&mut self, sql: &Sql, values: &Values, write: bool) {
        if let Some(recording) = &mut self.recording {
            recording.call(sql, values, write);
        }
    }

    fn query<Q: QueryArgs>(&mut self, h: Cached<Q>) -> Result<Vec<Row>, DbError> {
        self.statements += 1;
        let rows = if self.mode == Mode::Statements {
            self.db.query_statement(&h)?
        } else {
            let (sql, values) = self.build(&h);
            self.record(&sql, &values, false);
            self.db.query(sql, values)?
        };
        self.rows += rows.len() as u64;
        rows.hash(&mut self.hasher);
        Ok(rows)
    }

    fn execute<Q: QueryArgs>(&mut self, h: Cached<Q>) -> Result<(), DbError> {
        self.statements += 1;
        let changed = if self.mode == Mode::Statements {
            self.db.execute_statement(&h)?
        } else {
            let (sql, values) = self.build(&h);
            self.record(&sql, &values, true);
            self.db.execute(sql, values)?
        };
        self.changed += changed;
        changed.hash(&mut self.hasher);
        Ok(())
    }

    /// One request; returns the digest of everything it read and wrote.
    fn request(&mut self, r: &Request) -> Result<u64, DbError> {
        self.hasher = DefaultHasher::new();
        let digest = self.request_body(r)?;
        if let Some(recording) = &mut self.recording {
            recording.end_request();
        }
        Ok(digest)
    }

    fn request_body(&mut self, r: &Request) -> Result<u64, DbError> {
        let agent = self.query(video::user_agent(&r.user_agent))?;
        let agent = agent.first().and_then(|row| row[0].int());

        let found = self.query(video::video_by_id(r.video, r.with_description))?;
        let Some(v) = found.first() else {
            return Ok(self.hasher.finish()); // 404
        };
        let (category, rightholder) = (v[2].int().unwrap_or(0), v[3].int().unwrap_or(0));
        let (licensed, protected) = (v[5].bool(), v[6].bool());

        let holder = self.query(video::rightholder(rightholder))?;
        let rightholder = (!holder.is_empty()).then_some(rightholder);

        if !self.query(video::geo_block(r.video, r.country))?.is_empty() {
            return Ok(self.hasher.finish()); // 451
        }
        self.query(video::quality_rules(
            licensed,
            protected,
            rightholder,
            agent,
            &r.groups,
            r.user,
        ))?;
        self.query(video::player_settings(
            rightholder.unwrap_or(0),
            agent,
            r.embed,
        ))?;
        self.query(video::ad_links(
            category,
            r.country,
            &r.platforms,
            r.premium,
        ))?;
        self.query(video::subtitles(r.video, &r.languages))?;
        self.query(video::stats_counters(r.video, &r.kinds))?;
        self.query(video::related_videos(
            category, &r.exclude, r.sort, r.related,
        ))?;
        self.execute(video::count_view(r.video, r.country))?;
        Ok(self.hasher.finish())
    }
}

/// One run (a mode on a database) over a stream of requests, driven a few requests at a
/// time, so that runs on separate databases can take turns ([`interleave`]): then every run
/// sees the same moments of a noisy machine, and their ratio holds where separate runs would
/// each catch other noise. Only the time inside [`run`](Self::run) counts.
pub struct Lane<'a, D: Database> {
    session: Session<'a, D>,
    /// The ideal run's plan ([`Mode::Ideal`]), and the next call in it.
    plan: Option<&'a Plan>,
    call: usize,
    elapsed: Duration,
    digests: Vec<u64>,
    /// The database's re-prepare counter before the run.
    reprepares: Option<u64>,
}

impl<'a, D: Database> Lane<'a, D> {
    /// A run in `mode` (not [`Mode::Ideal`]: see [`ideal`](Self::ideal)) on `db`, after
    /// resetting the view counters; records the statements sent into `recording` if given.
    pub fn new(
        db: &'a mut D,
        mode: Mode,
        recording: Option<&'a mut Recording>,
    ) -> Result<Self, DbError> {
        reset(db)?;
        let reprepares = db.reprepares();
        Ok(Lane {
            session: Session {
                db,
                mode,
                building: Duration::ZERO,
                statements: 0,
                rows: 0,
                changed: 0,
                hasher: DefaultHasher::new(),
                recording,
            },
            plan: None,
            call: 0,
            elapsed: Duration::ZERO,
            digests: Vec::new(),
            reprepares,
        })
    }

    /// The ideal run of `plan` on `db` ([`Mode::Ideal`]): nothing is built, each text is
    /// prepared once now, and only values that changed are bound.
    pub fn ideal(db: &'a mut D, plan: &'a Plan) -> Result<Self, DbError> {
        db.prepare_ideal(&plan.texts)?;
        let mut lane = Lane::new(db, Mode::Ideal, None)?;
        lane.plan = Some(plan);
        Ok(lane)
    }

    /// Runs the next requests, timed: `requests` themselves, or, in the ideal run, the
    /// recorded statements of as many requests.
    pub fn run(&mut self, requests: &[Request]) -> Result<(), DbError> {
        self.timed(requests, requests.len())
    }

    /// Runs `requests`, or in the ideal run the next `count` requests of the plan.
    fn timed(&mut self, requests: &[Request], count: usize) -> Result<(), DbError> {
        let start = Instant::now();
        let out = match self.plan {
            Some(plan) => (0..count).try_for_each(|_| {
                let digest = self.ideal_request(plan)?;
                self.digests.push(digest);
                Ok(())
            }),
            None => requests.iter().try_for_each(|r| {
                let digest = self.session.request(r)?;
                self.digests.push(digest);
                Ok(())
            }),
        };
        self.elapsed += start.elapsed();
        out
    }

    /// The recorded statements of the next request, from the plan.
    fn ideal_request(&mut self, plan: &Plan) -> Result<u64, DbError> {
        let end = *plan
            .ends
            .get(self.digests.len())
            .ok_or_else(|| "the ideal run has more requests than its plan".to_owned())?;
        let session = &mut self.session;
        let mut hasher = DefaultHasher::new();
        for c in &plan.calls[self.call..end] {
            let binds = &plan.binds[c.first..c.end];
            if c.write {
                let changed = session.db.execute_ideal(c.text, binds)?;
                session.changed += changed;
                changed.hash(&mut hasher);
            } else {
                let rows = session.db.query_ideal(c.text, binds)?;
                session.rows += rows.len() as u64;
                rows.hash(&mut hasher);
            }
        }
        session.statements += (end - self.call) as u64;
        self.call = end;
        Ok(hasher.finish())
    }

    /// Requests run so far.
    pub fn done(&self) -> usize {
        self.digests.len()
    }

    /// The report: the tallies, the re-prepares and the view counters.
    pub fn finish(self) -> Result<RunReport, DbError> {
        let Lane {
            session,
            elapsed,
            digests,
            reprepares,
            ..
        } = self;
        let mode = session.mode;
        let building = matches!(mode, Mode::Uncached | Mode::Cached).then_some(session.building);
        finish(
            session.db,
            reprepares,
            RunReport {
                mode,
                untimed: false,
                elapsed,
                building,
                statements: session.statements,
                rows: session.rows,
                changed: session.changed,
                reprepares: None,
                digests,
                views: Vec::new(),
            },
        )
    }
}

impl<D: Database> std::fmt::Debug for Lane<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane")
            .field("mode", &self.session.mode)
            .field("done", &self.digests.len())
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}

/// Requests per progress step of a lone run.
fn progress_step(requests: usize) -> usize {
    (requests / 200).max(1)
}

/// Runs `lane` over all of `requests`, calling `progress(done)` every so often.
fn run_alone<D: Database>(
    mut lane: Lane<'_, D>,
    requests: &[Request],
    mut progress: impl FnMut(usize),
) -> Result<RunReport, DbError> {
    for chunk in requests.chunks(progress_step(requests.len())) {
        lane.run(chunk)?;
        progress(lane.done());
    }
    progress(requests.len());
    lane.finish()
}

/// Replays `requests` on `db` in `mode` (not [`Mode::Ideal`]: see [`replay_ideal`]) after
/// resetting the view counters, recording the statements sent into `recording` if given;
/// calls `progress(done)` every so often.
pub fn replay<D: Database>(
    db: &mut D,
    requests: &[Request],
    mode: Mode,
    recording: Option<&mut Recording>,
    progress: impl FnMut(usize),
) -> Result<RunReport, DbError> {
    run_alone(Lane::new(db, mode, recording)?, requests, progress)
}

/// Replays a cached run's statements from `plan` ([`Mode::Ideal`]): nothing is built, each
/// text was prepared once before the run, and only values that changed are bound.
pub fn replay_ideal<D: Database>(
    db: &mut D,
    plan: &Plan,
    progress: impl FnMut(usize),
) -> Result<RunReport, DbError> {
    let requests = plan.ends.len();
    let mut lane = Lane::ideal(db, plan)?;
    let mut progress = progress;
    let step = progress_step(requests);
    while lane.done() < requests {
        let n = step.min(requests - lane.done());
        lane.timed(&[], n)?;
        progress(lane.done());
    }
    progress(requests);
    lane.finish()
}

/// Runs `lanes` over `requests` taking turns, `chunk` requests at a time, each chunk
/// starting with the next lane in turn (so that no run always follows the same one); calls
/// `progress(done)` after each chunk. Each lane must have its own database: the requests
/// write.
pub fn interleave<D: Database>(
    lanes: &mut [Lane<'_, D>],
    requests: &[Request],
    chunk: usize,
    mut progress: impl FnMut(usize),
) -> Result<(), DbError> {
    let n = lanes.len();
    let mut done = 0;
    for (k, part) in requests.chunks(chunk.max(1)).enumerate() {
        for j in 0..n {
            lanes[(k + j) % n].run(part)?;
        }
        done += part.len();
        progress(done);
    }
    Ok(())
}

fn reset<D: Database>(db: &mut D) -> Result<(), DbError> {
    let (sql, values) = video::reset_views().build_with(D::Backend::default());
    db.execute(Sql::Owned(sql), values).map(drop)
}

/// Fills in the re-prepares since `before` and the view counters.
fn finish<D: Database>(
    db: &mut D,
    before: Option<u64>,
    mut report: RunReport,
) -> Result<RunReport, DbError> {
    report.reprepares = db
        .reprepares()
        .zip(before)
        .map(|(after, before)| after - before);
    let (sql, values) = video::dump_views().build_with(D::Backend::default());
    report.views = db.query(Sql::Owned(sql), values)?;
    Ok(report)
}
