//! Structure-aware mutations of a real function, made with `syn`: the edits that matter to
//! the macro (`#[shape]` on or off, other argument types, arguments added or removed,
//! qualifiers, generics, return types, receivers and patterns) and statements that use the
//! arguments the ways the body lint looks for. Token edits alone rarely produce these.

use arbitrary::{Result, Unstructured};
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::{FnArg, ItemFn, Pat, ReturnType, Stmt, Type};

/// Argument types: every class the macro knows, spelled several ways, and types it must
/// reject.
const TYPES: &[&str] = &[
    "bool",
    "i64",
    "u64",
    "f64",
    "char",
    "&str",
    "String",
    "&String",
    "Option<i64>",
    "Option<&str>",
    "Option<bool>",
    "Option<Option<&str>>",
    "Option<&[i64]>",
    "Option<Vec<i64>>",
    "Option<[i64; 2]>",
    "std::option::Option<i64>",
    "core::primitive::bool",
    "(bool)",
    "&[i64]",
    "&[&str]",
    "Vec<i64>",
    "Vec<String>",
    "&Vec<i64>",
    "[i64; 3]",
    "[i64; 0]",
    "[i64; N]",
    "&[i64; 2]",
    "&[u8]",
    "Vec<u8>",
    "Vec<Vec<i64>>",
    "&&[i64]",
    "&'a str",
    "&'static str",
    "&'_ str",
    "Cow<'_, str>",
    "impl Into<i64>",
    "Option<impl Into<i64>>",
    "Self",
    "Vec<Self>",
    "T",
    "(i64, i64)",
    "()",
    "&mut i64",
    "&mut [i64]",
    "Box<dyn Fn()>",
    "&dyn Fn()",
    "fn(i64) -> i64",
    "sea_query::Value",
    "SortBy",
    "!",
    "_",
];

/// Return types, accepted and not.
const RETURNS: &[&str] = &[
    "SelectStatement",
    "sea_query::SelectStatement",
    "InsertStatement",
    "UpdateStatement",
    "DeleteStatement",
    "WithQuery",
    "()",
    "impl Sized",
    "&'static SelectStatement",
    "Option<SelectStatement>",
    "Self",
    "(SelectStatement)",
    "Result<SelectStatement, ()>",
    "[SelectStatement; 1]",
    "dyn Any",
];

/// Argument names: the seeds' usual ones, generated-looking ones, keywords-as-raw.
const NAMES: &[&str] = &[
    "limit",
    "ids",
    "status",
    "flag",
    "author",
    "q",
    "args",
    "x",
    "__cq_args",
    "__CqArgs",
    "r#type",
    "_",
    "n",
];

