//! Calls of helpers: a bound value passed to a function by path (`restrict(&mut q,
//! filter)`) is allowed when the function is marked `#[cached_query::part]`, whose body is
//! checked with these same rules for its own parameters. The analysis cannot see the
//! helper, so each such argument becomes a compile-time check in the expansion
//! ([`PartCall`]): the helper is marked, and what it may decide on of that parameter is in
//! this function's key. What the helper returns, and what it builds on through a `&mut`
//! argument, then holds bound values: a fragment.

use proc_macro2::Span;
use syn::Expr;
use syn::spanned::Spanned;

use super::{Analysis, Flow, Kind, Taint, holds_fragment, join, path_text, root_name, unparen};

/// What a caller passes to a helper, for the compile-time check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Has {
    /// A sea-query expression holding bound values.
    Fragment,
    /// A bound value: nothing of it is in the key.
    Bound,
    /// A list: its emptiness is in the key.
    List,
    /// An `Option`: its presence is in the key, then the inside.
    Opt(Box<Has>),
    /// Argument `arg` (a struct or tuple), or its part at `path`: what its type keys.
    Part { arg: usize, path: String },
}

/// A call of a helper whose arguments the lift can recompute: the caller's lift computes
/// the helper's derived values (its `__cq_lift`) from them, in block `k` of its own.
#[derive(Debug, Clone)]
pub(crate) struct PartLift {
    pub(crate) callee: syn::Path,
    /// The arguments, `None` where the helper builds on it (a `&mut` reference, a sea-query
    /// expression): the helper's lift takes nothing there.
    pub(crate) args: Vec<Option<Expr>>,
    /// The recipes to replay before the arguments are evaluated.
    pub(crate) chain: Vec<std::rc::Rc<super::Recipe>>,
}

/// A bound value passed to a helper: the expansion checks that the helper is marked
/// `#[cached_query::part]` and that its parameter `index` decides on nothing `has` binds.
#[derive(Debug, Clone)]
pub(crate) struct PartCall {
    pub(crate) callee: syn::Path,
    pub(crate) index: usize,
    pub(crate) has: Has,
    /// The argument, where a failed check points.
    pub(crate) span: Span,
    pub(crate) message: String,
}

fn has_of(kind: &Kind) -> Has {
    match kind {
        Kind::Fragment => Has::Fragment,
        Kind::Value | Kind::Computed => Has::Bound,
        Kind::List => Has::List,
        Kind::Opt(inner) => Has::Opt(Box::new(has_of(inner))),
    }
}

/// Whether `path` cannot name a helper: a constructor (`Filter(..)`, `Sort::By(..)`) or
/// an associated function (`Expr::cust(..)`, `Self::apply(..)`); a helper is a free
/// function, named by its module path.
fn not_a_helper(path: &syn::Path) -> bool {
    let upper = |s: &syn::PathSegment| {
        s.ident
            .to_string()
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    };
    let mut segments = path.segments.iter().rev();
    segments.next().is_none_or(upper) || segments.next().is_some_and(upper)
}

impl Analysis {
    /// A call of the function at `path` with arguments of `flows`: `None` if it is not a
    /// helper's (a constructor), else its flow, with each bound argument noted for the
    /// expansion to check.
    pub(super) fn part_call(
        &mut self,
        c: &syn::ExprCall,
        path: &syn::Path,
        flows: &[Flow],
    ) -> Option<Flow> {
        if not_a_helper(path) {
            return None;
        }
        let builds = c.args.iter().any(|a| mut_borrow(a).is_some());
        // Tried as a value to lift (`Expr::val(helper(x))`, `let p = escape(s)`), a call
        // that builds nothing is a computation: lifted when it can be.
        if self.trial > 0 && !builds {
            return None;
        }
        let mut out = None;
        for (index, (arg, flow)) in c.args.iter().zip(flows).enumerate() {
            let Some(taint) = flow else { continue };
            out = join(out, Some(Taint::new(Kind::Fragment, taint.origin.clone())));
            if self.quiet > 0 || self.trial > 0 {
                continue;
            }
            let has = self.passed(taint);
            let callee = path_text(path);
            let subject = Self::subject(arg, taint);
            let message = format!(
                "{subject} is passed to `{callee}` (parameter {}), which may decide on parts of it that this function binds: only its presence, emptiness, flags and `#[shape]` values are in the cache key here\n\nhelp: pass it with the same type the helper's parameter has, or mark it `#[shape]` in this function as the helper does",
                index + 1
            );
            let seen = self
                .parts
                .iter()
                .any(|p| p.index == index && p.has == has && path_text(&p.callee) == callee);
            if !seen {
                self.parts.push(PartCall {
                    callee: path.clone(),
                    index,
                    has,
                    span: arg.span(),
                    message,
                });
            }
        }
        if out.is_some() && self.trial == 0 && self.quiet == 0 {
            self.note_part_call(c, path, flows);
        }
        // What it builds on holds what it was given.
        for arg in &c.args {
            if let Some(r) = mut_borrow(arg)
                && let Some(root) = root_name(&r.expr)
            {
                let root = root.clone();
                self.mutate(&root, out.clone(), arg.span(), false);
            }
        }
        Some(out)
    }

