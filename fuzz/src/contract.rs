//! The `expand` target: what the macro must do with any input, and the inputs it gets.
//!
//! The contract ([`check`]): the macro never panics and gives the same output for the same
//! input; every `compile_error!` it emits carries a message; and
//!
//! - input it cannot read as a function comes back unchanged after a `compile_error!`;
//! - a function it rejects is still emitted (so the rest of the crate type-checks) next to
//!   at least one `compile_error!`;
//! - a function it accepts without an error is expanded into the cached function (its
//!   `FnSpec` static is there), and if the input was a well-formed function, the expansion is
//!   exactly one function item of the same name that parses.
//!
//! So there is no silent rejection: output without a `compile_error!` is always the
//! expansion.

use arbitrary::{Result, Unstructured};
use proc_macro2::{TokenStream, TokenTree};

use crate::seeds::with_seeds;
use crate::{syntax, tokens};

/// Text the text mutations insert.
const SNIPPETS: &[&str] = &[
    "#[shape] ",
    "#[shape(x)] ",
    "#[shape = 1] ",
    "'a ",
    "'static ",
    "mut ",
    "&",
    "&'a ",
    "Option<",
    "Vec<",
    ">",
    "<",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    ":",
    "::",
    "->",
    "=>",
    "self, ",
    "&self, ",
    "impl Fn() ",
    "dyn A ",
    "<T> ",
    "<const N: usize> ",
    "where T: Copy ",
    "async ",
    "const ",
    "unsafe ",
    "extern \"C\" ",
    "(a, b): (i64, i64), ",
    "x: [i64; 3], ",
    "x: &[u8], ",
    "x: Option<Option<&str>>, ",
    "x: bool, ",
    " -> SelectStatement ",
    " -> () ",
    " -> impl Sized ",
    "if limit > 1 { } ",
    "match status { Some(s) => {}, None => {} } ",
    "let n = ids.len(); ",
    "format!(\"{limit}\") ",
    "limit as i64 ",
    "return q; ",
    "#[doc = \"x\"] ",
    "#[cfg(any())] ",
    "pub(crate) ",
    "r#",
    "1e400 ",
    "\"",
    "'",
    "/*",
    "*/",
];

/// One text edit of `text`: delete a range, insert a snippet or arbitrary text, or replace
/// a range with a snippet. Positions snap to character boundaries.
fn edit_text(u: &mut Unstructured<'_>, text: &mut String) -> Result<()> {
    let boundary = |text: &str, mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let at = boundary(text, u.choose_index(text.len() + 1)?);
    let end = boundary(text, at + u.int_in_range(1..=24)?);
    match u.int_in_range(0..=3)? {
        0 => {
            text.replace_range(at..end, "");
        }
        1 => text.insert_str(at, u.choose(SNIPPETS)?),
        2 => text.insert_str(at, u.arbitrary::<&str>()?),
        _ => text.replace_range(at..end, u.choose(SNIPPETS)?),
    }
    Ok(())
}

/// The attribute arguments and the item of one input, or `None` when the input is text
/// that does not lex (rustc would never call the macro with it).
fn input(u: &mut Unstructured<'_>) -> Result<Option<(TokenStream, TokenStream)>> {
    let mode = u.int_in_range(0..=6)?;
    with_seeds(|seeds| {
        Ok(match mode {
            // Random tokens.
            0 => Some((tokens::attr(u)?, tokens::stream(u, 0, 24)?)),
            // A real `#[cached_query]` function with tree edits at any depth, its own
            // options or random ones.
            1 => {
                let seed = u.choose(&seeds.cached)?;
                let attr = if u.ratio(1, 4)? {
                    tokens::attr(u)?
                } else {
                    seed.attr.clone()
                };
                Some((attr, tokens::mutate(u, seed.item.clone())?))
            }
            // A real function with structural edits (`#[shape]`, types, arguments,
            // qualifiers, statements using the arguments), sometimes tree edits after.
            2 | 3 => {
                let seed = if u.ratio(5, 6)? {
                    u.choose(&seeds.cached)?
                } else {
                    u.choose(&seeds.plain)?
                };
                let attr = if u.ratio(1, 5)? {
                    tokens::attr(u)?
                } else {
                    seed.attr.clone()
                };
                let mut item = syntax::mutate(u, &seed.item)?;
                if u.ratio(1, 4)? {
                    item = tokens::mutate(u, item)?;
                }
                Some((attr, item))
            }
            // A real function with text edits, re-lexed.
            4 => {
                let seed = if u.ratio(4, 5)? {
                    u.choose(&seeds.cached)?
                } else {
                    u.choose(&seeds.plain)?
                };
                let mut text = seed.text.clone();
                for _ in 0..u.int_in_range(1..=6)? {
                    edit_text(u, &mut text)?;
                }
                text.parse::<TokenStream>()
                    .ok()
                    .map(|item| (seed.attr.clone(), item))
            }
            // Any other function of the repository, unmutated or lightly, with options.
            5 => {
                let seed = u.choose(&seeds.plain)?;
                let item = if u.ratio(1, 2)? {
                    tokens::mutate(u, seed.item.clone())?
                } else {
                    seed.item.clone()
                };
                Some((tokens::attr(u)?, item))
            }
            // Raw text: the first line is the attribute's arguments, the rest the item.
            _ => {
                let bytes = u.bytes(u.len())?;
                let text = match std::str::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
                };
                let (attr, item) = text.split_once('\n').unwrap_or(("", text));
                match (attr.parse::<TokenStream>(), item.parse::<TokenStream>()) {
                    (Ok(attr), Ok(item)) => Some((attr, item)),
                    _ => None,
                }
            }
        })
    })
}