/// Statements that use argument `{a}` (and `{b}`): the uses the lint rejects, the uses it
/// allows, and constructs it must walk through without getting lost.
const STMTS: &[&str] = &[
    "if {a} > 1 { q.limit(1); }",
    "if let Some(v) = {a} { if v == 2 {} }",
    "if let Some(v) = {a} { q.and_where(Expr::col(A).eq(v)); }",
    "match {a} { _ if {a} == {b} => {}, _ => {} }",
    "match {a} { Some(1) => {}, Some(_) | None => {} }",
    "let n = {a}.len();",
    "let s = format!(\"{}\", {a});",
    "let s = format!(\"{{a}}\");",
    "let c = {a} as i64;",
    "let c = {a}.clone(); if c > 0 {}",
    "let c = &{a}; let d = *c; if d {}",
    "let ({a}, _x) = (1, 2); if {a} > 1 {}",
    "while {a} {}",
    "for x in {a}.iter() { if *x > 0 {} }",
    "for x in {a} { q.and_where(Expr::col(A).eq(x)); }",
    "let f = || {a} + 1;",
    "let f = move |y: i64| y + {a};",
    "q.and_where(Expr::cust(format!(\"{}\", {a})));",
    "assert!({a} > 0);",
    "debug_assert_eq!({a}, {b});",
    "let v: Vec<_> = {a}.iter().map(|x| x + 1).collect();",
    "{ let {a} = 5; if {a} > 1 {} }",
    "fn inner({a}: i64) -> i64 { if {a} > 0 { 1 } else { 0 } }",
    "let _ = (({a}));",
    "return q;",
    "let _ = {a}.map(|v| v + 1).unwrap_or(0);",
    "let Some(v) = {a} else { return q; };",
    "if {a}.is_some() && {a}.unwrap() > 3 {}",
    "if !{a}.is_empty() { q.and_where(Expr::col(A).is_in({a}.iter().copied())); }",
    "let _ = -{a};",
    "let _ = !{a};",
    "q.limit({a} * 2);",
    "q.limit({a}).offset({b});",
    "let x = if {a} { 1 } else { 2 };",
    "let _ = [{a}; 3];",
    "let _ = {a}[0];",
    "let _ = {a}.0;",
    "let _ = {a}.to_uppercase();",
    "let _ = {a}?;",
    "let _ = async move { {a} };",
    "'l: loop { if {a} > 0 { break 'l; } }",
    "let _ = unsafe { {a} };",
    "let _ = {a} += 1;",
    "{a} = {b};",
    "let _ = matches!({a}, Some(_));",
    "let _ = {a} == {b} || {a} < {b};",
    "let _ = {a}..{b};",
    "let _ = &{a}[1..];",
    "let _ = Some({a}).filter(|v| *v > 0);",
    "let _ = {a}.iter().copied().max();",
    "let _ = {a}.get(0).copied().unwrap_or_default();",
    "let _ = {a}.first().map(|v| v + 1);",
    "let _ = {a}.as_deref().unwrap_or(\"\");",
    "let _ = {a}.then(|| 1);",
    "let _ = std::convert::identity({a});",
    "let _ = Self::helper({a});",
    "let _ = <i64 as From<i64>>::from({a});",
    "macro_rules! m { ($e:expr) => { if $e > 0 {} } } m!({a});",
    "let _ = #[allow(unused)] {a};",
    "#[cfg(any())] if {a} > 1 {}",
    "let _ = || { if {a} > 1 {} };",
    "let _ = try { {a} };",
    "yield {a};",
    "let _ = {a} as _;",
    "if let Some(v) = {a} && v > 1 {}",
    "if let Some(v) = {a} && let Some(w) = {b} && v == w {}",
    "while let Some(v) = {a} { if v > 0 {} }",
    "match &{a} { &Some(ref v) => { if *v > 0 {} }, &None => {} }",
    "match {a} { None => {}, Some(v) if v > 0 => {}, Some(_) => {} }",
    "match {a} { (None) | Some(_) => {} }",
    "let Some(1) = {a} else { return q; };",
    "let s = format!(\"{{ {{a}} }} {}\", 1);",
    "let (x, y) = ({a}, {b}); if x > y {}",
];

