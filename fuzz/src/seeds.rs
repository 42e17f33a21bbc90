//! Real functions to mutate: every function in the repository's tests, UI cases, examples
//! and benchmarks (collected by `build.rs`), split into the arguments of its
//! `#[cached_query(...)]` attribute and the function without that attribute.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::visit::Visit;

include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// One function found in the sources.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The file it is in.
    pub origin: &'static str,
    /// What was inside `#[cached_query(...)]`: empty for a bare `#[cached_query]`.
    pub attr: TokenStream,
    /// The function, its other attributes kept.
    pub item: TokenStream,
    /// The function as source text, for the text mutations.
    pub text: String,
}

/// The seeds, split by whether the function carried `#[cached_query]`.
#[derive(Debug, Default)]
pub struct Seeds {
    /// Functions with the attribute: valid ones, and the UI tests' invalid ones.
    pub cached: Vec<Seed>,
    /// Every other function (tests, helpers, `main`s): the macro must reject them cleanly.
    pub plain: Vec<Seed>,
}

struct Collect<'s> {
    origin: &'static str,
    seeds: &'s mut Seeds,
}

impl Collect<'_> {
    fn add(
        &mut self,
        attrs: &[syn::Attribute],
        rest: impl ToTokens,
        block: &syn::Block,
    ) -> Option<()> {
        let mut attr = None;
        let mut others = Vec::new();
        for a in attrs {
            if a.path().segments.last()?.ident == "cached_query" {
                attr = Some(match &a.meta {
                    syn::Meta::List(list) => list.tokens.clone(),
                    _ => TokenStream::new(),
                });
            } else {
                others.push(a);
            }
        }
        let item = quote!(#(#others)* #rest #block);
        let seed = Seed {
            origin: self.origin,
            text: item.to_string(),
            attr: attr.clone().unwrap_or_default(),
            item,
        };
        match attr {
            Some(_) => self.seeds.cached.push(seed),
            None => self.seeds.plain.push(seed),
        }
        Some(())
    }
}

impl<'ast> Visit<'ast> for Collect<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let (vis, sig) = (&f.vis, &f.sig);
        self.add(&f.attrs, quote!(#vis #sig), &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let (vis, sig) = (&f.vis, &f.sig);
        self.add(&f.attrs, quote!(#vis #sig), &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

impl Seeds {
    /// Parses every source file `build.rs` collected; a file that does not parse is
    /// skipped.
    pub fn collect() -> Seeds {
        let mut seeds = Seeds::default();
        for (origin, text) in SOURCES {
            if let Ok(file) = syn::parse_file(text) {
                Collect {
                    origin,
                    seeds: &mut seeds,
                }
                .visit_file(&file);
            }
        }
        seeds
    }
}

thread_local! {
    // Token streams are not `Sync`; libFuzzer runs the target on one thread.
    static SEEDS: Seeds = Seeds::collect();
}

/// Runs `f` with the seeds (collected on first use).
pub fn with_seeds<R>(f: impl FnOnce(&Seeds) -> R) -> R {
    SEEDS.with(f)
}
