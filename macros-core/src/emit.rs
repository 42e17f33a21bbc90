//! Stage five: the cached function. The macro emits the user's signature returning a
//! `Cached` handle, a type alias naming the arguments' classes (a tuple of marker types the
//! runtime composes), one static `FnSpec` with the function's names, options and body, a
//! registration for warm-up, and the call. Everything the classes imply (the key, where
//! each value is read, how to probe) is the runtime's, through generic impls.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Pat, parse_quote};

use crate::analyse::{Assumption, Findings, Has, PartCall, Want};
use crate::classify::{Class, Leaf, ListKind};
use crate::input::{Arg, Function};
use crate::lifts::lifted;
use crate::options::Options;
use crate::tokens::{local, tuple};
use crate::types::{args_lifetime, has_lifetimes, name_lifetimes};

/// The expansion of a function that passed every check. `findings` are what the body
/// analysis assumed of parts of struct arguments (each becomes a compile-time check) and
/// the values the body derives from the arguments (each is marked in the body and
/// recomputed by the function's lift).
pub(crate) fn emit(f: &Function, options: &Options, findings: &Findings) -> TokenStream {
    let assumptions = &findings.assumptions;
    let krate = options.krate();
    let p = quote!(#krate::__private);
    let class_name = local("__CqClass");
    let spec = local("__CQ_FN");
    let args = local("__cq_args");
    let body_fn = local("__cq_body");
    let (ret_check, ret_checked) = return_check(&f.ret, &p);
    let ret = &f.ret;
    let ret = quote_spanned!(ret.span()=> #ret);
    let crate::input::RawFn { attrs, vis, .. } = &f.raw;
    // A body that derives values has each marked (by the pipeline), to yield sentinels
    // while probed.
    let body = match &findings.body {
        Some(block) => quote!(#block),
        None => f.raw.body.to_token_stream(),
    };
    let sig = signature(f, &p);

    let mut checks = Checks::default();
    let classes: Vec<TokenStream> = f
        .args
        .iter()
        .enumerate()
        .map(|(n, a)| class_type(&p, &a.class, n, &mut checks))
        .collect();
    let class = tuple(classes);
    let check_items = &checks.items;
    let variant_checks = variant_checks(f, &findings.variants);
    let part_variant_checks = part_variant_checks(&f.args, &findings.variant_parts);
    let expects = expects(&f.args, &p, assumptions);
    let pick_scope = pick_scope(&p, &f.args);
    let part_checks = helper_checks(&f.args, &p, &findings.parts);
    let unplaced = unplaced(&p, &findings.part_calls);
    let pattern = tuple(
        f.args
            .iter()
            .map(|a| {
                let (mutability, ident) = (&a.mutability, &a.ident);
                quote!(#mutability #ident)
            })
            .collect(),
    );
    let call = tuple(f.args.iter().map(|a| a.ident.to_token_stream()).collect());

    let meta = meta(f, options, &p);
    let shape_values = shape_values(f, &p);
    let shape_values_fn = match shape_values.is_empty() {
        true => quote!(#p::no_shape_values),
        false => quote!(__cq_shape_values),
    };

    // A body that names `Self` (a function in an `impl` block) cannot move into an item of
    // its own: it stays a closure, known to warm-up after the first call.
    let unpack = quote!(let #pattern = ::core::clone::Clone::clone(#args););
    let (body_item, spec_value) = if mentions_self(body.clone()) {
        (
            quote! {
                let #body_fn: #p::BodyOf<#class_name, #ret_checked> = |#args| { #unpack #body };
            },
            quote!(#p::FnSpec::<#class_name, #ret_checked>::with_late_body(#meta, #shape_values_fn)),
        )
    } else {
        (
            quote! {
                fn #body_fn(#args: &#p::ArgsOf<'_, #class_name>) -> #ret { #unpack #body }
            },
            quote!(#p::FnSpec::<#class_name, #ret_checked>::new(#meta, #body_fn, #shape_values_fn)),
        )
    };

    let (lift_item, spec_value) = lifted(f, &p, &class_name, findings, spec_value);

    quote! {
        #(#attrs)*
        #vis #sig {
            #pick_scope
            #ret_check
            #(#check_items)*
            #variant_checks
            #part_variant_checks
            #expects
            #part_checks
            #unplaced
            type #class_name = #class;
            #shape_values
            static #spec: #p::FnSpec<#class_name, #ret_checked> = #spec_value;
            #p::inventory::submit! { #p::Registration::new(&#spec) }
            #body_item
            #lift_item
            #p::bind::<#class_name, #ret_checked>(#call, #body_fn, &#spec)
        }
    }
}

/// The return type's check constant and the type as the spec names it: sea-query's
/// statements by name need no check; any other type goes through one, so that a type that
/// is not a statement is reported once, at the return type.
fn return_check(ret: &syn::Type, p: &TokenStream) -> (TokenStream, TokenStream) {
    if is_statement_name(ret) {
        return (quote!(), quote!(#ret));
    }
    let constant = local("__CQ_RET");
    (
        quote_spanned!(ret.span()=>
            const #constant: ::core::primitive::usize = #p::assert_statement::<#ret>();
        ),
        quote_spanned!(ret.span()=> #p::Checked<#ret, { #constant }>),
    )
}

/// For each argument matched on its variant, a function that compiles only if every path
/// its patterns name is a variant (`Path { .. }` matches variants and structs, never a
/// constant, which would compare the whole value).
fn variant_checks(f: &Function, variants: &[(usize, Vec<syn::Path>)]) -> TokenStream {
    let fns = variants
        .iter()
        .filter(|(_, paths)| !paths.is_empty())
        .filter_map(|(arg, paths)| {
            let Class::Variant(ty) = f.args.get(*arg)?.class.unref() else {
                return None;
            };
            let name = format_ident!("__cq_variants_{}", arg, span = Span::mixed_site());
            let value = local("__cq_value");
            Some(quote! {
                #[allow(unreachable_patterns, dead_code, clippy::all)]
                fn #name(#value: &#ty) {
                    match #value {
                        #(#paths { .. } => {})*
                        _ => {}
                    }
                }
            })
        });
    quote!(#(#fns)*)
}

/// For each field of a struct argument matched on its variant, a function that compiles
/// only if every path its patterns name is a variant (as `variant_checks`; with the
/// struct's own type, the field's need not be named).
pub(crate) fn part_variant_checks(
    args: &[Arg],
    parts: &[(usize, String, Vec<syn::Path>)],
) -> TokenStream {
    let checks = parts.iter().filter_map(|(arg, path, paths)| {
        let arg = args.get(*arg)?;
        let ty = match arg.class.unref() {
            Class::Record(ty) => (**ty).clone(),
            _ => {
                let mut ty = &arg.ty;
                while let syn::Type::Reference(r) = ty {
                    ty = &r.elem;
                }
                ty.clone()
            }
        };
        if has_lifetimes(&ty) {
            let message = format!(
                "#[cached_query] cannot check that the patterns on `{}.{path}` name variants: its type borrows; take the struct by `&` or by value",
                arg.ident
            );
            return Some(quote_spanned!(arg.ty.span()=> ::core::compile_error!(#message);));
        }
        let value = local("__cq_value");
        let members = path.split('.').filter(|m| !m.is_empty()).map(|m| match m.parse::<u32>() {
            Ok(index) => syn::Member::Unnamed(syn::Index::from(index as usize)),
            Err(_) => syn::Member::Named(format_ident!("{}", m)),
        });
        Some(quote! {
            #[allow(unreachable_patterns, dead_code, clippy::all)]
            const _: fn(&#ty) = |#value| match &#value #(.#members)* {
                #(#paths { .. } => {})*
                _ => {}
            };
        })
    });
    quote!(#(#checks)*)
}

/// The function's `FnMeta`: its name, arguments and options.
fn meta(f: &Function, options: &Options, p: &TokenStream) -> TokenStream {
    let name = f.raw.sig.ident.to_string();
    let names = f.args.iter().map(|a| a.ident.to_string());
    let capacity = match &options.capacity {
        Some(expr) => quote!(#expr),
        None => quote!(#p::DEFAULT_CAPACITY),
    };
    let (pad_in, inline_limit) = (options.pad_in, options.inline_limit);
    let verify = match options.verify {
        Some(rate) => {
            let rate = proc_macro2::Literal::f64_suffixed(rate);
            quote!(::core::option::Option::Some(#rate))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #p::FnMeta {
            name: #name,
            module: ::core::module_path!(),
            args: &[#(#names),*],
            capacity: #capacity,
            pad_in: #pad_in,
            verify: #verify,
            inline_limit: #inline_limit,
        }
    }
}

/// The class marker of argument `n`. The types the runtime requires traits of (a bound
/// value's, a `#[shape]` value's) go through a check constant spanned at the argument
/// (pushed to `checks`): a type that fails is reported once, there, and becomes the error
/// type, which silences the follow-on errors (see `__private::Checked`).
pub(crate) fn class_type(
    p: &TokenStream,
    class: &Class,
    n: usize,
    checks: &mut Checks,
) -> TokenStream {
    match class {
        Class::Flag => quote!(#p::Flag),
        Class::Shape(ty) if crate::classify::is_sea_enum(ty) => quote!(#p::SeaShape<#ty>),
        Class::Shape(ty) => {
            let checked = check(p, "assert_shape", ty, n, checks);
            quote!(#p::Shape<#checked>)
        }
        Class::Scalar(l) => {
            let l = leaf(p, l, n, checks);
            quote!(#p::Bound<#l>)
        }
        Class::List { kind, elem } => {
            let l = leaf(p, elem, n, checks);
            match kind {
                ListKind::Slice => quote!(#p::Slice<#l>),
                ListKind::Vec => quote!(#p::VecOf<#l>),
                ListKind::RefVec => quote!(#p::RefVec<#l>),
                ListKind::Array(len) => quote!(#p::Array<#l, { #len }>),
                ListKind::RefArray(len) => quote!(#p::RefArray<#l, { #len }>),
            }
        }
        Class::Opt(inner) => {
            let inner = class_type(p, inner, n, checks);
            quote!(#p::Opt<#inner>)
        }
        Class::Ref(inner, ty) => {
            let inner = class_type(p, inner, n, checks);
            quote!(#p::Ref<#inner, #ty>)
        }
        // Picked by the traits its type implements: its own class (a struct deriving
        // `Args`, a value type), else its whole value or its variant in the key.
        Class::Record(ty) | Class::Auto(ty) => {
            let pick = auto_pick(p, ty);
            let checked = check_pick(p, ty, &pick, n, checks);
            quote_spanned!(ty.span()=> <#pick as #p::FieldClass<#checked>>::Class)
        }
        Class::Variant(ty) => {
            let checked = check(p, "assert_variant", ty, n, checks);
            quote!(#p::ByVariant<#checked>)
        }
        Class::Tuple(elems) => {
            let elems = elems.iter().map(|c| class_type(p, c, n, checks));
            quote!(#p::Tup<(#(#elems,)*)>)
        }
    }
}

/// The leaf marker of a bound value's type.
fn leaf(p: &TokenStream, leaf: &Leaf, n: usize, checks: &mut Checks) -> TokenStream {
    match leaf {
        // sea-query has no `Value` of these: the runtime binds them widened.
        Leaf::Own(ty)
            if ["usize", "isize"]
                .iter()
                .any(|t| crate::types::is_ident(ty, t)) =>
        {
            quote!(#p::Wide<#ty>)
        }
        // The runtime binds the primitive numbers and `String` itself: no check can fail.
        Leaf::Own(ty) if crate::classify::is_primitive_value(ty) => quote!(#p::Own<#ty>),
        Leaf::Own(ty) => {
            let checked = check(p, "assert_bound", ty, n, checks);
            quote!(#p::Own<#checked>)
        }
        Leaf::Str => quote!(#p::Str),
        Leaf::Bytes => quote!(#p::Bytes),
        Leaf::CowStr => quote!(#p::CowStr),
    }
}

/// The check constants of a function's (or a struct's) argument types.
#[derive(Default)]
pub(crate) struct Checks {
    pub(crate) items: Vec<TokenStream>,
    /// How many each argument has: a tuple's elements are checked one by one.
    per_arg: std::collections::HashMap<usize, usize>,
}

/// `ty` through argument `n`'s check constant `assert_pick::<ty, pick>()`: its class as
/// `pick` chooses it.
fn check_pick(
    p: &TokenStream,
    ty: &syn::Type,
    pick: &TokenStream,
    n: usize,
    checks: &mut Checks,
) -> TokenStream {
    let assert = quote_spanned!(ty.span()=> assert_pick::<#ty, #pick>);
    checked(p, ty, assert, n, checks)
}

/// `ty` through argument `n`'s check constant, `assert(ty)`.
fn check(
    p: &TokenStream,
    assert: &str,
    ty: &syn::Type,
    n: usize,
    checks: &mut Checks,
) -> TokenStream {
    let assert = Ident::new(assert, Span::call_site());
    checked(p, ty, quote_spanned!(ty.span()=> #assert::<#ty>), n, checks)
}

/// `ty` through a new check constant of argument `n` whose value is `__private::#call()`.
fn checked(
    p: &TokenStream,
    ty: &syn::Type,
    call: TokenStream,
    n: usize,
    checks: &mut Checks,
) -> TokenStream {
    let k = checks.per_arg.entry(n).or_default();
    let constant = match *k {
        0 => format_ident!("__CQ_CHECK{}", n, span = Span::mixed_site()),
        k => format_ident!("__CQ_CHECK{}_{}", n, k, span = Span::mixed_site()),
    };
    *k += 1;
    checks.items.push(quote_spanned!(ty.span()=>
        const #constant: ::core::primitive::usize = #p::#call();
    ));
    quote_spanned!(ty.span()=> #p::Checked<#ty, { #constant }>)
}

/// `__cq_shape_values` for a function with `#[shape]` arguments: the values of each, where
/// its type implements `ShapeValues` (nothing when it has none: the runtime's
/// `no_shape_values` stands in).
fn shape_values(f: &Function, p: &TokenStream) -> TokenStream {
    let types: Vec<syn::Type> = f
        .args
        .iter()
        .filter_map(|a| match &a.class {
            Class::Shape(ty) | Class::Variant(ty) => Some((**ty).clone()),
            Class::Ref(inner, _) => match &**inner {
                Class::Shape(ty) | Class::Variant(ty) => Some((**ty).clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    shape_values_fn(p, &types)
}

/// `fn __cq_shape_values(index)`: the values of the `#[shape]` value of type `types[index]`
/// (a function's `#[shape]` arguments, a struct's `#[shape]` fields), where its type
/// implements `ShapeValues`; nothing if `types` is empty.
pub(crate) fn shape_values_fn(p: &TokenStream, types: &[syn::Type]) -> TokenStream {
    let arms: Vec<TokenStream> = types
        .iter()
        .enumerate()
        .map(|(n, ty)| {
            quote!(#n => #p::shape_values((&&#p::Detect::<#ty>(#p::PhantomData)).shape_values()))
        })
        .collect();
    if arms.is_empty() {
        return quote!();
    }
    let index = local("__cq_index");
    quote! {
        fn __cq_shape_values(#index: ::core::primitive::usize) -> ::core::option::Option<::std::boxed::Box<dyn ::core::any::Any>> {
            #[allow(unused_imports)]
            use #p::{DetectNone as _, DetectShapeValues as _};
            match #index {
                #(#arms,)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

/// The user's signature, returning the handle, with elided lifetimes named `'args` (see `args_lifetime`).
fn signature(f: &Function, p: &TokenStream) -> syn::Signature {
    let mut sig = f.raw.sig.clone();
    let name = args_lifetime(&sig);
    for input in &mut sig.inputs {
        if let FnArg::Typed(pat) = input {
            *pat.ty = name_lifetimes(&pat.ty, &name);
            if let Pat::Ident(ident) = &mut *pat.pat {
                ident.mutability = None;
            }
        }
    }
    let ret = &f.ret;
    if f.args.iter().any(|a| has_lifetimes(&a.ty)) {
        let lt = syn::Lifetime::new(&name, Span::call_site());
        let named: Vec<syn::Lifetime> = sig
            .generics
            .lifetimes()
            .map(|l| l.lifetime.clone())
            .collect();
        sig.generics
            .params
            .push(GenericParam::Lifetime(parse_quote!(#lt)));
        if sig.generics.lt_token.is_none() {
            sig.generics.lt_token = Some(Default::default());
            sig.generics.gt_token = Some(Default::default());
        }
        let where_clause = sig.generics.make_where_clause();
        for l in named {
            where_clause.predicates.push(parse_quote!(#l: #lt));
        }
        sig.output = parse_quote_spanned!(ret.span()=>
            -> #p::Cached<impl #p::QueryArgs<Statement = #ret> + #lt>
        );
    } else {
        sig.output = parse_quote_spanned!(ret.span()=>
            -> #p::Cached<impl #p::QueryArgs<Statement = #ret>>
        );
    }
    sig
}

/// `parse_quote!` with the literal tokens spanned at `$span`.
macro_rules! parse_quote_spanned {
    ($span:expr=> $($tt:tt)*) => {
        syn::parse2(quote_spanned!($span=> $($tt)*)).unwrap_or_else(|_| parse_quote!($($tt)*))
    };
}
use parse_quote_spanned;

/// Whether a body's tokens name `Self`.
fn mentions_self(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(ident) => ident == "Self",
        proc_macro2::TokenTree::Group(group) => mentions_self(group.stream()),
        _ => false,
    })
}

/// The compile-time checks of what the body analysis assumed of parts of arguments
/// ([`expect`]).
pub(crate) fn expects(args: &[Arg], p: &TokenStream, assumptions: &[Assumption]) -> TokenStream {
    let checks = assumptions.iter().filter_map(|a| expect(args, p, a));
    quote!(#(#checks)*)
}

/// The import the choice of a class by traits reads (see `auto_pick`), where an argument's
/// type names its own class.
pub(crate) fn pick_scope(p: &TokenStream, args: &[Arg]) -> Option<TokenStream> {
    args.iter()
        .any(|a| crate::classify::names_record(&a.class))
        .then(|| quote!(#[allow(unused_imports)] use #p::NotArgs as _;))
}

/// The compile-time check of what the body analysis assumed of a part of argument
/// `a.arg`: that the struct's field is an `Option`, a list, or a value in the key, as the
/// body needs. Spanned at the body's use, with the message the analysis would have given.
pub(crate) fn expect(args: &[Arg], p: &TokenStream, a: &Assumption) -> Option<TokenStream> {
    let arg = args.get(a.arg)?;
    let kind = arg_kind(p, &arg.class);
    let full = match a.path.is_empty() {
        true => arg.ident.to_string(),
        false => format!("{}.{}", arg.ident, a.path),
    };
    let shown = match full.strip_suffix(".?") {
        Some(option) => format!("the value inside `{}`", option.replace(".?", "")),
        None => format!("`{}`", full.replace(".?", "")),
    };
    let (want, needs) = match a.want {
        Want::Opt => (
            quote!(Opt),
            format!("{shown} must be an `Option` (whose presence is part of the cache key)"),
        ),
        Want::List => (
            quote!(List),
            format!("{shown} must be a list (`Vec<T>`, whose emptiness is part of the cache key)"),
        ),
        Want::Variant => (
            quote!(Variant),
            format!(
                "{shown} must be an enum deriving `cached_query::Args` (whose variant is part of the cache key), a `bool` or a field marked `#[shape]`"
            ),
        ),
        Want::Value => (
            quote!(Value),
            format!(
                "derive `cached_query::Args` on a struct, and `PartialEq, Eq` on an enum (its whole value is then in the key; an enum deriving `cached_query::Args` with data in its variants is keyed by its variant: drop that derive); or use {shown} only in `match`, `matches!` and `if let` on its variants, or where its value is recomputed on each call (`.to_string()`, a comparison, a `format!`)"
            ),
        ),
        Want::Key => (
            quote!(Key),
            format!(
                "{shown} must be a `bool` or a field marked `#[shape]` (whose value is part of the cache key)"
            ),
        ),
    };
    let message = match a.want {
        Want::Value => format!("{}\n\nhelp: {needs}", a.message),
        _ => format!(
            "{}\n\nfor what the body does with it here, {needs} in the struct that derives `cached_query::Args`",
            a.message
        ),
    };
    let path = &a.path;
    Some(quote_spanned!(a.span=>
        const _: () = if !#p::expect(#kind, #path, #p::Want::#want) {
            ::core::panic!("{}", #message)
        };
    ))
}

/// The `ArgKind` of a value of class `class` (an argument, a struct's field): what a body
/// may decide on, as the compile-time checks of `#[cached_query]` read it.
pub(crate) fn arg_kind(p: &TokenStream, class: &Class) -> TokenStream {
    match class {
        Class::Flag => quote!(#p::ArgKind::Flag),
        Class::Shape(_) => quote!(#p::ArgKind::Shape),
        Class::Scalar(_) => quote!(#p::ArgKind::Bound),
        Class::List { .. } => quote!(#p::ArgKind::List),
        Class::Opt(inner) => {
            let inner = arg_kind(p, inner);
            quote!(#p::ArgKind::Opt(&#inner))
        }
        Class::Ref(inner, _) => arg_kind(p, inner),
        Class::Record(ty) | Class::Auto(ty) => {
            let pick = auto_pick(p, ty);
            quote_spanned!(ty.span()=> <#pick as #p::PickKind<#ty>>::KIND)
        }
        Class::Variant(_) => quote!(#p::ArgKind::Shape),
        Class::Tuple(elems) => {
            let parts = elems.iter().enumerate().map(|(n, c)| {
                let name = n.to_string();
                let kind = arg_kind(p, c);
                quote!((#name, #kind))
            });
            quote!(#p::ArgKind::Record(&[#(#parts),*]))
        }
    }
}

/// The choice of a field's class by the traits of its type `ty` (see `Class::Auto`): read
/// where `__private::NotArgs` is in scope.
fn auto_pick(p: &TokenStream, ty: &syn::Type) -> TokenStream {
    let has = quote_spanned!(ty.span()=> <#p::Has<#ty>>);
    // A `Vec` of a type of the user's: a list of bound values, or keyed whole.
    if let Some(elem) = crate::types::single_generic(ty, "Vec") {
        let of = quote_spanned!(ty.span()=> <#p::Has<#elem>>);
        return quote_spanned!(ty.span()=> #p::VecPick<{ #of::ARGS }, { #has::KEYED }, { #has::EQ }>);
    }
    quote_spanned!(ty.span()=> #p::Pick<{ #has::ARGS }, { #has::VALUE }, { #has::KEYED }, { #has::EQ }>)
}

/// Whether `ty` names one of sea-query's statements (`SelectStatement`, `InsertStatement`,
/// `UpdateStatement`, `DeleteStatement`, `WithQuery`), bare or by a path.
fn is_statement_name(ty: &syn::Type) -> bool {
    const NAMES: &[&str] = &[
        "SelectStatement",
        "InsertStatement",
        "UpdateStatement",
        "DeleteStatement",
        "WithQuery",
    ];
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|last| {
            matches!(last.arguments, syn::PathArguments::None)
                && NAMES.iter().any(|name| last.ident == name)
        }),
        _ => false,
    }
}

/// For each call of a helper whose arguments the caller's lift cannot recompute: a
/// compile-time check that the helper makes no decision on values (its outcome could not
/// join the caller's key).
pub(crate) fn unplaced(
    p: &TokenStream,
    part_calls: &[(usize, Option<usize>, syn::Path)],
) -> TokenStream {
    let checks = part_calls.iter().filter(|(_, k, _)| k.is_none()).map(|(_, _, callee)| {
        let message = format!(
            "`{}` decides on values of its parameters, and this call's arguments cannot be recomputed on each call (a local changed after it was made, a list element, a macro): its decisions could not join the cache key; pass arguments taken from this function's arguments, or make the decision here and pass its outcome",
            crate::analyse::path_text(callee)
        );
        quote_spanned!(callee.span()=>
            const _: () = ::core::assert!(<#callee as #p::Part>::DECIDED.is_empty(), #message);
        )
    });
    quote!(#(#checks)*)
}

/// The compile-time checks of the bound values a function (cached, or a helper) passes to
/// helpers: the helper is marked `#[cached_query::part]` (else its name is no type), and
/// its parameter decides on nothing the value binds. `args` are the function's arguments
/// with a class.
pub(crate) fn helper_checks(args: &[Arg], p: &TokenStream, parts: &[PartCall]) -> TokenStream {
    let checks = parts.iter().map(|call| {
        let passed = passed(args, p, &call.has);
        let (callee, index, message) = (&call.callee, call.index, &call.message);
        quote_spanned!(call.span=>
            const _: () = if !#p::accepts(<#callee as #p::Part>::PARAMS, #index, #passed) {
                ::core::panic!("{}", #message)
            };
        )
    });
    quote!(#(#checks)*)
}

fn passed(args: &[Arg], p: &TokenStream, has: &Has) -> TokenStream {
    match has {
        Has::Fragment => quote!(#p::Passed::Fragment),
        other => {
            let kind = kind(args, p, other);
            quote!(#p::Passed::Kind(#kind))
        }
    }
}

fn kind(args: &[Arg], p: &TokenStream, has: &Has) -> TokenStream {
    match has {
        // Never inside an `Option` of a value: a fragment binds, and decides on nothing.
        Has::Fragment | Has::Bound => quote!(#p::ArgKind::Bound),
        Has::List => quote!(#p::ArgKind::List),
        Has::Opt(inner) => {
            let inner = kind(args, p, inner);
            quote!(#p::ArgKind::Opt(&#inner))
        }
        Has::Part { arg, path } => match args.get(*arg) {
            Some(arg) => {
                let kind = arg_kind(p, &arg.class);
                quote!(#p::part_kind(#kind, #path))
            }
            None => quote!(#p::ArgKind::Bound),
        },
    }
}