    /// Notes a helper call the body makes with bound values: with a block of the lift
    /// where its arguments can be recomputed (not per element of a list, not in a macro;
    /// each argument a value of the allow-list of lifts, or a builder), else without one.
    fn note_part_call(&mut self, c: &syn::ExprCall, path: &syn::Path, flows: &[Flow]) {
        let at = c as *const syn::ExprCall as usize;
        if self.part_calls.iter().any(|(a, _, _)| *a == at) {
            return;
        }
        // A helper's own calls of helpers have no lift of their own to be placed in.
        let lift = match self.part {
            true => None,
            false => self.part_lift(c, path, flows),
        };
        let k = lift.map(|lift| {
            self.part_lifts.push(lift);
            self.part_lifts.len() - 1
        });
        self.part_calls.push((at, k, path.clone()));
    }

    fn part_lift(&self, c: &syn::ExprCall, path: &syn::Path, flows: &[Flow]) -> Option<PartLift> {
        if self.in_macro > 0 || !self.per_element.is_empty() {
            return None;
        }
        let mut args = Vec::new();
        let mut uses = Vec::new();
        for (arg, flow) in c.args.iter().zip(flows) {
            let builds = mut_borrow(arg).is_some();
            if builds {
                args.push(None);
                continue;
            }
            // A sea-query expression passed on: the helper may only build on it, and the
            // lift cannot make one.
            if flow.as_ref().is_some_and(|t| holds_fragment(&t.kind)) || !super::lift::pure(arg) {
                return None;
            }
            uses.extend(self.uses(arg)?);
            args.push(Some(arg.clone()));
        }
        let chain = self.chain(&uses)?;
        Some(PartLift {
            callee: path.clone(),
            args,
            chain,
        })
    }

    /// What a tainted value passed to a helper is, for the check.
    fn passed(&self, taint: &Taint) -> Has {
        if let Some(path) = &taint.path
            && taint.kind != Kind::Fragment
        {
            let (root, rest) = path.split_once('.').unwrap_or((path, ""));
            if let Some(arg) = self.arg_names.iter().position(|a| a == root) {
                return Has::Part {
                    arg,
                    path: rest.to_owned(),
                };
            }
        }
        has_of(&taint.kind)
    }

    /// In a helper: what it returns (its tail, each `return`) may hold bound values only as
    /// sea-query expressions; the caller takes it for one.
    pub(super) fn check_returns(&mut self, block: &syn::Block, tail: Flow) {
        let tail_span = match block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => e.span(),
            _ => block.brace_token.span.close(),
        };
        let mut returned = std::mem::take(&mut self.returned);
        returned.push((tail_span, tail));
        for (span, flow) in returned {
            if let Some(taint) = flow
                && !holds_fragment(&taint.kind)
            {
                self.report(
                    span,
                    format!(
                        "a `#[cached_query::part]` helper returns a value taken from its parameter `{}`: its caller takes what a helper returns for a sea-query expression, and could not follow the value",
                        taint.origin
                    ),
                    "return what the helper builds (a sea-query expression or condition), or have the caller read the value itself",
                );
            }
        }
    }
}

/// `arg` as a `&mut` borrow (what a helper builds on), if it is one.
fn mut_borrow(arg: &Expr) -> Option<&syn::ExprReference> {
    match unparen(arg) {
        Expr::Reference(r) if r.mutability.is_some() => Some(r),
        _ => None,
    }
}
