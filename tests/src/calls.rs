//! Random arguments for every query function, as proptest strategies, and one `Call` type
//! that runs a function with its arguments through the oracle.

use proptest::collection::vec;
use proptest::prelude::*;

use cached_query::{Cached, QueryArgs};

use crate::check::{Mismatch, check_all};
use crate::queries::*;
use crate::schema::{Direction, Post, SortBy};

/// Strings as applications see them: empty, ASCII, quotes and backslashes, unicode,
/// placeholder look-alikes.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z]{0,12}",
        1 => Just(String::new()),
        1 => Just("O'Brien \"quoted\" \\ back".to_owned()),
        1 => Just("$1 ? %s :name".to_owned()),
        1 => Just("naïve 東京 🎥".to_owned()),
        1 => any::<String>(),
    ]
}

/// Lists of 0 to 64 ids, often empty, with repeats.
pub fn ids() -> impl Strategy<Value = Vec<i64>> {
    prop_oneof![
        1 => Just(Vec::new()),
        4 => vec(-5i64..200, 1..=64),
        1 => vec(any::<i64>(), 1..=8),
    ]
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    vec(text(), 0..=12)
}

fn sort() -> impl Strategy<Value = SortBy> {
    prop_oneof![
        Just(SortBy::Newest),
        Just(SortBy::Score),
        Just(SortBy::Title)
    ]
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![Just(Direction::Asc), Just(Direction::Desc)]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![4 => -1e6f64..1e6, 1 => Just(0.0), 1 => Just(-0.0), 1 => any::<f64>()]
}

/// A filter with every field drawn: present or not, empty or not, nested or not.
fn filter() -> impl Strategy<Value = PostFilter> {
    let range = (any::<i64>(), proptest::option::of(any::<i64>()))
        .prop_map(|(from, to)| IdRange { from, to });
    (
        proptest::option::of(text()),
        ids(),
        any::<bool>(),
        sort(),
        proptest::option::of(range),
        text(),
    )
        .prop_map(
            |(search, authors, published, sort, range, status)| PostFilter {
                search,
                authors,
                published,
                sort,
                range,
                status,
            },
        )
}

/// One call of one query function, with owned arguments.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum Call {
    Posts(i64, Option<String>, Vec<i64>, bool, u64),
    QualityRules(
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
    ),
    SearchPosts(Option<String>, Vec<i64>, f64, SortBy, Direction, u64, u64),
    PostsWithAuthors(String, Vec<i64>, Option<i32>, bool),
    PostsByCountry(Vec<String>, Option<String>),
    RecentAuthors(i64, Vec<String>, u64),
    InsertTags(i64, Vec<String>),
    InsertPost(i64, String, i64, Option<String>, f64),
    UpdateStatus(Vec<i64>, String, bool, Option<f64>),
    DeletePosts(Vec<i64>, Option<i64>, bool),
    PostsInRanges([i64; 3], Vec<i64>, Option<Vec<i64>>, Option<Option<String>>),
    RelatedPosts(Vec<i64>, Vec<i64>),
    PostsBetween(i64, i64, Vec<i64>, Vec<String>),
    WithConstants(i64, Vec<i64>),
    PatchPost(i64, Option<String>, Option<String>, Option<f64>),
    OddTypes(char, Vec<u8>, i16, u32, f32),
    PostById(i64, bool),
    TypedValues(Box<Typed>),
    FilteredPosts(Box<PostFilter>, Option<(i64, i64)>, u64),
}

/// Arguments of [`typed_values`].
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct Typed {
    pub id: uuid::Uuid,
    pub day: chrono::NaiveDate,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    pub since: time::PrimitiveDateTime,
    pub price: rust_decimal::Decimal,
    pub meta: serde_json::Value,
    pub name: String,
    pub raw: sea_query::Value,
    pub owners: Vec<uuid::Uuid>,
}

fn typed() -> impl Strategy<Value = Typed> {
    (
        (
            any::<u128>(),
            -100_000i32..100_000,
            proptest::option::of(0i64..4_000_000_000),
        ),
        (0i64..4_000_000_000, any::<i64>(), any::<u32>()),
        (
            text(),
            prop_oneof![
                Just(sea_query::Value::from(1i64)),
                text().prop_map(sea_query::Value::from)
            ],
        ),
        vec(any::<u128>(), 0..6),
    )
        .prop_map(
            |((id, day, at), (since, price, meta), (name, raw), owners)| Typed {
                id: uuid::Uuid::from_u128(id),
                day: chrono::NaiveDate::from_num_days_from_ce_opt(730_000 + day)
                    .unwrap_or_default(),
                at: at.and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
                since: time::OffsetDateTime::from_unix_timestamp(since)
                    .map(|t| time::PrimitiveDateTime::new(t.date(), t.time()))
                    .unwrap_or(time::PrimitiveDateTime::MIN),
                price: rust_decimal::Decimal::new(price, 2),
                meta: serde_json::json!({ "n": meta }),
                name,
                raw,
                owners: owners.into_iter().map(uuid::Uuid::from_u128).collect(),
            },
        )
}

