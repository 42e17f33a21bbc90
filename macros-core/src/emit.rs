//! Stage five: the cached function. The macro emits the user's signature returning a
//! `Cached` handle, a type alias naming the arguments' classes (a tuple of marker types the
//! runtime composes), one static `FnSpec` with the function's names, options and body, a
//! registration for warm-up, and the call. Everything the classes imply (the key, where
//! each value is read, how to probe) is the runtime's, through generic impls.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Pat, parse_quote};

use crate::analyse::{Assumption, Decided, Findings, Lifted, Outcome, Source, Want};
use crate::classify::{Class, Leaf, ListKind};
use crate::input::{Arg, Function};
use crate::options::Options;
use crate::types::{args_lifetime, has_lifetimes, name_lifetimes};

/// The most elements a tuple of arguments holds before the emitter nests it (the standard
/// library implements `Clone`, `Hash` and `Default` for tuples of up to 12).
const TUPLE: usize = 12;

/// Names of generated items and locals; mixed-site, so they never clash with the user's.
fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

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
    let expects = assumptions.iter().filter_map(|a| expect(&f.args, &p, a));
    let part_checks = crate::part::checks(&f.args, &p, &findings.parts);
    let unplaced = crate::part::unplaced(&p, &findings.part_calls);
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
            #ret_check
            #(#check_items)*
            #variant_checks
            #part_variant_checks
            #(#expects)*
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
        let members = path.split('.').map(|m| match m.parse::<u32>() {
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

/// The lift of a body that derives values or makes lifted decisions (nothing otherwise),
/// and the spec declaring it.
fn lifted(
    f: &Function,
    p: &TokenStream,
    class_name: &Ident,
    findings: &Findings,
    spec_value: TokenStream,
) -> (TokenStream, TokenStream) {
    if findings.lifted.is_empty() && findings.decided.is_empty() && findings.part_lifts.is_empty() {
        return (quote!(), spec_value);
    }
    let names = findings.lifted.iter().map(|l| &l.name);
    let lift_fn = local("__cq_lift");
    let mut lift_value = quote!(#p::Lift::<#class_name>::new(#lift_fn, &[#(#names),*]));
    let mut items = lift(f, p, class_name, &findings.lifted);
    if !findings.part_lifts.is_empty() {
        let part_lift_fn = local("__cq_part_lift");
        let derived = findings.part_lifts.iter().map(|l| {
            let callee = &l.callee;
            quote!(<#callee as #p::Part>::DERIVED)
        });
        lift_value = quote!(#lift_value.with_parts(#part_lift_fn, &[#(#derived),*]));
        let part_lift = part_lift(f, p, class_name, &findings.part_lifts);
        items = quote!(#items #part_lift);
    }
    let part_lifts = &findings.part_lifts;
    if !findings.decided.is_empty() || !part_lifts.is_empty() {
        let decide_fn = local("__cq_decide");
        let bits = decision_bits(&findings.decided);
        let own = bits.len() as u32;
        lift_value = quote!(#lift_value.with_decisions(#decide_fn, &[#(#bits),*]));
        let parts: Vec<TokenStream> = part_lifts
            .iter()
            .map(|l| {
                let callee = &l.callee;
                quote!(<#callee as #p::Part>::DECIDED)
            })
            .collect();
        if !parts.is_empty() {
            lift_value = quote!(#lift_value.with_part_decisions(#decide_fn, &[#(#parts),*]));
        }
        let decide = decide(f, p, class_name, &findings.decided, part_lifts);
        items = quote! {
            #items
            #decide
            // (A sum, not `>= y + 1`: clippy's `int_plus_one` would fire in users' code.)
            const _: () = ::core::assert!(
                64u32.saturating_sub(<#class_name as #p::Class>::BITS)
                    >= #p::sum_bits(&[#own #(, #parts.len() as u32)*]),
                "a #[cached_query] function's arguments and the outcomes of its decisions (with its helpers') use more than 64 key bits"
            );
        };
    }
    (items, quote!(#spec_value.with_derived(#lift_value)))
}

/// The key bits of lifted decisions, as the spec names them: the decision, and what a set
/// and a clear bit mean.
pub(crate) fn decision_bits(decided: &[Decided]) -> Vec<TokenStream> {
    decided
        .iter()
        .flat_map(|d| {
            let name = &d.name;
            (0..d.width).map(move |bit| match d.outcome {
                Outcome::If(_) => quote!((#name, "true", "false")),
                Outcome::Match { .. } => {
                    let (set, clear) = (format!("arm bit {bit}: 1"), format!("arm bit {bit}: 0"));
                    quote!((#name, #set, #clear))
                }
            })
        })
        .collect()
}

/// Each lifted decision's outcome (a bool, or the index of the arm that matches) added to
/// `bits` at its offset, after `prologue` (which binds what its chain reads); 0 where the
/// bindings leading to it do not match (the body would not reach it).
pub(crate) fn outcome_terms(
    decided: &[Decided],
    bits: &Ident,
    prologue: impl Fn(&[std::rc::Rc<crate::analyse::Recipe>]) -> TokenStream,
) -> Vec<TokenStream> {
    decided
        .iter()
        .map(|d| {
            let prologue = prologue(&d.chain);
            let outcome = match &d.outcome {
                Outcome::If(test) => quote!(::core::primitive::u64::from(#test)),
                Outcome::Match { scrutinee, pats } => {
                    let indices = 0..pats.len() as u64;
                    quote!(match #scrutinee { #(#pats => #indices,)* })
                }
            };
            let offset = d.offset;
            quote! {
                #bits |= (|| -> ::core::option::Option<::core::primitive::u64> {
                    #prologue
                    ::core::option::Option::Some(#outcome)
                })()
                .unwrap_or(0)
                    << #offset;
            }
        })
        .collect()
}

/// The function's decisions: its own lifted decisions' outcomes at their key bits, then,
/// for each helper call its lift recomputes, the helper's (its `__cq_decide` on the call's
/// arguments) at the bits after those before it.
fn decide(
    f: &Function,
    p: &TokenStream,
    class_name: &Ident,
    decided: &[Decided],
    part_lifts: &[crate::analyse::PartLift],
) -> TokenStream {
    let args = local("__cq_args");
    let bits = local("__cq_bits");
    let outcomes = outcome_terms(decided, &bits, |chain| {
        let (pattern, steps) = replay(f, chain);
        quote!(let #pattern = #args; #(#steps)*)
    });
    let own = decision_bits(decided).len() as u32;
    let mut before: Vec<TokenStream> = Vec::new();
    let parts = part_lifts
        .iter()
        .map(|l| {
            let (pattern, steps) = replay(f, &l.chain);
            let callee = &l.callee;
            let call_args = l.args.iter().map(|a| match a {
                Some(e) => quote!(#e),
                None => quote!(()),
            });
            let offset = quote!(#own #(+ #before)*);
            before.push(quote!(<#callee as #p::Part>::DECIDED.len() as u32));
            quote! {
                #bits |= (|| -> ::core::option::Option<::core::primitive::u64> {
                    let #pattern = #args;
                    #(#steps)*
                    ::core::option::Option::Some(<#callee>::__cq_decide(#(#call_args),*))
                })()
                .unwrap_or(0)
                .checked_shl(#offset)
                .unwrap_or(0);
            }
        })
        .collect::<Vec<_>>();
    let decide_fn = local("__cq_decide");
    quote! {
        #[allow(unused_variables, irrefutable_let_patterns, clippy::all)]
        fn #decide_fn(#args: &#p::ArgsOf<'_, #class_name>) -> ::core::primitive::u64 {
            let mut #bits: ::core::primitive::u64 = 0;
            #(#outcomes)*
            #(#parts)*
            #bits
        }
    }
}

/// The arguments pattern (`_` for those not read) and the replayed bindings of a chain.
fn replay(
    f: &Function,
    chain: &[std::rc::Rc<crate::analyse::Recipe>],
) -> (TokenStream, Vec<TokenStream>) {
    let reads: Vec<usize> = chain
        .iter()
        .filter_map(|r| match r.source {
            Source::Arg(n) => Some(n),
            Source::Let { .. } => None,
        })
        .collect();
    let pattern = tuple(
        f.args
            .iter()
            .enumerate()
            .map(|(n, a)| match reads.contains(&n) {
                true => a.ident.to_token_stream(),
                false => quote!(_),
            })
            .collect(),
    );
    (pattern, replay_steps(&f.args, chain, false))
}

/// The steps of a replay: each argument read is cloned from the (borrowed) argument, each
/// binding made again (a pattern that does not match leaves the value absent).
pub(crate) fn replay_steps(
    args: &[Arg],
    chain: &[std::rc::Rc<crate::analyse::Recipe>],
    owned: bool,
) -> Vec<TokenStream> {
    let borrow = owned.then(|| quote!(&));
    chain
        .iter()
        .map(|r| match &r.source {
            Source::Arg(n) => {
                let ident = &args[*n].ident;
                quote!(let #ident = ::core::clone::Clone::clone(#borrow #ident);)
            }
            Source::Let { pat, init } => {
                quote!(let #pat = (#init) else { return ::core::option::Option::None; };)
            }
        })
        .collect()
}

/// The function's lift: derived value `index` recomputed from the arguments (see
/// `analyse/lift.rs`): the arguments it reads, the bindings that lead to it, replayed in
/// the body's order (a pattern that does not match leaves it absent), then the expression.
fn lift(f: &Function, p: &TokenStream, class_name: &Ident, lifted: &[Lifted]) -> TokenStream {
    let args = local("__cq_args");
    let (lift_fn, index) = (local("__cq_lift"), local("__cq_index"));
    let arms = lifted.iter().enumerate().map(|(index, l)| {
        let index = index as u16;
        let (pattern, steps) = replay(f, &l.chain);
        let expr = &l.expr;
        let value = quote_spanned!(expr.span()=> #p::derived_value(#expr));
        quote! {
            #index => {
                let #pattern = #args;
                #(#steps)*
                ::core::option::Option::Some(#value)
            }
        }
    });
    quote! {
        #[allow(unused_variables, irrefutable_let_patterns, clippy::all)]
        fn #lift_fn(
            #args: &#p::ArgsOf<'_, #class_name>,
            #index: ::core::primitive::u16,
        ) -> ::core::option::Option<#p::DerivedValue> {
            match #index {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        }
    }
}

/// The function's lift of its helpers' derived values: for the `k`th helper call whose
/// arguments can be recomputed, the arguments it reads and the bindings that lead to the
/// call replayed, then the helper's own lift (`__cq_lift`, which `#[cached_query::part]`
/// writes) on the call's arguments (`()` where the helper builds on its argument).
fn part_lift(
    f: &Function,
    p: &TokenStream,
    class_name: &Ident,
    part_lifts: &[crate::analyse::PartLift],
) -> TokenStream {
    let args = local("__cq_args");
    let (part_lift_fn, k, j) = (local("__cq_part_lift"), local("__cq_k"), local("__cq_j"));
    let arms = part_lifts.iter().enumerate().map(|(n, l)| {
        let n = n as u16;
        let (pattern, steps) = replay(f, &l.chain);
        let callee = &l.callee;
        let call_args = l.args.iter().map(|a| match a {
            Some(e) => quote!(#e),
            None => quote!(()),
        });
        quote! {
            #n => {
                let #pattern = #args;
                #(#steps)*
                <#callee>::__cq_lift(#(#call_args,)* #j)
            }
        }
    });
    quote! {
        #[allow(unused_variables, irrefutable_let_patterns, clippy::all)]
        fn #part_lift_fn(
            #args: &#p::ArgsOf<'_, #class_name>,
            #k: ::core::primitive::u16,
            #j: ::core::primitive::u16,
        ) -> ::core::option::Option<#p::DerivedValue> {
            match #k {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        }
    }
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

/// `items` as a tuple; more than [`TUPLE`] are nested in tuples of up to [`TUPLE`].
fn tuple(items: Vec<TokenStream>) -> TokenStream {
    if items.len() <= TUPLE {
        return quote!((#(#items,)*));
    }
    let groups: Vec<TokenStream> = items.chunks(TUPLE).map(|c| tuple(c.to_vec())).collect();
    tuple(groups)
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
        Class::Record(ty) => {
            let checked = check(p, "assert_arg", ty, n, checks);
            quote!(<#checked as #p::ArgClass>::Class)
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

/// `ty` through argument `n`'s check constant, `assert(ty)`.
fn check(
    p: &TokenStream,
    assert: &str,
    ty: &syn::Type,
    n: usize,
    checks: &mut Checks,
) -> TokenStream {
    let k = checks.per_arg.entry(n).or_default();
    let constant = match *k {
        0 => format_ident!("__CQ_CHECK{}", n, span = Span::mixed_site()),
        k => format_ident!("__CQ_CHECK{}_{}", n, k, span = Span::mixed_site()),
    };
    *k += 1;
    let assert = Ident::new(assert, Span::call_site());
    checks.items.push(quote_spanned!(ty.span()=>
        const #constant: ::core::primitive::usize = #p::#assert::<#ty>();
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
        Want::Key => (
            quote!(Key),
            format!(
                "{shown} must be a `bool` or a field marked `#[shape]` (whose value is part of the cache key)"
            ),
        ),
    };
    let message = format!(
        "{}\n\nfor what the body does with it here, {needs} in the struct that derives `cached_query::Args`",
        a.message
    );
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
        Class::Record(ty) => quote!(<#ty as #p::ArgClass>::KIND),
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
