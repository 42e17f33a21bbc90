//! Reading and rewriting argument types.

use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, Lifetime, PathArguments, Type, TypeReference};

/// The generic argument `T` of a one-parameter path type named `name` (last segment), as in
/// `Option<T>`, `std::option::Option<T>` or `Vec<T>`.
pub(crate) fn single_generic<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    if args.args.len() != 1 {
        return None;
    }
    match args.args.first()? {
        GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// Whether `ty` is the plain path `name` (`bool`, `u8`).
pub(crate) fn is_ident(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(path) => path.qself.is_none() && path.path.is_ident(name),
        Type::Paren(inner) => is_ident(&inner.elem, name),
        Type::Group(inner) => is_ident(&inner.elem, name),
        _ => false,
    }
}

/// Whether `ty` borrows: mentions a lifetime other than `'static`, written or elided in a
/// reference.
pub(crate) fn has_lifetimes(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_reference(&mut self, r: &TypeReference) {
            if r.lifetime.is_none() {
                self.0 = true;
            }
            syn::visit::visit_type_reference(self, r);
        }
        fn visit_lifetime(&mut self, lt: &Lifetime) {
            if lt.ident != "static" {
                self.0 = true;
            }
        }
        fn visit_path_segment(&mut self, segment: &syn::PathSegment) {
            if elided_cow(segment) {
                self.0 = true;
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

/// Whether `segment` is `Cow<T>` with its lifetime left out (`Cow<str>`, as applications
/// write it in an argument).
fn elided_cow(segment: &syn::PathSegment) -> bool {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) if segment.ident == "Cow" => !args
            .args
            .iter()
            .any(|a| matches!(a, GenericArgument::Lifetime(_))),
        _ => false,
    }
}

/// Whether `ty` names `Self`.
pub(crate) fn mentions_self(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_ident(&mut self, ident: &proc_macro2::Ident) {
            if ident == "Self" {
                self.0 = true;
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

/// Whether `ty` contains `impl Trait`.
pub(crate) fn has_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

/// `ty` as the cached function's signature has it: elided and `'_` lifetimes named `name`.
pub(crate) fn name_lifetimes(ty: &Type, name: &str) -> Type {
    struct Rewriter<'n>(&'n str);
    impl VisitMut for Rewriter<'_> {
        fn visit_type_reference_mut(&mut self, r: &mut TypeReference) {
            if r.lifetime.is_none() {
                r.lifetime = Some(Lifetime::new(self.0, r.and_token.span));
            }
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
        fn visit_lifetime_mut(&mut self, lt: &mut Lifetime) {
            if lt.ident == "_" {
                *lt = Lifetime::new(self.0, lt.apostrophe);
            }
        }
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            if elided_cow(segment)
                && let PathArguments::AngleBracketed(args) = &mut segment.arguments
            {
                let span = segment.ident.span();
                args.args
                    .insert(0, GenericArgument::Lifetime(Lifetime::new(self.0, span)));
            }
            syn::visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let mut ty = ty.clone();
    Rewriter(name).visit_type_mut(&mut ty);
    ty
}

/// The name the signature gives the arguments' elided lifetimes, which the handle borrows
/// for: `'args`, unless the function names a lifetime so already. It shows in the
/// function's documentation, so it reads as what it is.
pub(crate) fn args_lifetime(sig: &syn::Signature) -> String {
    let taken: Vec<String> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.ident.to_string())
        .collect();
    let mut name = "args".to_owned();
    while taken.contains(&name) {
        name.push('_');
    }
    format!("'{name}")
}
