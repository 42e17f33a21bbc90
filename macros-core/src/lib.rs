//! The logic of the `#[cached_query]` attribute, as a plain library: the proc-macro crate
//! (`cached-query-macros`) is a thin shim that calls [`cached_query`], and the fuzz targets
//! and the generator of random bodies call it directly. Use the attribute through the
//! `cached-query` crate.
//!
//! The macro is a pipeline, one module a stage, all reporting to one error accumulator:
//!
//! 1. `input`: the function as written, parsed (attributes, signature, body as tokens);
//! 2. `classify`: each argument's class, from its type;
//! 3. `validate`: the signature rules (no generics, no `async`, no `self`, ...);
//! 4. `analyse`: every bound value followed through the body, allowed only what the table
//!    in `allow` lists;
//! 5. `emit`: the cached function.
//!
//! `pipeline` runs them in order; `options` parses the attribute's arguments.

use proc_macro2::TokenStream;

mod allow;
pub(crate) mod analyse;
mod classify;
mod derive;
mod emit;
#[cfg(test)]
mod fuzz;
mod input;
mod lifts;
mod options;
mod part;
mod pipeline;
mod tokens;
mod types;
mod validate;

/// The whole `#[cached_query]` macro: `attr` is what is inside `#[cached_query(...)]`,
/// `item` the function it is on. On any error the function is returned unchanged (minus
/// `#[shape]` markers) next to `compile_error!`s spanned at the problems.
///
/// ```
/// let out = cached_query_macros_core::cached_query(
///     quote::quote!(),
///     quote::quote! {
///         fn by_id(id: i64) -> SelectStatement { Query::select().to_owned() }
///     },
/// );
/// assert!(!out.to_string().contains("compile_error"));
/// ```
pub fn cached_query(attr: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::cached_query(attr, item)
}

/// The signature of `item` if it parses as a function `#[cached_query]` can be put on (a
/// signature and a body): what the macro says about such a function is then a compile
/// error next to the function, never a panic. For the fuzz targets' contract.
pub fn signature(item: TokenStream) -> syn::Result<syn::Signature> {
    syn::parse2::<input::RawFn>(item).map(|raw| raw.sig)
}

/// `#[derive(cached_query::Args)]` on the struct `item`: the impls that make it an argument
/// of a cached function, or `compile_error!`s at the fields that cannot be one.
///
/// ```
/// let out = cached_query_macros_core::derive_args(quote::quote! {
///     struct Filter { search: Option<String>, published: bool, authors: Vec<i64> }
/// });
/// assert!(out.to_string().contains("__args_struct"));
/// assert!(!out.to_string().contains("compile_error"));
/// ```
pub fn derive_args(item: TokenStream) -> TokenStream {
    derive::derive_args(item)
}

/// `#[cached_query::part]` on the helper function `item`: the helper unchanged, its body
/// checked with the rules of a cached body for its own parameters, and the hidden type a
/// cached function's expansion checks a call against; or `compile_error!`s next to the
/// helper.
///
/// ```
/// let out = cached_query_macros_core::part(
///     quote::quote!(),
///     quote::quote! {
///         fn visible(q: &mut SelectStatement, viewer: Option<i64>) {
///             if let Some(id) = viewer {
///                 q.and_where(Expr::col(Post::Author).eq(id));
///             }
///         }
///     },
/// );
/// assert!(out.to_string().contains("Part for visible"));
/// assert!(!out.to_string().contains("compile_error"));
/// ```
pub fn part(attr: TokenStream, item: TokenStream) -> TokenStream {
    part::part(attr, item)
}
