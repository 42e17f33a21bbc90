//! Every diagnostic of `#[cached_query]` is a `fail` case with its exact `.stderr`; every
//! supported form is a `pass` case. Regenerate with `TRYBUILD=overwrite` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/fail/*.rs");
}
