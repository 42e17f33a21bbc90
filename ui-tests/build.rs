//! Writes `$OUT_DIR/random_bodies.rs`: query functions with random bodies, drawn from a
//! grammar over sea-query calls and the Rust constructs the body analysis must follow
//! (tuples, shadowing, closures, helpers, `matches!`, loops over lists, computed values),
//! applied to bound arguments. Each body is run through the macro itself (its stages are
//! compiled in here from `macros/src`, as the fuzz crate does); the bodies it accepts are
//! written out as `#[cached_query]` functions, and `tests/random_bodies.rs` checks every
//! one of them against sea-query on the three backends. The bodies it rejects are counted.
//!
//! The seed and count are fixed, so CI checks the same bodies every run;
//! `CACHED_QUERY_BODIES` and `CACHED_QUERY_BODIES_SEED` change them.

#![allow(dead_code, unreachable_pub, missing_debug_implementations)]

use std::fmt::Write as _;

#[path = "src/rng.rs"]
mod rng;

use rng::Rng;

/// Drawing the grammar's forms.
trait Forms {
    fn form<'a>(&mut self, forms: &(usize, &[&'a str])) -> &'a str;
}

impl Forms for Rng {
    /// A form of `forms`: one of the first `plain` (the forms a body passes values on with)
    /// half the time, any of them otherwise, so that enough bodies get through the
    /// analysis to reach the oracle, and every form is tried.
    fn form<'a>(&mut self, forms: &(usize, &[&'a str])) -> &'a str {
        let (plain, all) = *forms;
        if self.below(2) > 0 {
            all[self.below(plain)]
        } else {
            all[self.below(all.len())]
        }
    }
}

/// How many forms at the head of each list pass a value on unchanged or decide on the key.
const PLAIN_INT: usize = 7;
const PLAIN_TEXT: usize = 5;
const PLAIN_LIMIT: usize = 3;
const PLAIN_COND: usize = 10;
const PLAIN_LIST: usize = 5;

/// An `i64` value made from `{v}`: passed on as it is, or computed.
const INT: (usize, &[&str]) = (
    PLAIN_INT,
    &[
        "{v}",
        "{v}",
        "*&{v}",
        "{v}.clone()",
        "({v}, 0).0",
        "{ let t = {v}; t }",
        "Some({v}).unwrap()",
        "Into::<i64>::into({v})",
        "[{v}, 1][0]",
        "{v} + 1",
        "{v} * 2",
        "-{v}",
        "{v}.abs()",
        "i64::abs({v})",
        "std::cmp::min({v}, 100)",
        "Ord::max({v}, 0)",
        "{v}.wrapping_add(0)",
        "{v}.clamp(-5, 5)",
        "if {v} > 0 { {v} } else { 0 }",
        "twice({v})",
        "{ let f = |z: i64| z; f({v}) }",
        "{ let g = || {v}; g() }",
        "Into::<i64>::into({v})",
    ],
);

/// A string value made from `{v}` (a `&str`).
const TEXT: (usize, &[&str]) = (
    PLAIN_TEXT,
    &[
        "{v}",
        "{v}",
        "{v}.to_owned()",
        "String::from({v})",
        "{ let (t, _) = ({v}, 1); t }",
        "{v}.to_string()",
        "{v}.trim()",
        "{v}.to_uppercase()",
        "{v}.strip_prefix('@').unwrap_or({v})",
        "{v}.trim_start_matches('@')",
        "format!(\"%{}%\", {v})",
        "{v}.replace('%', \"\\\\%\")",
        "if {v}.is_empty() { \"x\" } else { {v} }",
    ],
);

/// A `u64` limit made from `limit`.
const LIMIT: (usize, &[&str]) = (
    PLAIN_LIMIT,
    &[
        "limit",
        "limit",
        "limit.clone()",
        "Ord::min(limit, 100)",
        "std::cmp::min(limit, 100)",
        "limit + 1",
        "limit.saturating_sub(1)",
        "limit / 2 * 2",
        "Ord::max(limit, 1)",
    ],
);

