//! Unit tests of the body analysis, through the whole macro.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::allow;

/// The analysis' messages for a function, or nothing.
fn findings(item: TokenStream) -> Vec<String> {
    let out = crate::pipeline::cached_query(quote!(), item).to_string();
    out.split("compile_error")
        .skip(1)
        .map(|rest| rest.split(" }").next().unwrap_or_default().to_owned())
        .collect()
}

/// A function of the usual argument kinds with `body` as its body.
fn body(stmts: TokenStream) -> Vec<String> {
    findings(quote! {
        fn f(a: i64, b: i64, s: &str, o: Option<i64>, os: Option<&str>, ids: &[i64],
             flag: bool, #[shape] k: u8, limit: u64, r: Result<i64, String>) -> SelectStatement {
            let mut q = Query::select();
            #stmts
            q
        }
    })
}

fn accepted(stmts: TokenStream) {
    let found = body(stmts.clone());
    assert!(found.is_empty(), "{stmts}\n{found:#?}");
}

fn rejected(stmts: TokenStream, expect: &str) {
    let found = body(stmts.clone());
    assert!(
        found.iter().any(|f| f.contains(expect)),
        "{stmts}\nexpected a finding containing {expect:?}, got {found:#?}"
    );
}

#[test]
fn every_method_sink_binds_a_value() {
    for sink in allow::METHOD_SINKS {
        let m = format_ident!("{}", sink.name);
        let args: Vec<TokenStream> = (0..=match sink.positions {
            allow::Positions::All => 0,
            allow::Positions::Only(i) => i,
        })
            .map(|n| {
                if sink.positions.binds(n) {
                    quote!(a)
                } else {
                    quote!(C)
                }
            })
            .collect();
        accepted(quote! { q.and_where(Expr::col(C).#m(#(#args),*)); });
        if let allow::Positions::Only(i) = sink.positions {
            // The other positions are written into the text: no bound value there.
            let args: Vec<TokenStream> = (0..=i)
                .map(|n| if n == i { quote!(C) } else { quote!(a) })
                .collect();
            rejected(
                quote! { q.and_where(Expr::col(C).#m(#(#args),*)); },
                "cannot see into",
            );
        }
    }
}

#[test]
fn every_path_sink_binds_a_value() {
    for (ty, f, positions) in allow::PATH_SINKS {
        let (ty, f) = (format_ident!("{}", ty), format_ident!("{}", f));
        let n = match positions {
            allow::Positions::All => 0,
            allow::Positions::Only(i) => *i,
        };
        let args: Vec<TokenStream> = (0..=n)
            .map(|i| {
                if positions.binds(i) {
                    quote!(a)
                } else {
                    quote!("x")
                }
            })
            .collect();
        accepted(quote! { q.and_where(Expr::col(C).eq(#ty::#f(#(#args),*))); });
    }
}

#[test]
fn every_step_passes_a_value_on() {
    for step in allow::VALUE_STEPS {
        let m = format_ident!("{}", step);
        accepted(quote! { q.and_where(Expr::col(C).eq(s.#m())); });
        // A decision on the value a step gives is a decision on the argument: lifted.
        decided(quote! { if s.#m() == "x" { q.limit(1); } });
    }
    for step in allow::LIST_STEPS {
        let m = format_ident!("{}", step);
        let call = match *step {
            "map" => quote!(ids.iter().map(|x| *x)),
            "collect" => quote!(ids.iter().copied().collect::<Vec<_>>()),
            _ => quote!(ids.#m()),
        };
        accepted(quote! { q.and_where(Expr::col(C).is_in(#call)); });
    }
    for test in allow::LIST_TESTS {
        let m = format_ident!("{}", test);
        accepted(quote! { if !ids.#m() { q.limit(1); } });
    }
    for step in allow::OPTION_STEPS {
        let m = format_ident!("{}", step);
        let call = match *step {
            "map" => quote!(o.map(|x| x)),
            _ => quote!(o.#m()),
        };
        accepted(quote! { if let Some(x) = #call { q.and_where(Expr::col(C).eq(x)); } });
    }
    for unwrap in allow::OPTION_UNWRAPS {
        let m = format_ident!("{}", unwrap);
        let call = match *unwrap {
            "unwrap" | "unwrap_or_default" => quote!(o.#m()),
            "expect" => quote!(o.expect("present")),
            "unwrap_or" => quote!(o.unwrap_or(0)),
            "unwrap_or_else" => quote!(o.unwrap_or_else(|| 0)),
            _ => quote!(o.or(Some(b))),
        };
        accepted(quote! { q.and_where(Expr::col(C).eq(#call)); });
    }
    for test in allow::OPTION_TESTS {
        let m = format_ident!("{}", test);
        accepted(quote! { if os.#m() { q.limit(1); } });
    }
    for (ty, f) in allow::PATH_STEPS {
        let f = format_ident!("{}", f);
        let call = if ty.is_empty() {
            quote!(#f(a))
        } else {
            let ty = format_ident!("{}", ty);
            quote!(#ty::#f(a))
        };
        accepted(quote! { q.and_where(Expr::col(C).eq(#call)); });
    }
    accepted(quote! {
        q.apply_if(os, |q, v| { q.and_where(Expr::col(C).eq(v)); });
    });
    rejected(
        quote! { q.apply_if(os, |q, v| { if v == "x" { q.limit(1); } }); },
        "comparison",
    );
}

#[test]
fn allows_what_the_key_holds() {
    let found = findings(quote! {
        fn f(a: i64, o: Option<i64>, oo: Option<Option<&str>>, ob: Option<bool>, l: &[i64],
             flag: bool, #[shape] s: u8, rows: &[(i64, String)]) -> SelectStatement {
            let mut q = Query::select();
            let o2 = o;
            if let Some(x) = o2 { q.and_where(Expr::col(A).eq(x)); }
            if let Some(Some(t)) = oo { q.and_where(Expr::col(A).eq(t)); }
            if ob == Some(true) || flag && s > 3 { q.limit(1); }
            let Some(y) = o else { return q; };
            q.and_where(Expr::col(A).eq(y)).and_where(Expr::col(A).eq(a));
            if !l.is_empty() && o.is_some() { q.and_where(Expr::col(A).is_in(l.iter().copied())); }
            match (o, oo) {
                (Some(x), None) => { q.and_where(Expr::col(A).eq(x)); }
                (_, Some(_)) | (None, None) => {}
            }
            let (first, second) = (a, o);
            q.and_where(Expr::col(A).eq(first)).and_where(Expr::col(B).eq(second));
            let c = if flag { Expr::col(A).eq(a) } else { Expr::col(B).eq(a) };
            q.and_where(c);
            // A nested item and a shadowing binding are not the arguments.
            fn inner(a: i64) -> bool { a > 3 }
            let a = 5;
            if a > 3 { q.limit(2); }
            let mut ins = Query::insert();
            for (id, name) in rows {
                ins.values_panic([(*id).into(), name.clone().into()]);
            }
            q
        }
    });
    assert!(found.is_empty(), "{found:#?}");
}

/// The reproductions of issue 19: each compiled and then returned SQL other than
/// sea-query's. Each is now a compile error.
#[test]
fn rejects_the_reproductions() {
    // r1: a condition per element, built in a loop over the list.
    rejected(
        quote! {
            let mut any = Condition::any();
            for id in ids { any = any.add(Expr::col(A).eq(*id)); }
            q.cond_where(any);
        },
        "`any` is changed once per element of list `ids`",
    );
    // r2 (`std::cmp::min` as a path call) and r3 (`strip_prefix` and `unwrap_or` on a
    // bound string) compute values that are bound: they are lifted now (`lifts_values`).
    // r4: a literal pattern inside `matches!`.
    rejected(
        quote! { if matches!(os, Some("admin")) { q.limit(1); } },
        "decides control flow",
    );
    // r5: taint through a tuple, and through a helper stored in a `let`.
    // (r5's decision through a tuple is lifted now: `lifts_decisions`.)
    // (A decision on a helper's result is lifted now: `lifts_decisions`.)
    // r6: sorting and deduplicating a copy of the list.
    rejected(
        quote! { let mut v = ids.to_vec(); v.sort_unstable(); v.dedup(); q.and_where(Expr::col(C).is_in(v)); },
        "`.sort_unstable()`",
    );
    // The issue's other cases (`i64::abs(a)`, `s.trim_start_matches('@')` are lifted).
    rejected(
        quote! { q.and_where(Expr::col(C).is_in(ids.iter().copied().collect::<BTreeSet<_>>())); },
        "`.collect()` without",
    );
    rejected(
        quote! { let v: BTreeSet<i64> = ids.iter().copied().collect(); q.and_where(Expr::col(C).is_in(v)); },
        "`.collect()` without",
    );
}

#[test]
fn rejects_decisions() {
    rejected(quote! { assert!(a > 0); }, "`assert!`");
    rejected(quote! { debug_assert_eq!(a, 1); }, "`debug_assert_eq!`");
    rejected(quote! { let x = r; let y = x?; }, "decides control flow");
    rejected(
        quote! { if os.is_some_and(|s| s.is_empty()) { q.limit(1); } },
        "beyond its presence",
    );
    rejected(
        quote! { if let Some(x) = o.filter(|x| *x > 0) { q.limit(1); } },
        "beyond its presence",
    );
    rejected(
        quote! { let c = || a; if c() > 3 { q.limit(1); } },
        "comparison",
    );
    rejected(
        quote! { let mut x = 0; x = a; if x > 3 { q.limit(1); } },
        "comparison",
    );
    rejected(
        quote! { let mut x = 0; loop { if x > 3 { break; } x = a; } },
        "comparison",
    );
    rejected(
        quote! { let t = Wrapper { v: a }; if t.v > 3 { q.limit(1); } },
        "comparison",
    );
    // Inside a loop over a list, on a closure's parameter, on what the builder made.
    rejected(
        quote! { for x in ids { if *x > 3 { q.limit(1); } } },
        "comparison",
    );
    rejected(
        quote! { q.apply_if(o, |q, v| { if v > 3 { q.limit(1); } }); },
        "comparison",
    );
}

/// A decision lifted into the key: accepted, and marked in the body.
/// The expansion of `stmts` as the body of a function with arguments of every class,
/// asserted free of errors.
fn expand_clean(stmts: &TokenStream) -> String {
    let item = quote! {
        fn f(a: i64, b: i64, s: &str, o: Option<i64>, os: Option<&str>, ids: &[i64],
             flag: bool, #[shape] k: u8, limit: u64, r: Result<i64, String>) -> SelectStatement {
            let mut q = Query::select();
            #stmts
            q
        }
    };
    let out = crate::pipeline::cached_query(quote!(), item).to_string();
    assert!(!out.contains("compile_error"), "{stmts}\n{out}");
    out
}

fn decided(stmts: TokenStream) {
    let out = expand_clean(&stmts);
    assert!(out.contains(":: decided"), "{stmts}: not lifted\n{out}");
    assert!(out.contains("with_decisions"), "{stmts}\n{out}");
}

#[test]
fn lifts_decisions() {
    decided(quote! { if a > 3 { q.limit(1); } });
    decided(quote! { match a { 0 => { q.limit(1); } _ => {} } });
    decided(quote! { match o { Some(x) if x > 3 => { q.limit(1); } _ => {} } });
    decided(quote! { if let Some(5) = o { q.limit(1); } });
    decided(quote! { if flag && s.is_empty() { q.limit(1); } });
    decided(quote! { if o == Some(3) { q.limit(1); } });
    decided(quote! { if s.eq_ignore_ascii_case("desc") { q.limit(1); } });
    decided(quote! { match s.to_lowercase().as_str() { "a" | "b" => { q.limit(1); } _ => {} } });
    decided(quote! { let t = [a, b]; let [x, _] = t; if x == 1 { q.limit(1); } });
    decided(quote! { let (lim, _) = (limit, 0); if lim > 100 { q.limit(1); } });
    decided(quote! { if is_big(limit) { q.limit(1); } });
    decided(quote! { if a * 2 > 5 { q.limit(1); } });
    // A test bound to a name, then decided on.
    decided(quote! { let big = is_big(limit); if big { q.limit(1); } });
    decided(quote! { let admin = os == Some("admin"); if !admin { q.limit(1); } });
    decided(
        quote! { let desc: bool = s.eq_ignore_ascii_case("desc"); let o = if desc { Order::Desc } else { Order::Asc }; q.order_by(C, o); },
    );
}

/// Values computed from bound arguments and bound: lifted, not rejected; `expected` is
/// the lifted expressions' names.
fn lifted(stmts: TokenStream, expected: &[&str]) {
    let out = expand_clean(&stmts);
    for name in expected {
        assert!(
            out.contains(&format!("{name:?}")),
            "{stmts}: {name} not lifted\n{out}"
        );
    }
    let count = out.matches(":: derived (").count();
    assert_eq!(count, expected.len(), "{stmts}\n{out}");
}

#[test]
fn lifts_values() {
    lifted(quote! { q.limit(limit + 1); }, &["limit + 1"]);
    lifted(quote! { q.limit(limit as u64); }, &["limit as u64"]);
    lifted(quote! { q.and_where(Expr::col(C).eq(-a)); }, &["- a"]);
    lifted(
        quote! { q.and_where(Expr::col(C).eq(s.to_lowercase())); },
        &["s . to_lowercase ()"],
    );
    lifted(
        quote! { q.and_where(Expr::col(C).like(format!("%{s}%"))); },
        &["format ! (\"%{s}%\")"],
    );
    lifted(
        quote! { let limit = std::cmp::min(limit, 100); q.limit(limit); },
        &["std :: cmp :: min (limit , 100)"],
    );
    lifted(
        quote! { let h = s.strip_prefix('@').unwrap_or(s); q.and_where(Expr::col(C).eq(h)); },
        &["s . strip_prefix ('@') . unwrap_or (s)"],
    );
    lifted(
        quote! { q.and_where(Expr::col(C).eq(i64::abs(a))); },
        &["i64 :: abs (a)"],
    );
    // Through `if let`, `let`, shadowing, `match` arms; a conversion stays outside.
    lifted(
        quote! {
            if let Some(t) = os {
                let t = t.trim();
                let pattern = format!("%{}%", t);
                q.and_where(Expr::col(C).like(LikeExpr::new(pattern).escape('\\')));
            }
            match o { Some(n) => { q.offset((n * 2).into()); } None => {} }
        },
        &["t . trim ()", "format ! (\"%{}%\" , t)", "n * 2"],
    );
    // What a list holds beyond its emptiness is never lifted.
    rejected(quote! { q.limit(ids.len() as u64); }, "list `ids`");
}

#[test]
fn a_test_bound_to_a_name_may_only_decide() {
    rejected(
        quote! { let big = a > 3; let f = |x: bool| x; f(big); },
        "`big` is computed from argument `a`",
    );
    rejected(
        quote! { let big = is_big(a); for id in ids { if big { q.limit(1); } } },
        "`big` is computed from argument `a`",
    );
}

/// The findings of `#[cached_query::part]` on `item`.
fn part_findings(item: TokenStream) -> String {
    crate::part::part(quote!(), item).to_string()
}

#[test]
fn a_part_is_checked_for_its_own_parameters() {
    let clean = part_findings(quote! {
        fn visible(q: &mut SelectStatement, viewer: Option<i64>, tags: &[i64], admin: bool,
                   #[shape] order: Order) -> Condition {
            if let Some(id) = viewer { q.and_where(Expr::col(C).eq(id)); }
            if !tags.is_empty() && !admin { q.and_where(Expr::col(C).is_in(tags.iter().copied())); }
            q.order_by(C, order);
            Cond::all().add(Expr::col(C).eq(viewer))
        }
    });
    assert!(!clean.contains("compile_error"), "{clean}");
    assert!(
        clean.contains("impl :: cached_query :: __private :: Part for visible"),
        "{clean}"
    );
    // A value derived from a parameter is marked, for the caller's lift to recompute.
    let derives = part_findings(quote! {
        fn f(q: &mut SelectStatement, n: u64, s: &str) {
            q.limit(n + 1);
            q.and_where(Expr::col(C).like(format!("%{s}%")));
        }
    });
    assert!(!derives.contains("compile_error"), "{derives}");
    assert!(derives.contains("derived_part (0u16"), "{derives}");
    assert!(derives.contains("derived_part (1u16"), "{derives}");
    assert!(
        derives.contains("fn __cq_lift < __CqBuilds0 >"),
        "{derives}"
    );
    // A decision on a parameter is lifted, for the caller's key.
    let decides = part_findings(quote! {
        fn f(q: &mut SelectStatement, s: &str, n: u64) {
            if s == "x" { q.limit(1); }
            if n + 1 > 5 { q.offset(1); }
        }
    });
    assert!(!decides.contains("compile_error"), "{decides}");
    assert!(decides.contains("decided_part_if (0u32"), "{decides}");
    assert!(decides.contains("decided_part_if (1u32"), "{decides}");
    assert!(
        decides.contains("fn __cq_decide < __CqBuilds0 >"),
        "{decides}"
    );
    for (item, expect) in [
        (
            quote! { fn f(q: &mut SelectStatement, ids: &[i64]) { for id in ids { if *id > 5 { q.limit(1); } } } },
            "a comparison on",
        ),
        (
            quote! { fn f(q: &mut SelectStatement, n: u64) { for _ in 0..n { q.limit(1); } } },
            "`n`",
        ),
        (
            quote! { fn f(q: &mut SelectStatement, n: u64) -> u64 { q.limit(1); n } },
            "returns a value taken from its parameter `n`",
        ),
        (
            quote! { fn f(q: &mut SelectStatement) { if q.is_empty() { q.limit(1); } } },
            "statement",
        ),
        (
            quote! { fn f<T>(q: &mut SelectStatement, t: T) {} },
            "cannot be generic",
        ),
        (quote! { async fn f(q: &mut SelectStatement) {} }, "async"),
    ] {
        let out = part_findings(item.clone());
        assert!(out.contains(expect), "{item}\nexpected {expect:?} in {out}");
    }
}

#[test]
fn a_bound_value_passed_to_a_helper_is_checked_at_the_call() {
    let out = expand_clean(&quote! {
        restrict(&mut q, a, os, ids, flag);
        q.cond_where(by_author(a));
    });
    for check in [
        "< restrict as :: cached_query :: __private :: Part > :: PARAMS , 1usize",
        "< restrict as :: cached_query :: __private :: Part > :: PARAMS , 2usize",
        "< restrict as :: cached_query :: __private :: Part > :: PARAMS , 3usize",
        "< by_author as :: cached_query :: __private :: Part > :: PARAMS , 0usize",
    ] {
        assert!(out.contains(check), "{check}\n{out}");
    }
    // The flag is in the key: no check; a constructor is not a helper.
    assert!(!out.contains("PARAMS , 4usize"), "{out}");
    rejected(
        quote! { q.and_where(Wrapper(a)); },
        "is passed to `Wrapper`",
    );
}

#[test]
fn rejects_computations() {
    rejected(
        quote! { let mut n = limit; n += 1; q.limit(n * 2); },
        "arithmetic on `n`",
    );
    rejected(
        quote! { q.and_where(Expr::col(C).eq({ let t = a; t + 1 })); },
        "arithmetic on `t`",
    );
    rejected(
        quote! { for id in ids { q.and_where(Expr::col(C).eq(*id * 2)); } },
        "arithmetic",
    );
    rejected(quote! { q.and_where(Expr::cust(s)); }, "`Expr::cust`");
    rejected(quote! { q.column(Alias::new(s)); }, "`Alias::new`");
    rejected(
        quote! { q.and_where(Expr::col(C).eq(ids[0])); },
        "list `ids`",
    );
    rejected(
        quote! { q.and_where(Expr::col(C).eq(ids.first().copied())); },
        "list `ids`",
    );
    rejected(
        quote! { for (i, x) in ids.iter().enumerate() { q.limit(1); } },
        "list `ids`",
    );
    rejected(
        quote! { q.and_where(Expr::col(C).is_in(ids.iter().rev().copied())); },
        "list `ids`",
    );
    rejected(
        quote! { q.and_where(Expr::col(C).is_in(ids.iter().filter(|x| **x > 0).copied()));
        rejected(
            quote! { q.and_where(Expr::col(C).is_in(ids.iter().map(|_| 1))); },
            "does not hold the element",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).is_in(ids.iter().map(|x| x + 1))); },
            "arithmetic",
        );
        rejected(
            quote! {
                let mut sub = Query::select();
                sub.and_where(Expr::col(C).eq(a));
                q.and_where(Expr::cust(sub.to_string(PostgresQueryBuilder)));
            },
            "`Expr::cust`",
        ); },
        "list `ids`",
    );
    rejected(
        quote! { let mut n = 0; for _ in ids { n += 1; } if n > 2 { q.limit(1); } },
        "changed once per element",
    );
    rejected(
        quote! { let mut n = 0; for _ in ids { n += 1; } if n > 2 { q.limit(1); } },
        "decides control flow",
    );
    rejected(
        quote! { for x in ids { q.and_where(Expr::col(C).eq(*x)); } },
        "changed once per element",
    );
    rejected(quote! { let f = |x: i64| x * 2; q.limit(f(a)); }, "`f`");
    rejected(
        quote! { let mut v = 0; let r = &mut v; *r = a; },
        "through a reference",
    );
    rejected(quote! { let mut v = Vec::new(); v.push(a); }, "`.push()`");
    rejected(quote! { my_macro!(a); }, "`my_macro!`");
    rejected(
        quote! { macro_rules! m { () => { a } } },
        "macro defined in the body",
    );
    rejected(
        quote! { q.order_by(C, Order::Field(Values(vec![a.into()]))); },
        "`Values`",
    );
    rejected(
        quote! { q.and_where(Expr::col(C).like(LikeExpr::new(s).escape(b))); },
        "`.escape()`",
    );
}

#[test]
fn loops_over_lists_and_aliases() {
    accepted(quote! {
        let mut ins = Query::insert();
        for x in ids { ins.values_panic([(*x).into(), a.into()]); }
    });
    rejected(
        quote! { for x in ids { for y in ids { q.limit(1); } } },
        "inside another loop over a list",
    );
    rejected(
        quote! { for x in ids { let r = &mut q; r.and_where(Expr::col(C).eq(*x)); } },
        "changed once per element",
    );
    rejected(
        quote! { for x in ids { push_condition(&mut q); } },
        "changed once per element",
    );
    rejected(
        quote! { let mut add = || { q.limit(1); }; for x in ids { add(); } },
        "called once per element",
    );
    // A change through a borrow taints what it borrows.
    rejected(
        quote! {
            let r = &mut q;
            r.and_where(Expr::col(C).eq(a));
            if q.get_limit().is_none() { q.limit(1); }
        },
        "decides control flow",
    );
    // A plain-value sink does not take an expression the body made.
    rejected(
        quote! { let c = Cap; q.limit(c.limit(limit)); },
        "takes a plain value",
    );
}

#[test]
fn fragments_are_not_decided_on() {
    rejected(
        quote! { if Expr::val(a) == Expr::val(5) { q.limit(1); } },
        "decides control flow",
    );
    rejected(
        quote! {
            q.and_where(Expr::col(C).eq(a));
            let (sql, _) = q.build(PostgresQueryBuilder);
            if sql.contains("5") { q.limit(1); }
        },
        "decides control flow",
    );
    // Passed to a helper: checked at compile time that the helper is marked
    // `#[cached_query::part]` and builds on it (does not decide on it).
    let out = expand_clean(&quote! { q.and_where(Expr::col(C).eq(a)); inspect(&q); });
    assert!(
        out.contains("< inspect as :: cached_query :: __private :: Part > :: PARAMS , 0usize , :: cached_query :: __private :: Passed :: Fragment"),
        "{out}"
    );
    rejected(
        quote! { let e = Expr::col(C).eq(a); let text = format!("{e:?}"); },
        "`format!`",
    );
    // Passed on to builders and constructors: fine.
    accepted(quote! {
        q.and_where_option(os.map(|v| Expr::col(C).eq(v)));
        q.cond_where(any![Expr::col(C).eq(a), Expr::col(D).eq(b)]);
        q.cond_where(Cond::all().add_option(o.map(|v| Expr::col(C).eq(v))));
    });
    accepted(quote! {
        let e = Expr::col(C).eq(a);
        q.cond_where(Cond::any().add(e).add(Expr::col(D).is_in(ids.iter().copied())));
        q.and_where(Expr::exists(Query::select().and_where(Expr::col(C).eq(b)).to_owned()));
        let maybe = os.map(|v| Expr::col(C).eq(v));
        if let Some(e) = maybe { q.and_where(e); }
    });
}

#[test]
fn positional_format_arguments_are_not_names() {
    // Found by the `expand` fuzz target: `{0}` made the lint build an identifier `0`,
    // and `Ident::new` panicked, so the macro panicked on an ordinary `format!`.
    assert_eq!(
        super::mac::inline_names(r#""{0} {name} {{x}} {1:?} {_y:>5} {²} {}""#),
        ["name", "_y"]
    );
    let found = findings(quote! {
        fn f(#[shape] column: String, limit: u64) -> SelectStatement {
            let mut q = Query::select();
            q.and_where(Expr::cust(format!("{0} > 0 AND {0} < 9", column)));
            q.limit(limit);
            q
        }
    });
    assert!(found.is_empty(), "{found:?}");
    let found = findings(quote! {
        fn f(limit: u64, offset: u64) -> SelectStatement {
            q.column(Alias::new(format!("{0} {limit}", 1)));
            q.column(Alias::new(format!("{0}", offset)));
            Query::select()
        }
    });
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("`limit`"), "{found:?}");
    assert!(found[1].contains("`offset`"), "{found:?}");
}

#[test]
fn lint_false_turns_it_off() {
    let out = crate::pipeline::cached_query(
        quote!(lint = false),
        quote! {
            fn f(n: u64) -> SelectStatement { let mut q = Query::select(); if n > 3 { q.limit(n); } q }
        },
    );
    assert!(!out.to_string().contains("compile_error"));
}

/// The expansion of `item`, and the analysis' findings in it.
fn expand(item: TokenStream) -> (String, Vec<String>) {
    let out = crate::pipeline::cached_query(quote!(), item.clone()).to_string();
    (out, findings(item))
}

#[test]
fn enums_matched_on_their_variant() {
    // By value and by reference; `match`, `matches!`, `if let`; or-patterns, data ignored.
    let (out, found) = expand(quote! {
        fn f(sort: Sort, kind: &Kind, limit: u64) -> SelectStatement {
            let mut q = Query::select();
            let column = match sort { Sort::Name | Sort::Title => "name", Sort::Date => "date" };
            if matches!(kind, Kind::Tagged(_) | Kind::Range { .. }) { q.limit(limit); }
            if let Kind::Plain = *kind { q.offset(1); }
            q.order_by(Alias::new(column), Order::Asc);
            q
        }
    });
    assert!(found.is_empty(), "{found:?}");
    assert!(
        out.contains("ByVariant < :: cached_query :: __private :: Checked < Sort"),
        "{out}"
    );
    assert!(
        out.contains("Ref < :: cached_query :: __private :: ByVariant"),
        "{out}"
    );
    // Every path is checked to be a variant.
    assert!(out.contains("Kind :: Range { .. } => { }"), "{out}");
    // Read only where a lift recomputes it (a comparison, a method in a condition, a
    // value computed from it): keyed by its variant, the lifts recompute the rest.
    for body in [
        quote! { if kind == Kind::Plain { q.limit(1); } },
        quote! { if kind.is_plain() { q.limit(1); } },
        quote! { q.and_where(Expr::col(C).eq(kind.to_string())); },
    ] {
        let (out, found) = expand(quote! {
            fn f(kind: Kind) -> SelectStatement {
                let mut q = Query::select();
                #body
                q
            }
        });
        assert!(found.is_empty(), "{found:?}");
        assert!(out.contains("ByVariant"), "{out}");
    }
    // A binding, a field read: not by variant alone. The argument stays a type naming its
    // own class (the compiler then asks for `Args` or `Probe` on it).
    for body in [
        quote! { match kind { Kind::Tagged(t) => { q.and_where(Expr::col(C).eq(t)); } _ => {} } },
        quote! { q.and_where(Expr::col(C).eq(format!("{}", kind.name))); },
    ] {
        let (out, _) = expand(quote! {
            fn f(kind: Kind) -> SelectStatement {
                let mut q = Query::select();
                #body
                q
            }
        });
        assert!(!out.contains("ByVariant"), "{out}");
    }
    // Matched on its variant and read as a value.
    let (_, found) = expand(quote! {
        fn f(kind: Kind) -> SelectStatement {
            let mut q = Query::select();
            if let Kind::Plain = kind { q.limit(1); }
            q.and_where(Expr::col(C).eq(kind));
            q
        }
    });
    assert!(
        found
            .iter()
            .any(|f| f.contains("matched on its variant, and used as a value")),
        "{found:?}"
    );
}
