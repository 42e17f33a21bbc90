//! The seed's scenario: a video-play endpoint. Each request runs about ten small queries
//! (video metadata, quality rules by licence, protection, rightholder and user agent, ad
//! links, player settings, geo blocks, subtitles, stats counters, related videos) on small
//! tables, with optional filters present or absent, flags, and lists of varied length.

use crate::rng::Rng;
use cached_query::cached_query;
use sea_query::{
    Cond, Expr, ExprTrait, Iden, InsertStatement, Order, Query, SelectStatement, UpdateStatement,
    Value,
};

/// Videos.
#[derive(Iden, Clone, Copy, Debug)]
pub enum Video {
    Table,
    Id,
    Title,
    CategoryId,
    RightholderId,
    Duration,
    Licensed,
    Protected,
    Published,
    Description,
}

/// Quality rules.
#[derive(Iden, Clone, Copy, Debug)]
pub enum QualityRule {
    Table,
    Id,
    Quality,
    Licensed,
    Protected,
    IsActive,
    RightholderId,
    UserAgentId,
    GroupId,
    UserId,
    Priority,
}

/// Advertising links.
#[derive(Iden, Clone, Copy, Debug)]
pub enum AdLink {
    Table,
    Id,
    Url,
    CategoryId,
    Country,
    Platform,
    PremiumOnly,
    Weight,
}

/// Player settings.
#[derive(Iden, Clone, Copy, Debug)]
pub enum PlayerSetting {
    Table,
    Id,
    RightholderId,
    UserAgentId,
    Embed,
    Skin,
    Autoplay,
}

/// View counts, one row per video.
#[derive(Iden, Clone, Copy, Debug)]
pub enum VideoView {
    Table,
    VideoId,
    Views,
    LastCountry,
}

/// Stats counters.
#[derive(Iden, Clone, Copy, Debug)]
pub enum StatsCounter {
    Table,
    VideoId,
    Kind,
    Url,
}

/// Geo blocks.
#[derive(Iden, Clone, Copy, Debug)]
pub enum GeoBlock {
    Table,
    VideoId,
    Country,
}

/// Subtitles.
#[derive(Iden, Clone, Copy, Debug)]
pub enum Subtitle {
    Table,
    VideoId,
    Language,
    Url,
}

/// Rightholders.
#[derive(Iden, Clone, Copy, Debug)]
pub enum Rightholder {
    Table,
    Id,
    Name,
    Active,
}

/// User agents.
#[derive(Iden, Clone, Copy, Debug)]
pub enum UserAgent {
    Table,
    Id,
    Pattern,
}

/// How related videos are sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelatedSort {
    /// Longest first.
    Duration,
    /// Newest (highest id) first.
    Newest,
}

/// The video itself.
#[cached_query]
pub fn video_by_id(id: i64, with_description: bool) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        Video::Id,
        Video::Title,
        Video::CategoryId,
        Video::RightholderId,
        Video::Duration,
        Video::Licensed,
        Video::Protected,
    ])
    .from(Video::Table);
    if with_description {
        q.column(Video::Description);
    }
    q.and_where(Expr::col(Video::Id).eq(id))
        .and_where(Expr::col(Video::Published).eq(true));
    q
}

