//! Lifted decisions: a decision on values computed from the arguments (an `if` on
//! `order.eq_ignore_ascii_case("desc")`, `limit > 100`, a `match` of
//! `order_by.as_str()` against literals, `if let Some("admin") = role`) whose outcome joins
//! the cache key.
//!
//! A decision is lifted where everything it reads can be recomputed from the arguments,
//! under the rules of derived values (`lift.rs`: the allow-list of [`pure`] forms, a recipe
//! for every local, the replay resolving names as the body did), it reads no sea-query
//! expression, and a `match` binds nothing and has no guard. It may read a list
//! (`ids.len() > 10`) and a part of a struct argument
//! (`filter.order.eq_ignore_ascii_case("desc")`): the outcome is computed from them. Then:
//!
//! - the expansion adds a function of the arguments that computes every lifted decision's
//!   outcome (a bool, or which arm matches) into key bits above the arguments' own, on every
//!   call, before the cache is looked up (a decision whose bindings do not match counts as
//!   0, as the body would not reach it);
//! - the body keeps the decision, wrapped: `decided_if(offset, || condition)`, or the
//!   `match` over `decided(offset, width, || match scrutinee { pattern => arm, .. })`. Run
//!   for real it evaluates the decision as written; while the cache probes it, it takes the
//!   outcome the probed key holds, so the probe follows the real call's branches whatever
//!   its sentinels are.

use std::rc::Rc;

use quote::ToTokens;
use syn::visit_mut::VisitMut as _;
use syn::{Expr, Pat};

use super::lift::{bound_names, names_self, pure};
use super::{Analysis, Recipe, Source, holds_fragment, unparen};

/// What a lifted decision decides.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A condition: one key bit.
    If(Box<Expr>),
    /// A `match` of the scrutinee against the arms' patterns: the index of the arm.
    Match {
        scrutinee: Box<Expr>,
        pats: Vec<Pat>,
    },
}

/// One lifted decision of the body.
#[derive(Debug)]
pub(crate) struct Decided {
    pub(crate) outcome: Outcome,
    /// How the key's description names it.
    pub(crate) name: String,
    /// The recipes to replay before it (see `lift.rs`).
    pub(crate) chain: Vec<Rc<Recipe>>,
    /// Its key bits: the first, relative to the arguments' bits, and how many.
    pub(crate) offset: u32,
    pub(crate) width: u32,
    /// Where it is in the analysed body: the condition, or the `match` expression.
    pub(crate) at: usize,
    /// Whether the body keeps the decision as written (an `if let` that binds names), not
    /// wrapped to take the probed key's outcome.
    pub(crate) kept: bool,
}

/// Whether `e` calls a sea-query method or constructor that binds a value (`Expr::val(a)`,
/// `.eq(a)`): what it makes holds a parameter, not a value to decide on.
fn makes_fragment(e: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.0 |= crate::allow::method_sink(&m.method.to_string()).is_some();
            syn::visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let Expr::Path(p) = unparen(&c.func) {
                self.0 |= crate::allow::path_sink(&p.path).is_some();
            }
            syn::visit::visit_expr_call(self, c);
        }
    }
    let mut finder = Finder(false);
    syn::visit::Visit::visit_expr(&mut finder, e);
    finder.0
}

/// Whether `e` reads a value as it is (a local, a field, through `&`, `*` or parentheses).
fn bare(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Path(p) => p.path.get_ident().is_some(),
        Expr::Field(f) => bare(&f.base),
        Expr::Reference(r) => bare(&r.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => bare(&u.expr),
        _ => false,
    }
}

