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

use cached_query::{Backend, Cached, QueryArgs, Statement};
use cached_query_tests::db::Rng;
use sea_query::Values;

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
}

/// Creates the video schema on `db` and fills it.
pub fn load<D: Database>(
    db: &mut D,
    dialect: cached_query_tests::db::Dialect,
) -> Result<usize, DbError> {
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

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Time spent building statements (SQL text and values), part of `elapsed`.
    pub building: Duration,
    /// Statements run.
    pub statements: u64,
    /// Rows returned by all queries.
    pub rows: u64,
    /// Rows changed by all writes.
    pub changed: u64,
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
    pub fn building_per_request(&self) -> Duration {
        self.building / (self.digests.len().max(1) as u32)
    }
}

/// A run in progress: the database, the mode and the tallies.
struct Session<'a, D: Database> {
    db: &'a mut D,
    cached: bool,
    building: Duration,
    statements: u64,
    rows: u64,
    changed: u64,
    hasher: DefaultHasher,
}

impl<D: Database> Session<'_, D> {
    fn build<Q: QueryArgs>(&mut self, h: &Cached<Q>) -> (Sql, Values) {
        let start = Instant::now();
        let built = if self.cached {
            let (sql, values) = h.build_shared(D::Backend::default());
            (Sql::Shared(sql), values)
        } else {
            let (sql, values) = h.statement().build_with(D::Backend::default());
            (Sql::Owned(sql), values)
        };
        self.building += start.elapsed();
        self.statements += 1;
        built
    }

    fn query<Q: QueryArgs>(&mut self, h: Cached<Q>) -> Result<Vec<Row>, DbError> {
        let (sql, values) = self.build(&h);
        let rows = self.db.query(sql, values)?;
        self.rows += rows.len() as u64;
        rows.hash(&mut self.hasher);
        Ok(rows)
    }

    fn execute<Q: QueryArgs>(&mut self, h: Cached<Q>) -> Result<(), DbError> {
        let (sql, values) = self.build(&h);
        let changed = self.db.execute(sql, values)?;
        self.changed += changed;
        changed.hash(&mut self.hasher);
        Ok(())
    }

    /// One request; returns the digest of everything it read and wrote.
    fn request(&mut self, r: &Request) -> Result<u64, DbError> {
        self.hasher = DefaultHasher::new();
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

/// Replays `requests` on `db`, cached or not, after resetting the view counters; calls
/// `progress(done)` every so often.
pub fn replay<D: Database>(
    db: &mut D,
    requests: &[Request],
    cached: bool,
    mut progress: impl FnMut(usize),
) -> Result<RunReport, DbError> {
    let (sql, values) = video::reset_views().build_with(D::Backend::default());
    db.execute(Sql::Owned(sql), values)?;
    let mut session = Session {
        db,
        cached,
        building: Duration::ZERO,
        statements: 0,
        rows: 0,
        changed: 0,
        hasher: DefaultHasher::new(),
    };
    let mut digests = Vec::with_capacity(requests.len());
    let step = (requests.len() / 200).max(1);
    let start = Instant::now();
    for (i, r) in requests.iter().enumerate() {
        digests.push(session.request(r)?);
        if i % step == 0 {
            progress(i);
        }
    }
    let elapsed = start.elapsed();
    progress(requests.len());
    let (sql, values) = video::dump_views().build_with(D::Backend::default());
    let views = session.db.query(Sql::Owned(sql), values)?;
    Ok(RunReport {
        elapsed,
        building: session.building,
        statements: session.statements,
        rows: session.rows,
        changed: session.changed,
        digests,
        views,
    })
}