/// The seed's quality-rule lookup.
#[cached_query]
pub fn quality_rules(
    licensed: Option<bool>,
    protected: Option<bool>,
    rightholder: Option<i64>,
    user_agent: Option<i64>,
    groups: &[i64],
    user: Option<i64>,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([QualityRule::Id, QualityRule::Quality])
        .from(QualityRule::Table)
        .and_where(Expr::col(QualityRule::IsActive).eq(true));
    match licensed {
        Some(l) => q.and_where(Expr::col(QualityRule::Licensed).eq(l)),
        None => q.and_where(Expr::col(QualityRule::Licensed).is_null()),
    };
    if let Some(p) = protected {
        q.and_where(Expr::col(QualityRule::Protected).eq(p));
    }
    q.cond_where(match rightholder {
        Some(r) => Cond::any()
            .add(Expr::col(QualityRule::RightholderId).eq(r))
            .add(Expr::col(QualityRule::RightholderId).is_null()),
        None => Cond::all().add(Expr::col(QualityRule::RightholderId).is_null()),
    });
    if let Some(u) = user_agent {
        q.cond_where(
            Cond::any()
                .add(Expr::col(QualityRule::UserAgentId).eq(u))
                .add(Expr::col(QualityRule::UserAgentId).is_null()),
        );
    }
    if !groups.is_empty() {
        q.cond_where(
            Cond::any()
                .add(Expr::col(QualityRule::GroupId).is_in(groups.iter().copied()))
                .add(Expr::col(QualityRule::GroupId).is_null()),
        );
    }
    if let Some(u) = user {
        q.cond_where(
            Cond::any()
                .add(Expr::col(QualityRule::UserId).eq(u))
                .add(Expr::col(QualityRule::UserId).is_null()),
        );
    }
    q.order_by(QualityRule::Priority, Order::Desc)
        .order_by(QualityRule::Id, Order::Asc)
        .limit(5);
    q
}

/// Ad links for the category, country and platforms.
#[cached_query]
pub fn ad_links(
    category: i64,
    country: &str,
    platforms: &[&str],
    premium: bool,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([AdLink::Id, AdLink::Url])
        .from(AdLink::Table)
        .and_where(Expr::col(AdLink::CategoryId).eq(category))
        .and_where(Expr::col(AdLink::Country).eq(country));
    if !platforms.is_empty() {
        q.and_where(Expr::col(AdLink::Platform).is_in(platforms.iter().copied()));
    }
    if !premium {
        q.and_where(Expr::col(AdLink::PremiumOnly).eq(false));
    }
    q.order_by(AdLink::Weight, Order::Desc)
        .order_by(AdLink::Id, Order::Asc)
        .limit(3);
    q
}

/// Player settings for the rightholder and user agent.
#[cached_query]
pub fn player_settings(rightholder: i64, user_agent: Option<i64>, embed: bool) -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        PlayerSetting::Id,
        PlayerSetting::Skin,
        PlayerSetting::Autoplay,
    ])
    .from(PlayerSetting::Table)
    .and_where(Expr::col(PlayerSetting::RightholderId).eq(rightholder))
    .and_where(Expr::col(PlayerSetting::Embed).eq(embed));
    match user_agent {
        Some(u) => q.and_where(Expr::col(PlayerSetting::UserAgentId).eq(u)),
        None => q.and_where(Expr::col(PlayerSetting::UserAgentId).is_null()),
    };
    q.order_by(PlayerSetting::Id, Order::Asc).limit(1);
    q
}

/// Whether the video is blocked in the viewer's country.
#[cached_query]
pub fn geo_block(video: i64, country: &str) -> SelectStatement {
    Query::select()
        .column(GeoBlock::Country)
        .from(GeoBlock::Table)
        .and_where(Expr::col(GeoBlock::VideoId).eq(video))
        .and_where(Expr::col(GeoBlock::Country).eq(country))
        .to_owned()
}

/// Subtitles in the viewer's languages.
#[cached_query]
pub fn subtitles(video: i64, languages: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Subtitle::Language, Subtitle::Url])
        .from(Subtitle::Table)
        .and_where(Expr::col(Subtitle::VideoId).eq(video));
    if !languages.is_empty() {
        q.and_where(Expr::col(Subtitle::Language).is_in(languages.iter().copied()));
    }
    q.order_by(Subtitle::Language, Order::Asc);
    q
}

