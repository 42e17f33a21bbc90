//! A smoke fuzzer as an ordinary test: random token streams and mutated valid functions go
//! through the whole macro. It must never panic; a well-formed function it accepts must
//! expand to items that parse, and one it rejects must get a `compile_error!`.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use proptest::prelude::*;
use quote::quote;

const WORDS: &[&str] = &[
    "fn",
    "pub",
    "async",
    "const",
    "unsafe",
    "self",
    "Self",
    "mut",
    "impl",
    "dyn",
    "where",
    "if",
    "let",
    "match",
    "Some",
    "None",
    "Option",
    "Vec",
    "bool",
    "i64",
    "u64",
    "str",
    "String",
    "SelectStatement",
    "InsertStatement",
    "WithQuery",
    "shape",
    "capacity",
    "lint",
    "crate",
    "true",
    "false",
    "limit",
    "ids",
    "status",
    "q",
    "Query",
    "select",
    "format",
    "x",
    "_",
];
const PUNCTS: &[char] = &[
    ':', ',', '&', '<', '>', '-', '=', '#', '!', '.', ';', '\'', '*', '+', '?', '|',
];

fn leaf() -> impl Strategy<Value = TokenTree> {
    prop_oneof![
        proptest::sample::select(WORDS)
            .prop_map(|w| TokenTree::Ident(Ident::new(w, Span::call_site()))),
        proptest::sample::select(PUNCTS)
            .prop_map(|c| TokenTree::Punct(Punct::new(c, Spacing::Alone))),
        (0u64..300).prop_map(|n| TokenTree::Literal(Literal::u64_unsuffixed(n))),
        "[a-z'\\\\{}]{0,6}".prop_map(|s| TokenTree::Literal(Literal::string(&s))),
    ]
}

fn tree() -> impl Strategy<Value = TokenTree> {
    leaf().prop_recursive(3, 40, 6, |inner| {
        (
            proptest::sample::select(
                &[Delimiter::Parenthesis, Delimiter::Brace, Delimiter::Bracket][..],
            ),
            proptest::collection::vec(inner, 0..6),
        )
            .prop_map(|(d, trees)| TokenTree::Group(Group::new(d, trees.into_iter().collect())))
    })
}

fn stream(max: usize) -> impl Strategy<Value = TokenStream> {
    proptest::collection::vec(tree(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// A valid function, flattened to top-level tokens for mutation.
fn valid() -> Vec<TokenTree> {
    quote! {
        pub fn posts(author: i64, status: Option<&str>, tags: &[i64], flag: bool, #[shape] n: u8, limit: u64) -> SelectStatement {
            let mut q = Query::select();
            if let Some(s) = status { q.and_where(Expr::col(A).eq(s)); }
            if !tags.is_empty() { q.and_where(Expr::col(A).is_in(tags.iter().copied())); }
            if flag { q.limit(limit); }
            q
        }
    }
    .into_iter()
    .collect()
}

/// Runs the macro and checks its contract.
fn check(attr: TokenStream, item: TokenStream) -> Result<(), TestCaseError> {
    let out =
        std::panic::catch_unwind(|| crate::pipeline::cached_query(attr.clone(), item.clone()));
    let out = match out {
        Ok(out) => out,
        Err(_) => {
            return Err(TestCaseError::fail(format!(
                "panicked on #[cached_query({attr})] {item}"
            )));
        }
    };
    // A body with a syntax error is passed through for rustc to report, so only input that
    // is a well-formed function must expand to well-formed items.
    let well_formed = syn::parse2::<syn::ItemFn>(item.clone()).is_ok();
    if well_formed && !out.to_string().contains("compile_error") {
        prop_assert!(
            syn::parse2::<syn::File>(out).is_ok(),
            "accepted input gave an expansion that does not parse: {item}"
        );
    }
    Ok(())
}

proptest! {
    // `CACHED_QUERY_FUZZ_CASES` runs it longer (default 512 per test).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("CACHED_QUERY_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_token_streams_never_panic(attr in stream(4), item in stream(12)) {
        check(attr, item)?;
    }

    #[test]
    fn mutated_functions_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, tree()), 1..4),
    ) {
        let mut tokens = valid();
        for (at, op, new) in edits {
            let i = at.index(tokens.len().max(1));
            match op {
                0 if !tokens.is_empty() => { tokens.remove(i); }
                1 => tokens.insert(i.min(tokens.len()), new),
                _ if !tokens.is_empty() => tokens[i] = new,
                _ => {}
            }
        }
        check(TokenStream::new(), tokens.into_iter().collect())?;
    }
}
