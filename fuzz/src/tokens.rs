//! Token streams from the fuzzer's bytes: random ones over a Rust-and-sea-query vocabulary,
//! and mutations of real functions at any depth of their token trees.

use arbitrary::{Result, Unstructured};
use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Identifiers the generator picks from: keywords, the macro's own words, types it
/// classifies, sea-query names, and names the seed functions use.
const WORDS: &[&str] = &[
    "fn",
    "pub",
    "crate",
    "async",
    "const",
    "unsafe",
    "extern",
    "self",
    "Self",
    "super",
    "mut",
    "ref",
    "impl",
    "dyn",
    "where",
    "for",
    "in",
    "if",
    "else",
    "let",
    "match",
    "while",
    "loop",
    "return",
    "move",
    "as",
    "Some",
    "None",
    "Option",
    "Vec",
    "String",
    "str",
    "bool",
    "u8",
    "i32",
    "i64",
    "u64",
    "f64",
    "char",
    "std",
    "core",
    "SelectStatement",
    "InsertStatement",
    "UpdateStatement",
    "DeleteStatement",
    "WithQuery",
    "Query",
    "select",
    "Expr",
    "col",
    "eq",
    "is_in",
    "and_where",
    "limit",
    "cust",
    "format",
    "shape",
    "cached_query",
    "capacity",
    "lint",
    "doc",
    "allow",
    "cfg",
    "true",
    "false",
    "ids",
    "status",
    "author",
    "q",
    "x",
    "len",
    "is_empty",
    "iter",
    "copied",
    "to_string",
    "_",
    "__cq_args",
    "__CqClass",
];

/// Punctuation the generator picks from.
const PUNCTS: &[char] = &[
    ':', ',', '&', '<', '>', '-', '=', '#', '!', '.', ';', '\'', '*', '+', '?', '|', '/', '%', '^',
    '@', '$', '~',
];

const DELIMITERS: &[Delimiter] = &[
    Delimiter::Parenthesis,
    Delimiter::Brace,
    Delimiter::Bracket,
    Delimiter::None,
];

/// Groups nest at most this deep in generated trees.
const MAX_DEPTH: usize = 4;

fn ident(u: &mut Unstructured<'_>) -> Result<Ident> {
    let word = *u.choose(WORDS)?;
    Ok(if u.ratio(1, 16)? {
        // Raw identifiers exist for every word but these.
        match word {
            "self" | "Self" | "super" | "crate" | "_" => Ident::new(word, Span::call_site()),
            _ => Ident::new_raw(word, Span::call_site()),
        }
    } else if u.ratio(1, 8)? {
        // Every word is made of identifier characters, so `word_N` is an identifier too.
        let suffix: u16 = u.arbitrary()?;
        Ident::new(&format!("{word}_{suffix}"), Span::call_site())
    } else {
        Ident::new(word, Span::call_site())
    })
}

fn literal(u: &mut Unstructured<'_>) -> Result<Literal> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Literal::u64_unsuffixed(u.arbitrary()?),
        1 => Literal::i64_suffixed(u.arbitrary()?),
        2 => Literal::usize_unsuffixed(u.int_in_range(0..=2048)?),
        3 => {
            let f: f64 = u.arbitrary()?;
            Literal::f64_unsuffixed(if f.is_finite() { f } else { 1.5 })
        }
        4 => Literal::character(u.arbitrary()?),
        5 => Literal::byte_string(u.arbitrary::<&[u8]>()?),
        6 => Literal::u8_suffixed(u.arbitrary()?),
        _ => Literal::string(u.arbitrary::<&str>()?),
    })
}