/// Stats counter URLs of the given kinds.
#[cached_query]
pub fn stats_counters(video: i64, kinds: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    q.columns([StatsCounter::Kind, StatsCounter::Url])
        .from(StatsCounter::Table)
        .cond_where(
            Cond::any()
                .add(Expr::col(StatsCounter::VideoId).eq(video))
                .add(Expr::col(StatsCounter::VideoId).is_null()),
        );
    if !kinds.is_empty() {
        q.and_where(Expr::col(StatsCounter::Kind).is_in(kinds.iter().copied()));
    }
    q.order_by(StatsCounter::Kind, Order::Asc)
        .order_by(StatsCounter::Url, Order::Asc);
    q
}

/// The rightholder, if active.
#[cached_query]
pub fn rightholder(id: i64) -> SelectStatement {
    Query::select()
        .columns([Rightholder::Id, Rightholder::Name])
        .from(Rightholder::Table)
        .and_where(Expr::col(Rightholder::Id).eq(id))
        .and_where(Expr::col(Rightholder::Active).eq(true))
        .to_owned()
}

/// The user agent matching the request's header.
#[cached_query]
pub fn user_agent(pattern: &str) -> SelectStatement {
    Query::select()
        .column(UserAgent::Id)
        .from(UserAgent::Table)
        .and_where(Expr::col(UserAgent::Pattern).eq(pattern))
        .limit(1)
        .to_owned()
}

/// Related videos in the category, without the ones already shown.
#[cached_query]
pub fn related_videos(
    category: i64,
    exclude: &[i64],
    #[shape] sort: RelatedSort,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Video::Id, Video::Title])
        .from(Video::Table)
        .and_where(Expr::col(Video::CategoryId).eq(category))
        .and_where(Expr::col(Video::Published).eq(true));
    if !exclude.is_empty() {
        q.and_where(Expr::col(Video::Id).is_not_in(exclude.iter().copied()));
    }
    match sort {
        RelatedSort::Duration => q.order_by(Video::Duration, Order::Desc),
        RelatedSort::Newest => q.order_by(Video::Id, Order::Desc),
    };
    q.order_by(Video::Id, Order::Asc).limit(limit);
    q
}

/// Counts the view (the one write per request).
#[cached_query]
pub fn count_view(video: i64, country: &str) -> UpdateStatement {
    Query::update()
        .table(VideoView::Table)
        .value(VideoView::Views, Expr::col(VideoView::Views).add(1))
        .value(VideoView::LastCountry, country)
        .and_where(Expr::col(VideoView::VideoId).eq(video))
        .to_owned()
}

/// Numbers of rows the playback loads; the seed's tables are small.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Videos (and view counters).
    pub videos: i64,
    /// Categories the videos fall in.
    pub categories: i64,
    /// Rightholders.
    pub rightholders: i64,
    /// Known user agents.
    pub user_agents: i64,
    /// User groups quality rules may name.
    pub groups: i64,
}

/// The sizes the playback uses.
pub const SIZES: Sizes = Sizes {
    videos: 2_000,
    categories: 40,
    rightholders: 60,
    user_agents: 30,
    groups: 12,
};

/// Countries requests come from.
pub const COUNTRIES: [&str; 8] = ["RU", "US", "DE", "JP", "CN", "BR", "FR", "KZ"];
/// Ad platforms.
pub const PLATFORMS: [&str; 4] = ["web", "ios", "android", "tv"];
/// Subtitle languages.
pub const LANGUAGES: [&str; 7] = ["ru", "en", "de", "ja", "zh", "pt", "fr"];
/// Stats counter kinds.
pub const KINDS: [&str; 5] = ["start", "quartile", "complete", "pause", "error"];

/// The `User-Agent` header of known agent `i`.
pub fn user_agent_header(i: i64) -> String {
    format!("Mozilla/5.0 (agent {i}; rv:{}) Player/{}", 100 + i, i % 7)
}

/// SQL dialects of the DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