/// Whether `e` tests only what the key of an argument's class holds: a flag's value, an
/// `Option`'s presence, a list's emptiness (`x`, `x.is_some()`, `!x.is_empty()`, `x == None`).
/// On a part of a struct argument, such a test is not lifted: the analysis assumes the part
/// is a flag, an `Option` or a list (the expansion checks it), and its state is in the key
/// from the class, where warm-up can enumerate it.
fn key_test(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => key_test(&u.expr),
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            m.args.is_empty()
                && (crate::allow::OPTION_TESTS.contains(&method.as_str())
                    || crate::allow::LIST_TESTS.contains(&method.as_str()))
                && bare(&m.receiver)
        }
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) => {
            let none = |e: &Expr| matches!(unparen(e), Expr::Path(p) if p.path.is_ident("None"));
            (none(&b.left) && bare(&b.right)) || (none(&b.right) && bare(&b.left))
        }
        other => bare(other),
    }
}

/// The key bits a `match` of `arms` arms needs for the arm's index.
fn width(arms: usize) -> u32 {
    usize::BITS - arms.saturating_sub(1).leading_zeros()
}

/// A readable name for a decision: its source text, shortened.
fn name_of(tokens: &impl ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    match text.chars().count() > 60 {
        true => format!("{}...", text.chars().take(57).collect::<String>()),
        false => text,
    }
}

impl Analysis {
    /// The recipes of everything `e` reads, if a decision on it can be lifted.
    fn decision_chain(&mut self, e: &Expr) -> Option<Vec<Rc<Recipe>>> {
        if self.in_macro > 0 || !self.per_element.is_empty() || !pure(e) {
            return None;
        }
        // A decision on what the builder made from bound values (a sea-query expression, a
        // statement) is not lifted: decide on the arguments themselves.
        if names_self(e.to_token_stream()) || makes_fragment(e) {
            return None;
        }
        // A decision on bound values at all? (Quietly: no finding and no assumption.)
        let before = self.trial_findings;
        self.trial += 1;
        let flow = self.expr(e);
        self.trial -= 1;
        if self.trial_findings == before && flow.is_none() {
            return None;
        }
        let uses = self.uses(e)?;
        let mut tainted = false;
        for (name, _) in &uses {
            if let Some(Some(t)) = self.lookup(name) {
                if holds_fragment(&t.kind) {
                    return None;
                }
                tainted = true;
            }
        }
        if !tainted {
            return None;
        }
        let chain = self.chain(&uses)?;
        let replays_self = chain.iter().any(|r| match &r.source {
            Source::Let { pat, init } => {
                names_self(pat.to_token_stream()) || names_self(init.to_token_stream())
            }
            Source::Arg(_) => false,
        });
        (!replays_self).then_some(chain)
    }

    /// Whether `e` reads a part of a struct argument.
    fn reads_part(&self, e: &Expr) -> bool {
        self.uses(e).is_none_or(|uses| {
            uses.iter()
                .any(|(name, _)| matches!(self.lookup(name), Some(Some(t)) if t.path.is_some()))
        })
    }

    /// Records decision `outcome` at `at`, once (a loop is walked twice).
    fn record(&mut self, at: usize, outcome: Outcome, name: String, chain: Vec<Rc<Recipe>>) {
        if self.trial > 0 || self.decided.iter().any(|d| d.at == at) {
            return;
        }
        let width = match &outcome {
            Outcome::If(_) => 1,
            Outcome::Match { pats, .. } => width(pats.len()),
        };
        let offset = self.decided.iter().map(|d| d.width).sum();
        self.decided.push(Decided {
            outcome,
            name,
            chain,
            offset,
            width,
            at,
            kept: false,
        });
    }

    /// A condition (`if`, `while`, a guard, a side of `&&`/`||`) on values computed from
    /// the arguments: lifted if it can be; `false` to analyse it as usual.
    pub(super) fn decide_if(&mut self, e: &Expr) -> bool {
        if key_test(e) && self.reads_part(e) {
            return false;
        }
        let Some(chain) = self.decision_chain(e) else {
            return false;
        };
        let at = e as *const Expr as usize;
        self.record(at, Outcome::If(Box::new(e.clone())), name_of(e), chain);
        true
    }

