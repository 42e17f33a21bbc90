//! The `#[cached_query]` attribute. Use it through the `cached-query` crate, which
//! re-exports it and holds the runtime the generated code calls. This crate is the
//! proc-macro shim; the macro's logic is the `cached-query-macros-core` library.

use proc_macro::TokenStream;

/// Caches the construction and rendering of the sea-query statement this function returns.
///
/// See the `cached-query` crate for the full documentation.
#[proc_macro_attribute]
pub fn cached_query(attr: TokenStream, item: TokenStream) -> TokenStream {
    cached_query_macros_core::cached_query(attr.into(), item.into()).into()
}
