//! Derived values: an expression that computes a value from the arguments (a LIKE pattern
//! made with `format!`, `page * per_page`, `min(limit, 100)`, a cast) and only binds it.
//!
//! Where a value is bound (the argument of a sink or of a step such as `Some(..)`, or the
//! initializer of a `let`), an expression that the analysis would reject as a computation
//! on bound values is *lifted* instead, if the whole of it is on the allow-list of
//! [`pure`] (operators, casts, fields, method and function calls, `format!`; no blocks,
//! closures, assignments, `?`, `return` or other macros) and every local it reads can be
//! recomputed from the arguments. It then becomes a bound value of its own:
//!
//! - the body keeps the expression, wrapped in `derived(index, || expr)`, which yields a
//!   sentinel while the cache probes the body;
//! - the expansion writes a *lift*, a function of the arguments that recomputes each
//!   derived value on a hit: the arguments it reads, then the `let` and pattern bindings
//!   (a [`Recipe`] each) that lead from them to the expression, in the body's order.
//!
//! A local can be recomputed (has a recipe) when it is an argument, or a binding of a
//! pattern without `mut` (`let`, `let .. else`, `if let`, a `match` arm) whose initializer
//! is on the allow-list and reads only locals that can be recomputed. The bindings are
//! replayed as `let pattern = init else { return None };`: a pattern that does not match
//! leaves the value absent, as the body would not have reached it. The replay must resolve
//! every name as the body did (a binding of the same name in between, in another scope,
//! would change it): [`Analysis::chain`] checks that, and refuses the lift otherwise.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{BinOp, Expr, Pat};

use super::{Analysis, Flow, Kind, Taint, holds_fragment, unparen};

/// How a local is recomputed from the arguments.
#[derive(Debug)]
pub(crate) struct Recipe {
    /// Order of binding in the body: arguments first, then every recipe as it is made.
    pub(crate) id: usize,
    pub(crate) source: Source,
    /// The names it binds.
    names: Vec<String>,
    /// The locals it reads, each with the recipe it read (`None`: a name that is not a
    /// local, such as a constant).
    uses: Vec<(String, Option<Rc<Recipe>>)>,
}

/// Where a recomputed local comes from.
#[derive(Debug)]
pub(crate) enum Source {
    /// Argument `n`.
    Arg(usize),
    /// `let pat = init` (or a pattern of `if let`, `let .. else`, a `match` arm).
    Let { pat: Box<Pat>, init: Box<Expr> },
}

/// One derived value of the body.
#[derive(Debug)]
pub(crate) struct Lifted {
    /// The expression, as written.
    pub(crate) expr: Expr,
    /// How messages name it.
    pub(crate) name: String,
    /// The recipes to replay before it, in the body's order (arguments first).
    pub(crate) chain: Vec<Rc<Recipe>>,
    /// Where it is in the analysed body (see `rewrite.rs`).
    pub(super) at: usize,
}

impl Recipe {
    fn arg(n: usize, name: String) -> Rc<Recipe> {
        Rc::new(Recipe {
            id: n,
            source: Source::Arg(n),
            names: vec![name],
            uses: Vec::new(),
        })
    }
}

/// Whether every part of `e` is a form a lift may evaluate again: no blocks, closures,
/// assignments, `&mut`, control flow out of it (`?`, `return`, `break`) or macros other
/// than `format!`.
pub(crate) fn pure(e: &Expr) -> bool {
    match e {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Paren(p) => pure(&p.expr),
        Expr::Group(g) => pure(&g.expr),
        Expr::Reference(r) => r.mutability.is_none() && pure(&r.expr),
        Expr::Unary(u) => pure(&u.expr),
        Expr::Binary(b) => !is_assignment(&b.op) && pure(&b.left) && pure(&b.right),
        Expr::Cast(c) => pure(&c.expr),
        Expr::Field(f) => pure(&f.base),
        Expr::Index(i) => pure(&i.expr) && pure(&i.index),
        Expr::Tuple(t) => t.elems.iter().all(pure),
        Expr::Array(a) => a.elems.iter().all(pure),
        Expr::MethodCall(m) => {
            !ITERATING.contains(&m.method.to_string().as_str())
                && pure(&m.receiver)
                && m.args.iter().all(pure)
        }
        Expr::Call(c) => matches!(unparen(&c.func), Expr::Path(_)) && c.args.iter().all(pure),
        Expr::Macro(m) => format_args(&m.mac).is_some_and(|(_, args)| args.iter().all(pure)),
        _ => false,
    }
}

/// Methods that make a sequence (of a list's elements, most often): a derived value is one
/// value, and what a list holds beyond its emptiness is not in the key.
const ITERATING: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "copied",
    "cloned",
    "to_vec",
    "collect",
    "rev",
    "take",
    "skip",
    "filter",
    "filter_map",
    "map",
    "flat_map",
    "flatten",
    "chain",
    "zip",
    "enumerate",
    "windows",
    "chunks",
    "drain",
];

