//! The function as the macro sees it: its signature checked, its arguments classified.

use proc_macro2::{Group, Ident, Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Expr, FnArg, GenericParam, Pat, ReturnType, Signature, Type, Visibility};

use crate::types::{has_impl_trait, has_lifetimes, is_ident, mentions_self, single_generic};

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

/// How an argument takes part in the cache key and in the bound values.
#[derive(Debug, Clone)]
pub(crate) enum Class {
    /// `bool`: its value is in the key.
    Flag,
    /// `#[shape]`: its value is in the key.
    Shape,
    /// Any other type: its value is bound.
    Scalar(Type),
    /// A slice, `Vec` or array: emptiness in the key, elements bound.
    List { kind: ListKind, elem: Type },
    /// `Option<T>`: presence in the key, then `T`'s class.
    Opt(Box<Class>),
}

/// The container of a list argument.
#[derive(Debug, Clone)]
pub(crate) enum ListKind {
    /// `&[T]`
    Slice,
    /// `Vec<T>`
    Vec,
    /// `&Vec<T>`
    RefVec,
    /// `[T; N]`
    Array(Expr),
    /// `&[T; N]`
    RefArray(Expr),
}

impl Class {
    /// Key bits this class needs.
    pub(crate) fn bits(&self) -> usize {
        match self {
            Class::Flag | Class::List { .. } => 1,
            Class::Opt(inner) => 1 + inner.bits(),
            Class::Shape | Class::Scalar(_) => 0,
        }
    }
}

/// One argument of the function.
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

/// The most key bits one function may use.
const MAX_BITS: usize = 64;

const RETURN_HINT: &str = "a #[cached_query] function must return a sea-query statement: SelectStatement, InsertStatement, UpdateStatement, DeleteStatement or WithQuery";

fn is_bytes(elem: &Type) -> bool {
    is_ident(elem, "u8")
}

/// The class of an argument of type `ty` (not marked `#[shape]`).
pub(crate) fn classify(ty: &Type) -> Class {
    match ty {
        Type::Paren(inner) => return classify(&inner.elem),
        Type::Group(inner) => return classify(&inner.elem),
        _ => {}
    }
    if is_ident(ty, "bool") {
        return Class::Flag;
    }
    if let Some(inner) = single_generic(ty, "Option") {
        return Class::Opt(Box::new(classify(inner)));
    }
    if let Some(elem) = single_generic(ty, "Vec").filter(|e| !is_bytes(e)) {
        return Class::List {
            kind: ListKind::Vec,
            elem: elem.clone(),
        };
    }
    match ty {
        Type::Array(array) => Class::List {
            kind: ListKind::Array(array.len.clone()),
            elem: (*array.elem).clone(),
        },
        Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            Type::Slice(slice) if !is_bytes(&slice.elem) => Class::List {
                kind: ListKind::Slice,
                elem: (*slice.elem).clone(),
            },
            Type::Array(array) => Class::List {
                kind: ListKind::RefArray(array.len.clone()),
                elem: (*array.elem).clone(),
            },
            inner => match single_generic(inner, "Vec").filter(|e| !is_bytes(e)) {
                Some(elem) => Class::List {
                    kind: ListKind::RefVec,
                    elem: elem.clone(),
                },
                None => Class::Scalar(ty.clone()),
            },
        },
        _ => Class::Scalar(ty.clone()),
    }
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
            let mut shape = false;
            attrs.retain(|attr| {
                if !attr.path().is_ident("shape") {
                    return true;
                }
                if let Err(e) = attr.meta.require_path_only() {
                    errors.push(e.span(), "`#[shape]` takes no arguments");
                }
                if shape {
                    errors.push(attr.span(), "duplicate `#[shape]`");
                }
                shape = true;
                false
            });
            shape
        })
        .collect()
}