/// `CREATE TABLE` and `CREATE INDEX` statements of the video schema for `dialect`.
pub fn create_tables(dialect: Dialect) -> Vec<String> {
    // MySQL cannot index TEXT without a prefix length; the other two index TEXT as is.
    let text = match dialect {
        Dialect::MySql => "VARCHAR(200)",
        Dialect::Postgres | Dialect::Sqlite => "TEXT",
    };
    vec![
        format!(
            "CREATE TABLE video (id BIGINT PRIMARY KEY, title {text} NOT NULL, \
             category_id BIGINT NOT NULL, rightholder_id BIGINT NOT NULL, duration BIGINT NOT NULL, \
             licensed BOOLEAN, protected BOOLEAN, published BOOLEAN NOT NULL, description {text})"
        ),
        "CREATE INDEX video_category ON video (category_id)".to_owned(),
        "CREATE TABLE quality_rule (id BIGINT PRIMARY KEY, quality BIGINT NOT NULL, \
         licensed BOOLEAN, protected BOOLEAN, is_active BOOLEAN NOT NULL, rightholder_id BIGINT, \
         user_agent_id BIGINT, group_id BIGINT, user_id BIGINT, priority BIGINT NOT NULL)"
            .to_owned(),
        format!(
            "CREATE TABLE ad_link (id BIGINT PRIMARY KEY, url {text} NOT NULL, \
             category_id BIGINT NOT NULL, country {text} NOT NULL, platform {text} NOT NULL, \
             premium_only BOOLEAN NOT NULL, weight BIGINT NOT NULL)"
        ),
        "CREATE INDEX ad_link_category ON ad_link (category_id, country)".to_owned(),
        format!(
            "CREATE TABLE player_setting (id BIGINT PRIMARY KEY, rightholder_id BIGINT NOT NULL, \
             user_agent_id BIGINT, embed BOOLEAN NOT NULL, skin {text} NOT NULL, autoplay BOOLEAN NOT NULL)"
        ),
        "CREATE INDEX player_setting_rightholder ON player_setting (rightholder_id)".to_owned(),
        format!("CREATE TABLE geo_block (video_id BIGINT NOT NULL, country {text} NOT NULL)"),
        "CREATE INDEX geo_block_video ON geo_block (video_id, country)".to_owned(),
        format!(
            "CREATE TABLE subtitle (video_id BIGINT NOT NULL, language {text} NOT NULL, url {text} NOT NULL)"
        ),
        "CREATE INDEX subtitle_video ON subtitle (video_id)".to_owned(),
        format!(
            "CREATE TABLE stats_counter (video_id BIGINT, kind {text} NOT NULL, url {text} NOT NULL)"
        ),
        "CREATE INDEX stats_counter_video ON stats_counter (video_id)".to_owned(),
        format!(
            "CREATE TABLE rightholder (id BIGINT PRIMARY KEY, name {text} NOT NULL, active BOOLEAN NOT NULL)"
        ),
        format!("CREATE TABLE user_agent (id BIGINT PRIMARY KEY, pattern {text} NOT NULL)"),
        "CREATE INDEX user_agent_pattern ON user_agent (pattern)".to_owned(),
        format!(
            "CREATE TABLE video_view (video_id BIGINT PRIMARY KEY, views BIGINT NOT NULL, last_country {text})"
        ),
    ]
}

/// The tables of the video schema.
pub const TABLES: [&str; 10] = [
    "video",
    "quality_rule",
    "ad_link",
    "player_setting",
    "geo_block",
    "subtitle",
    "stats_counter",
    "rightholder",
    "user_agent",
    "video_view",
];

/// Sets every view counter back to zero, so a second replay starts where the first did.
pub fn reset_views() -> UpdateStatement {
    Query::update()
        .table(VideoView::Table)
        .value(VideoView::Views, 0i64)
        .value(VideoView::LastCountry, Option::<String>::None)
        .to_owned()
}

