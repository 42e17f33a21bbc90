//! The attribute's options:
//! `#[cached_query(capacity = 256, pad_in = true, verify = 0.001, inline_limit = true, lint = false, crate = my::path)]`.

use proc_macro2::Span;
use syn::parse::Parser;
use syn::{Expr, Lit, LitBool, LitInt, Path};

/// The keys `#[cached_query(...)]` accepts, for error messages.
const ACCEPTED: &str = "accepted options: `capacity = <number of shapes>`, `pad_in = <true|false>`, `verify = <fraction of hits, 0.0 to 1.0>`, `inline_limit = <true|false>`, `lint = <true|false>`, `crate = <path to cached_query>`";

const VERIFY_HINT: &str = "`verify` takes the fraction of hits to check against the uncached build, a number from 0.0 to 1.0 (`verify = 0.001` checks one hit in a thousand)";

/// Parsed attribute options.
pub(crate) struct Options {
    /// Shapes kept at most (`capacity = N`).
    pub(crate) capacity: Option<Expr>,
    /// Path to the runtime crate (`crate = path`), for crates that re-export it.
    pub(crate) krate: Option<Path>,
    /// Whether the body lint runs (`lint = false` turns it off).
    pub(crate) lint: bool,
    /// Whether `IN` lists are padded to the next power of two (`pad_in = true`).
    pub(crate) pad_in: bool,
    /// The fraction of hits verified against the uncached build (`verify = 0.001`).
    pub(crate) verify: Option<f64>,
    /// Whether `LIMIT`/`OFFSET` values are written into the SQL text (`inline_limit = true`).
    pub(crate) inline_limit: bool,
}

impl Options {
    pub(crate) fn parse(attr: proc_macro2::TokenStream) -> syn::Result<Options> {
        let mut options = Options {
            capacity: None,
            krate: None,
            lint: true,
            pad_in: false,
            verify: None,
            inline_limit: false,
        };
        let mut seen_lint = false;
        let mut seen_pad_in = false;
        let mut seen_inline_limit = false;
        let mut errors: Vec<syn::Error> = Vec::new();
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("capacity") {
                let lit: LitInt = meta.value()?.parse()?;
                match lit.base10_parse::<usize>() {
                    Ok(0) => errors.push(syn::Error::new(
                        lit.span(),
                        "`capacity` must be at least 1 (it is the number of shapes kept per function)",
                    )),
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                }
                if options.capacity.is_some() {
                    errors.push(meta.error("duplicate option `capacity`"));
                }
                options.capacity = Some(Expr::Lit(syn::ExprLit {
                    attrs: Vec::new(),
                    lit: syn::Lit::Int(lit),
                }));
                Ok(())
            } else if meta.path.is_ident("lint") {
                let hint = "`lint` takes `true` or `false`";
                options.lint = flag(&meta, "lint", hint, &mut seen_lint, &mut errors)?;
                Ok(())
            } else if meta.path.is_ident("pad_in") {
                let hint = "`pad_in` takes `true` or `false`";
                options.pad_in = flag(&meta, "pad_in", hint, &mut seen_pad_in, &mut errors)?;
                Ok(())
            } else if meta.path.is_ident("verify") {
                let lit: Lit = meta
                    .value()?
                    .parse()
                    .map_err(|e| syn::Error::new(e.span(), VERIFY_HINT))?;
                let rate = match &lit {
                    Lit::Float(f) => f.base10_parse::<f64>().ok(),
                    Lit::Int(i) => i.base10_parse::<u8>().ok().map(f64::from),
                    _ => None,
                };
                match rate {
                    Some(rate) if (0.0..=1.0).contains(&rate) => {
                        if options.verify.is_some() {
                            errors.push(meta.error("duplicate option `verify`"));
                        }
                        options.verify = Some(rate);
                    }
                    _ => errors.push(syn::Error::new(lit.span(), VERIFY_HINT)),
                }
                Ok(())
            } else if meta.path.is_ident("inline_limit") {
                let hint = "`inline_limit` takes `true` or `false` (`true` writes constant LIMIT and OFFSET values into the SQL text)";
                let seen = &mut seen_inline_limit;
                options.inline_limit = flag(&meta, "inline_limit", hint, seen, &mut errors)?;
                Ok(())
            } else if meta.path.is_ident("crate") {
                let path: Path = meta.value()?.parse()?;
                if options.krate.is_some() {
                    errors.push(meta.error("duplicate option `crate`"));
                }
                options.krate = Some(path);
                Ok(())
            } else {
                let name = meta
                    .path
                    .get_ident()
                    .map_or_else(|| "this path".to_owned(), |i| format!("`{i}`"));
                Err(meta.error(format!("unknown option {name}; {ACCEPTED}")))
            }
        });
        parser.parse2(attr)?;
        match errors.into_iter().reduce(|mut a, b| {
            a.combine(b);
            a
        }) {
            Some(err) => Err(err),
            None => Ok(options),
        }
    }

    /// The path generated code uses for the runtime crate.
    pub(crate) fn krate(&self) -> proc_macro2::TokenStream {
        match &self.krate {
            Some(path) => quote::quote!(#path),
            None => quote::quote_spanned!(Span::call_site()=> ::cached_query),
        }
    }
}

/// A `name = true|false` option's value; a second use of the option is an error.
fn flag(
    meta: &syn::meta::ParseNestedMeta<'_>,
    name: &str,
    hint: &str,
    seen: &mut bool,
    errors: &mut Vec<syn::Error>,
) -> syn::Result<bool> {
    let lit: LitBool = meta
        .value()?
        .parse()
        .map_err(|e| syn::Error::new(e.span(), hint))?;
    if std::mem::replace(seen, true) {
        errors.push(meta.error(format!("duplicate option `{name}`")));
    }
    Ok(lit.value)
}