/// One random token tree, groups nested at most [`MAX_DEPTH`] deep. A lifetime (`'a`) is
/// two trees, so it comes out as a stream.
pub fn tree(u: &mut Unstructured<'_>, depth: usize) -> Result<TokenStream> {
    let tree = match u.int_in_range(0..=11)? {
        0..=4 => TokenTree::Ident(ident(u)?),
        5..=6 => {
            let spacing = if u.ratio(1, 3)? {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            TokenTree::Punct(Punct::new(*u.choose(PUNCTS)?, spacing))
        }
        7 => TokenTree::Literal(literal(u)?),
        8 => {
            let mut tick = Punct::new('\'', Spacing::Joint);
            tick.set_span(Span::call_site());
            let name = *u.choose(&["a", "b", "static", "_", "__cq"])?;
            return Ok([
                TokenTree::Punct(tick),
                TokenTree::Ident(Ident::new(name, Span::call_site())),
            ]
            .into_iter()
            .collect());
        }
        _ if depth < MAX_DEPTH => {
            let delimiter = *u.choose(DELIMITERS)?;
            TokenTree::Group(Group::new(delimiter, stream(u, depth + 1, 8)?))
        }
        _ => TokenTree::Ident(ident(u)?),
    };
    Ok(TokenStream::from(tree))
}

/// A random stream of up to `max` trees.
pub fn stream(u: &mut Unstructured<'_>, depth: usize, max: usize) -> Result<TokenStream> {
    let n = u.int_in_range(0..=max)?;
    let mut out = TokenStream::new();
    for _ in 0..n {
        out.extend(tree(u, depth)?);
    }
    Ok(out)
}

/// Random attribute arguments: the accepted options with good and bad values, unknown
/// keys, duplicates, or random tokens.
pub fn attr(u: &mut Unstructured<'_>) -> Result<TokenStream> {
    const FORMS: &[&str] = &[
        "",
        "capacity = 8",
        "capacity = 0",
        "capacity = 1",
        "capacity = 18446744073709551616",
        "capacity = -1",
        "capacity = 1.5",
        "capacity = \"8\"",
        "capacity",
        "lint = false",
        "lint = true",
        "lint = 1",
        "lint",
        "crate = ::cached_query",
        "crate = my::reexport",
        "crate = \"cached_query\"",
        "crate = self",
        "unknown = 1",
        "capacity = 4, lint = false, crate = cached_query",
        "capacity = 4, capacity = 5",
        "lint = false, lint = false",
        "crate = a, crate = b",
        "capacity = 4,",
        ", capacity = 4",
        "capacity = 4 lint = false",
        "capacity(4)",
        "shape",
    ];
    if u.ratio(1, 4)? {
        return stream(u, 1, 6);
    }
    let mut out = TokenStream::new();
    for _ in 0..u.int_in_range(1..=2)? {
        let form = *u.choose(FORMS)?;
        if !out.is_empty() {
            out.extend(",".parse::<TokenStream>().into_iter().flatten());
        }
        out.extend(form.parse::<TokenStream>().into_iter().flatten());
    }
    Ok(out)
}

/// Applies 1 to 8 random edits to `tokens`, each at a random depth: remove, insert, replace,
/// duplicate or swap a tree, change or remove a group's delimiters, or swap in another tree
/// of the same stream.
pub fn mutate(u: &mut Unstructured<'_>, tokens: TokenStream) -> Result<TokenStream> {
    let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
    for _ in 0..u.int_in_range(1..=8)? {
        edit(u, &mut trees, 0)?;
    }
    Ok(trees.into_iter().collect())
}

fn edit(u: &mut Unstructured<'_>, trees: &mut Vec<TokenTree>, depth: usize) -> Result<()> {
    if trees.is_empty() {
        trees.extend(tree(u, depth)?);
        return Ok(());
    }
    let i = u.choose_index(trees.len())?;
    // Function bodies are groups in groups: descend often.
    if let TokenTree::Group(group) = &trees[i]
        && depth < 12
        && u.ratio(3, 5)?
    {
        let mut inner: Vec<TokenTree> = group.stream().into_iter().collect();
        let delimiter = group.delimiter();
        let span = group.span();
        edit(u, &mut inner, depth + 1)?;
        let mut rebuilt = Group::new(delimiter, inner.into_iter().collect());
        rebuilt.set_span(span);
        trees[i] = TokenTree::Group(rebuilt);
        return Ok(());
    }
    match u.int_in_range(0..=7)? {
        0 => {
            trees.remove(i);
        }
        1 => {
            let new: Vec<TokenTree> = tree(u, depth)?.into_iter().collect();
            trees.splice(i..i, new);
        }
        2 => {
            let new: Vec<TokenTree> = tree(u, depth)?.into_iter().collect();
            trees.splice(i..=i, new);
        }
        3 => {
            let copy = trees[i].clone();
            trees.insert(i, copy);
        }
        4 => {
            let j = u.choose_index(trees.len())?;
            trees.swap(i, j);
        }
        5 => {
            let j = u.choose_index(trees.len())?;
            trees[i] = trees[j].clone();
        }
        6 => {
            if let TokenTree::Group(group) = &trees[i] {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                trees.splice(i..=i, inner);
            }
        }
        _ => {
            if let TokenTree::Group(group) = &trees[i] {
                let delimiter = *u.choose(DELIMITERS)?;
                trees[i] = TokenTree::Group(Group::new(delimiter, group.stream()));
            }
        }
    }
    Ok(())
}
