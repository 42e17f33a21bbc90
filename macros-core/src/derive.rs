//! `#[derive(cached_query::Args)]`: a struct whose fields take part in a call as arguments
//! of their types would, or an enum (a sort order, a status) keyed by its variant. Each field is classified exactly like a function argument
//! (`classify`), marked `#[shape]` the same way, and checked the same way (a constant per
//! field, spanned at its type); the runtime's `__args_struct!` writes the impls from the
//! fields' classes and kinds.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput};

use crate::classify::{Class, classify, field_class};
use crate::emit::{Checks, arg_kind, class_type};
use crate::input::{Errors, shape_marker};
use crate::types::has_lifetimes;

const GENERIC_HINT: &str = "`cached_query::Args` is derived for a struct without generic parameters or lifetimes: its fields own their values (`String`, not `&str`)";

/// The derive's expansion: the impls, or `compile_error!`s at the fields that cannot be
/// arguments.
pub(crate) fn derive_args(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.push(input.generics.span(), GENERIC_HINT);
    }
    let krate = quote_spanned!(Span::call_site()=> ::cached_query);
    let p = quote!(#krate::__private);
    let fields = match &input.data {
        Data::Struct(s) => &s.fields,
        Data::Enum(e) => {
            // An enum (a sort order, a status) in a struct argument: its variant in the key.
            // Where no variant carries data, the variant is the whole value: the body may
            // use it in any way (a conversion, a comparison, a binding), as a `#[shape]`
            // value; otherwise only its variant may decide.
            let ident = &input.ident;
            let fieldless = e
                .variants
                .iter()
                .all(|v| matches!(v.fields, syn::Fields::Unit));
            let kind = match fieldless {
                true => quote!(#p::ArgKind::Shape),
                false => quote!(#p::ArgKind::Variant),
            };
            return errors.finish(quote! {
                impl #p::ArgClass for #ident {
                    type Class = #p::ByVariant<#ident>;
                    const KIND: #p::ArgKind = #kind;
                }
            });
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                "`cached_query::Args` is derived for a struct",
            ));
        }
    };
    let mut checks = Checks::default();
    let mut parts = Vec::new();
    let mut shape_types = Vec::new();
    for (n, field) in fields.iter().enumerate() {
        let shape = shape_marker(&field.attrs, &mut errors);
        let name = match &field.ident {
            Some(ident) => quote!(#ident),
            None => {
                let index = syn::Index::from(n);
                quote!(#index)
            }
        };
        let ty = &field.ty;
        if has_lifetimes(ty) {
            errors.push(ty.span(), GENERIC_HINT);
            continue;
        }
        let class = if shape {
            shape_types.push(ty.clone());
            Ok(Class::Shape(Box::new(ty.clone())))
        } else {
            classify(ty).map(field_class)
        };
        let class = match class {
            Ok(class) => class,
            Err(hint) => {
                errors.push(ty.span(), hint);
                continue;
            }
        };
        let marker = class_type(&p, &class, n, &mut checks);
        let kind = arg_kind(&p, &class);
        let index = syn::Index::from(n);
        parts.push(quote!(#index #name: #marker = #kind));
    }
    let ident = &input.ident;
    let check_items = &checks.items;
    let values = crate::emit::shape_values_fn(&p, &shape_types);
    let values_fn = match shape_types.is_empty() {
        true => quote!(#p::no_shape_values),
        false => quote!(__cq_shape_values),
    };
    errors.finish(quote! {
        const _: () = {
            #[allow(unused_imports)]
            use #p::NotArgs as _;
            #(#check_items)*
            #values
            #krate::__args_struct! { #ident [#values_fn] { #(#parts,)* } }
        };
    })
}
