//! The example schema on real databases: one set of tables per test run, filled with a few
//! thousand generated rows (NULLs, unicode, quotes, edge values), and rows read back in a
//! form that compares exactly.

use sea_query::{InsertStatement, Query, Value};

use crate::schema::{Post, PostTag, QualityRule, Users};

/// How a test finds its database server.
#[derive(Debug, Clone)]
pub enum Server {
    /// The URL from the environment.
    Url(String),
    /// Not configured; the reason has been printed.
    Skip,
}

/// The server URL in `var`, or a printed reason to skip. With
/// `CACHED_QUERY_REQUIRE_DATABASES=1`, a missing URL fails the test instead.
pub fn server(var: &str) -> Server {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Server::Url(url),
        _ => {
            let reason =
                format!("{var} is not set, so the tests against this database are skipped");
            assert!(
                !required(),
                "{reason}, but CACHED_QUERY_REQUIRE_DATABASES=1"
            );
            println!("skipped: {reason}");
            Server::Skip
        }
    }
}

/// Whether a missing or unreachable server must fail the run.
pub fn required() -> bool {
    std::env::var("CACHED_QUERY_REQUIRE_DATABASES").is_ok_and(|v| v == "1" || v == "true")
}

/// A name no other run uses: `cq_<pid>_<nanos>`.
pub fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("cq_{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// SQL dialects of the DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

/// `CREATE TABLE` statements of the example schema.
pub fn create_tables(dialect: Dialect) -> Vec<String> {
    let (text, double, boolean) = match dialect {
        Dialect::Postgres => ("TEXT", "DOUBLE PRECISION", "BOOLEAN"),
        Dialect::MySql => ("TEXT", "DOUBLE", "BOOLEAN"),
        Dialect::Sqlite => ("TEXT", "REAL", "BOOLEAN"),
    };
    vec![
        format!(
            "CREATE TABLE post (id BIGINT PRIMARY KEY, title {text}, author BIGINT, status {text}, \
             tag BIGINT, score {double}, published_at BIGINT, body {text}, created_at BIGINT)"
        ),
        format!(
            "CREATE TABLE users (id BIGINT PRIMARY KEY, name {text}, country {text}, age INT, active {boolean})"
        ),
        // Indexes found missing by the EXPLAIN test (tests/tests/explain.rs).
        "CREATE INDEX post_author ON post (author)".to_owned(),
        "CREATE INDEX post_created_at ON post (created_at)".to_owned(),
        "CREATE INDEX post_score ON post (score)".to_owned(),
        // MySQL indexes a prefix of a TEXT column.
        match dialect {
            Dialect::MySql => "CREATE INDEX post_title ON post (title(64))".to_owned(),
            _ => "CREATE INDEX post_title ON post (title)".to_owned(),
        },
        match dialect {
            Dialect::MySql => "CREATE INDEX post_status ON post (status(16))".to_owned(),
            _ => "CREATE INDEX post_status ON post (status)".to_owned(),
        },
        format!("CREATE TABLE post_tag (post_id BIGINT, tag {text})"),
        format!(
            "CREATE TABLE quality_rule (id BIGINT PRIMARY KEY, quality INT, licensed {boolean}, \
             protected {boolean}, is_active {boolean}, rightholder_id BIGINT, user_agent_id BIGINT, \
             group_id BIGINT, alternative_sales_rule_id BIGINT, user_id BIGINT, priority INT)"
        ),
    ]
}

/// The tables, for dumps.
pub const TABLES: [&str; 4] = ["post", "users", "post_tag", "quality_rule"];

/// A small deterministic generator (SplitMix64), so every database gets the same rows.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// `true` one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    /// Text as applications store it: names, quotes, unicode, empty.
    pub fn text(&mut self) -> String {
        const WORDS: [&str; 12] = [
            "rust",
            "draft",
            "live",
            "O'Brien",
            "naïve",
            "東京",
            "🎥 video",
            "a\"b",
            "back\\slash",
            "",
            "100%",
            "_under",
        ];
        let a = WORDS[self.below(WORDS.len() as u64) as usize];
        let b = WORDS[self.below(WORDS.len() as u64) as usize];
        if self.one_in(3) {
            a.to_owned()
        } else {
            format!("{a} {b}")
        }
    }
}

fn maybe(value: Value, null: Value, rng: &mut Rng) -> Value {
    if rng.one_in(7) { null } else { value }
}

const STATUSES: [&str; 4] = ["draft", "live", "archived", "O'Brien"];
const COUNTRIES: [&str; 6] = ["NO", "JP", "FR", "", "naïve", "US"];