fn arg_names(f: &ItemFn) -> Vec<String> {
    f.sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            FnArg::Typed(pat) => match &*pat.pat {
                Pat::Ident(p) => Some(p.ident.to_string()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect()
}

fn name_for(u: &mut Unstructured<'_>, f: &ItemFn) -> Result<String> {
    let names = arg_names(f);
    Ok(if !names.is_empty() && u.ratio(4, 5)? {
        u.choose(&names)?.clone()
    } else {
        (*u.choose(NAMES)?).to_owned()
    })
}

fn parse<T: syn::parse::Parse>(text: &str) -> Option<T> {
    syn::parse_str(text).ok()
}

/// Applies 1 to 4 structural edits to `item`; a seed that is not a plain function (or an
/// edit that would not parse) is left as it is.
pub fn mutate(u: &mut Unstructured<'_>, item: &TokenStream) -> Result<TokenStream> {
    let Ok(mut f) = syn::parse2::<ItemFn>(item.clone()) else {
        return Ok(item.clone());
    };
    for _ in 0..u.int_in_range(1..=4)? {
        edit(u, &mut f)?;
    }
    Ok(f.into_token_stream())
}

fn edit(u: &mut Unstructured<'_>, f: &mut ItemFn) -> Result<()> {
    let n = f.sig.inputs.len();
    match u.int_in_range(0..=11)? {
        // `#[shape]` on or off (or malformed, or twice).
        0 | 1 if n > 0 => {
            let i = u.choose_index(n)?;
            let attrs = match &mut f.sig.inputs[i] {
                FnArg::Typed(pat) => &mut pat.attrs,
                FnArg::Receiver(r) => &mut r.attrs,
            };
            let had = attrs.iter().any(|a| a.path().is_ident("shape"));
            if had && u.ratio(2, 3)? {
                attrs.retain(|a| !a.path().is_ident("shape"));
            } else {
                let text = *u.choose(&[
                    "#[shape]",
                    "#[shape]",
                    "#[shape]",
                    "#[shape(x)]",
                    "#[shape = 1]",
                    "#[doc = \"x\"]",
                ])?;
                if let Ok(mut parsed) = syn::Attribute::parse_outer.parse_str(text) {
                    attrs.append(&mut parsed);
                }
            }
        }
        // Another type for an argument.
        2 if n > 0 => {
            let i = u.choose_index(n)?;
            if let (FnArg::Typed(pat), Some(ty)) =
                (&mut f.sig.inputs[i], parse::<Type>(u.choose(TYPES)?))
            {
                *pat.ty = ty;
            }
        }
        // A type in an invisible group, as a `macro_rules!` macro passes a `$t:ty` on.
        3 if n > 0 => {
            let i = u.choose_index(n)?;
            if let FnArg::Typed(pat) = &mut f.sig.inputs[i] {
                let elem = pat.ty.clone();
                *pat.ty = Type::Group(syn::TypeGroup {
                    attrs: Vec::new(),
                    group_token: Default::default(),
                    elem,
                });
            }
        }
        // More key dimensions than the macro supports: 33 optional flags, two bits each.
        4 if u.ratio(1, 16)? => {
            for i in 0..33 {
                if let Some(arg) = parse::<FnArg>(&format!("flag_{i}: Option<bool>")) {
                    f.sig.inputs.push(arg);
                }
            }
        }
        // A new argument.
        4 => {
            let shape = if u.ratio(1, 4)? { "#[shape] " } else { "" };
            let mutability = if u.ratio(1, 8)? { "mut " } else { "" };
            let text = format!(
                "{shape}{mutability}{}: {}",
                name_for(u, f)?,
                u.choose(TYPES)?
            );
            if let Some(arg) = parse::<FnArg>(&text) {
                let at = u.int_in_range(0..=n)?;
                f.sig.inputs.insert(at, arg);
            }
        }
        // One argument fewer.
        5 if n > 0 => {
            let i = u.choose_index(n)?;
            f.sig.inputs = f
                .sig
                .inputs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| a.clone())
                .collect();
        }
        // Another return type, or none.
        6 => {
            f.sig.output = if u.ratio(1, 8)? {
                ReturnType::Default
            } else {
                parse::<ReturnType>(&format!("-> {}", u.choose(RETURNS)?))
                    .unwrap_or(ReturnType::Default)
            };
        }
        // Qualifiers, and C variadics.
        7 => match u.int_in_range(0..=4)? {
            0 => f.sig.constness = Some(Default::default()),
            1 => f.sig.asyncness = Some(Default::default()),
            2 => f.sig.safety = syn::Safety::Unsafe(Default::default()),
            3 => f.sig.abi = parse::<syn::Abi>("extern \"C\""),
            _ => {
                let with = parse::<syn::Signature>("unsafe extern \"C\" fn f(a: i64, ...)");
                f.sig.variadic = with.and_then(|sig| sig.variadic);
            }
        },
        // Generics.
        8 => {
            let text = *u.choose(&[
                "<'a>",
                "<'a, 'b: 'a>",
                "<T>",
                "<T: Into<i64>>",
                "<const N: usize>",
                "<'args>",
            ])?;
            if let Some(generics) = parse::<syn::Generics>(text) {
                f.sig.generics = generics;
                if u.ratio(1, 3)? {
                    f.sig.generics.where_clause = parse("where i64: Copy");
                }
            }
        }
        // A receiver or a pattern instead of a plain name.
        9 => {
            let text = *u.choose(&[
                "self",
                "&self",
                "mut self: Box<Self>",
                "(a, b): (i64, i64)",
                "ref x: i64",
                "x @ _: i64",
                "_: i64",
                "Wrapper(x): Wrapper",
            ])?;
            if let Some(arg) = parse::<FnArg>(text) {
                let at = u.int_in_range(0..=n)?;
                f.sig.inputs.insert(at, arg);
            }
        }
        // A statement that uses an argument, somewhere in the body.
        _ => {
            let template = *u.choose(STMTS)?;
            let text = template
                .replace("{a}", &name_for(u, f)?)
                .replace("{b}", &name_for(u, f)?);
            if let Some(block) = parse::<syn::Block>(&format!("{{ {text} }}")) {
                let stmts: Vec<Stmt> = block.stmts;
                let at = u.int_in_range(0..=f.block.stmts.len())?;
                f.block.stmts.splice(at..at, stmts);
            }
        }
    }
    Ok(())
}