impl Function {
    /// Checks the signature and classifies the arguments. `raw` has had its `#[shape]`
    /// attributes removed already; `shapes` says which arguments had one.
    pub(crate) fn new(raw: RawFn, shapes: &[bool], mut errors: Errors) -> syn::Result<Function> {
        let sig = &raw.sig;
        if let Some(t) = &sig.constness {
            errors.push(t.span, "#[cached_query] cannot be used on a `const fn`: the cache lives in a static and is filled at run time");
        }
        if let Some(t) = &sig.asyncness {
            errors.push(t.span, "#[cached_query] cannot be used on an `async fn`: building a statement never awaits; make it a plain `fn` and await the query elsewhere");
        }
        if let syn::Safety::Unsafe(t) = &sig.safety {
            errors.push(t.span, "#[cached_query] cannot be used on an `unsafe fn`");
        }
        if let Some(abi) = &sig.abi {
            errors.push(
                abi.span(),
                "#[cached_query] cannot be used on an `extern` function",
            );
        }
        if let Some(variadic) = &sig.variadic {
            errors.push(
                variadic.span(),
                "#[cached_query] cannot be used on a variadic function",
            );
        }
        for param in &sig.generics.params {
            match param {
                GenericParam::Lifetime(_) => {}
                GenericParam::Type(t) => errors.push(
                    t.ident.span(),
                    "#[cached_query] functions cannot be generic: each function has one cache whose key and templates are fixed at compile time; write the concrete type",
                ),
                GenericParam::Const(c) => errors.push(
                    c.ident.span(),
                    "#[cached_query] functions cannot have const generic parameters; use an argument, marked #[shape] if it changes the SQL",
                ),
            }
        }

        let mut args = Vec::new();
        let mut bits = 0;
        for (input, &shape) in sig.inputs.iter().zip(shapes) {
            let pat = match input {
                FnArg::Receiver(receiver) => {
                    errors.push(
                        receiver.self_token.span,
                        "#[cached_query] cannot cache a method with a `self` receiver: the cache is per function, not per value; make it an associated function and pass what the query needs as arguments",
                    );
                    continue;
                }
                FnArg::Typed(pat) => pat,
            };
            let ident = match &*pat.pat {
                Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
                other => {
                    errors.push(
                        other.span(),
                        "#[cached_query] needs a plain name for each argument (no patterns): bind the argument to a name and destructure it in the body",
                    );
                    continue;
                }
            };
            let mutability = match &*pat.pat {
                Pat::Ident(p) => p.mutability,
                _ => None,
            };
            let ty = (*pat.ty).clone();
            if has_impl_trait(&ty) {
                errors.push(
                    ty.span(),
                    "#[cached_query] arguments cannot be `impl Trait`: the cache needs the concrete type; write it",
                );
                continue;
            }
            if mentions_self(&ty) {
                errors.push(
                    ty.span(),
                    "#[cached_query] argument types cannot name `Self`; write the type out",
                );
                continue;
            }
            let class = if shape {
                if has_lifetimes(&ty) {
                    errors.push(
                        ty.span(),
                        "a #[shape] argument is stored in the cache key, so its type must own its value (an enum, `String`, `&'static str`, ...): no borrowed types",
                    );
                }
                Class::Shape
            } else {
                classify(&ty)
            };
            bits += class.bits();
            args.push(Arg {
                ident,
                mutability,
                ty,
                class,
            });
        }
        if bits > MAX_BITS {
            errors.push(
                sig.ident.span(),
                format!("#[cached_query] supports at most {MAX_BITS} key dimensions (flags, options, lists); this function has {bits}"),
            );
        }

        let ret = match &sig.output {
            ReturnType::Default => {
                errors.push(sig.paren_token.span.close(), RETURN_HINT);
                None
            }
            ReturnType::Type(_, ty) => match &**ty {
                Type::Path(_) => Some((**ty).clone()),
                other => {
                    errors.push(other.span(), RETURN_HINT);
                    None
                }
            },
        };
        let ret = errors.finish(ret)?;
        let Some(ret) = ret else {
            return Err(syn::Error::new(sig.ident.span(), RETURN_HINT));
        };
        Ok(Function { raw, args, ret })
    }
}
