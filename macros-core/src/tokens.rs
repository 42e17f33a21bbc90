//! Small pieces of the expansion's tokens: generated names that never clash with the user's,
//! and tuples of classes that stay within what the standard library implements.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// The most elements a tuple of arguments holds before the emitter nests it (the standard
/// library implements `Clone`, `Hash` and `Default` for tuples of up to 12).
const TUPLE: usize = 12;

/// Names of generated items and locals; mixed-site, so they never clash with the user's.
pub(crate) fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// `items` as a tuple; more than [`TUPLE`] are nested in tuples of up to [`TUPLE`].
pub(crate) fn tuple(items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= TUPLE {
        return quote!((#(#items,)*));
    }
    let groups: Vec<TokenStream> = items.chunks(TUPLE).map(|c| tuple(c.to_vec())).collect();
    tuple(groups)
}