/// Whether `op` is a compound assignment (`+=`, `<<=`, ...).
pub(super) fn is_assignment(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

/// `format!(..)`: the names its format string reads (`{name}`, not given as a named
/// argument) and its argument expressions.
fn format_args(mac: &syn::Macro) -> Option<(Vec<String>, Vec<Expr>)> {
    if !mac.path.is_ident("format") {
        return None;
    }
    let parts = Punctuated::<Expr, syn::Token![,]>::parse_terminated
        .parse2(mac.tokens.clone())
        .ok()?;
    let mut parts = parts.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    })) = parts.next()
    else {
        return None;
    };
    let mut named = Vec::new();
    let mut args = Vec::new();
    for part in parts {
        match part {
            Expr::Assign(a) => {
                if let Expr::Path(p) = &*a.left
                    && let Some(name) = p.path.get_ident()
                {
                    named.push(name.to_string());
                }
                args.push(*a.right);
            }
            other => args.push(other),
        }
    }
    let inline = super::mac::inline_names(&text.value())
        .into_iter()
        .filter(|n| !named.contains(n))
        .collect();
    Some((inline, args))
}

/// The single-identifier paths `e` reads (a superset of the locals it reads), with the
/// names its format strings read.
fn free_names(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Path(p) => {
            if let Some(ident) = p.path.get_ident() {
                out.push(ident.to_string());
            }
        }
        Expr::Lit(_) => {}
        Expr::Paren(p) => free_names(&p.expr, out),
        Expr::Group(g) => free_names(&g.expr, out),
        Expr::Reference(r) => free_names(&r.expr, out),
        Expr::Unary(u) => free_names(&u.expr, out),
        Expr::Binary(b) => {
            free_names(&b.left, out);
            free_names(&b.right, out);
        }
        Expr::Cast(c) => free_names(&c.expr, out),
        Expr::Field(f) => free_names(&f.base, out),
        Expr::Index(i) => {
            free_names(&i.expr, out);
            free_names(&i.index, out);
        }
        Expr::Tuple(t) => t.elems.iter().for_each(|e| free_names(e, out)),
        Expr::Array(a) => a.elems.iter().for_each(|e| free_names(e, out)),
        Expr::MethodCall(m) => {
            free_names(&m.receiver, out);
            m.args.iter().for_each(|e| free_names(e, out));
        }
        Expr::Call(c) => {
            free_names(&c.func, out);
            c.args.iter().for_each(|e| free_names(e, out));
        }
        Expr::Macro(m) => {
            if let Some((inline, args)) = format_args(&m.mac) {
                out.extend(inline);
                args.iter().for_each(|e| free_names(e, out));
            }
        }
        // Not `pure`: never asked.
        _ => {}
    }
}

/// The names `pat` binds, and whether any is `mut` (or `ref mut`).
pub(super) fn bound_names(pat: &Pat) -> (Vec<String>, bool) {
    struct Names(Vec<String>, bool);
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.push(p.ident.to_string());
            self.1 |= p.mutability.is_some();
            syn::visit::visit_pat_ident(self, p);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut names = Names(Vec::new(), false);
    syn::visit::Visit::visit_pat(&mut names, pat);
    (names.0, names.1)
}

fn holds_list(kind: &Kind) -> bool {
    match kind {
        Kind::List => true,
        Kind::Opt(inner) => holds_list(inner),
        Kind::Value | Kind::Fragment | Kind::Computed => false,
    }
}

/// Whether `tokens` name `Self` or `self`: a lift is an item of its own and cannot.
pub(super) fn names_self(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(i) => i == "Self" || i == "self",
        TokenTree::Group(g) => names_self(g.stream()),
        _ => false,
    })
}

impl Analysis {
    /// The argument recipes, made once per pass.
    pub(super) fn arg_recipe(&mut self, n: usize, name: String) {
        self.binding_recipe = Some(Recipe::arg(n, name));
        self.next_recipe = self.next_recipe.max(n + 1);
    }

    /// The recipe of the names `pat` binds from `init`, if they can be recomputed.
    pub(super) fn recipe(&mut self, pat: &Pat, init: &Expr) -> Option<Rc<Recipe>> {
        let (names, mutable) = bound_names(pat);
        if mutable || !pure(init) {
            return None;
        }
        let uses = self.uses(init)?;
        let id = self.next_recipe;
        self.next_recipe += 1;
        Some(Rc::new(Recipe {
            id,
            source: Source::Let {
                pat: Box::new(pat.clone()),
                init: Box::new(init.clone()),
            },
            names,
            uses,
        }))
    }