/// The view counters, in a fixed order, for comparing two replays.
pub fn dump_views() -> SelectStatement {
    Query::select()
        .columns([VideoView::VideoId, VideoView::Views, VideoView::LastCountry])
        .from(VideoView::Table)
        .order_by(VideoView::VideoId, Order::Asc)
        .to_owned()
}

/// Multi-row `INSERT` statements that fill the schema with deterministic data.
pub fn fill(sizes: Sizes) -> Vec<InsertStatement> {
    let mut rng = Rng::new(0x0000_71DE_0000_0001);
    let mut out = Vec::new();
    let opt_bool = |rng: &mut Rng| -> Value {
        match rng.below(3) {
            0 => Value::Bool(None),
            n => (n == 1).into(),
        }
    };
    let opt_id = |rng: &mut Rng, n: i64, none_in: u64| -> Value {
        if rng.one_in(none_in) {
            Value::BigInt(None)
        } else {
            (1 + rng.below(n as u64) as i64).into()
        }
    };

    let mut rows = Batches::new(&mut out);
    for id in 1..=sizes.videos {
        let description: Value = if rng.one_in(3) {
            Value::String(None)
        } else {
            format!("Episode {id}: {}", rng.text()).into()
        };
        rows.push(
            Video::Table,
            &[
                Video::Id,
                Video::Title,
                Video::CategoryId,
                Video::RightholderId,
                Video::Duration,
                Video::Licensed,
                Video::Protected,
                Video::Published,
                Video::Description,
            ],
            vec![
                id.into(),
                format!("{} #{id}", rng.text()).into(),
                (1 + rng.below(sizes.categories as u64) as i64).into(),
                (1 + rng.below(sizes.rightholders as u64) as i64).into(),
                (30 + rng.below(7_200) as i64).into(),
                opt_bool(&mut rng),
                opt_bool(&mut rng),
                (!rng.one_in(20)).into(),
                description,
            ],
        );
        rows.push(
            VideoView::Table,
            &[VideoView::VideoId, VideoView::Views, VideoView::LastCountry],
            vec![id.into(), 0i64.into(), Value::String(None)],
        );
        for _ in 0..rng.below(4) {
            let language = LANGUAGES[rng.below(LANGUAGES.len() as u64) as usize];
            rows.push(
                Subtitle::Table,
                &[Subtitle::VideoId, Subtitle::Language, Subtitle::Url],
                vec![
                    id.into(),
                    language.into(),
                    format!("https://cdn.example/sub/{id}/{language}.vtt").into(),
                ],
            );
        }
        if rng.one_in(4) {
            let country = COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize];
            rows.push(
                GeoBlock::Table,
                &[GeoBlock::VideoId, GeoBlock::Country],
                vec![id.into(), country.into()],
            );
        }
        if rng.one_in(2) {
            let kind = KINDS[rng.below(KINDS.len() as u64) as usize];
            rows.push(
                StatsCounter::Table,
                &[StatsCounter::VideoId, StatsCounter::Kind, StatsCounter::Url],
                vec![
                    id.into(),
                    kind.into(),
                    format!("https://stats.example/{kind}?v={id}").into(),
                ],
            );
        }
    }
    for (i, kind) in KINDS.iter().enumerate() {
        rows.push(
            StatsCounter::Table,
            &[StatsCounter::VideoId, StatsCounter::Kind, StatsCounter::Url],
            vec![
                Value::BigInt(None),
                (*kind).into(),
                format!("https://stats.example/all/{kind}?n={i}").into(),
            ],
        );
    }
    for id in 1..=300i64 {
        rows.push(
            QualityRule::Table,
            &[
                QualityRule::Id,
                QualityRule::Quality,
                QualityRule::Licensed,
                QualityRule::Protected,
                QualityRule::IsActive,
                QualityRule::RightholderId,
                QualityRule::UserAgentId,
                QualityRule::GroupId,
                QualityRule::UserId,
                QualityRule::Priority,
            ],
            vec![
                id.into(),
                [240i64, 360, 480, 720, 1080, 2160][rng.below(6) as usize].into(),
                opt_bool(&mut rng),
                opt_bool(&mut rng),
                (!rng.one_in(10)).into(),
                opt_id(&mut rng, sizes.rightholders, 2),
                opt_id(&mut rng, sizes.user_agents, 2),
                opt_id(&mut rng, sizes.groups, 2),
                opt_id(&mut rng, 500, 4),
                (rng.below(100) as i64).into(),
            ],
        );
    }
    for id in 1..=600i64 {
        rows.push(
            AdLink::Table,
            &[
                AdLink::Id,
                AdLink::Url,
                AdLink::CategoryId,
                AdLink::Country,
                AdLink::Platform,
                AdLink::PremiumOnly,
                AdLink::Weight,
            ],
            vec![
                id.into(),
                format!("https://ads.example/{id}").into(),
                (1 + rng.below(sizes.categories as u64) as i64).into(),
                COUNTRIES[rng.below(COUNTRIES.len() as u64) as usize].into(),
                PLATFORMS[rng.below(PLATFORMS.len() as u64) as usize].into(),
                rng.one_in(5).into(),
                (rng.below(1_000) as i64).into(),
            ],
        );
    }
    for id in 1..=240i64 {
        rows.push(
            PlayerSetting::Table,
            &[
                PlayerSetting::Id,
                PlayerSetting::RightholderId,
                PlayerSetting::UserAgentId,
                PlayerSetting::Embed,
                PlayerSetting::Skin,
                PlayerSetting::Autoplay,
            ],
            vec![
                id.into(),
                (1 + rng.below(sizes.rightholders as u64) as i64).into(),
                opt_id(&mut rng, sizes.user_agents, 3),
                rng.one_in(3).into(),
                ["classic", "dark", "kids", "minimal"][rng.below(4) as usize].into(),
                rng.one_in(2).into(),
            ],
        );
    }
    for id in 1..=sizes.rightholders {
        rows.push(
            Rightholder::Table,
            &[Rightholder::Id, Rightholder::Name, Rightholder::Active],
            vec![
                id.into(),
                format!("{} Studio {id}", rng.text()).into(),
                (!rng.one_in(8)).into(),
            ],
        );
    }
    for id in 1..=sizes.user_agents {
        rows.push(
            UserAgent::Table,
            &[UserAgent::Id, UserAgent::Pattern],
            vec![id.into(), user_agent_header(id).into()],
        );
    }
    rows.finish();
    out
}