/// A condition: on the key (allowed) or on a bound value (a decision the analysis rejects).
const COND: (usize, &[&str]) = (
    PLAIN_COND,
    &[
        "flag",
        "!flag",
        "k > 2",
        "k % 2 == 0",
        "o.is_some()",
        "os.is_none()",
        "!ids.is_empty()",
        "o == None",
        "matches!(o, Some(_))",
        "flag && o.is_some()",
        "a > 100",
        "b == 0",
        "s.is_empty()",
        "s.starts_with('@')",
        "ids.len() > 2",
        "matches!(os, Some(\"admin\"))",
        "o == Some(5)",
        "{ let (t, _) = (a, 0); t > 100 }",
        "is_big(a)",
        "a.is_positive()",
        "limit > 50",
        "ids.contains(&3)",
        "ids.first() == Some(&1)",
        "{ let t = Some(a); t.is_some_and(|x| x > 0) }",
    ],
);

/// A list bound into `IN (...)`.
const LIST: (usize, &[&str]) = (
    PLAIN_LIST,
    &[
        "ids.iter().copied()",
        "ids.iter().copied()",
        "ids.to_vec()",
        "ids.iter().map(|x| *x)",
        "ids.iter().cloned().collect::<Vec<_>>()",
        "ids.iter().rev().copied()",
        "{ let mut v = ids.to_vec(); v.sort_unstable(); v }",
        "{ let mut v = ids.to_vec(); v.dedup(); v }",
        "ids.iter().copied().collect::<std::collections::BTreeSet<_>>()",
        "ids.iter().map(|x| x + 0)",
        "ids.iter().take(3).copied()",
        "ids.iter().copied().filter(|x| *x > 0)",
    ],
);

const COLUMNS: &[&str] = &["c1", "c2", "c3", "c4"];
const COMPARE: &[&str] = &["eq", "ne", "gt", "lte"];

fn fill(template: &str, v: &str) -> String {
    template.replace("{v}", v)
}

fn col(rng: &mut Rng) -> String {
    format!("Expr::col(Alias::new(\"{}\"))", rng.pick(COLUMNS))
}

fn int(rng: &mut Rng, v: &str) -> String {
    fill(rng.form(&INT), v)
}

fn text(rng: &mut Rng, v: &str) -> String {
    fill(rng.form(&TEXT), v)
}

/// One statement of a body.
fn statement(rng: &mut Rng) -> String {
    let c = col(rng);
    let cmp = rng.pick(COMPARE);
    let ab = rng.pick(&["a", "b"][..]);
    match rng.below(22) {
        0 | 1 => format!("q.and_where({c}.{cmp}({}));", int(rng, ab)),
        2 => format!("q.and_where({c}.eq({}));", text(rng, "s")),
        3 => format!(
            "if let Some(x) = o {{ q.and_where({c}.{cmp}({})); }}",
            int(rng, "x")
        ),
        4 => format!(
            "if let Some(x) = os {{ q.and_where({c}.like({})); }}",
            text(rng, "x")
        ),
        5 | 6 => format!(
            "if {} {{ q.and_where({c}.is_not_null()); }}",
            rng.form(&COND)
        ),
        7 => format!(
            "if !ids.is_empty() {{ q.and_where({c}.is_in({})); }}",
            rng.form(&LIST)
        ),
        8 => format!(
            "{{ let mut any = Condition::any(); for x in ids {{ any = any.add({c}.eq(*x)); }} q.cond_where(Condition::all().add(Expr::col(Alias::new(\"c9\")).eq(1)).add(any)); }}"
        ),
        9 => format!("q.limit({});", rng.form(&LIMIT)),
        10 => format!(
            "match os {{ Some(\"admin\") => {{ q.and_where({c}.is_not_null()); }} _ => {{}} }}"
        ),
        11 => format!("let y = {}; q.and_where({c}.gt(y));", int(rng, ab)),
        12 => format!(
            "q.and_where({c}.between({}, {}));",
            int(rng, "a"),
            int(rng, "b")
        ),
        13 => format!(
            "let (p, r) = ({}, {}); q.and_where({c}.eq(p)).and_where(Expr::col(Alias::new(\"c8\")).eq(r));",
            int(rng, "a"),
            int(rng, "b")
        ),
        14 => format!(
            "match o {{ Some(x) => {{ q.and_where({c}.eq({})); }} None => {{ q.and_where({c}.is_null()); }} }}",
            int(rng, "x")
        ),
        // Derived values through a chain of bindings, shadowing and `if let`; a capped
        // page size reused; a `mut` local changed in a branch (never lifted).
        15 => format!(
            "if let Some(t) = os {{ let t = t.trim(); let p = format!(\"%{{}}%\", t); q.and_where({c}.like(p)); }}"
        ),
        16 => format!(
            "let n = Ord::min(limit, 50); q.limit(n * 2).offset(n.saturating_sub(1) * {});",
            rng.pick(&["10", "limit"][..])
        ),
        17 => format!("let mut m = {ab}; if flag {{ m = b; }} q.and_where({c}.eq(m * 2));"),
        // Helpers marked `#[cached_query::part]` (in `tests/random_bodies.rs`): presence,
        // emptiness, a derived LIKE pattern, decisions on values, a returned condition.
        18 => "narrow(&mut q, o, os, ids);".to_owned(),
        19 => format!("q.cond_where(near({ab}, flag));"),
        20 => "ranked(&mut q, s, limit);".to_owned(),
        _ => format!(
            "q.order_by(Alias::new(\"{}\"), if flag {{ Order::Desc }} else {{ Order::Asc }});",
            rng.pick(COLUMNS)
        ),
    }
}