/// The names of every function [`Call`] covers, as `stats()` reports them.
pub const FUNCTIONS: [&str; 19] = [
    "posts",
    "quality_rules",
    "search_posts",
    "posts_with_authors",
    "posts_by_country",
    "recent_authors",
    "insert_tags",
    "insert_post",
    "update_status",
    "delete_posts",
    "posts_in_ranges",
    "related_posts",
    "posts_between",
    "with_constants",
    "patch_post",
    "odd_types",
    "by_id",
    "typed_values",
    "filtered_posts",
];

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

impl Call {
    /// A strategy over calls of every function.
    pub fn any() -> impl Strategy<Value = Call> {
        let selects = prop_oneof![
            (
                any::<i64>(),
                proptest::option::of(text()),
                ids(),
                any::<bool>(),
                0u64..1000
            )
                .prop_map(|(a, s, t, p, l)| Call::Posts(a, s, t, p, l)),
            (
                (
                    proptest::option::of(any::<bool>()),
                    proptest::option::of(any::<bool>()),
                    proptest::option::of(any::<i64>()),
                    proptest::option::of(1i64..50),
                    ids(),
                ),
                (
                    proptest::option::of(any::<i64>()),
                    proptest::option::of(any::<i64>()),
                    any::<i32>(),
                    any::<bool>(),
                    1u64..10,
                )
            )
                .prop_map(|((a, b, c, d, e), (f, g, h, i, j))| Call::QualityRules(
                    a, b, c, d, e, f, g, h, i, j
                )),
            (
                proptest::option::of(text()),
                ids(),
                float(),
                sort(),
                direction(),
                0u64..100,
                0u64..1000
            )
                .prop_map(|(a, b, c, d, e, f, g)| Call::SearchPosts(a, b, c, d, e, f, g)),
            (
                text(),
                ids(),
                proptest::option::of(any::<i32>()),
                any::<bool>()
            )
                .prop_map(|(a, b, c, d)| Call::PostsWithAuthors(a, b, c, d)),
            (texts(), proptest::option::of(text())).prop_map(|(a, b)| Call::PostsByCountry(a, b)),
            (any::<i64>(), texts(), 0u64..100).prop_map(|(a, b, c)| Call::RecentAuthors(a, b, c)),
        ];
        let writes = prop_oneof![
            (any::<i64>(), vec(text(), 1..=16)).prop_map(|(a, b)| Call::InsertTags(a, b)),
            (
                any::<i64>(),
                text(),
                any::<i64>(),
                proptest::option::of(text()),
                float()
            )
                .prop_map(|(a, b, c, d, e)| Call::InsertPost(a, b, c, d, e)),
            (ids(), text(), any::<bool>(), proptest::option::of(float()))
                .prop_map(|(a, b, c, d)| Call::UpdateStatus(a, b, c, d)),
            (ids(), proptest::option::of(any::<i64>()), any::<bool>())
                .prop_map(|(a, b, c)| Call::DeletePosts(a, b, c)),
            (
                any::<i64>(),
                proptest::option::of(text()),
                proptest::option::of(text()),
                proptest::option::of(float())
            )
                .prop_map(|(a, b, c, d)| Call::PatchPost(a, b, c, d)),
        ];
        let others = prop_oneof![
            (
                any::<[i64; 3]>(),
                ids(),
                proptest::option::of(ids()),
                proptest::option::of(proptest::option::of(text()))
            )
                .prop_map(|(a, b, c, d)| Call::PostsInRanges(a, b, c, d)),
            (ids(), ids()).prop_map(|(a, b)| Call::RelatedPosts(a, b)),
            (any::<i64>(), any::<i64>(), ids(), texts())
                .prop_map(|(a, b, c, d)| Call::PostsBetween(a, b, c, d)),
            (any::<i64>(), ids()).prop_map(|(a, b)| Call::WithConstants(a, b)),
            (
                any::<char>(),
                vec(any::<u8>(), 0..16),
                any::<i16>(),
                any::<u32>(),
                any::<f32>()
            )
                .prop_map(|(a, b, c, d, e)| Call::OddTypes(a, b, c, d, e)),
            (any::<i64>(), any::<bool>()).prop_map(|(a, b)| Call::PostById(a, b)),
            typed().prop_map(|t| Call::TypedValues(Box::new(t))),
        ];
        let structs = (
            filter(),
            proptest::option::of(any::<(i64, i64)>()),
            0u64..1000,
        )
            .prop_map(|(f, c, l)| Call::FilteredPosts(Box::new(f), c, l));
        prop_oneof![6 => selects, 5 => writes, 6 => others, 2 => structs]
    }

