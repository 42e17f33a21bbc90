//! Stage three: the signature rules. What a cached function may not be (generic, `async`,
//! a method, ...), what its arguments may not be (patterns, `impl Trait`, types that fit no
//! class), each reported at the offending token with the rewrite that works; then each
//! argument is classified.

use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Pat, ReturnType, Type};

use crate::classify::{Class, classify};
use crate::input::{Arg, Errors, Function, RawFn};
use crate::types::{has_impl_trait, has_lifetimes, mentions_self};

/// The most key bits one function may use.
const MAX_BITS: usize = 64;

const RETURN_HINT: &str = "a #[cached_query] function must return a sea-query statement: SelectStatement, InsertStatement, UpdateStatement, DeleteStatement or WithQuery";

impl Function {
    /// Checks the signature and classifies the arguments. `raw` has had its `#[shape]`
    /// attributes removed already; `shapes` says which arguments had one.
    pub(crate) fn new(raw: RawFn, shapes: &[bool], mut errors: Errors) -> syn::Result<Function> {
        let sig = &raw.sig;
        check_header(sig, &mut errors);

        let mut args = Vec::new();
        let mut bits = 0;
        for (input, &shape) in sig.inputs.iter().zip(shapes) {
            if let Some(arg) = argument(input, shape, &mut errors) {
                bits += arg.class.bits();
                args.push(arg);
            }
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

/// What the function itself may not be: `const`, `async`, `unsafe`, `extern`, variadic or
/// generic over types or constants.
fn check_header(sig: &syn::Signature, errors: &mut Errors) {
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
}

/// One argument, classified; `None` (and an error) when it cannot be one.
pub(crate) fn argument(input: &FnArg, shape: bool, errors: &mut Errors) -> Option<Arg> {
    let pat = match input {
        FnArg::Receiver(receiver) => {
            errors.push(
                    receiver.self_token.span,
                    "#[cached_query] cannot cache a method with a `self` receiver: the cache is per function, not per value; make it an associated function and pass what the query needs as arguments",
                );
            return None;
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
            return None;
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
        return None;
    }
    if mentions_self(&ty) {
        errors.push(
            ty.span(),
            "#[cached_query] argument types cannot name `Self`; write the type out",
        );
        return None;
    }
    let class = if shape {
        shape_class(&ty, errors)
    } else {
        match classify(&ty) {
            Ok(class) => class,
            Err(hint) => {
                errors.push(ty.span(), hint);
                return None;
            }
        }
    };
    Some(Arg {
        ident,
        mutability,
        ty,
        class,
    })
}

/// The class of a `#[shape]` argument of type `ty`: its value in the key, kept owned. A
/// shared reference to a type without lifetimes (`&Sort`) is read through, and the key
/// keeps a clone of the value.
fn shape_class(ty: &Type, errors: &mut Errors) -> Class {
    if let Type::Reference(r) = ty
        && r.mutability.is_none()
        && !has_lifetimes(&r.elem)
        && !matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str"))
    {
        return Class::Ref(Box::new(Class::Shape(r.elem.clone())), r.elem.clone());
    }
    if has_lifetimes(ty) {
        errors.push(
            ty.span(),
            "a #[shape] argument is stored in the cache key, so its type must own its value (an enum, `String`, `&'static str`, `&T` of such a type, ...): no other borrowed types",
        );
    }
    Class::Shape(Box::new(ty.clone()))
}