/// `INSERT` statements that fill the schema: `posts` posts, a fifth as many users, tags and
/// quality rules, in batches.
pub fn fill(posts: u64) -> Vec<InsertStatement> {
    let mut rng = Rng::new(0x5EED);
    let mut out = Vec::new();
    let users = (posts / 5).max(10);
    let mut batch = |table: &dyn Fn() -> InsertStatement,
                     rows: &mut dyn FnMut(&mut Rng) -> Vec<Value>,
                     n: u64| {
        let mut q = table();
        for i in 0..n {
            q.values_panic(rows(&mut rng).into_iter().map(sea_query::Expr::val));
            if i % 200 == 199 || i + 1 == n {
                out.push(std::mem::replace(&mut q, table()));
            }
        }
    };
    let mut next_post = 0i64;
    batch(
        &|| {
            Query::insert()
                .into_table(Post::Table)
                .columns([
                    Post::Id,
                    Post::Title,
                    Post::Author,
                    Post::Status,
                    Post::Tag,
                    Post::Score,
                    Post::PublishedAt,
                    Post::Body,
                    Post::CreatedAt,
                ])
                .to_owned()
        },
        &mut |rng| {
            next_post += 1;
            let score = match rng.below(10) {
                0 => 0.0,
                1 => -1.5,
                2 => 1e12,
                _ => (rng.below(20_000) as f64) / 100.0,
            };
            vec![
                next_post.into(),
                maybe(rng.text().into(), Value::String(None), rng),
                (rng.below(users) as i64 + 1).into(),
                maybe(
                    STATUSES[rng.below(4) as usize].into(),
                    Value::String(None),
                    rng,
                ),
                (rng.below(64) as i64).into(),
                score.into(),
                maybe(
                    (1_600_000_000 + rng.below(100_000_000) as i64).into(),
                    Value::BigInt(None),
                    rng,
                ),
                maybe(rng.text().into(), Value::String(None), rng),
                (1_600_000_000 + rng.below(100_000_000) as i64).into(),
            ]
        },
        posts,
    );
    let mut next_user = 0i64;
    batch(
        &|| {
            Query::insert()
                .into_table(Users::Table)
                .columns([
                    Users::Id,
                    Users::Name,
                    Users::Country,
                    Users::Age,
                    Users::Active,
                ])
                .to_owned()
        },
        &mut |rng| {
            next_user += 1;
            vec![
                next_user.into(),
                rng.text().into(),
                maybe(
                    COUNTRIES[rng.below(6) as usize].into(),
                    Value::String(None),
                    rng,
                ),
                maybe((rng.below(100) as i32).into(), Value::Int(None), rng),
                (!rng.one_in(3)).into(),
            ]
        },
        users,
    );
    batch(
        &|| {
            Query::insert()
                .into_table(PostTag::Table)
                .columns([PostTag::PostId, PostTag::Tag])
                .to_owned()
        },
        &mut |rng| vec![(rng.below(posts) as i64 + 1).into(), rng.text().into()],
        posts,
    );
    let mut next_rule = 0i64;
    batch(
        &|| {
            Query::insert()
                .into_table(QualityRule::Table)
                .columns([
                    QualityRule::Id,
                    QualityRule::Quality,
                    QualityRule::Licensed,
                    QualityRule::Protected,
                    QualityRule::IsActive,
                    QualityRule::RightholderId,
                    QualityRule::UserAgentId,
                    QualityRule::GroupId,
                    QualityRule::AlternativeSalesRuleId,
                    QualityRule::UserId,
                    QualityRule::Priority,
                ])
                .to_owned()
        },
        &mut |rng| {
            next_rule += 1;
            let id = |rng: &mut Rng, n: u64| {
                maybe((rng.below(n) as i64 + 1).into(), Value::BigInt(None), rng)
            };
            vec![
                next_rule.into(),
                (rng.below(5) as i32).into(),
                maybe(rng.one_in(2).into(), Value::Bool(None), rng),
                maybe(rng.one_in(2).into(), Value::Bool(None), rng),
                (!rng.one_in(4)).into(),
                id(rng, 20),
                id(rng, 50),
                id(rng, 200),
                id(rng, 5),
                id(rng, 100),
                (rng.below(10) as i32 - 2).into(),
            ]
        },
        posts / 2,
    );
    out
}

/// Whether `sql` is a write (`INSERT`, `UPDATE` or `DELETE`) rather than a query.
pub fn is_write(sql: &str) -> bool {
    ["INSERT", "UPDATE", "DELETE"]
        .iter()
        .any(|w| sql.starts_with(w))
}

/// `SELECT * FROM table ORDER BY every column`, for comparing table states.
pub fn dump_sql(table: &str, dialect: Dialect) -> String {
    let q = |c: &str| match dialect {
        Dialect::MySql => format!("`{c}`"),
        _ => format!("\"{c}\""),
    };
    let columns: &[&str] = match table {
        "post" => &[
            "id",
            "title",
            "author",
            "status",
            "tag",
            "score",
            "published_at",
            "body",
            "created_at",
        ],
        "users" => &["id", "name", "country", "age", "active"],
        "post_tag" => &["post_id", "tag"],
        _ => &[
            "id",
            "quality",
            "licensed",
            "protected",
            "is_active",
            "rightholder_id",
            "user_agent_id",
            "group_id",
            "alternative_sales_rule_id",
            "user_id",
            "priority",
        ],
    };
    let list: Vec<String> = columns.iter().map(|c| q(c)).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        list.join(", "),
        q(table),
        list.join(", ")
    )
}
