//! What the two fuzz targets share: the macro's pipeline, input generators and the
//! properties each target checks.
//!
//! The macro's pipeline is the `cached-query-macros-core` library, which the proc-macro
//! crate is a shim over: the fuzzer runs exactly the code the macro runs.

pub mod calls;
pub mod contract;
pub mod seeds;
pub mod syntax;
pub mod tokens;

/// The whole `#[cached_query]` macro: `attr` is what is inside `#[cached_query(...)]`,
/// `item` the function it is on. Exactly what the proc-macro entry point calls.
pub fn cached_query(
    attr: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    cached_query_macros_core::cached_query(attr, item)
}
