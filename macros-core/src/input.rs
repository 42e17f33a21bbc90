//! Stage one: the function as written, parsed, with no rules applied yet: its attributes,
//! signature and body (kept as tokens), its arguments, and the error accumulator every
//! stage reports to.

use proc_macro2::{Group, Ident, Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Signature, Type, Visibility};

use crate::classify::Class;

/// A function item with its body kept as tokens: the body is not needed to expand, and a
/// body with a syntax error then gets rustc's own error, not ours.
pub(crate) struct RawFn {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) sig: Signature,
    pub(crate) body: Group,
}

impl Parse for RawFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let sig: Signature = input.parse()?;
        let body: Group = input.parse()?;
        if body.delimiter() != proc_macro2::Delimiter::Brace {
            return Err(syn::Error::new(
                body.span(),
                "expected the function body `{ ... }`",
            ));
        }
        Ok(RawFn {
            attrs,
            vis,
            sig,
            body,
        })
    }
}

impl ToTokens for RawFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for attr in &self.attrs {
            attr.to_tokens(tokens);
        }
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.body.to_tokens(tokens);
    }
}

/// One argument of the function.
#[derive(Clone)]
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) mutability: Option<syn::Token![mut]>,
    pub(crate) ty: Type,
    pub(crate) class: Class,
}

/// A function `#[cached_query]` can expand.
pub(crate) struct Function {
    pub(crate) raw: RawFn,
    pub(crate) args: Vec<Arg>,
    pub(crate) ret: Type,
}

/// Collects errors so that every problem is reported at once.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.add(syn::Error::new(span, message));
    }

    pub(crate) fn add(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.0 {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}

/// Removes `#[shape]` from every argument and says which had it.
pub(crate) fn strip_shape_attrs(sig: &mut Signature, errors: &mut Errors) -> Vec<bool> {
    sig.inputs
        .iter_mut()
        .map(|input| {
            let attrs = match input {
                FnArg::Typed(pat) => &mut pat.attrs,
                FnArg::Receiver(receiver) => &mut receiver.attrs,
            };
            let shape = shape_marker(attrs, errors);
            attrs.retain(|attr| !attr.path().is_ident("shape"));
            shape
        })
        .collect()
}

/// Whether `attrs` (an argument's, a struct field's) mark it `#[shape]`, which takes no
/// arguments and is said once.
pub(crate) fn shape_marker(attrs: &[Attribute], errors: &mut Errors) -> bool {
    let mut shape = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("shape")) {
        if let Err(e) = attr.meta.require_path_only() {
            errors.push(e.span(), "`#[shape]` takes no arguments");
        }
        if shape {
            errors.push(attr.span(), "duplicate `#[shape]`");
        }
        shape = true;
    }
    shape
}