/// Whether `CACHED_QUERY_FUZZ_PRINT` is set: then every input is printed before the macro
/// runs, which is how to see the function behind a crash file (libFuzzer aborts on a panic,
/// so the harness cannot add the input to the macro's own panic message).
fn print_inputs() -> bool {
    static PRINT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PRINT.get_or_init(|| std::env::var_os("CACHED_QUERY_FUZZ_PRINT").is_some())
}

/// Runs one fuzzer input through [`check`].
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    if let Ok(Some((attr, item))) = input(&mut u) {
        if print_inputs() {
            eprintln!("#[cached_query({attr})]\n{item}");
        }
        check(&attr, &item);
    }
}

/// The messages of the `compile_error!`s at the top level of `out`.
///
/// # Panics
///
/// If one has no message, or not exactly one string literal.
fn compile_errors(out: &TokenStream) -> Vec<String> {
    let trees: Vec<TokenTree> = out.clone().into_iter().collect();
    let mut messages = Vec::new();
    for window in trees.windows(3) {
        let [
            TokenTree::Ident(name),
            TokenTree::Punct(bang),
            TokenTree::Group(args),
        ] = window
        else {
            continue;
        };
        if name != "compile_error" || bang.as_char() != '!' {
            continue;
        }
        let inner: Vec<TokenTree> = args.stream().into_iter().collect();
        let message = match inner.as_slice() {
            [TokenTree::Literal(lit)] => syn::parse_str::<syn::LitStr>(&lit.to_string())
                .map(|s| s.value())
                .unwrap_or_else(|_| panic!("compile_error! without a string: {args}")),
            _ => panic!("compile_error! without exactly one message: {args}"),
        };
        assert!(
            !message.trim().is_empty(),
            "compile_error! with an empty message"
        );
        messages.push(message);
    }
    messages
}

/// Whether `fn <name>` appears at the top level of `out`.
fn emits_fn(out: &TokenStream, name: &proc_macro2::Ident) -> bool {
    let trees: Vec<TokenTree> = out.clone().into_iter().collect();
    trees
        .windows(2)
        .any(|w| matches!(w, [TokenTree::Ident(f), TokenTree::Ident(n)] if f == "fn" && n == name))
}

/// Runs the macro on `#[cached_query(attr)] item` and checks the contract in the module
/// documentation.
///
/// # Panics
///
/// When the macro breaks the contract (or panics itself).
pub fn check(attr: &TokenStream, item: &TokenStream) {
    let out = crate::cached_query(attr.clone(), item.clone());
    let again = crate::cached_query(attr.clone(), item.clone());
    let text = out.to_string();
    assert_eq!(
        text,
        again.to_string(),
        "two expansions of the same input differ"
    );
    let errors = compile_errors(&out);
    let context = || format!("#[cached_query({attr})]\n{item}\n=> {text}");
    match (
        errors.is_empty(),
        cached_query_macros_core::signature(item.clone()),
    ) {
        (true, Err(_)) => panic!(
            "input that is not a function came back without a compile_error!\n{}",
            context()
        ),
        (false, Err(_)) => assert!(
            text.ends_with(&item.to_string()),
            "input that is not a function was not passed through after the error\n{}",
            context()
        ),
        (false, Ok(sig)) => assert!(
            emits_fn(&out, &sig.ident),
            "a rejected function was not emitted next to its errors\n{}",
            context()
        ),
        (true, Ok(sig)) => {
            assert!(
                text.contains("FnSpec"),
                "no compile_error!, but no expansion either (a silent rejection)\n{}",
                context()
            );
            if syn::parse2::<syn::ItemFn>(item.clone()).is_ok() {
                let file = syn::parse2::<syn::File>(out).unwrap_or_else(|e| {
                    panic!(
                        "an accepted function expanded to items that do not parse: {e}\n{}",
                        context()
                    )
                });
                assert!(
                    matches!(file.items.as_slice(), [syn::Item::Fn(f)] if f.sig.ident == sig.ident),
                    "an accepted function did not expand to one function of its name\n{}",
                    context()
                );
            }
        }
    }
}