const SIGNATURE: &str = "(a: i64, b: i64, s: &str, o: Option<i64>, os: Option<&str>, ids: &[i64], flag: bool, #[shape] k: u8, limit: u64) -> SelectStatement";

/// The same arguments in a struct deriving `Args` (`Fields` in `tests/random_bodies.rs`).
const STRUCT_SIGNATURE: &str = "(filter: &Fields, limit: u64) -> SelectStatement";

/// Each argument of [`SIGNATURE`] as the struct version of a body reads it from `f`, and
/// its field's kind there (the struct argument is named `filter`): `(name, expression, kind)`.
const FIELDS: &[(&str, &str, Kind)] = &[
    ("a", "filter.a", Kind::Bound),
    ("b", "filter.b", Kind::Bound),
    ("s", "(&*filter.s)", Kind::Bound),
    ("o", "filter.o", Kind::Opt),
    ("os", "filter.os.as_deref()", Kind::Opt),
    ("ids", "(&filter.ids)", Kind::List),
    ("flag", "filter.flag", Kind::Key),
    ("k", "filter.k", Kind::Key),
];

/// A field's kind, as `cached_query::__private::ArgKind` has it (`Opt` of a bound value).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bound,
    Opt,
    List,
    Key,
}

/// `body` with every argument of [`FIELDS`] read from the struct `filter`: each identifier
/// that names one, unless it follows `.` or `:` (a field, a method, a path segment) or is
/// inside a string literal.
fn through_struct(body: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    // The character before the word being read, and whether a string literal is open.
    let mut before = ' ';
    let mut in_string = false;
    let mut escaped = false;
    let flush = |word: &mut String, out: &mut String, before: char| {
        let field = FIELDS
            .iter()
            .find(|(name, _, _)| *name == word.as_str() && before != '.' && before != ':');
        out.push_str(field.map_or(word.as_str(), |(_, expr, _)| expr));
        word.clear();
    };
    for c in body.chars() {
        if in_string {
            out.push(c);
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            if word.is_empty() {
                before = out.chars().last().unwrap_or(' ');
            }
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, before);
        out.push(c);
        in_string = c == '"';
    }
    flush(&mut word, &mut out, before);
    out
}

