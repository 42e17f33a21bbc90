//! The `#[cached_query]` attribute. Use it through the `cached-query` crate, which
//! re-exports it and holds the runtime the generated code calls.
//!
//! The macro is a pipeline, one module a stage: `options` parses the attribute's
//! arguments, `model` parses the function and classifies its arguments (checking the
//! signature on the way), `analyse` follows every bound argument through the body and
//! allows only what the table in `allow` lists, and `expand` emits the cached function.
//!
//! The stages use only `proc-macro2`, `syn` and `quote`, so the fuzz crate (`fuzz/`, outside
//! the workspace) compiles these same files as its own modules and calls `expand` directly;
//! a new stage has to be listed in `fuzz/src/lib.rs` too.

use proc_macro::TokenStream;

mod allow;
mod analyse;
mod classify;
mod emit;
#[cfg(test)]
mod fuzz;
mod input;
mod options;
mod pipeline;
mod types;
mod validate;

/// Caches the construction and rendering of the sea-query statement this function returns.
///
/// See the `cached-query` crate for the full documentation.
#[proc_macro_attribute]
pub fn cached_query(attr: TokenStream, item: TokenStream) -> TokenStream {
    pipeline::cached_query(attr.into(), item.into()).into()
}