    /// `if let pattern = e` where the pattern tests the value and binds nothing (`if let
    /// Some("admin") = role`): lifted as the condition `matches!(e, pattern)`.
    pub(super) fn decide_let(&mut self, l: &syn::ExprLet, at: usize) -> bool {
        if !bound_names(&l.pat).0.is_empty() {
            return false;
        }
        let Some(chain) = self.decision_chain(&l.expr) else {
            return false;
        };
        let (pat, scrutinee) = (&l.pat, &l.expr);
        let test: Expr = syn::parse_quote!(::core::matches!(#scrutinee, #pat));
        self.record(at, Outcome::If(Box::new(test)), name_of(l), chain);
        true
    }

    /// `if let Some(seal) = kind.seal()`: a pattern that tests a value computed from the
    /// arguments and binds names. The test (`matches!` with the names made wildcards) is
    /// lifted; the body keeps the `if let` as written, and the names are computed locals,
    /// recomputed (the `if let` replayed) where they are bound or decided on. The scrutinee
    /// may read only whole arguments of enum types (see `reads_whole_records`), which the
    /// probe gives the body as the real call's: the body's `if let` takes the key's branch.
    pub(super) fn decide_let_binding(&mut self, l: &syn::ExprLet, at: usize) -> bool {
        let (names, mutable) = bound_names(&l.pat);
        if self.part || names.is_empty() || mutable || !self.reads_whole_args(&l.expr) {
            return false;
        }
        let Some(chain) = self.decision_chain(&l.expr) else {
            return false;
        };
        let Some(origin) = self.origin_of(&l.expr) else {
            return false;
        };
        let Some(recipe) = self.recipe(&l.pat, &l.expr) else {
            return false;
        };
        let mut wild = (*l.pat).clone();
        Wildcards.visit_pat_mut(&mut wild);
        let scrutinee = &l.expr;
        let test: Expr = syn::parse_quote!(::core::matches!(#scrutinee, #wild));
        self.record(at, Outcome::If(Box::new(test)), name_of(l), chain);
        if let Some(d) = self.decided.iter_mut().find(|d| d.at == at) {
            d.kept = true;
        }
        if self.trial == 0 {
            let reads: Vec<usize> = self
                .uses(&l.expr)
                .unwrap_or_default()
                .iter()
                .filter_map(|(name, _)| self.whole_arg(name))
                .collect();
            self.needs_real.extend(reads);
        }
        self.binding_recipe = Some(recipe);
        for ident in pattern_idents(&l.pat) {
            self.bind(
                &ident,
                Some(super::Taint::new(super::Kind::Computed, origin.clone())),
            );
        }
        self.binding_recipe = None;
        true
    }

    /// Whether every bound value `e` reads is a whole argument: read only by lifts, it is
    /// keyed by its variant (`ByVariant`, constant for a type that is not an enum) and the
    /// probe gives the body its real value, so the body's `if let` takes the real call's
    /// branch. A bound value the probe replaces by a sentinel would take another, and the
    /// learning check would leave the shape uncached.
    fn reads_whole_args(&self, e: &Expr) -> bool {
        struct Fields(bool);
        impl<'ast> syn::visit::Visit<'ast> for Fields {
            fn visit_expr_field(&mut self, _: &'ast syn::ExprField) {
                self.0 = true;
            }
        }
        // A field of a struct argument (`filter.range`) is a part, with a class of its own.
        let mut fields = Fields(false);
        syn::visit::Visit::visit_expr(&mut fields, e);
        !fields.0
            && self.uses(e).is_some_and(|uses| {
                uses.iter().all(|(name, _)| match self.lookup(name) {
                    Some(Some(_)) => self.whole_arg(name).is_some(),
                    _ => true,
                })
            })
    }

    /// The argument the first tainted local `e` reads comes from.
    fn origin_of(&self, e: &Expr) -> Option<syn::Ident> {
        self.uses(e)?
            .iter()
            .find_map(|(name, _)| match self.lookup(name) {
                Some(Some(t)) => Some(t.origin.clone()),
                _ => None,
            })
    }

    /// A `match` on values computed from the arguments whose arms bind nothing and have
    /// no guard: lifted if it can be, the arms analysed; `None` to analyse it as usual.
    pub(super) fn decide_match(&mut self, m: &syn::ExprMatch, at: usize) -> Option<super::Flow> {
        let pats: Vec<Pat> = m
            .arms
            .iter()
            .map(|arm| match &arm.pat {
                Pat::Guard(_) => None,
                pat if bound_names(pat).0.is_empty() => Some(pat.clone()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        // A `match` on a part as it is (`match filter.sort`): its state is in the key by its
        // class (a `#[shape]` field), as the analysis assumes.
        if pats.len() < 2 || (bare(&m.expr) && self.reads_part(&m.expr)) {
            return None;
        }
        let chain = self.decision_chain(unparen(&m.expr))?;
        let outcome = Outcome::Match {
            scrutinee: m.expr.clone(),
            pats,
        };
        self.record(at, outcome, name_of(&m.expr), chain);
        let mut out = None;
        for arm in &m.arms {
            let flow = self.scoped(|this| this.expr(&arm.body));
            out = super::join(out, flow);
        }
        Some(out)
    }
}

/// Bindings made wildcards (`Some(seal)` is `Some(_)`, `n @ 1..=5` is `1..=5`); a name
/// that starts with a capital is a constant or a variant, and stays.
struct Wildcards;

impl syn::visit_mut::VisitMut for Wildcards {
    fn visit_pat_mut(&mut self, pat: &mut Pat) {
        if let Pat::Ident(p) = pat
            && !is_constant(&p.ident)
        {
            *pat = match p.subpat.take() {
                Some((_, sub)) => *sub,
                None => Pat::Wild(syn::PatWild {
                    attrs: Vec::new(),
                    underscore_token: Default::default(),
                }),
            };
        }
        syn::visit_mut::visit_pat_mut(self, pat);
    }
}

fn is_constant(ident: &syn::Ident) -> bool {
    ident
        .to_string()
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

/// The names `pat` binds (not the constants and variants it names).
fn pattern_idents(pat: &Pat) -> Vec<syn::Ident> {
    struct Idents(Vec<syn::Ident>);
    impl<'ast> syn::visit::Visit<'ast> for Idents {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            if !is_constant(&p.ident) {
                self.0.push(p.ident.clone());
            }
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut idents = Idents(Vec::new());
    syn::visit::Visit::visit_pat(&mut idents, pat);
    idents.0
}

/// Whether `e` is, by its form, a test (a `bool`): a comparison, `!`, `&&`/`||`,
/// `matches!`, or a call of a predicate (`eq_ignore_ascii_case`, `starts_with`, `is_*`,
/// `has_*`, `can_*`).
fn is_test(e: &Expr) -> bool {
    let predicate = |name: &str| {
        ["is_", "has_", "can_", "should_", "starts_with", "ends_with"]
            .iter()
            .any(|p| name.starts_with(p))
            || [
                "eq",
                "ne",
                "lt",
                "le",
                "gt",
                "ge",
                "eq_ignore_ascii_case",
                "contains",
            ]
            .contains(&name)
    };
    match unparen(e) {
        Expr::Binary(b) => matches!(
            b.op,
            syn::BinOp::Eq(_)
                | syn::BinOp::Ne(_)
                | syn::BinOp::Lt(_)
                | syn::BinOp::Le(_)
                | syn::BinOp::Gt(_)
                | syn::BinOp::Ge(_)
                | syn::BinOp::And(_)
                | syn::BinOp::Or(_)
        ),
        Expr::Unary(u) => matches!(u.op, syn::UnOp::Not(_)),
        Expr::MethodCall(m) => predicate(&m.method.to_string()),
        Expr::Call(c) => matches!(unparen(&c.func), Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| predicate(&s.ident.to_string()))),
        Expr::Macro(m) => m.mac.path.is_ident("matches"),
        _ => false,
    }
}

impl Analysis {
    /// `let admin = role == "admin";`, `let desc: bool = is_desc(order);`: a test on bound
    /// values, bound to one name that may then only decide (its decisions are lifted with
    /// the `let` replayed). `false` to analyse the `let` as usual.
    pub(super) fn test_local(&mut self, pat: &Pat, init: &Expr) -> bool {
        let Pat::Ident(ident) = super::strip_type(pat) else {
            return false;
        };
        let typed_bool = matches!(pat, Pat::Type(t)
            if matches!(&*t.ty, syn::Type::Path(p) if p.path.is_ident("bool")));
        if ident.mutability.is_some()
            || ident.subpat.is_some()
            || !(typed_bool || is_test(init))
            || self.decision_chain(init).is_none()
        {
            return false;
        }
        let Some(origin) = self.origin_of(init) else {
            return false;
        };
        let recipe = self.recipe(pat, init);
        if recipe.is_none() {
            return false;
        }
        self.binding_recipe = recipe;
        self.bind(
            &ident.ident,
            Some(super::Taint::new(super::Kind::Computed, origin)),
        );
        self.binding_recipe = None;
        true
    }

    /// `let (lat, lng) = location.unzip();`: a computation on bound values taken apart by
    /// an irrefutable pattern. Its names are computed locals, each lifted where it is read
    /// (with the `let` replayed): the whole value may have no type the probe can make, its
    /// parts do. `false` to analyse the `let` as usual.
    pub(super) fn destructured_local(&mut self, pat: &Pat, init: &Expr) -> bool {
        let pat = super::strip_type(pat);
        // A call computes the value; a name or a field taken apart is read by its parts.
        if !matches!(pat, Pat::Tuple(_) | Pat::TupleStruct(_) | Pat::Struct(_))
            || !matches!(super::unparen(init), Expr::Call(_) | Expr::MethodCall(_))
            || self.decision_chain(init).is_none()
        {
            return false;
        }
        let Some(origin) = self.origin_of(init) else {
            return false;
        };
        let Some(recipe) = self.recipe(pat, init) else {
            return false;
        };
        self.binding_recipe = Some(recipe);
        let (names, _) = super::lift::bound_names(pat);
        for name in names {
            let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
            self.bind(
                &ident,
                Some(super::Taint::new(super::Kind::Computed, origin.clone())),
            );
        }
        self.binding_recipe = None;
        true
    }

    /// A read of a computed local (a test kept in a `let`, a name a lifted `if let` binds)
    /// where nothing is lifted.
    pub(super) fn computed_read(
        &mut self,
        span: proc_macro2::Span,
        ident: &syn::Ident,
        taint: &super::Taint,
    ) {
        // Computed from an argument whose type names its own class (an enum of the user's):
        // its whole value in the key, where its type allows, makes everything computed from
        // it a constant of the shape (`if let Some(stages) = view.stages()`).
        let origin = taint.origin.to_string();
        let whole = self.records.contains_key(&origin).then(|| super::Taint {
            kind: super::Kind::Value,
            origin: taint.origin.clone(),
            path: Some(origin.clone()),
        });
        let whole = whole.unwrap_or_else(|| taint.clone());
        self.report_on(
            &whole,
            span,
            format!(
                "`{ident}` is computed from argument `{}`: it may decide an `if` or a `match` (whose outcome then joins the cache key) or be bound where the expansion recomputes it, and nothing else",
                taint.origin
            ),
            "decide on it directly (`if {ident} {{ .. }}`), or write the test where the value is needed",
        );
    }
}