    /// Calls the function with these arguments and hands the handle to `v`.
    pub fn visit<V: Visit>(&self, v: V) -> V::Out {
        match self {
            Call::Posts(a, s, t, p, l) => v.visit("posts", &posts(*a, s.as_deref(), t, *p, *l)),
            Call::QualityRules(a, b, c, d, e, f, g, h, i, j) => v.visit(
                "quality_rules",
                &quality_rules(*a, *b, *c, *d, e, *f, *g, *h, *i, *j),
            ),
            Call::SearchPosts(a, b, c, d, e, f, g) => v.visit(
                "search_posts",
                &search_posts(a.as_deref(), b, *c, *d, *e, *f, *g),
            ),
            Call::PostsWithAuthors(a, b, c, d) => v.visit(
                "posts_with_authors",
                &posts_with_authors(a, b.clone(), *c, *d),
            ),
            Call::PostsByCountry(a, b) => {
                v.visit("posts_by_country", &posts_by_country(&strs(a), b.clone()))
            }
            Call::RecentAuthors(a, b, c) => {
                v.visit("recent_authors", &recent_authors(*a, &strs(b), *c))
            }
            Call::InsertTags(a, b) => v.visit("insert_tags", &insert_tags(*a, &strs(b))),
            Call::InsertPost(a, b, c, d, e) => v.visit(
                "insert_post",
                &insert_post(*a, b.clone(), *c, d.as_deref(), *e),
            ),
            Call::UpdateStatus(a, b, c, d) => {
                v.visit("update_status", &update_status(a, b, *c, *d))
            }
            Call::DeletePosts(a, b, c) => v.visit("delete_posts", &delete_posts(a.clone(), *b, *c)),
            Call::PostsInRanges(a, b, c, d) => v.visit(
                "posts_in_ranges",
                &posts_in_ranges(
                    *a,
                    b,
                    c.as_deref(),
                    d.as_ref().map(|inner| inner.as_deref()),
                ),
            ),
            Call::RelatedPosts(a, b) => v.visit("related_posts", &related_posts(a, b)),
            Call::PostsBetween(a, b, c, d) => {
                v.visit("posts_between", &posts_between(*a, *b, c, &strs(d)))
            }
            Call::WithConstants(a, b) => v.visit("with_constants", &with_constants(*a, b)),
            Call::PatchPost(a, b, c, d) => {
                v.visit("patch_post", &patch_post(*a, b.clone(), c.as_deref(), *d))
            }
            Call::OddTypes(a, b, c, d, e) => {
                v.visit("odd_types", &odd_types(*a, b.clone(), *c, *d, *e))
            }
            Call::PostById(a, b) => v.visit("by_id", &Post::by_id(*a, *b)),
            Call::FilteredPosts(f, c, l) => v.visit("filtered_posts", &filtered_posts(f, *c, *l)),
            Call::TypedValues(t) => v.visit(
                "typed_values",
                &typed_values(
                    t.id,
                    t.day,
                    t.at,
                    t.since,
                    t.price,
                    t.meta.clone(),
                    &t.name,
                    t.raw.clone(),
                    &t.owners,
                ),
            ),
        }
    }

    /// Runs the call through the oracle on every backend.
    pub fn check(&self) -> Result<(), Box<Mismatch>> {
        self.visit(CheckAll)
    }
}

/// Something done with a call's handle; see [`Call::visit`].
pub trait Visit {
    /// What it returns.
    type Out;
    /// Does it with the handle of function `name`.
    fn visit<Q: QueryArgs>(self, name: &'static str, h: &Cached<Q>) -> Self::Out;
}

struct CheckAll;

impl Visit for CheckAll {
    type Out = Result<(), Box<Mismatch>>;
    fn visit<Q: QueryArgs>(self, name: &'static str, h: &Cached<Q>) -> Self::Out {
        check_all(h, name)
    }
}
