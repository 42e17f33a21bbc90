//! The playback on SQLite: the four runs (uncached, cached, cached through the statement
//! cache, and the ideal replay) read the same rows and leave the same counters, every
//! statement of the video endpoint is cacheable, and the statement cache re-prepares only
//! for values the plan depends on.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_examples::drivers::Sqlite;
use cached_query_examples::playback::{Mode, Recording, load, replay, replay_ideal, requests};
use cached_query_examples::video::Dialect;

#[test]
fn cached_and_uncached_replays_agree_on_sqlite() {
    let conn = Sqlite::open().unwrap();
    let mut db = Sqlite::new(&conn);
    assert!(load(&mut db, Dialect::Sqlite).unwrap() > 5_000);
    let requests = requests(600, 7);

    let uncached = replay(&mut db, &requests, Mode::Uncached, None, |_| {}).unwrap();
    let cached = replay(&mut db, &requests, Mode::Cached, None, |_| {}).unwrap();
    let statements = replay(&mut db, &requests, Mode::Statements, None, |_| {}).unwrap();
    let mut recording = Recording::default();
    let recorded = replay(
        &mut db,
        &requests,
        Mode::Cached,
        Some(&mut recording),
        |_| {},
    )
    .unwrap();
    let ideal = replay_ideal(&mut db, &recording.plan(), |_| {}).unwrap();

    for run in [&cached, &statements, &recorded, &ideal] {
        assert_eq!(uncached.digests, run.digests, "{:?}", run.mode);
        assert_eq!(uncached.views, run.views, "{:?}", run.mode);
        assert_eq!(
            (uncached.rows, uncached.changed, uncached.statements),
            (run.rows, run.changed, run.statements),
            "{:?}",
            run.mode
        );
    }
    assert!(statements.building.is_none() && ideal.building.is_none());

    // Through prepare_cached, every statement with a `LIMIT ?` is compiled again on every
    // call (rusqlite clears its bindings); the statement cache and the ideal run re-prepare
    // only when the related videos' limit changes, the one limit the request varies.
    let per_request =
        |r: &cached_query_examples::playback::RunReport| r.reprepares_per_request().unwrap();
    assert!(per_request(&uncached) > 3.0, "{uncached:?}");
    assert_eq!(per_request(&uncached), per_request(&cached));
    assert!(
        per_request(&statements) < 1.0,
        "{:?}",
        statements.reprepares
    );
    assert!(per_request(&ideal) <= per_request(&statements));
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
    assert!(cached_query::statistics::uncacheable().is_empty());
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
