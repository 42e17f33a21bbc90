//! `#[cached_query::part]`: a helper function a cached function may pass bound values to.
//!
//! The helper's body is analysed with the rules of a cached body, for its own parameters:
//! each parameter takes its class from its type, as an argument of a cached function would
//! (an `Option` may decide by its presence, a list by its emptiness, a `bool` or a
//! `#[shape]` parameter by its value, a struct deriving `Args` by its fields' classes);
//! a `&mut` reference or a sea-query expression is what the helper builds on, and it may
//! not decide on it. Nothing is lifted in a helper (it has no key of its own).
//!
//! The helper is emitted unchanged. Next to it goes a hidden type of the same name (types
//! and functions have separate namespaces, so it travels with every `use` of the helper)
//! whose `Part::PARAMS` lists what each parameter may decide on. A cached function that
//! passes a bound value checks, through that type, that the helper is marked and that what
//! it may decide on is in its own key ([`checks`]).

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Type};

use crate::emit::{arg_kind, helper_checks, unplaced};
use crate::input::{Arg, Errors, RawFn, strip_shape_attrs};
use crate::options::Options;

const HELP_CALLER: &str = "\n\na `#[cached_query::part]` helper's computations and decisions are recomputed by its caller only where the allow-list of lifts can redo them from its parameters: otherwise compute the value, or make the decision, in the cached function and pass the result to the helper";

/// One parameter of a helper.
enum Param {
    /// Built on: a `&mut` reference or a sea-query expression.
    Builder(Ident),
    /// With a class, as an argument of a cached function.
    Class(Box<Arg>),
}