    /// The locals `e` reads, each with its recipe; `None` if one has none.
    pub(super) fn uses(&self, e: &Expr) -> Option<Vec<(String, Option<Rc<Recipe>>)>> {
        let mut names = Vec::new();
        free_names(e, &mut names);
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| match self.lookup_recipe(&name) {
                // Not a local: a constant, a function, a unit struct.
                None => Some((name, None)),
                Some(None) => None,
                Some(Some(recipe)) => Some((name, Some(recipe))),
            })
            .collect()
    }

    /// The recipes to replay before an expression that reads `uses`, in the body's order;
    /// `None` if replaying them would resolve a name other than the body did.
    pub(super) fn chain(&self, uses: &[(String, Option<Rc<Recipe>>)]) -> Option<Vec<Rc<Recipe>>> {
        let mut all: BTreeMap<usize, Rc<Recipe>> = BTreeMap::new();
        let mut todo: Vec<Rc<Recipe>> = uses.iter().filter_map(|(_, r)| r.clone()).collect();
        while let Some(recipe) = todo.pop() {
            if all.insert(recipe.id, recipe.clone()).is_none() {
                todo.extend(recipe.uses.iter().filter_map(|(_, r)| r.clone()));
            }
        }
        // Replay: each name must resolve to the binding it resolved to in the body.
        let mut latest: HashMap<&str, usize> = HashMap::new();
        let resolves = |latest: &HashMap<&str, usize>, uses: &[(String, Option<Rc<Recipe>>)]| {
            uses.iter()
                .all(|(name, r)| latest.get(name.as_str()).copied() == r.as_ref().map(|r| r.id))
        };
        for recipe in all.values() {
            if !resolves(&latest, &recipe.uses) {
                return None;
            }
            for name in &recipe.names {
                latest.insert(name, recipe.id);
            }
        }
        resolves(&latest, uses).then(|| all.into_values().collect())
    }

    /// At a place where a value is bound: lifts `e` if the analysis would reject it as a
    /// computation on bound values and it can be recomputed from the arguments. Returns
    /// its flow (a bound value) when lifted, `None` to analyse `e` as usual.
    pub(super) fn derive(&mut self, e: &Expr) -> Option<Flow> {
        // The expression inside parentheses is the one marked (no lint on the expansion).
        let e = unparen(e);
        // `(page * per_page).into()`: the conversion stays, a step on the lifted value (a
        // lift has no expected type to convert into).
        if let Expr::MethodCall(m) = unparen(e)
            && m.method == "into"
            && m.args.is_empty()
            && m.turbofish.is_none()
        {
            return self.derive(&m.receiver);
        }
        if self.in_macro > 0 || !self.per_element.is_empty() || !pure(e) {
            return None;
        }
        // A value passed on as it is, or through a step or sink the analysis follows
        // (`Some(..)`, `LikeExpr::new(..).escape(..)`): what it follows into is lifted
        // there, at its own value positions. A computed local (a name a lifted `if let`
        // binds) is lifted as it is read.
        let computed = super::root_name(e).is_some_and(|root| {
            matches!(self.lookup(&root.to_string()), Some(Some(t)) if t.kind == Kind::Computed)
        });
        match unparen(e) {
            _ if computed => {}
            Expr::Path(_) | Expr::Lit(_) | Expr::Field(_) => return None,
            Expr::MethodCall(m)
                if crate::allow::VALUE_STEPS.contains(&m.method.to_string().as_str()) =>
            {
                return None;
            }
            Expr::Call(c) => {
                if let Expr::Path(p) = unparen(&c.func)
                    && (crate::allow::is_path_step(&p.path)
                        || crate::allow::path_sink(&p.path).is_some())
                {
                    return None;
                }
            }
            _ => {}
        }
        // Would the analysis reject it? (Quietly: no finding and no assumption is made.)
        let before = self.trial_findings;
        self.trial += 1;
        let flow = self.expr(e);
        self.trial -= 1;
        // A sea-query expression (a sink's result) is never lifted: a lift computes values.
        if self.trial_findings == before || flow.is_some_and(|t| holds_fragment(&t.kind)) {
            return None;
        }
        let uses = self.uses(e)?;
        // What it reads: bound values and lists, never a sea-query expression.
        let mut origin = None;
        for (name, _) in &uses {
            if let Some(Some(taint)) = self.lookup(name) {
                // A list yields many values (`ids.iter().rev()`): the key holds only its
                // emptiness, and a lift only one value.
                if holds_fragment(&taint.kind) || holds_list(&taint.kind) {
                    return None;
                }
                origin.get_or_insert_with(|| taint.origin.clone());
            }
        }
        let origin = origin?;
        let chain = self.chain(&uses)?;
        let replayed = chain.iter().any(|r| match &r.source {
            Source::Let { pat, init } => {
                names_self(pat.to_token_stream()) || names_self(init.to_token_stream())
            }
            Source::Arg(_) => false,
        });
        if replayed || names_self(e.to_token_stream()) {
            return None;
        }
        let at = e as *const Expr as usize;
        // (While an enclosing expression is tried, nothing is recorded.)
        if self.trial == 0 && !self.lifted.iter().any(|l| l.at == at) {
            let text = e.to_token_stream().to_string();
            let name = match text.chars().count() > 60 {
                true => format!("{}...", text.chars().take(57).collect::<String>()),
                false => text,
            };
            self.lifted.push(Lifted {
                expr: e.clone(),
                name,
                chain,
                at,
            });
        }
        Some(Some(Taint::new(Kind::Value, origin)))
    }
}