/// Groups rows into multi-row inserts of up to 200 rows per table.
struct Batches<'a> {
    out: &'a mut Vec<InsertStatement>,
    open: Vec<(String, InsertStatement, usize)>,
}

impl<'a> Batches<'a> {
    fn new(out: &'a mut Vec<InsertStatement>) -> Self {
        Batches {
            out,
            open: Vec::new(),
        }
    }

    fn push<T: Iden + Copy + 'static, C: Iden + Copy + 'static>(
        &mut self,
        table: T,
        columns: &[C],
        row: Vec<Value>,
    ) {
        let name = table.to_string();
        let slot = match self.open.iter().position(|(n, ..)| *n == name) {
            Some(slot) => slot,
            None => {
                let mut insert = Query::insert();
                insert.into_table(table).columns(columns.iter().copied());
                self.open.push((name, insert, 0));
                self.open.len() - 1
            }
        };
        let (_, insert, count) = &mut self.open[slot];
        insert.values_panic(row.into_iter().map(Expr::val));
        *count += 1;
        if *count == 200 {
            let (.., insert, _) = self.open.swap_remove(slot);
            self.out.push(insert);
        }
    }

    fn finish(self) {
        self.out
            .extend(self.open.into_iter().map(|(_, insert, _)| insert));
    }
}
