//! Collects the Rust sources of the repository that hold `#[cached_query]` functions (the
//! query functions, the tests, the UI cases, the examples and the benchmarks) into
//! `$OUT_DIR/seeds.rs`, so the `expand` target mutates real functions, valid and invalid.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Directories, relative to the repository root, whose `.rs` files are seeds.
const DIRS: &[&str] = &[
    "tests/src",
    "tests/tests",
    "ui-tests/tests/pass",
    "ui-tests/tests/fail",
    "examples/src",
    "benches/src",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.parent().expect("fuzz/ is inside the repository");
    let mut files = Vec::new();
    for dir in DIRS {
        let dir = root.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        rust_files(&dir, &mut files);
    }
    files.sort();
    let mut code = String::from("/// Every seed source file: its path and its text.\n");
    code.push_str("pub(crate) static SOURCES: &[(&str, &str)] = &[\n");
    for file in &files {
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        writeln!(
            code,
            "    ({shown:?}, include_str!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("seeds.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
