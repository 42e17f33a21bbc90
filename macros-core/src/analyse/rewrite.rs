//! The body as the expansion emits it: each lifted expression, decision and helper call the
//! analysis found is marked in place, by its address in the block the analysis walked.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;

/// Marks, in `block` (the block the analysis walked), each lifted expression as
/// `derived(index, || expr)` and each lifted decision as `decided_if(offset, || condition)`
/// or a `match` over `decided(offset, width, || match scrutinee { pattern => arm, .. })`.
pub(crate) fn rewrite(
    block: &mut syn::Block,
    findings: &super::Findings,
    private: &TokenStream,
    in_part: bool,
) {
    let (lifted, decided) = (&findings.lifted, &findings.decided);
    struct Mark<'a> {
        lifted: HashMap<usize, u16>,
        decided: HashMap<usize, &'a super::decide::Decided>,
        /// Helper calls: each runs in its block of the lift (`in_part`).
        part_calls: HashMap<usize, Option<usize>>,
        private: &'a TokenStream,
        /// `derived`, or in a helper `derived_part`; `decided` or `decided_part`.
        derive: &'static str,
        decide: &'static str,
    }
    impl Mark<'_> {
        /// The runtime's path, spanned at `span`: an error of the marked code is reported
        /// at the user's expression.
        fn private(&self, span: proc_macro2::Span) -> TokenStream {
            self.private
                .clone()
                .into_iter()
                .map(|mut t| {
                    t.set_span(span);
                    t
                })
                .collect()
        }
    }
    impl VisitMut for Mark<'_> {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            let at = e as *const Expr as usize;
            let match_at = match &*e {
                Expr::Match(m) => Some(m as *const syn::ExprMatch as usize),
                _ => None,
            };
            if let Some(index) = self.lifted.get(&at) {
                let inner = e.clone();
                let span = inner.span();
                let p = self.private(span);
                let derive = syn::Ident::new(self.derive, span);
                *e = syn::parse_quote_spanned!(span=> #p::#derive(#index, || #inner));
                return;
            }
            if let Expr::Call(c) = &*e
                && let Some(k) = self
                    .part_calls
                    .get(&(c as *const syn::ExprCall as usize))
                    .copied()
            {
                syn::visit_mut::visit_expr_mut(self, e);
                let inner = e.clone();
                let span = inner.span();
                let p = self.private(span);
                let k = match k.and_then(|k| u16::try_from(k).ok()) {
                    Some(k) => quote::quote!(::core::option::Option::Some(#k)),
                    None => quote::quote!(::core::option::Option::None),
                };
                *e = syn::parse_quote_spanned!(span=> #p::in_part(#k, || #inner));
                return;
            }
            // The arms first: they may hold marks of their own.
            syn::visit_mut::visit_expr_mut(self, e);
            let decision = self
                .decided
                .get(&at)
                .or_else(|| match_at.and_then(|m| self.decided.get(&m)))
                .copied();
            let Some(d) = decision.filter(|d| !d.kept) else {
                return;
            };
            let span = e.span();
            let p = self.private(span);
            let offset = d.offset;
            match (&d.outcome, &*e) {
                (super::decide::Outcome::Match { .. }, Expr::Match(m)) => {
                    let width = d.width;
                    let scrutinee = &m.expr;
                    let pats = m.arms.iter().map(|a| &a.pat);
                    let indices = (0..m.arms.len() as u64).collect::<Vec<_>>();
                    let last = m.arms.len().saturating_sub(1) as u64;
                    let arms = m.arms.iter().zip(&indices).map(|(arm, &i)| {
                        let body = &arm.body;
                        match i == last {
                            true => quote::quote!(_ => #body,),
                            false => quote::quote!(#i => #body,),
                        }
                    });
                    let decide = syn::Ident::new(self.decide, span);
                    *e = syn::parse_quote_spanned!(span=>
                        match #p::#decide(#offset, #width, || match #scrutinee { #(#pats => #indices,)* }) {
                            #(#arms)*
                        }
                    );
                }
                (super::decide::Outcome::If(test), _) => {
                    let decide = quote::format_ident!("{}_if", self.decide, span = span);
                    *e = syn::parse_quote_spanned!(span=> #p::#decide(#offset, || #test));
                }
                _ => {}
            }
        }
    }
    let lifted = lifted
        .iter()
        .enumerate()
        .map(|(n, l)| (l.at, n as u16))
        .collect();
    let decided = decided.iter().map(|d| (d.at, d)).collect();
    Mark {
        lifted,
        decided,
        part_calls: findings
            .part_calls
            .iter()
            .map(|(at, k, _)| (*at, *k))
            .collect(),
        private,
        derive: if in_part { "derived_part" } else { "derived" },
        decide: if in_part { "decided_part" } else { "decided" },
    }
    .visit_block_mut(block);
}
