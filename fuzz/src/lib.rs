//! What the two fuzz targets share: the macro's pipeline, input generators and the
//! properties each target checks.
//!
//! A proc-macro crate can export nothing but its macros, so `cached-query-macros` cannot be
//! called as a library. Its stages are plain modules that only use `proc-macro2`, `syn` and
//! `quote` and reach each other through `crate::`, so they are compiled in here, at this
//! crate's root, straight from `macros/src`: the fuzzer runs exactly the code the macro
//! runs, and the macros crate needs no feature, no extra export and no change to its
//! package. The list below mirrors `macros/src/lib.rs` (a new stage there is a compile
//! error here until it is added).

#[path = "../../macros/src/allow.rs"]
mod allow;
#[path = "../../macros/src/analyse.rs"]
mod analyse;
#[path = "../../macros/src/expand.rs"]
mod expand;
#[path = "../../macros/src/model.rs"]
mod model;
#[path = "../../macros/src/options.rs"]
mod options;
#[path = "../../macros/src/types.rs"]
mod types;

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
    expand::cached_query(attr, item)
}
