//! The expansion's lifts: the functions of the arguments that recompute a body's derived
//! values (`__cq_lift`), its lifted decisions' outcomes (`__cq_decide`) and the values and
//! decisions of the helpers it calls (`__cq_part_lift`), with the spec's `Lift` naming them.
//! `emit.rs` adds them to a cached function, `part.rs` writes a helper's own.

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::analyse::{Decided, Findings, Lifted, Outcome, Source};
use crate::input::{Arg, Function};
use crate::tokens::{local, tuple};

/// The lift of a body that derives values or makes lifted decisions (nothing otherwise),
/// and the spec declaring it.
pub(crate) fn lifted(
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
    let own: u32 = decided.iter().map(|d| d.width).sum();
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
