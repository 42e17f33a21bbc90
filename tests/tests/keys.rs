//! Cache keys: one entry per shape and backend, no more; values and list lengths never
//! create new shapes. Runs in its own process so the counts start from zero.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_tests::check_all;
use cached_query_tests::queries::{posts, search_posts};
use cached_query_tests::schema::{Direction, SortBy};

#[test]
fn one_entry_per_shape_and_backend() {
    let statuses = [None, Some("draft")];
    let tag_lists: [&[i64]; 2] = [&[], &[1, 2, 3]];
    for round in 0..3i64 {
        for status in statuses {
            for tags in tag_lists {
                for published in [false, true] {
                    // Values and list lengths vary per round; the shape does not.
                    let longer: Vec<i64> = tags.iter().map(|t| t + round).chain(0..round).collect();
                    let h = posts(round, status, &longer, published, 10 + round as u64);
                    check_all(&h, "posts").unwrap();
                }
            }
        }
    }
    let row = cached_query::stats().function("posts").cloned().unwrap();
    assert_eq!(
        row.entries,
        8 * 3,
        "2 presences x 2 emptinesses x 2 flags x 3 backends"
    );
    assert_eq!(row.misses, 24);
    assert_eq!(row.hits, 2 * 24 * 2 + 24 * 2 - 24, "{row:?}");
    assert_eq!(row.uncacheable_keys, 0);

    // `#[shape]` values are part of the key: 3 sorts x 2 directions.
    for sort in [SortBy::Newest, SortBy::Score, SortBy::Title] {
        for direction in [Direction::Asc, Direction::Desc] {
            for limit in [1, 2] {
                check_all(
                    &search_posts(None, &[], 0.5, sort, direction, limit, 0),
                    "search_posts",
                )
                .unwrap();
            }
        }
    }
    let row = cached_query::stats()
        .function("search_posts")
        .cloned()
        .unwrap();
    assert_eq!(row.entries, 6 * 3);
}
