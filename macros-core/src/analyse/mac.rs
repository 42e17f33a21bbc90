//! Macros: `vec!`, `matches!` and sea-query's `any!`/`all!` are followed; in any other
//! macro a tainted name (also inside a format string) is a finding.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Pat};

use super::{Analysis, Context, Flow, HELP_COMPUTE, HELP_DECIDE, Taint, composite};

impl Analysis {
    pub(super) fn mac(&mut self, mac: &syn::Macro) -> Flow {
        // What is parsed from the tokens is not the body's own syntax tree: nothing in it
        // can be marked for lifting.
        self.in_macro += 1;
        let flow = self.mac_tokens(mac);
        self.in_macro -= 1;
        flow
    }

    fn mac_tokens(&mut self, mac: &syn::Macro) -> Flow {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            // `vec![..]`, and sea-query's `any![..]`/`all![..]` of conditions.
            "vec" | "any" | "all" => {
                // `vec![a, b]`, `vec![x; n]`: a list made of the values.
                if let Ok(exprs) =
                    Punctuated::<Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone())
                {
                    let parts: Vec<Flow> = exprs.iter().map(|e| self.expr(e)).collect();
                    return composite(parts);
                }
                let array =
                    proc_macro2::Group::new(proc_macro2::Delimiter::Bracket, mac.tokens.clone());
                if let Ok(repeat) = syn::parse2::<Expr>(TokenTree::Group(array).into()) {
                    return self.expr(&repeat);
                }
            }
            "matches" => {
                if let Ok((scrutinee, pat, guard)) = parse_matches(mac.tokens.clone()) {
                    if guard.is_none() && self.variant_test(&pat, &scrutinee) {
                        return None;
                    }
                    return self.scoped(|this| {
                        this.bind_expr(&pat, &scrutinee, Context::Refutable);
                        if let Some(guard) = &guard {
                            this.condition(guard);
                        }
                        None
                    });
                }
            }
            _ => {}
        }
        if let Some((span, taint)) = self.tainted_token(mac.tokens.clone()) {
            let formatting = matches!(
                name.as_str(),
                "format"
                    | "format_args"
                    | "write"
                    | "writeln"
                    | "print"
                    | "println"
                    | "eprint"
                    | "eprintln"
                    | "concat"
                    | "stringify"
                    | "panic"
                    | "dbg"
            );
            let deciding = name.contains("assert") || name == "matches";
            let message = if formatting {
                format!(
                    "`{name}!` on `{}` turns a bound argument into text: the cache binds an argument's own value, never text made from it",
                    taint.origin
                )
            } else if deciding {
                format!(
                    "`{name}!` decides on argument `{}`, but its value is not part of the cache key: every value would be served the SQL of the first one seen",
                    taint.origin
                )
            } else {
                format!(
                    "`{name}!` receives argument `{}`, and #[cached_query] cannot see what the macro does with it",
                    taint.origin
                )
            };
            let help = if deciding { HELP_DECIDE } else { HELP_COMPUTE };
            self.report_on(&taint, span, message, help);
            return None;
        }
        // No tainted name in it: evaluate what parses, for the names it binds or assigns.
        if let Ok(exprs) =
            Punctuated::<Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        {
            for e in &exprs {
                self.expr(e);
            }
        }
        None
    }

    /// The first tainted name among `tokens`, including `{name}` in format strings.
    pub(super) fn tainted_token(&self, tokens: TokenStream) -> Option<(Span, Taint)> {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    if let Some(Some(taint)) = self.lookup(&ident.to_string()) {
                        return Some((ident.span(), taint.clone()));
                    }
                }
                TokenTree::Group(g) => {
                    if let Some(found) = self.tainted_token(g.stream()) {
                        return Some(found);
                    }
                }
                TokenTree::Literal(lit) => {
                    let text = lit.to_string();
                    for inline in inline_names(&text) {
                        if let Some(Some(taint)) = self.lookup(&inline) {
                            return Some((lit.span(), taint.clone()));
                        }
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
        None
    }
}

/// `matches!(expr, pattern)` or `matches!(expr, pattern if guard)`.
fn parse_matches(tokens: TokenStream) -> syn::Result<(Expr, Pat, Option<Expr>)> {
    let parser = |input: syn::parse::ParseStream<'_>| {
        let scrutinee: Expr = input.parse()?;
        input.parse::<syn::Token![,]>()?;
        let pat = Pat::parse_multi_with_leading_vert(input)?;
        let guard = if input.peek(syn::Token![if]) {
            input.parse::<syn::Token![if]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        if input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
        }
        Ok((scrutinee, pat, guard))
    };
    parser.parse2(tokens)
}

/// Names used inline in a format string literal: `"{name}"`, `"{name:?}"`. Positional
/// arguments (`"{0}"`, `"{1:?}"`) refer to the macro's arguments, which are checked as
/// tokens, so they are not names; nor is anything that does not start like an identifier.
pub(super) fn inline_names(literal: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = literal;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(name.to_owned());
        }
    }
    out
}
