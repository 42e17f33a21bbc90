//! The playback on SQLite: both runs read the same rows and leave the same counters, and
//! every statement of the video endpoint is cacheable.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_examples::drivers::Sqlite;
use cached_query_examples::playback::{load, replay, requests};
use cached_query_tests::db::Dialect;

#[test]
fn cached_and_uncached_replays_agree_on_sqlite() {
    let mut db = Sqlite::open().unwrap();
    assert!(load(&mut db, Dialect::Sqlite).unwrap() > 5_000);
    let requests = requests(600, 7);

    let uncached = replay(&mut db, &requests, false, |_| {}).unwrap();
    let cached = replay(&mut db, &requests, true, |_| {}).unwrap();

    assert_eq!(uncached.digests, cached.digests);
    assert_eq!(uncached.views, cached.views);
    assert_eq!(
        (uncached.rows, uncached.statements),
        (cached.rows, cached.statements)
    );
    // The mix reaches every statement, and most requests run all eleven.
    assert!(
        cached.statements > 600 * 9,
        "{} statements",
        cached.statements
    );
    assert!(cached.changed > 400, "{} rows written", cached.changed);
    // A view counter moved for every request that got that far, in both runs alike.
    let views: i64 = cached.views.iter().filter_map(|row| row[1].int()).sum();
    assert_eq!(views as u64, cached.changed);

    let stats = cached_query::stats();
    assert_eq!(stats.uncacheable_keys(), 0, "{stats}");
    assert!(cached_query::uncacheable().is_empty());
    for name in [
        "video_by_id",
        "quality_rules",
        "ad_links",
        "player_settings",
        "geo_block",
        "subtitles",
        "stats_counters",
        "rightholder",
        "user_agent",
        "related_videos",
        "count_view",
    ] {
        let f = stats
            .function(name)
            .unwrap_or_else(|| panic!("{name} never ran"));
        assert!(f.hits > 0, "{name}: {f:?}");
    }
}