/// Whether every field assumption in `expanded` (the macro's output for a struct version)
/// holds for [`FIELDS`]: what `cached_query::__private::expect` evaluates at compile time.
fn assumptions_hold(expanded: &str) -> bool {
    let mut rest = expanded;
    while let Some(at) = rest.find("__private :: expect (") {
        rest = &rest[at..];
        let Some(open) = rest.find('"') else {
            return false;
        };
        let Some(close) = rest[open + 1..].find('"') else {
            return false;
        };
        let path = &rest[open + 1..open + 1 + close];
        let Some(want_at) = rest.find("Want :: ") else {
            return false;
        };
        let want = rest[want_at + 8..]
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let mut segments = path.split('.');
        let field = segments.next().unwrap_or("");
        let inside = segments.next() == Some("?");
        let Some((_, _, kind)) = FIELDS.iter().find(|(name, _, _)| *name == field) else {
            return false;
        };
        // No field here is an `Option` of a key value, so nothing inside one may decide.
        let holds = matches!(
            (kind, inside, want),
            (Kind::Opt, false, "Opt") | (Kind::List, false, "List") | (Kind::Key, false, "Key")
        );
        if !holds {
            return false;
        }
        rest = &rest[want_at..];
    }
    true
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../macros/src");
    println!("cargo:rerun-if-env-changed=CACHED_QUERY_BODIES");
    println!("cargo:rerun-if-env-changed=CACHED_QUERY_BODIES_SEED");
    let count: usize = std::env::var("CACHED_QUERY_BODIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = std::env::var("CACHED_QUERY_BODIES_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_0019);
    let mut rng = Rng::new(seed);

    let mut functions = String::new();
    let mut names = Vec::new();
    let mut rejected = 0usize;
    for n in 0..count {
        let statements: Vec<String> = (0..1 + rng.below(4)).map(|_| statement(&mut rng)).collect();
        let body = format!(
            "{{ let mut q = Query::select(); q.column(Alias::new(\"id\")).from(Alias::new(\"t\")); {} q }}",
            statements.join(" ")
        );
        let name = format!("body_{n}");
        let item = format!("fn {name}{SIGNATURE} {body}");
        let tokens: proc_macro2::TokenStream = item.parse().expect("generated body parses");
        let expanded =
            cached_query_macros_core::cached_query(proc_macro2::TokenStream::new(), tokens)
                .to_string();
        if expanded.contains("compile_error") {
            rejected += 1;
            continue;
        }
        let _ = writeln!(
            functions,
            "/// `{}`\n#[cached_query]\n{item}\n",
            statements.join(" ").replace('`', "'")
        );
        names.push(name);
    }
    // The same bodies reading the arguments from a struct: the analysis assumes what the
    // body needs of each field, and the compiler checks it (here: `assumptions_hold`).
    let mut struct_names = Vec::new();
    let mut struct_rejected = 0usize;
    let mut rng = Rng::new(seed);
    for n in 0..count {
        let statements: Vec<String> = (0..1 + rng.below(4)).map(|_| statement(&mut rng)).collect();
        let body = format!(
            "{{ let mut q = Query::select(); q.column(Alias::new(\"id\")).from(Alias::new(\"t\")); {} q }}",
            through_struct(&statements.join(" "))
        );
        let name = format!("struct_body_{n}");
        let item = format!("fn {name}{STRUCT_SIGNATURE} {body}");
        let tokens: proc_macro2::TokenStream = item.parse().expect("generated body parses");
        let expanded =
            cached_query_macros_core::cached_query(proc_macro2::TokenStream::new(), tokens)
                .to_string();
        if expanded.contains("compile_error") || !assumptions_hold(&expanded) {
            struct_rejected += 1;
            continue;
        }
        let _ = writeln!(functions, "#[cached_query]\n{item}\n");
        struct_names.push(name);
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Bodies generated, and how many the analysis rejected.\npub const GENERATED: usize = {count};\npub const REJECTED: usize = {rejected};\n/// The same bodies over a struct argument, and how many were rejected (by the analysis\n/// or by a field assumption that does not hold).\npub const STRUCT_REJECTED: usize = {struct_rejected};\n"
    );
    out.push_str(&functions);
    let _ = writeln!(
        out,
        "/// Every accepted function, as a checker of one call.\npub const FUNCTIONS: &[(&str, fn(&Call) -> Result<(), Box<Mismatch>>)] = &["
    );
    for name in &names {
        let _ = writeln!(
            out,
            "    (\"{name}\", |c| check_all(&{name}(c.a, c.b, &c.s, c.o, c.os.as_deref(), &c.ids, c.flag, c.k, c.limit), \"{name}\")),"
        );
    }
    for name in &struct_names {
        let _ = writeln!(
            out,
            "    (\"{name}\", |c| check_all(&{name}(&c.fields(), c.limit), \"{name}\")),"
        );
    }
    out.push_str("];\n");
    let path =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("random_bodies.rs");
    std::fs::write(path, out).expect("write random_bodies.rs");
}
