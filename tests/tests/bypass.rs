//! The global switch: with caching off every call takes the uncached path, at once, and
//! turning it back on resumes caching. `CACHED_QUERY_DISABLE=1` starts a process with it off.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query_tests::check_all;
use cached_query_tests::queries::with_constants;

fn row() -> cached_query::statistics::FunctionStats {
    cached_query::stats()
        .function("with_constants")
        .cloned()
        .unwrap_or_else(|| panic!("with_constants never ran"))
}

#[test]
fn switch_turns_caching_off_and_on() {
    if std::env::var_os("CACHED_QUERY_DISABLE").is_some() {
        return;
    }
    check_all(&with_constants(1, &[1, 2]), "with_constants").unwrap();
    let before = row();
    assert_eq!(before.misses, 3);

    cached_query::config::set_enabled(false);
    for i in 0..5 {
        check_all(&with_constants(i, &[i, 2]), "with_constants").unwrap();
    }
    let off = row();
    assert_eq!(off.hits, before.hits, "no hits while off");
    assert_eq!(off.uncached_calls, before.uncached_calls + 5 * 6);

    cached_query::config::set_enabled(true);
    check_all(&with_constants(9, &[3]), "with_constants").unwrap();
    assert_eq!(row().hits, off.hits + 6);
}

/// Run by `environment_variable_disables` in a child process.
#[test]
#[ignore = "run in a child process by environment_variable_disables"]
fn child_with_variable_set() {
    assert!(!cached_query::config::is_enabled());
    check_all(&with_constants(1, &[1]), "with_constants").unwrap();
    check_all(&with_constants(2, &[1]), "with_constants").unwrap();
    let row = row();
    assert_eq!((row.hits, row.misses), (0, 0));
}

#[test]
fn environment_variable_disables() {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "child_with_variable_set",
            "--nocapture",
        ])
        .env("CACHED_QUERY_DISABLE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