/// The whole `#[cached_query::part]` attribute.
pub(crate) fn part(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut raw = match syn::parse2::<RawFn>(item.clone()) {
        Ok(raw) => raw,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "#[cached_query::part] goes on a helper function that a #[cached_query] function calls",
            )
            .to_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let krate = match Options::parse(attr) {
        Ok(options) => options.krate(),
        Err(e) => {
            errors.add(e);
            quote!(::cached_query)
        }
    };
    let p = quote!(#krate::__private);
    let shapes = strip_shape_attrs(&mut raw.sig, &mut errors);
    check_header(&raw.sig, &mut errors);
    let params: Vec<Param> = raw
        .sig
        .inputs
        .iter()
        .zip(&shapes)
        .filter_map(|(input, &shape)| param(input, shape, &mut errors))
        .collect();
    let function = raw.to_token_stream();
    if let Err(e) = errors.finish(()) {
        let e = e.to_compile_error();
        return quote!(#e #function);
    }

    let args: Vec<Arg> = params
        .iter()
        .filter_map(|p| match p {
            Param::Class(arg) => Some((**arg).clone()),
            Param::Builder(_) => None,
        })
        .collect();
    let builders: Vec<Ident> = params
        .iter()
        .filter_map(|p| match p {
            Param::Builder(ident) => Some(ident.clone()),
            Param::Class(_) => None,
        })
        .collect();
    let mut findings = crate::analyse::check_part(&args, &builders, &raw.body);
    // Derived values are marked in the body (to take their place among the caller's), and
    // so are calls of helpers.
    let function = match findings.body.take() {
        Some(mut block) => {
            crate::analyse::rewrite(&mut block, &findings, &p, true);
            let (attrs, vis, sig) = (&raw.attrs, &raw.vis, &raw.sig);
            quote!(#(#attrs)* #vis #sig #block)
        }
        None => function,
    };
    let lift = lift(&raw, &params, &args, &findings, &p);
    let findings_errors = findings.errors.iter().map(syn::Error::to_compile_error);
    // A value computed or decided on in a helper where nothing could be lifted: the fix is
    // usually in the caller.
    let assumptions = findings.assumptions.iter().map(|a| {
        let mut a = a.clone();
        if a.want == crate::analyse::Want::Key {
            a.message.push_str(HELP_CALLER);
        }
        a
    });
    let assumptions: Vec<_> = assumptions.collect();
    let expects = crate::emit::expects(&args, &p, &assumptions);
    let pick_scope = crate::emit::pick_scope(&p, &args);
    let part_checks = helper_checks(&args, &p, &findings.parts);
    let unplaced = unplaced(&p, &findings.part_calls);
    let decided = crate::lifts::decision_bits(&findings.decided);
    let variant_checks = crate::emit::part_variant_checks(&args, &findings.variant_parts);
    let kinds = params.iter().map(|param| match param {
        Param::Builder(_) => quote!(#p::PartParam::Builder),
        Param::Class(arg) => {
            let kind = arg_kind(&p, &arg.class);
            quote!(#p::PartParam::Class(#kind))
        }
    });
    let (vis, name) = (&raw.vis, &raw.sig.ident);
    let names = findings.lifted.iter().map(|l| &l.name);
    quote! {
        #(#findings_errors)*
        #function
        #[doc(hidden)]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #name {}
        impl #p::Part for #name {
            const PARAMS: &'static [#p::PartParam] = {
                #pick_scope
                &[#(#kinds),*]
            };
            const DERIVED: &'static [&'static str] = &[#(#names),*];
            const DECIDED: &'static [(&'static str, &'static str, &'static str)] = &[#(#decided),*];
        }
        #lift
        const _: () = {
            #pick_scope
            #expects
            #part_checks
            #unplaced
            #variant_checks
        };
    }
}

/// The helper's lift, `helper::__cq_lift(params.., index)`: derived value `index` of the
/// body, recomputed from the parameters (the bindings that lead to it replayed). It takes
/// every parameter, of any type where the helper builds on it (the caller passes `()`).
fn lift(
    raw: &RawFn,
    params: &[Param],
    args: &[Arg],
    findings: &crate::analyse::Findings,
    p: &TokenStream,
) -> TokenStream {
    let index = Ident::new("__cq_index", proc_macro2::Span::mixed_site());
    let mut sig = raw.sig.clone();
    sig.ident = Ident::new("__cq_lift", proc_macro2::Span::call_site());
    sig.output = syn::parse_quote!(-> ::core::option::Option<#p::DerivedValue>);
    for (n, (input, param)) in sig.inputs.iter_mut().zip(params).enumerate() {
        if let (FnArg::Typed(typed), Param::Builder(ident)) = (input, param) {
            let generic = quote::format_ident!("__CqBuilds{}", n);
            sig.generics.params.push(syn::parse_quote!(#generic));
            *typed.ty = syn::parse_quote!(#generic);
            *typed.pat = syn::parse_quote!(#ident);
        }
    }
    sig.inputs
        .push(syn::parse_quote!(#index: ::core::primitive::u16));
    let arms = findings.lifted.iter().enumerate().map(|(i, l)| {
        let i = i as u16;
        let steps = crate::lifts::replay_steps(args, &l.chain, true);
        let expr = &l.expr;
        let value = quote_spanned!(expr.span()=> #p::derived_value(#expr));
        quote!(#i => { #(#steps)* ::core::option::Option::Some(#value) })
    });
    let (vis, name) = (&raw.vis, &raw.sig.ident);
    // The decisions' outcomes, at their bits, from the same parameters.
    let mut decide_sig = sig.clone();
    decide_sig.ident = Ident::new("__cq_decide", proc_macro2::Span::call_site());
    decide_sig.inputs.pop();
    decide_sig.output = syn::parse_quote!(-> ::core::primitive::u64);
    let bits = Ident::new("__cq_bits", proc_macro2::Span::mixed_site());
    let outcomes = crate::lifts::outcome_terms(&findings.decided, &bits, |chain| {
        let steps = crate::lifts::replay_steps(args, chain, true);
        quote!(#(#steps)*)
    });
    quote! {
        impl #name {
            #[doc(hidden)]
            #[allow(unused_variables, unused_mut, irrefutable_let_patterns, clippy::all)]
            #vis #sig {
                match #index {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
            #[doc(hidden)]
            #[allow(unused_variables, unused_mut, irrefutable_let_patterns, clippy::all)]
            #vis #decide_sig {
                let mut #bits: ::core::primitive::u64 = 0;
                #(#outcomes)*
                #bits
            }
        }
    }
}

/// What a helper may not be: a method, generic over types, `async`.
fn check_header(sig: &syn::Signature, errors: &mut Errors) {
    if let Some(t) = &sig.asyncness {
        errors.push(
            t.span,
            "#[cached_query::part] cannot be used on an `async fn`: a helper that builds a statement never awaits",
        );
    }
    for param in &sig.generics.params {
        if let GenericParam::Type(_) | GenericParam::Const(_) = param {
            errors.push(
                param.span(),
                "#[cached_query::part] helpers cannot be generic: what a parameter may decide on is read from its type; write the concrete type",
            );
        }
    }
}

/// One parameter, with its class or as a builder; `None` (and an error) when it can be
/// neither.
fn param(input: &FnArg, shape: bool, errors: &mut Errors) -> Option<Param> {
    match input {
        FnArg::Receiver(receiver) => {
            errors.push(
                receiver.self_token.span,
                "#[cached_query::part] goes on a free function: a cached function calls it by its path; pass the value as a parameter",
            );
            None
        }
        FnArg::Typed(pat) if !shape && builds_on(&pat.ty) => match &*pat.pat {
            syn::Pat::Ident(ident) => Some(Param::Builder(ident.ident.clone())),
            other => {
                errors.push(
                    other.span(),
                    "#[cached_query::part] needs a plain name for each parameter (no patterns)",
                );
                None
            }
        },
        input => crate::validate::argument(input, shape, errors).map(|a| Param::Class(Box::new(a))),
    }
}

/// Whether a parameter of type `ty` is what the helper builds on: a `&mut` reference or a
/// sea-query expression, condition or statement.
fn builds_on(ty: &Type) -> bool {
    const NAMES: &[&str] = &[
        "Expr",
        "SimpleExpr",
        "Condition",
        "ConditionExpression",
        "SelectStatement",
        "InsertStatement",
        "UpdateStatement",
        "DeleteStatement",
        "WithQuery",
        "OnConflict",
    ];
    match ty {
        Type::Reference(r) => r.mutability.is_some() || builds_on(&r.elem),
        Type::Paren(p) => builds_on(&p.elem),
        Type::Group(g) => builds_on(&g.elem),
        Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .is_some_and(|last| NAMES.iter().any(|name| last.ident == name)),
        _ => false,
    }
}
