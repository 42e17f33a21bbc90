//! Calls a few of the playback's query functions, prints the cached and the uncached SQL side
//! by side for every backend, checks they are identical, and times a hit against an uncached
//! build.
//!
//! ```text
//! cargo run --release -p cached-query-examples --bin side_by_side
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use cached_query::{BackendId, Cached, QueryArgs, Statement};
use cached_query_examples::time_per_call;
use cached_query_examples::video::{
    RelatedSort, ad_links, count_view, quality_rules, related_videos, subtitles,
};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder, Values};

/// SQL and values, as `build` returns them.
type Built = (String, Values);

fn show<Q: QueryArgs>(title: &str, h: &Cached<Q>) -> bool {
    println!("── {title}");
    let rows: [(BackendId, Built, Built); 3] = [
        (
            BackendId::Postgres,
            h.build(PostgresQueryBuilder),
            h.statement().build_with(PostgresQueryBuilder),
        ),
        (
            BackendId::MySql,
            h.build(MysqlQueryBuilder),
            h.statement().build_with(MysqlQueryBuilder),
        ),
        (
            BackendId::Sqlite,
            h.build(SqliteQueryBuilder),
            h.statement().build_with(SqliteQueryBuilder),
        ),
    ];
    let mut same = true;
    for (backend, cached, uncached) in rows {
        let verdict = if cached == uncached {
            "identical"
        } else {
            "DIFFERENT"
        };
        same &= cached == uncached;
        println!("   {:<8} cached:   {}", backend.name(), cached.0);
        println!("   {:<8} uncached: {}", "", uncached.0);
        println!("   {:<8} values:   {:?} ({verdict})", "", cached.1.0);
    }
    same
}

fn main() -> ExitCode {
    let mut same = true;
    // First calls learn each shape; the later ones are served from the cache, with other
    // values and other list lengths.
    same &= show(
        "subtitles, first call (miss)",
        &subtitles(7, &["en", "de", "ja"]),
    );
    same &= show(
        "subtitles, same shape (hit, 5 languages)",
        &subtitles(8, &["ru", "en", "fr", "pt", "zh"]),
    );
    same &= show("subtitles, another shape", &subtitles(9, &[]));
    same &= show(
        "related_videos with #[shape] sorting",
        &related_videos(3, &[10, 11], RelatedSort::Duration, 6),
    );
    same &= show(
        "ad_links, a list of text and a flag",
        &ad_links(3, "NO", &["web", "tv"], false),
    );
    same &= show("count_view, an UPDATE", &count_view(7, "JP"));
    let groups = [3, 5, 8];
    let rule = || quality_rules(Some(true), Some(false), Some(11), None, &groups, Some(42));
    same &= show("quality_rules, six filters", &rule());

    // A quick timing; the criterion suite in benches/ is the real measurement.
    let n = 200_000;
    let uncached = time_per_call(n, |i| {
        let h = quality_rules(
            Some(true),
            Some(false),
            Some(i64::from(i)),
            None,
            &groups,
            Some(42),
        );
        black_box(h.statement().build(PostgresQueryBuilder));
    });
    let hit = time_per_call(n, |i| {
        let h = quality_rules(
            Some(true),
            Some(false),
            Some(i64::from(i)),
            None,
            &groups,
            Some(42),
        );
        black_box(h.build(PostgresQueryBuilder));
    });
    let shared = time_per_call(n, |i| {
        let h = quality_rules(
            Some(true),
            Some(false),
            Some(i64::from(i)),
            None,
            &groups,
            Some(42),
        );
        black_box(h.build_shared(PostgresQueryBuilder));
    });
    println!("\nquality_rules on Postgres, {n} calls each:");
    println!(
        "   uncached build      {:>8.0} ns/call",
        uncached.as_nanos() as f64
    );
    println!(
        "   cached build        {:>8.0} ns/call  ({:.1}x faster)",
        hit.as_nanos() as f64,
        uncached.as_secs_f64() / hit.as_secs_f64()
    );
    println!(
        "   cached build_shared {:>8.0} ns/call  ({:.1}x faster)",
        shared.as_nanos() as f64,
        uncached.as_secs_f64() / shared.as_secs_f64()
    );
    println!("\n{}", cached_query::stats());

    if same {
        println!("\nall cached builds identical to sea-query's");
        ExitCode::SUCCESS
    } else {
        println!("\nMISMATCH between cached and uncached builds");
        ExitCode::FAILURE
    }
}
