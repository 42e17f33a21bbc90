//! The body analysis: a bound value (one whose value is not in the cache key) may reach the
//! statement only unchanged, through the steps and sinks of `allow.rs`.
//!
//! It is a taint analysis. Every binding the body makes is tainted when it comes from a
//! bound argument by any route: `let` (with or without a type), shadowing, patterns,
//! tuples, structs, arrays, blocks, closures and their calls, `if`/`match` arms, fields,
//! assignments. Each expression that holds a tainted value must be one of the forms the
//! allow-list names; every other form is an error with a span on the use and a hint:
//!
//! - a **decision** (`if`, `match`, `while`, a guard, `&&`/`||`, `?`, `matches!`, an
//!   `if let` with a literal pattern, `assert!`) on a bound value: the SQL would depend on
//!   a value the key does not hold;
//! - a **computation** (operators, casts, indexing, ranges, any method or function not on
//!   the list, iterator adapters over a list, a `for` loop over a list, formatting);
//! - passing a bound value to **code the analysis cannot see** (a helper function, a
//!   closure, a macro).
//!
//! Presence tests of an `Option` and the emptiness of a list are allowed wherever they
//! are: both are in the key. What a sink returns is a *fragment* (a sea-query expression
//! holding a parameter): it may be passed to builder methods, but not decided on,
//! compared, formatted or handed to a helper.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{BinOp, Block, Expr, Ident, Pat, Stmt, UnOp};

use crate::allow;
use crate::classify::Class;
use crate::input::Arg;

/// What a tainted value is.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A bound value, or a tuple, array or struct holding one.
    Value,
    /// A list argument: emptiness may decide, elements are bound.
    List,
    /// An `Option` whose presence is in the key; the inner value is tainted as said.
    Opt(Box<Kind>),
    /// A sea-query expression or statement holding bound values as parameters.
    Fragment,
}

/// A tainted value and the argument it comes from (for messages).
#[derive(Debug, Clone)]
struct Taint {
    kind: Kind,
    origin: Ident,
}

/// The taint of an expression: `None` is clean (made only from the key and constants).
type Flow = Option<Taint>;

fn kind_join(a: &Kind, b: &Kind) -> Kind {
    match (a, b) {
        _ if a == b => a.clone(),
        (Kind::Opt(a), Kind::Opt(b)) => Kind::Opt(Box::new(kind_join(a, b))),
        _ => Kind::Value,
    }
}

/// A value that may be either: the more restrictive of the two.
fn join(a: Flow, b: Flow) -> Flow {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => Some(Taint {
            kind: kind_join(&a.kind, &b.kind),
            origin: a.origin,
        }),
    }
}

/// A tuple, array or struct made of parts: a fragment if every tainted part is one,
/// otherwise a bound value (destructured again, each part is a bound value).
fn composite(parts: impl IntoIterator<Item = Flow>) -> Flow {
    let mut out: Flow = None;
    for part in parts.into_iter().flatten() {
        let kind = match (&out, &part.kind) {
            (None, Kind::Fragment) => Kind::Fragment,
            (Some(t), Kind::Fragment) if t.kind == Kind::Fragment => Kind::Fragment,
            _ => Kind::Value,
        };
        let origin = out.map_or(part.origin, |t| t.origin);
        out = Some(Taint { kind, origin });
    }
    out
}

fn with_kind(taint: &Taint, kind: Kind) -> Flow {
    Some(Taint {
        kind,
        origin: taint.origin.clone(),
    })
}

/// The taint of an argument of class `class`.
fn of_class(class: &Class) -> Option<Kind> {
    match class {
        Class::Flag | Class::Shape(_) => None,
        Class::Scalar(_) => Some(Kind::Value),
        Class::List { .. } => Some(Kind::List),
        // `Option<bool>` and the like: the whole value is in the key.
        Class::Opt(inner) => of_class(inner).map(|k| Kind::Opt(Box::new(k))),
        // Read through: `*flag` is the flag.
        Class::Ref(inner, _) => of_class(inner),
    }
}

/// Where a pattern is matched.
#[derive(Clone, Copy, PartialEq)]
enum Context {
    /// `let` without `else`, closure parameters, `for`: the compiler proves it always
    /// matches, so it only takes the value apart.
    Irrefutable,
    /// `match`, `if let`, `while let`, `let ... else`, `matches!`: it may test the value.
    Refutable,
}

const HELP_DECIDE: &str = "mark the argument `#[shape]` to put its value in the cache key, or make the decision in the caller and pass its outcome as a `bool` argument";
const HELP_COMPUTE: &str = "mark the argument `#[shape]` to put its value in the cache key, or compute the value in the caller and pass the result as an argument";
const HELP_FRAGMENT: &str = "decide on the arguments themselves (flags, `Option` presence, list emptiness, `#[shape]` values), not on the statement built from them";

/// Checks `body` against the arguments' classes; every finding is an error.
pub(crate) fn check(args: &[Arg], body: &proc_macro2::Group) -> Vec<syn::Error> {
    // A body that does not parse gets rustc's own errors from the emitted function.
    let Ok(block) = syn::parse2::<Block>(TokenTree::Group(body.clone()).into()) else {
        return Vec::new();
    };
    let mut scope = HashMap::new();
    for arg in args {
        let flow = of_class(&arg.class).map(|kind| Taint {
            kind,
            origin: arg.ident.clone(),
        });
        scope.insert(arg.ident.to_string(), flow);
    }
    let mut analysis = Analysis {
        scopes: vec![scope],
        errors: Vec::new(),
        quiet: 0,
        per_element: Vec::new(),
        changed: std::collections::HashSet::new(),
        aliases: HashMap::new(),
    };
    analysis.block(&block);
    analysis.errors
}

struct Analysis {
    /// Names in scope, innermost last; a clean name shadows a tainted one.
    scopes: Vec<HashMap<String, Flow>>,
    errors: Vec<syn::Error>,
    /// While above zero, findings are not reported (the first pass over a loop body).
    quiet: usize,
    /// The lists whose `for` loops the walk is inside: what the body changes there depends
    /// on their length.
    /// With the index of the loop's own scope: locals of lower scopes are outside it.
    per_element: Vec<(Taint, usize)>,
    /// Locals already reported as changed once per element.
    changed: std::collections::HashSet<String>,
    /// Locals bound to a borrow of (or a value taken from) another local.
    aliases: HashMap<String, Ident>,
}

fn unparen(mut e: &Expr) -> &Expr {
    loop {
        match e {
            Expr::Paren(p) => e = &p.expr,
            Expr::Group(g) => e = &g.expr,
            _ => return e,
        }
    }
}

fn is_none_path(e: &Expr) -> bool {
    matches!(unparen(e), Expr::Path(p) if p.path.is_ident("None"))
}

/// The local a place expression (`x`, `x.field`, `x[i]`, `x.0`) belongs to.
fn root_name(e: &Expr) -> Option<&Ident> {
    match unparen(e) {
        Expr::Path(p) => p.path.get_ident(),
        Expr::Field(f) => root_name(&f.base),
        Expr::Index(i) => root_name(&i.expr),
        Expr::Reference(r) => root_name(&r.expr),
        Expr::MethodCall(m) => root_name(&m.receiver),
        _ => None,
    }
}

fn holds_fragment(kind: &Kind) -> bool {
    match kind {
        Kind::Fragment => true,
        Kind::Opt(inner) => holds_fragment(inner),
        Kind::Value | Kind::List => false,
    }
}

fn strip_type(pat: &Pat) -> &Pat {
    match pat {
        Pat::Type(t) => strip_type(&t.pat),
        Pat::Paren(p) => strip_type(&p.pat),
        other => other,
    }
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

impl Analysis {
    // ---- names -------------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Option<&Flow> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, ident: &Ident, flow: Flow) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(ident.to_string(), flow);
        }
    }

    /// A change of the local `ident` (an assignment, a compound assignment, a builder
    /// method called on it) at `span`, by a value of taint `flow`.
    ///
    /// Inside a `for` loop over a list, a local defined outside the loop is changed once per
    /// element: the SQL would have one piece per element. The cache repeats only the rows
    /// of a multi-row `INSERT` (`adds_row`); any other such change is an error.
    fn mutate(&mut self, ident: &Ident, flow: Flow, span: Span, adds_row: bool) {
        let mut flow = flow;
        if let Some((list, depth)) = self.per_element.last().cloned() {
            let name = ident.to_string();
            let outer = |this: &Self, name: &str| {
                this.scopes
                    .iter()
                    .rposition(|s| s.contains_key(name))
                    .is_some_and(|at| at < depth)
            };
            let borrows_outer = self
                .aliases
                .get(&name)
                .is_some_and(|target| outer(self, &target.to_string()));
            if outer(self, &name) || borrows_outer {
                // Once per local and loop: `x = x.add(..)` changes `x` twice.
                let key = format!("{name}@{:?}", list.origin.span());
                if !adds_row && (self.quiet > 0 || self.changed.insert(key)) {
                    self.report(
                        span,
                        format!(
                            "`{ident}` is changed once per element of list `{}`: the SQL would hold one piece per element, and the cache only repeats the rows of a multi-row INSERT (`.values_panic(..)`)",
                            list.origin
                        ),
                        &format!(
                            "bind the whole list with `.is_in({}.iter().copied())`, or pass the list's length as an argument marked `#[shape]`",
                            list.origin
                        ),
                    );
                }
                flow = join(flow, with_kind(&list, Kind::Fragment));
            }
        }
        self.taint_local(ident, flow);
    }

    /// Adds `flow` to the local `ident` where it is defined, and to the locals it borrows
    /// from.
    fn taint_local(&mut self, ident: &Ident, flow: Flow) {
        if flow.is_none() {
            return;
        }
        let mut name = ident.to_string();
        // Alias chains are short; the bound only guards against a cycle.
        for _ in 0..16 {
            if let Some(slot) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name)) {
                *slot = join(slot.take(), flow.clone());
            }
            match self.aliases.get(&name) {
                Some(target) => name = target.to_string(),
                None => break,
            }
        }
    }

    fn scoped<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.scopes.push(HashMap::new());
        let out = f(self);
        self.scopes.pop();
        out
    }

    /// Runs a loop body twice, the first time without reporting: a value assigned late in
    /// one iteration is seen by the next.
    fn looped(&mut self, mut f: impl FnMut(&mut Self)) {
        self.quiet += 1;
        f(self);
        self.quiet -= 1;
        f(self);
    }

    // ---- findings ----------------------------------------------------------------------

    fn report(&mut self, span: Span, message: String, help: &str) {
        if self.quiet > 0 {
            return;
        }
        let text = format!("{message}\n\nhelp: {help}");
        // The same finding twice (a loop body is walked twice) is reported once.
        let at = format!("{span:?}");
        let seen = self
            .errors
            .iter()
            .any(|e| format!("{:?}", e.span()) == at && e.to_string() == text);
        if !seen {
            self.errors.push(syn::Error::new(span, text));
        }
    }

    /// How a message names the value: "`limit`", "`s` taken from argument `status`", or
    /// "this value (from argument `x`)".
    fn subject(e: &Expr, taint: &Taint) -> String {
        let origin = &taint.origin;
        let what = match taint.kind {
            Kind::Fragment => "an expression holding a bound value",
            _ => "",
        };
        match unparen(e) {
            Expr::Path(p) => match p.path.get_ident() {
                Some(name) if name == origin && what.is_empty() => format!("`{name}`"),
                Some(name) if what.is_empty() => {
                    format!("`{name}` taken from argument `{origin}`")
                }
                Some(name) => format!("`{name}`, {what} of argument `{origin}`,"),
                None => format!("this value (from argument `{origin}`)"),
            },
            _ if !what.is_empty() => format!("this expression ({what} of argument `{origin}`)"),
            _ => format!("this value (from argument `{origin}`)"),
        }
    }

    fn decides(&mut self, e: &Expr, taint: &Taint) {
        let subject = Self::subject(e, taint);
        let (message, help) = match taint.kind {
            Kind::Fragment => (
                format!(
                    "{subject} decides control flow here: the SQL would depend on a bound value that the cache key does not hold"
                ),
                HELP_FRAGMENT,
            ),
            _ => (
                format!(
                    "{subject} decides control flow here, but its value is not part of the cache key: every value would be served the SQL of the first one seen"
                ),
                HELP_DECIDE,
            ),
        };
        self.report(e.span(), message, help);
    }

    fn computes(&mut self, span: Span, op: &str, e: &Expr, taint: &Taint) {
        if taint.kind == Kind::List {
            return self.list_use(span, op, &taint.origin);
        }
        let subject = Self::subject(e, taint);
        self.report(
            span,
            format!(
                "{op} on {subject} computes a new value from a bound argument: the cache binds an argument's own value, never one computed from it"
            ),
            HELP_COMPUTE,
        );
    }

    fn unseen(&mut self, span: Span, callee: &str, e: &Expr, taint: &Taint) {
        let subject = Self::subject(e, taint);
        self.report(
            span,
            format!(
                "{subject} is passed to `{callee}`, which #[cached_query] cannot see into: a bound value may only reach a sea-query method that binds it as a parameter"
            ),
            &format!(
                "bind it with a sea-query method (`.eq(..)`, `.is_in(..)`, `.like(..)`, `.limit(..)`, `Expr::val(..)`), or compute what `{callee}` returns in the caller and pass that as an argument; docs/soundness.md lists what a body may do"
            ),
        );
    }

    fn list_use(&mut self, span: Span, op: &str, origin: &Ident) {
        self.report(
            span,
            format!(
                "{op} on list `{origin}` looks at its length, its order or single elements, but only whether it is empty is part of the cache key"
            ),
            &format!(
                "bind the whole list, e.g. `.is_in({origin}.iter().copied())`, or pass what you need from it (its length, an element) as an argument of its own, marked `#[shape]` if it changes the SQL"
            ),
        );
    }

    // ---- statements --------------------------------------------------------------------

    fn block(&mut self, block: &Block) -> Flow {
        self.scoped(|this| this.stmts(&block.stmts))
    }

    fn stmts(&mut self, stmts: &[Stmt]) -> Flow {
        let mut last = None;
        for (n, stmt) in stmts.iter().enumerate() {
            let tail = n + 1 == stmts.len();
            last = match stmt {
                Stmt::Local(local) => {
                    self.local(local);
                    None
                }
                Stmt::Item(item) => {
                    self.item(item);
                    None
                }
                Stmt::Expr(e, semi) => {
                    let flow = self.expr(e);
                    if tail && semi.is_none() { flow } else { None }
                }
                Stmt::Macro(m) => {
                    let flow = self.mac(&m.mac);
                    if tail && m.semi_token.is_none() {
                        flow
                    } else {
                        None
                    }
                }
            };
        }
        last
    }

    /// Nested items cannot see the arguments, except a `macro_rules!` that names them.
    fn item(&mut self, item: &syn::Item) {
        if let syn::Item::Macro(m) = item
            && let Some((span, taint)) = self.tainted_token(m.mac.tokens.clone())
        {
            self.report(
                span,
                format!(
                    "a macro defined in the body names argument `{}`: #[cached_query] cannot see what it does with it",
                    taint.origin
                ),
                HELP_COMPUTE,
            );
        }
    }

    fn local(&mut self, local: &syn::Local) {
        let Some(init) = &local.init else {
            self.bind_pat(&local.pat, None, Context::Irrefutable);
            return;
        };
        let context = if init.diverge.is_some() {
            Context::Refutable
        } else {
            Context::Irrefutable
        };
        if let Some((_, diverge)) = &init.diverge {
            self.expr(diverge);
        }
        self.bind_expr(&local.pat, &init.expr, context);
        // `let r = &mut q;`, `let w = q.and_where(..);`: a change through the new name is a
        // change of the local it borrows from (over-approximated for copies and clones).
        if let Pat::Ident(p) = strip_type(&local.pat)
            && let Some(root) = root_name(&init.expr)
            && root != &p.ident
        {
            self.aliases.insert(p.ident.to_string(), root.clone());
        }
    }

    // ---- patterns ----------------------------------------------------------------------

    /// Matches `pat` against `e`, position by position where both are tuples.
    fn bind_expr(&mut self, pat: &Pat, e: &Expr, context: Context) {
        let parts = self.scrutinee(e);
        self.bind_parts(pat, e, &parts, context);
    }

    /// Evaluates a scrutinee once: a tuple expression element by element.
    fn scrutinee(&mut self, e: &Expr) -> Scrutinee {
        match unparen(e) {
            Expr::Tuple(t) if !t.elems.is_empty() => {
                Scrutinee::Tuple(t.elems.iter().map(|e| (e.clone(), self.expr(e))).collect())
            }
            _ => Scrutinee::One(self.expr(e)),
        }
    }

    fn bind_parts(&mut self, pat: &Pat, e: &Expr, parts: &Scrutinee, context: Context) {
        match (pat, parts) {
            (Pat::Tuple(p), Scrutinee::Tuple(elems))
                if p.elems.len() == elems.len()
                    && !p.elems.iter().any(|p| matches!(p, Pat::Rest(_))) =>
            {
                for (pat, (e, flow)) in p.elems.iter().zip(elems) {
                    self.match_pat(pat, e, flow.clone(), context);
                }
            }
            (Pat::Paren(p), _) => self.bind_parts(&p.pat, e, parts, context),
            (Pat::Or(o), Scrutinee::Tuple(_)) => {
                for case in &o.cases {
                    self.bind_parts(case, e, parts, context);
                }
            }
            (_, Scrutinee::Tuple(elems)) => {
                let flow = composite(elems.iter().map(|(_, f)| f.clone()));
                self.match_pat(pat, e, flow, context);
            }
            (_, Scrutinee::One(flow)) => self.match_pat(pat, e, flow.clone(), context),
        }
    }

    /// Binds the names of `pat` matched against a value `e` of taint `flow`; a pattern that
    /// tests more than the key holds is a decision.
    fn match_pat(&mut self, pat: &Pat, e: &Expr, flow: Flow, context: Context) {
        let Some(taint) = flow else {
            return self.bind_pat(pat, None, context);
        };
        if !self.pat_ok(pat, &taint, context) {
            self.decides(e, &taint);
            // Bind the names anyway, as bound values, so later uses are checked too.
            self.bind_names(
                pat,
                Some(Taint {
                    kind: Kind::Value,
                    origin: taint.origin.clone(),
                }),
            );
        }
    }

    /// Binds `pat`'s names for a value of `taint`, if the pattern only tests what the key
    /// holds; `false` otherwise.
    fn pat_ok(&mut self, pat: &Pat, taint: &Taint, context: Context) -> bool {
        match pat {
            Pat::Wild(_) | Pat::Rest(_) => true,
            Pat::Ident(p) => {
                self.bind(&p.ident, Some(taint.clone()));
                match &p.subpat {
                    Some((_, sub)) => self.pat_ok(sub, taint, context),
                    None => true,
                }
            }
            Pat::Paren(p) => self.pat_ok(&p.pat, taint, context),
            Pat::Reference(r) => self.pat_ok(&r.pat, taint, context),
            Pat::Type(t) => self.pat_ok(&t.pat, taint, context),
            Pat::Or(o) => o.cases.iter().all(|case| self.pat_ok(case, taint, context)),
            Pat::Path(p) if p.path.is_ident("None") => matches!(taint.kind, Kind::Opt(_)),
            Pat::TupleStruct(t) if t.path.is_ident("Some") && t.elems.len() == 1 => {
                match &taint.kind {
                    Kind::Opt(inner) => {
                        let inner = Taint {
                            kind: (**inner).clone(),
                            origin: taint.origin.clone(),
                        };
                        t.elems.iter().all(|p| self.pat_ok(p, &inner, context))
                    }
                    _ => false,
                }
            }
            // Taking a tuple, struct or array apart: each part is a bound value. In a
            // refutable position only a tuple is sure to match whatever the value is.
            Pat::Tuple(t) => {
                let part = self.part(taint);
                t.elems.iter().all(|p| self.pat_ok(p, &part, context))
            }
            Pat::Struct(s) if context == Context::Irrefutable => {
                let part = self.part(taint);
                s.fields.iter().all(|f| self.pat_ok(&f.pat, &part, context))
            }
            Pat::TupleStruct(t) if context == Context::Irrefutable => {
                let part = self.part(taint);
                t.elems.iter().all(|p| self.pat_ok(p, &part, context))
            }
            Pat::Slice(s) if context == Context::Irrefutable && taint.kind != Kind::List => {
                let part = self.part(taint);
                s.elems.iter().all(|p| self.pat_ok(p, &part, context))
            }
            _ => false,
        }
    }

    /// The taint of a part of a tainted tuple, struct or array.
    fn part(&self, taint: &Taint) -> Taint {
        Taint {
            kind: match taint.kind {
                Kind::Fragment => Kind::Fragment,
                _ => Kind::Value,
            },
            origin: taint.origin.clone(),
        }
    }

    /// Binds every name `pat` introduces to `flow`, checking nothing (a clean value, or
    /// after a finding).
    fn bind_names(&mut self, pat: &Pat, flow: Flow) {
        struct Names<'a>(&'a mut Vec<Ident>);
        impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(p.ident.clone());
                syn::visit::visit_pat_ident(self, p);
            }
            fn visit_expr(&mut self, _: &'ast Expr) {}
        }
        let mut names = Vec::new();
        syn::visit::Visit::visit_pat(&mut Names(&mut names), pat);
        for name in names {
            self.bind(&name, flow.clone());
        }
    }

    fn bind_pat(&mut self, pat: &Pat, flow: Flow, context: Context) {
        match flow {
            None => self.bind_names(pat, None),
            Some(taint) => {
                if !self.pat_ok(pat, &taint, context) {
                    self.bind_names(pat, Some(self.part(&taint)));
                }
            }
        }
    }

    // ---- expressions -------------------------------------------------------------------

    /// A deciding position (`if`, `while`, a guard, `&&`/`||`): must be clean.
    fn condition(&mut self, e: &Expr) {
        match unparen(e) {
            Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                self.condition(&b.left);
                self.condition(&b.right);
            }
            Expr::Let(l) => self.bind_expr(&l.pat, &l.expr, Context::Refutable),
            other => {
                if let Some(taint) = self.expr(other) {
                    self.decides(other, &taint);
                }
            }
        }
    }

    /// Evaluates `e`, reporting every use of a tainted value that is not allowed; returns
    /// what `e` holds.
    fn expr(&mut self, e: &Expr) -> Flow {
        match e {
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Lit(_) | Expr::Infer(_) | Expr::Continue(_) => None,
            Expr::Path(p) => match p.path.get_ident() {
                Some(ident) if p.qself.is_none() => {
                    self.lookup(&ident.to_string()).cloned().flatten()
                }
                _ => None,
            },
            Expr::Reference(r) => {
                // `&mut q` inside a loop over a list: whatever receives it may change `q`
                // once per element.
                if r.mutability.is_some()
                    && !self.per_element.is_empty()
                    && let Some(root) = root_name(&r.expr)
                {
                    let root = root.clone();
                    self.mutate(&root, None, r.span(), false);
                }
                self.expr(&r.expr)
            }
            Expr::RawAddr(r) => self.expr(&r.expr),
            Expr::Unary(u) => {
                let flow = self.expr(&u.expr);
                match (&u.op, &flow) {
                    (UnOp::Deref(_), _) | (_, None) => flow,
                    (op, Some(taint)) => {
                        let op = if matches!(op, UnOp::Neg(_)) {
                            "negation"
                        } else {
                            "`!`"
                        };
                        self.computes(u.span(), op, &u.expr, taint);
                        None
                    }
                }
            }
            Expr::Binary(b) => self.binary(b),
            Expr::Cast(c) => {
                if let Some(taint) = self.expr(&c.expr) {
                    self.computes(c.span(), "a cast", &c.expr, &taint);
                }
                None
            }
            Expr::Index(i) => {
                let base = self.expr(&i.expr);
                let index = self.expr(&i.index);
                if let Some(taint) = &index {
                    self.computes(i.span(), "indexing", &i.index, taint);
                }
                if let Some(taint) = &base {
                    match taint.kind {
                        Kind::List => self.list_use(i.span(), "indexing", &taint.origin),
                        _ => self.computes(i.span(), "indexing", &i.expr, taint),
                    }
                }
                None
            }
            Expr::Range(r) => {
                for end in [&r.start, &r.end].into_iter().flatten() {
                    if let Some(taint) = self.expr(end) {
                        self.computes(r.span(), "a range", end, &taint);
                    }
                }
                None
            }
            Expr::Field(f) => {
                let flow = self.expr(&f.base);
                flow.map(|t| self.part(&t))
            }
            Expr::Tuple(t) => {
                let parts: Vec<Flow> = t.elems.iter().map(|e| self.expr(e)).collect();
                composite(parts)
            }
            Expr::Array(a) => {
                let parts: Vec<Flow> = a.elems.iter().map(|e| self.expr(e)).collect();
                composite(parts)
            }
            Expr::Repeat(r) => {
                if let Some(taint) = self.expr(&r.len) {
                    self.computes(r.len.span(), "a repeat count", &r.len, &taint);
                }
                let flow = self.expr(&r.expr);
                composite([flow])
            }
            Expr::Struct(s) => {
                let mut parts: Vec<Flow> = s.fields.iter().map(|f| self.expr(&f.expr)).collect();
                if let Some(rest) = &s.rest {
                    parts.push(self.expr(rest));
                }
                composite(parts)
            }
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::Async(a) => self.block(&a.block),
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Await(a) => self.expr(&a.base),
            Expr::If(i) => {
                let then = self.scoped(|this| {
                    this.condition(&i.cond);
                    this.block(&i.then_branch)
                });
                let other = i.else_branch.as_ref().and_then(|(_, e)| self.expr(e));
                join(then, other)
            }
            Expr::Let(l) => {
                // Outside an `if`/`while` condition (rustc rejects that anyway).
                self.bind_expr(&l.pat, &l.expr, Context::Refutable);
                None
            }
            Expr::Match(m) => self.match_expr(m),
            Expr::While(w) => {
                self.looped(|this| {
                    this.scoped(|this| {
                        this.condition(&w.cond);
                        this.block(&w.body);
                    });
                });
                None
            }
            Expr::Loop(l) => {
                self.looped(|this| {
                    this.block(&l.body);
                });
                None
            }
            Expr::ForLoop(f) => {
                let flow = self.expr(&f.expr);
                // Over a list, the body runs once per element: each element is a bound
                // value, and whatever the body changes depends on the list's length.
                let over_list = match &flow {
                    Some(taint) if taint.kind == Kind::List && !self.per_element.is_empty() => {
                        // Rows per element of each: as many as the product of two lengths.
                        self.list_use(
                            f.expr.span(),
                            "a `for` loop inside another loop over a list",
                            &taint.origin,
                        );
                        None
                    }
                    Some(taint) if taint.kind == Kind::List => Some(taint.clone()),
                    Some(taint) => {
                        self.decides(&f.expr, taint);
                        None
                    }
                    None => None,
                };
                self.looped(|this| {
                    this.scoped(|this| {
                        this.bind_names(&f.pat, flow.clone().map(|t| this.part(&t)));
                        let depth = this.scopes.len() - 1;
                        this.per_element
                            .extend(over_list.clone().map(|list| (list, depth)));
                        this.block(&f.body);
                        if over_list.is_some() {
                            this.per_element.pop();
                        }
                    });
                });
                None
            }
            Expr::Break(b) => {
                if let Some(value) = &b.expr
                    && let Some(taint) = self.expr(value)
                {
                    self.computes(b.span(), "`break` with a value", value, &taint);
                }
                None
            }
            Expr::Return(r) => {
                if let Some(value) = &r.expr {
                    self.expr(value);
                }
                None
            }
            Expr::Yield(y) => {
                if let Some(value) = &y.expr {
                    self.expr(value);
                }
                None
            }
            Expr::Try(t) => {
                let flow = self.expr(&t.expr);
                match &flow {
                    // `opt?`: presence decides, and it is in the key.
                    Some(Taint {
                        kind: Kind::Opt(inner),
                        origin,
                    }) => Some(Taint {
                        kind: (**inner).clone(),
                        origin: origin.clone(),
                    }),
                    Some(taint) => {
                        self.decides(&t.expr, taint);
                        None
                    }
                    None => None,
                }
            }
            Expr::Assign(a) => {
                let value = self.expr(&a.right);
                self.assign(&a.left, value);
                None
            }
            Expr::Closure(c) => self.closure(c, None),
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Macro(m) => self.mac(&m.mac),
            // Anything else syn knows or does not: a tainted name in it is an error.
            other => {
                if let Some((span, taint)) = self.tainted_token(other.to_token_stream()) {
                    self.report(
                        span,
                        format!(
                            "#[cached_query] cannot follow argument `{}` through this expression",
                            taint.origin
                        ),
                        HELP_COMPUTE,
                    );
                }
                None
            }
        }
    }

    fn binary(&mut self, b: &syn::ExprBinary) -> Flow {
        if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) {
            self.condition(&b.left);
            self.condition(&b.right);
            return None;
        }
        // `status == None`, `status != None`: a presence test.
        if matches!(b.op, BinOp::Eq(_) | BinOp::Ne(_)) {
            let (side, none) = if is_none_path(&b.right) {
                (&*b.left, true)
            } else if is_none_path(&b.left) {
                (&*b.right, true)
            } else {
                (&*b.left, false)
            };
            if none {
                let flow = self.expr(side);
                match &flow {
                    None => return None,
                    Some(t) if matches!(t.kind, Kind::Opt(_)) => return None,
                    Some(t) => {
                        self.decides(side, t);
                        return None;
                    }
                }
            }
        }
        let left = self.expr(&b.left);
        let right = self.expr(&b.right);
        let assigning = matches!(
            b.op,
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
        );
        if assigning && let Some(root) = root_name(&b.left) {
            // `x += 1`: nothing tainted flows, unless it runs once per element of a list.
            let root = root.clone();
            self.mutate(&root, None, b.span(), false);
        }
        let op = match b.op {
            BinOp::Eq(_)
            | BinOp::Ne(_)
            | BinOp::Lt(_)
            | BinOp::Le(_)
            | BinOp::Gt(_)
            | BinOp::Ge(_) => "a comparison",
            _ => "arithmetic",
        };
        for (side, flow) in [(&*b.left, &left), (&*b.right, &right)] {
            if let Some(taint) = flow {
                if op == "a comparison" && taint.kind != Kind::List {
                    self.decides_compare(b, side, taint);
                } else {
                    self.computes(b.span(), op, side, taint);
                }
                return None;
            }
        }
        None
    }

    fn decides_compare(&mut self, b: &syn::ExprBinary, side: &Expr, taint: &Taint) {
        if taint.kind == Kind::Fragment {
            return self.decides(side, taint);
        }
        let subject = Self::subject(side, taint);
        self.report(
            b.span(),
            format!(
                "a comparison on {subject} decides on a value that is not part of the cache key: every value would be served the SQL of the first one seen"
            ),
            HELP_DECIDE,
        );
    }

    fn assign(&mut self, place: &Expr, value: Flow) {
        match unparen(place) {
            Expr::Path(p) => {
                if let Some(ident) = p.path.get_ident() {
                    self.mutate(ident, value, p.span(), false);
                }
            }
            Expr::Field(f) => {
                self.expr(&f.base);
                self.assign(&f.base, value);
            }
            Expr::Index(i) => {
                if let Some(taint) = self.expr(&i.index) {
                    self.computes(i.span(), "indexing", &i.index, &taint);
                }
                self.assign(&i.expr, value);
            }
            Expr::Tuple(t) => {
                for elem in &t.elems {
                    self.assign(elem, value.clone().map(|t| self.part(&t)));
                }
            }
            Expr::Infer(_) => {}
            other => {
                // `*r = value` and the like: where it lands cannot be followed by name.
                self.expr(other);
                if let Some(taint) = value {
                    self.report(
                        other.span(),
                        format!(
                            "a value from argument `{}` is stored through a reference here, where #[cached_query] cannot follow it",
                            taint.origin
                        ),
                        HELP_COMPUTE,
                    );
                }
            }
        }
    }

    fn match_expr(&mut self, m: &syn::ExprMatch) -> Flow {
        let parts = self.scrutinee(&m.expr);
        let mut out = None;
        for arm in &m.arms {
            let (pat, guard) = match &arm.pat {
                Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
                other => (other, None),
            };
            let flow = self.scoped(|this| {
                this.bind_parts(pat, &m.expr, &parts, Context::Refutable);
                if let Some(guard) = guard {
                    this.condition(guard);
                }
                this.expr(&arm.body)
            });
            out = join(out, flow);
        }
        out
    }

    /// A closure: its parameters are clean unless `params` gives their taint; it evaluates
    /// to what its body returns (calling it gives that).
    fn closure(&mut self, c: &syn::ExprClosure, params: Option<&[Flow]>) -> Flow {
        self.scoped(|this| {
            for (n, input) in c.inputs.iter().enumerate() {
                let flow = params.and_then(|p| p.get(n)).cloned().flatten();
                this.bind_pat(input, flow, Context::Irrefutable);
            }
            this.expr(&c.body)
        })
    }

    fn call(&mut self, c: &syn::ExprCall) -> Flow {
        let Expr::Path(callee) = unparen(&c.func) else {
            // `(f)(x)`, `make()(x)`: a callee the analysis cannot name.
            let callee_flow = self.expr(&c.func);
            let args = self.args(&c.args);
            for (arg, flow) in c.args.iter().zip(&args) {
                if let Some(taint) = flow {
                    self.unseen(arg.span(), "this function", arg, taint);
                }
            }
            return callee_flow;
        };
        let path = &callee.path;
        let name = path_text(path);
        // A local closure or function value.
        if let Some(ident) = path.get_ident()
            && let Some(local) = self.lookup(&ident.to_string()).cloned()
        {
            if let Some((list, _)) = self.per_element.last().cloned() {
                // It may change what it captured, once per element.
                self.report(
                    c.span(),
                    format!(
                        "`{ident}` is called once per element of list `{}`: a closure may change what it captured each time, and the SQL would hold one piece per element",
                        list.origin
                    ),
                    &format!(
                        "bind the whole list with `.is_in({}.iter().copied())`, or pass the list's length as an argument marked `#[shape]`",
                        list.origin
                    ),
                );
            }
            let args = self.args(&c.args);
            for (arg, flow) in c.args.iter().zip(&args) {
                if let Some(taint) = flow {
                    self.unseen(arg.span(), &name, arg, taint);
                }
            }
            return local;
        }
        let args = self.args(&c.args);
        if allow::is_path_step(path) {
            // `Some(x)` keeps presence; the others convert one value.
            let flow = composite(args);
            return match (path.is_ident("Some"), flow) {
                (true, Some(t)) => with_kind(&t, Kind::Opt(Box::new(t.kind.clone()))),
                (false, Some(t)) if t.kind == Kind::Fragment => Some(t),
                (false, Some(t)) => with_kind(&t, Kind::Value),
                (_, None) => None,
            };
        }
        let sink = allow::path_sink(path);
        let mut out = None;
        for (n, (arg, flow)) in c.args.iter().zip(args).enumerate() {
            let Some(taint) = flow else { continue };
            let allowed = sink.is_some_and(|positions| positions.binds(n));
            if allowed {
                out = join(out, with_kind(&taint, Kind::Fragment));
            } else {
                self.unseen(arg.span(), &name, arg, &taint);
            }
        }
        out
    }

    fn args(&mut self, args: &Punctuated<Expr, syn::Token![,]>) -> Vec<Flow> {
        args.iter().map(|a| self.expr(a)).collect()
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall) -> Flow {
        let method = m.method.to_string();
        let span = m.method.span();
        let receiver = self.expr(&m.receiver);
        match receiver {
            Some(taint) if taint.kind != Kind::Fragment => self.step(m, &method, span, &taint),
            receiver => {
                let sink = allow::method_sink(&method);
                let applies = allow::OPTION_APPLY.contains(&method.as_str());
                let mut out = receiver.clone();
                for (n, arg) in m.args.iter().enumerate() {
                    let flow = match unparen(arg) {
                        // `apply_if`'s closure is checked below, with its value's taint.
                        Expr::Closure(_) if applies && n == 1 => continue,
                        Expr::Closure(c) => self.closure(c, None),
                        _ => self.expr(arg),
                    };
                    let Some(taint) = flow else { continue };
                    // A fragment, or an `Option` of one (`and_where_option(opt.map(..))`):
                    // presence is in the key, the rest holds parameters.
                    let fragment = holds_fragment(&taint.kind);
                    if fragment && sink.is_some_and(|s| s.value_only) {
                        self.report(
                            arg.span(),
                            format!(
                                "`.{method}()` takes a plain value, and this is an expression made from argument `{}`: the body computed it",
                                taint.origin
                            ),
                            HELP_COMPUTE,
                        );
                        continue;
                    }
                    let allowed = fragment
                        || sink.is_some_and(|s| s.positions.binds(n))
                        || (applies && n == 0 && matches!(taint.kind, Kind::Opt(_)));
                    if !allowed {
                        self.unseen(arg.span(), &format!(".{method}()"), arg, &taint);
                        continue;
                    }
                    out = join(out, with_kind(&taint, Kind::Fragment));
                }
                // `q.apply_if(status, |q, s| ..)`: the closure sees the inner value.
                if applies
                    && let (Some(first), Some(Expr::Closure(c))) =
                        (m.args.first(), m.args.iter().nth(1).map(unparen))
                {
                    let inner = match self.expr_quiet(first) {
                        Some(Taint {
                            kind: Kind::Opt(inner),
                            origin,
                        }) => Some(Taint {
                            kind: *inner,
                            origin,
                        }),
                        _ => None,
                    };
                    let flow = self.closure(c, Some(&[None, inner]));
                    out = join(
                        out,
                        flow.map(|t| Taint {
                            kind: Kind::Fragment,
                            ..t
                        }),
                    );
                }
                // A builder method mutates its receiver: what it now holds is tainted too.
                if let Some(root) = root_name(&m.receiver) {
                    let root = root.clone();
                    let flow = out.clone().map(|t| Taint {
                        kind: Kind::Fragment,
                        ..t
                    });
                    let adds_row = matches!(method.as_str(), "values" | "values_panic");
                    self.mutate(&root, flow, m.method.span(), adds_row);
                }
                out.map(|t| Taint {
                    kind: Kind::Fragment,
                    ..t
                })
            }
        }
    }

    /// Evaluates without reporting (for a second look at an argument already checked).
    fn expr_quiet(&mut self, e: &Expr) -> Flow {
        self.quiet += 1;
        let flow = self.expr(e);
        self.quiet -= 1;
        flow
    }

    /// A method on a tainted value (not a fragment): only the listed steps.
    fn step(&mut self, m: &syn::ExprMethodCall, method: &str, span: Span, taint: &Taint) -> Flow {
        let what = format!("`.{method}()`");
        let clean_args = |this: &mut Self| {
            for arg in &m.args {
                if let Some(t) = this.expr(arg) {
                    this.unseen(arg.span(), &format!(".{method}()"), arg, &t);
                }
            }
        };
        match &taint.kind {
            Kind::Value => {
                if allow::VALUE_STEPS.contains(&method) {
                    clean_args(self);
                    return Some(taint.clone());
                }
                self.computes(span, &what, &m.receiver, taint);
                self.args(&m.args);
                None
            }
            Kind::List => {
                if allow::LIST_TESTS.contains(&method) {
                    clean_args(self);
                    return None;
                }
                let collect_ok = method != "collect" || m.turbofish.as_ref().is_some_and(|t| {
                    t.args.len() == 1
                        && matches!(t.args.first(), Some(syn::GenericArgument::Type(ty)) if crate::types::single_generic(ty, "Vec").is_some())
                });
                if allow::LIST_STEPS.contains(&method) && collect_ok {
                    if method == "map" {
                        self.map_closure(m, Some(Kind::Value), taint);
                    } else {
                        clean_args(self);
                    }
                    return Some(taint.clone());
                }
                let op = if method == "collect" {
                    "`.collect()` without `::<Vec<_>>`".to_owned()
                } else {
                    what
                };
                self.list_use(span, &op, &taint.origin);
                self.args(&m.args);
                None
            }
            Kind::Opt(inner) => {
                let inner_taint = Taint {
                    kind: (**inner).clone(),
                    origin: taint.origin.clone(),
                };
                if allow::OPTION_TESTS.contains(&method) {
                    clean_args(self);
                    return None;
                }
                if method == "map" {
                    let body = self.map_closure(m, Some((**inner).clone()), taint);
                    return body.map(|b| Taint {
                        kind: Kind::Opt(Box::new(b.kind)),
                        origin: b.origin,
                    });
                }
                if allow::OPTION_STEPS.contains(&method) {
                    clean_args(self);
                    return Some(taint.clone());
                }
                if allow::OPTION_UNWRAPS.contains(&method) {
                    let mut out = Some(inner_taint);
                    for arg in &m.args {
                        let flow = match unparen(arg) {
                            Expr::Closure(c) => self.closure(c, None),
                            other => self.expr(other),
                        };
                        out = join(out, flow);
                    }
                    if method == "or" {
                        return out.map(|t| {
                            let kind = match t.kind {
                                Kind::Opt(_) => t.kind,
                                other => Kind::Opt(Box::new(other)),
                            };
                            Taint {
                                kind,
                                origin: t.origin,
                            }
                        });
                    }
                    return out;
                }
                if method == "into" {
                    clean_args(self);
                    return with_kind(taint, Kind::Value);
                }
                self.report(
                    span,
                    format!(
                        "{what} on {} looks into an `Option` beyond its presence, but only whether it is `Some` is part of the cache key",
                        Self::subject(&m.receiver, taint)
                    ),
                    "match on presence (`if let Some(x) = ..`, `.is_some()`) and bind the inner value; pass anything else as an argument of its own",
                );
                self.args(&m.args);
                None
            }
            Kind::Fragment => None,
        }
    }

    /// `list.iter().map(|x| ..)`, `opt.map(|x| ..)`: the closure's parameter is the inner
    /// value; returns what the closure's body returns. A function path (`map(Value::from)`)
    /// must be a step.
    fn map_closure(&mut self, m: &syn::ExprMethodCall, param: Option<Kind>, taint: &Taint) -> Flow {
        let param = param.map(|kind| Taint {
            kind,
            origin: taint.origin.clone(),
        });
        match m.args.first().map(unparen) {
            Some(Expr::Closure(c)) => {
                let reported = self.errors.len();
                let body = self.closure(c, Some(&[param]));
                // (A body already reported is not also said to drop the element.)
                if body.is_none() && taint.kind == Kind::List && self.errors.len() == reported {
                    // `ids.iter().map(|_| 1)`: as many values as elements, none of them bound.
                    self.list_use(
                        c.body.span(),
                        "a `map` whose result does not hold the element",
                        &taint.origin,
                    );
                }
                body
            }
            Some(Expr::Path(p))
                if allow::is_path_step(&p.path) || allow::path_sink(&p.path).is_some() =>
            {
                if allow::path_sink(&p.path).is_some() {
                    param.map(|t| Taint {
                        kind: Kind::Fragment,
                        ..t
                    })
                } else {
                    param
                }
            }
            Some(other) => {
                if let Some(t) = param {
                    let name = match other {
                        Expr::Path(p) => path_text(&p.path),
                        _ => "this function".to_owned(),
                    };
                    self.unseen(other.span(), &name, other, &t);
                }
                None
            }
            None => None,
        }
    }

    // ---- macros ------------------------------------------------------------------------

    fn mac(&mut self, mac: &syn::Macro) -> Flow {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            // `vec![..]`, and sea-query's `any![..]`/`all![..]` of conditions.
            "vec" | "any" | "all" => {
                // `vec![a, b]`, `vec![x; n]`: a list made of the values.
                if let Ok(exprs) =
                    Punctuated::<Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone())
                {
                    let parts: Vec<Flow> = exprs.iter().map(|e| self.expr(e)).collect();
                    return composite(parts);
                }
                let array =
                    proc_macro2::Group::new(proc_macro2::Delimiter::Bracket, mac.tokens.clone());
                if let Ok(repeat) = syn::parse2::<Expr>(TokenTree::Group(array).into()) {
                    return self.expr(&repeat);
                }
            }
            "matches" => {
                if let Ok((scrutinee, pat, guard)) = parse_matches(mac.tokens.clone()) {
                    return self.scoped(|this| {
                        this.bind_expr(&pat, &scrutinee, Context::Refutable);
                        if let Some(guard) = &guard {
                            this.condition(guard);
                        }
                        None
                    });
                }
            }
            _ => {}
        }
        if let Some((span, taint)) = self.tainted_token(mac.tokens.clone()) {
            let formatting = matches!(
                name.as_str(),
                "format"
                    | "format_args"
                    | "write"
                    | "writeln"
                    | "print"
                    | "println"
                    | "eprint"
                    | "eprintln"
                    | "concat"
                    | "stringify"
                    | "panic"
                    | "dbg"
            );
            let deciding = name.contains("assert") || name == "matches";
            let message = if formatting {
                format!(
                    "`{name}!` on `{}` turns a bound argument into text: the cache binds an argument's own value, never text made from it",
                    taint.origin
                )
            } else if deciding {
                format!(
                    "`{name}!` decides on argument `{}`, but its value is not part of the cache key: every value would be served the SQL of the first one seen",
                    taint.origin
                )
            } else {
                format!(
                    "`{name}!` receives argument `{}`, and #[cached_query] cannot see what the macro does with it",
                    taint.origin
                )
            };
            let help = if deciding { HELP_DECIDE } else { HELP_COMPUTE };
            self.report(span, message, help);
            return None;
        }
        // No tainted name in it: evaluate what parses, for the names it binds or assigns.
        if let Ok(exprs) =
            Punctuated::<Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        {
            for e in &exprs {
                self.expr(e);
            }
        }
        None
    }

    /// The first tainted name among `tokens`, including `{name}` in format strings.
    fn tainted_token(&self, tokens: TokenStream) -> Option<(Span, Taint)> {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    if let Some(Some(taint)) = self.lookup(&ident.to_string()) {
                        return Some((ident.span(), taint.clone()));
                    }
                }
                TokenTree::Group(g) => {
                    if let Some(found) = self.tainted_token(g.stream()) {
                        return Some(found);
                    }
                }
                TokenTree::Literal(lit) => {
                    let text = lit.to_string();
                    for inline in inline_names(&text) {
                        if let Some(Some(taint)) = self.lookup(&inline) {
                            return Some((lit.span(), taint.clone()));
                        }
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
        None
    }
}

/// A scrutinee evaluated once: a tuple expression keeps each element's taint.
enum Scrutinee {
    One(Flow),
    Tuple(Vec<(Expr, Flow)>),
}

/// `matches!(expr, pattern)` or `matches!(expr, pattern if guard)`.
fn parse_matches(tokens: TokenStream) -> syn::Result<(Expr, Pat, Option<Expr>)> {
    let parser = |input: syn::parse::ParseStream<'_>| {
        let scrutinee: Expr = input.parse()?;
        input.parse::<syn::Token![,]>()?;
        let pat = Pat::parse_multi_with_leading_vert(input)?;
        let guard = if input.peek(syn::Token![if]) {
            input.parse::<syn::Token![if]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        if input.peek(syn::Token![,]) {
            input.parse::<syn::Token![,]>()?;
        }
        Ok((scrutinee, pat, guard))
    };
    parser.parse2(tokens)
}

/// Names used inline in a format string literal: `"{name}"`, `"{name:?}"`. Positional
/// arguments (`"{0}"`, `"{1:?}"`) refer to the macro's arguments, which are checked as
/// tokens, so they are not names; nor is anything that does not start like an identifier.
fn inline_names(literal: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = literal;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(name.to_owned());
        }
    }
    out
}

use quote::ToTokens as _;

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::{format_ident, quote};

    use crate::allow;

    /// The analysis' messages for a function, or nothing.
    fn findings(item: TokenStream) -> Vec<String> {
        let out = crate::pipeline::cached_query(quote!(), item).to_string();
        out.split("compile_error")
            .skip(1)
            .map(|rest| rest.split(" }").next().unwrap_or_default().to_owned())
            .collect()
    }

    /// A function of the usual argument kinds with `body` as its body.
    fn body(stmts: TokenStream) -> Vec<String> {
        findings(quote! {
            fn f(a: i64, b: i64, s: &str, o: Option<i64>, os: Option<&str>, ids: &[i64],
                 flag: bool, #[shape] k: u8, limit: u64, r: Result<i64, String>) -> SelectStatement {
                let mut q = Query::select();
                #stmts
                q
            }
        })
    }

    fn accepted(stmts: TokenStream) {
        let found = body(stmts.clone());
        assert!(found.is_empty(), "{stmts}\n{found:#?}");
    }

    fn rejected(stmts: TokenStream, expect: &str) {
        let found = body(stmts.clone());
        assert!(
            found.iter().any(|f| f.contains(expect)),
            "{stmts}\nexpected a finding containing {expect:?}, got {found:#?}"
        );
    }

    #[test]
    fn every_method_sink_binds_a_value() {
        for sink in allow::METHOD_SINKS {
            let m = format_ident!("{}", sink.name);
            let args: Vec<TokenStream> = (0..=match sink.positions {
                allow::Positions::All => 0,
                allow::Positions::Only(i) => i,
            })
                .map(|n| {
                    if sink.positions.binds(n) {
                        quote!(a)
                    } else {
                        quote!(C)
                    }
                })
                .collect();
            accepted(quote! { q.and_where(Expr::col(C).#m(#(#args),*)); });
            if let allow::Positions::Only(i) = sink.positions {
                // The other positions are written into the text: no bound value there.
                let args: Vec<TokenStream> = (0..=i)
                    .map(|n| if n == i { quote!(C) } else { quote!(a) })
                    .collect();
                rejected(
                    quote! { q.and_where(Expr::col(C).#m(#(#args),*)); },
                    "cannot see into",
                );
            }
        }
    }

    #[test]
    fn every_path_sink_binds_a_value() {
        for (ty, f, positions) in allow::PATH_SINKS {
            let (ty, f) = (format_ident!("{}", ty), format_ident!("{}", f));
            let n = match positions {
                allow::Positions::All => 0,
                allow::Positions::Only(i) => *i,
            };
            let args: Vec<TokenStream> = (0..=n)
                .map(|i| {
                    if positions.binds(i) {
                        quote!(a)
                    } else {
                        quote!("x")
                    }
                })
                .collect();
            accepted(quote! { q.and_where(Expr::col(C).eq(#ty::#f(#(#args),*))); });
        }
    }

    #[test]
    fn every_step_passes_a_value_on() {
        for step in allow::VALUE_STEPS {
            let m = format_ident!("{}", step);
            accepted(quote! { q.and_where(Expr::col(C).eq(s.#m())); });
            // A step is not a decision: the value it gives may not decide.
            rejected(quote! { if s.#m() == "x" { q.limit(1); } }, "comparison");
        }
        for step in allow::LIST_STEPS {
            let m = format_ident!("{}", step);
            let call = match *step {
                "map" => quote!(ids.iter().map(|x| *x)),
                "collect" => quote!(ids.iter().copied().collect::<Vec<_>>()),
                _ => quote!(ids.#m()),
            };
            accepted(quote! { q.and_where(Expr::col(C).is_in(#call)); });
        }
        for test in allow::LIST_TESTS {
            let m = format_ident!("{}", test);
            accepted(quote! { if !ids.#m() { q.limit(1); } });
        }
        for step in allow::OPTION_STEPS {
            let m = format_ident!("{}", step);
            let call = match *step {
                "map" => quote!(o.map(|x| x)),
                _ => quote!(o.#m()),
            };
            accepted(quote! { if let Some(x) = #call { q.and_where(Expr::col(C).eq(x)); } });
        }
        for unwrap in allow::OPTION_UNWRAPS {
            let m = format_ident!("{}", unwrap);
            let call = match *unwrap {
                "unwrap" | "unwrap_or_default" => quote!(o.#m()),
                "expect" => quote!(o.expect("present")),
                "unwrap_or" => quote!(o.unwrap_or(0)),
                "unwrap_or_else" => quote!(o.unwrap_or_else(|| 0)),
                _ => quote!(o.or(Some(b))),
            };
            accepted(quote! { q.and_where(Expr::col(C).eq(#call)); });
        }
        for test in allow::OPTION_TESTS {
            let m = format_ident!("{}", test);
            accepted(quote! { if os.#m() { q.limit(1); } });
        }
        for (ty, f) in allow::PATH_STEPS {
            let f = format_ident!("{}", f);
            let call = if ty.is_empty() {
                quote!(#f(a))
            } else {
                let ty = format_ident!("{}", ty);
                quote!(#ty::#f(a))
            };
            accepted(quote! { q.and_where(Expr::col(C).eq(#call)); });
        }
        accepted(quote! {
            q.apply_if(os, |q, v| { q.and_where(Expr::col(C).eq(v)); });
        });
        rejected(
            quote! { q.apply_if(os, |q, v| { if v == "x" { q.limit(1); } }); },
            "comparison",
        );
    }

    #[test]
    fn allows_what_the_key_holds() {
        let found = findings(quote! {
            fn f(a: i64, o: Option<i64>, oo: Option<Option<&str>>, ob: Option<bool>, l: &[i64],
                 flag: bool, #[shape] s: u8, rows: &[(i64, String)]) -> SelectStatement {
                let mut q = Query::select();
                let o2 = o;
                if let Some(x) = o2 { q.and_where(Expr::col(A).eq(x)); }
                if let Some(Some(t)) = oo { q.and_where(Expr::col(A).eq(t)); }
                if ob == Some(true) || flag && s > 3 { q.limit(1); }
                let Some(y) = o else { return q; };
                q.and_where(Expr::col(A).eq(y)).and_where(Expr::col(A).eq(a));
                if !l.is_empty() && o.is_some() { q.and_where(Expr::col(A).is_in(l.iter().copied())); }
                match (o, oo) {
                    (Some(x), None) => { q.and_where(Expr::col(A).eq(x)); }
                    (_, Some(_)) | (None, None) => {}
                }
                let (first, second) = (a, o);
                q.and_where(Expr::col(A).eq(first)).and_where(Expr::col(B).eq(second));
                let c = if flag { Expr::col(A).eq(a) } else { Expr::col(B).eq(a) };
                q.and_where(c);
                // A nested item and a shadowing binding are not the arguments.
                fn inner(a: i64) -> bool { a > 3 }
                let a = 5;
                if a > 3 { q.limit(2); }
                let mut ins = Query::insert();
                for (id, name) in rows {
                    ins.values_panic([(*id).into(), name.clone().into()]);
                }
                q
            }
        });
        assert!(found.is_empty(), "{found:#?}");
    }

    /// The reproductions of issue 19: each compiled and then returned SQL other than
    /// sea-query's. Each is now a compile error.
    #[test]
    fn rejects_the_reproductions() {
        // r1: a condition per element, built in a loop over the list.
        rejected(
            quote! {
                let mut any = Condition::any();
                for id in ids { any = any.add(Expr::col(A).eq(*id)); }
                q.cond_where(any);
            },
            "`any` is changed once per element of list `ids`",
        );
        // r2: `std::cmp::min` as a path call.
        rejected(
            quote! { let limit = std::cmp::min(limit, 100); q.limit(limit); },
            "`std::cmp::min`",
        );
        // r3: `strip_prefix` and `unwrap_or` on a bound string.
        rejected(
            quote! { let h = s.strip_prefix('@').unwrap_or(s); q.and_where(Expr::col(C).eq(h)); },
            "`.strip_prefix()`",
        );
        // r4: a literal pattern inside `matches!`.
        rejected(
            quote! { if matches!(os, Some("admin")) { q.limit(1); } },
            "decides control flow",
        );
        // r5: taint through a tuple, and through a helper stored in a `let`.
        rejected(
            quote! { let (lim, _) = (limit, 0); if lim > 100 { q.limit(1); } },
            "comparison",
        );
        rejected(
            quote! { let big = is_big(limit); if big { q.limit(1); } },
            "`is_big`",
        );
        // r6: sorting and deduplicating a copy of the list.
        rejected(
            quote! { let mut v = ids.to_vec(); v.sort_unstable(); v.dedup(); q.and_where(Expr::col(C).is_in(v)); },
            "`.sort_unstable()`",
        );
        // The issue's other cases.
        rejected(
            quote! { q.and_where(Expr::col(C).eq(i64::abs(a))); },
            "`i64::abs`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).eq(s.trim_start_matches('@'))); },
            "`.trim_start_matches()`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).is_in(ids.iter().copied().collect::<BTreeSet<_>>())); },
            "`.collect()` without",
        );
        rejected(
            quote! { let v: BTreeSet<i64> = ids.iter().copied().collect(); q.and_where(Expr::col(C).is_in(v)); },
            "`.collect()` without",
        );
    }

    #[test]
    fn rejects_decisions() {
        rejected(quote! { if a > 3 { q.limit(1); } }, "comparison");
        rejected(
            quote! { match a { 0 => { q.limit(1); } _ => {} } },
            "decides control flow",
        );
        rejected(
            quote! { match o { Some(x) if x > 3 => { q.limit(1); } _ => {} } },
            "comparison",
        );
        rejected(quote! { while a > 0 { q.limit(1); } }, "comparison");
        rejected(
            quote! { if let Some(5) = o { q.limit(1); } },
            "decides control flow",
        );
        rejected(
            quote! { if flag && s.is_empty() { q.limit(1); } },
            "`.is_empty()`",
        );
        rejected(quote! { assert!(a > 0); }, "`assert!`");
        rejected(quote! { debug_assert_eq!(a, 1); }, "`debug_assert_eq!`");
        rejected(quote! { let x = r; let y = x?; }, "decides control flow");
        rejected(quote! { if o == Some(3) { q.limit(1); } }, "comparison");
        rejected(
            quote! { if os.is_some_and(|s| s.is_empty()) { q.limit(1); } },
            "beyond its presence",
        );
        rejected(
            quote! { if let Some(x) = o.filter(|x| *x > 0) { q.limit(1); } },
            "beyond its presence",
        );
        rejected(
            quote! { let c = || a; if c() > 3 { q.limit(1); } },
            "comparison",
        );
        rejected(
            quote! { let mut x = 0; x = a; if x > 3 { q.limit(1); } },
            "comparison",
        );
        rejected(
            quote! { let mut x = 0; loop { if x > 3 { break; } x = a; } },
            "comparison",
        );
        rejected(
            quote! { let t = Wrapper { v: a }; if t.v > 3 { q.limit(1); } },
            "comparison",
        );
        rejected(
            quote! { let t = [a, b]; let [x, _] = t; if x == 1 { q.limit(1); } },
            "comparison",
        );
    }

    #[test]
    fn rejects_computations() {
        rejected(quote! { q.limit(limit + 1); }, "arithmetic");
        rejected(quote! { q.limit(limit as u64); }, "a cast");
        rejected(quote! { q.and_where(Expr::col(C).eq(-a)); }, "negation");
        rejected(
            quote! { q.and_where(Expr::col(C).eq(s.to_string())); },
            "`.to_string()`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).eq(s.to_lowercase())); },
            "`.to_lowercase()`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).eq(a.min(5))); },
            "`.min()`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).like(format!("%{s}%"))); },
            "`format!`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).like(format!("%{}%", s))); },
            "`format!`",
        );
        rejected(quote! { q.and_where(Expr::cust(s)); }, "`Expr::cust`");
        rejected(quote! { q.column(Alias::new(s)); }, "`Alias::new`");
        rejected(
            quote! { q.and_where(Expr::col(C).eq(ids[0])); },
            "list `ids`",
        );
        rejected(quote! { q.limit(ids.len() as u64); }, "list `ids`");
        rejected(
            quote! { q.and_where(Expr::col(C).eq(ids.first().copied())); },
            "list `ids`",
        );
        rejected(
            quote! { for (i, x) in ids.iter().enumerate() { q.limit(1); } },
            "list `ids`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).is_in(ids.iter().rev().copied())); },
            "list `ids`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).is_in(ids.iter().filter(|x| **x > 0).copied()));
            rejected(
                quote! { q.and_where(Expr::col(C).is_in(ids.iter().map(|_| 1))); },
                "does not hold the element",
            );
            rejected(
                quote! { q.and_where(Expr::col(C).is_in(ids.iter().map(|x| x + 1))); },
                "arithmetic",
            );
            rejected(
                quote! {
                    let mut sub = Query::select();
                    sub.and_where(Expr::col(C).eq(a));
                    q.and_where(Expr::cust(sub.to_string(PostgresQueryBuilder)));
                },
                "`Expr::cust`",
            ); },
            "list `ids`",
        );
        rejected(
            quote! { let mut n = 0; for _ in ids { n += 1; } if n > 2 { q.limit(1); } },
            "changed once per element",
        );
        rejected(
            quote! { let mut n = 0; for _ in ids { n += 1; } if n > 2 { q.limit(1); } },
            "decides control flow",
        );
        rejected(
            quote! { for x in ids { q.and_where(Expr::col(C).eq(*x)); } },
            "changed once per element",
        );
        rejected(quote! { let f = |x: i64| x * 2; q.limit(f(a)); }, "`f`");
        rejected(
            quote! { let mut v = 0; let r = &mut v; *r = a; },
            "through a reference",
        );
        rejected(quote! { let mut v = Vec::new(); v.push(a); }, "`.push()`");
        rejected(quote! { my_macro!(a); }, "`my_macro!`");
        rejected(
            quote! { macro_rules! m { () => { a } } },
            "macro defined in the body",
        );
        rejected(
            quote! { q.order_by(C, Order::Field(Values(vec![a.into()]))); },
            "`Values`",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).like(LikeExpr::new(s).escape(b))); },
            "`.escape()`",
        );
    }

    #[test]
    fn loops_over_lists_and_aliases() {
        accepted(quote! {
            let mut ins = Query::insert();
            for x in ids { ins.values_panic([(*x).into(), a.into()]); }
        });
        rejected(
            quote! { for x in ids { for y in ids { q.limit(1); } } },
            "inside another loop over a list",
        );
        rejected(
            quote! { for x in ids { let r = &mut q; r.and_where(Expr::col(C).eq(*x)); } },
            "changed once per element",
        );
        rejected(
            quote! { for x in ids { push_condition(&mut q); } },
            "changed once per element",
        );
        rejected(
            quote! { let mut add = || { q.limit(1); }; for x in ids { add(); } },
            "called once per element",
        );
        // A change through a borrow taints what it borrows.
        rejected(
            quote! {
                let r = &mut q;
                r.and_where(Expr::col(C).eq(a));
                if q.get_limit().is_none() { q.limit(1); }
            },
            "decides control flow",
        );
        // A plain-value sink does not take an expression the body made.
        rejected(
            quote! { let c = Cap; q.limit(c.limit(limit)); },
            "takes a plain value",
        );
    }

    #[test]
    fn fragments_are_not_decided_on() {
        rejected(
            quote! { if Expr::val(a) == Expr::val(5) { q.limit(1); } },
            "decides control flow",
        );
        rejected(
            quote! {
                q.and_where(Expr::col(C).eq(a));
                let (sql, _) = q.build(PostgresQueryBuilder);
                if sql.contains("5") { q.limit(1); }
            },
            "decides control flow",
        );
        rejected(
            quote! { q.and_where(Expr::col(C).eq(a)); inspect(&q); },
            "`inspect`",
        );
        rejected(
            quote! { let e = Expr::col(C).eq(a); let text = format!("{e:?}"); },
            "`format!`",
        );
        // Passed on to builders and constructors: fine.
        accepted(quote! {
            q.and_where_option(os.map(|v| Expr::col(C).eq(v)));
            q.cond_where(any![Expr::col(C).eq(a), Expr::col(D).eq(b)]);
            q.cond_where(Cond::all().add_option(o.map(|v| Expr::col(C).eq(v))));
        });
        accepted(quote! {
            let e = Expr::col(C).eq(a);
            q.cond_where(Cond::any().add(e).add(Expr::col(D).is_in(ids.iter().copied())));
            q.and_where(Expr::exists(Query::select().and_where(Expr::col(C).eq(b)).to_owned()));
            let maybe = os.map(|v| Expr::col(C).eq(v));
            if let Some(e) = maybe { q.and_where(e); }
        });
    }

    #[test]
    fn positional_format_arguments_are_not_names() {
        // Found by the `expand` fuzz target: `{0}` made the lint build an identifier `0`,
        // and `Ident::new` panicked, so the macro panicked on an ordinary `format!`.
        assert_eq!(
            super::inline_names(r#""{0} {name} {{x}} {1:?} {_y:>5} {²} {}""#),
            ["name", "_y"]
        );
        let found = findings(quote! {
            fn f(#[shape] column: String, limit: u64) -> SelectStatement {
                let mut q = Query::select();
                q.and_where(Expr::cust(format!("{0} > 0 AND {0} < 9", column)));
                q.limit(limit);
                q
            }
        });
        assert!(found.is_empty(), "{found:?}");
        let found = findings(quote! {
            fn f(limit: u64, offset: u64) -> SelectStatement {
                let a = format!("{0} {limit}", 1);
                let b = format!("{0}", offset);
                Query::select()
            }
        });
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("`limit`"), "{found:?}");
        assert!(found[1].contains("`offset`"), "{found:?}");
    }

    #[test]
    fn lint_false_turns_it_off() {
        let out = crate::pipeline::cached_query(
            quote!(lint = false),
            quote! {
                fn f(n: u64) -> SelectStatement { let mut q = Query::select(); if n > 3 { q.limit(n); } q }
            },
        );
        assert!(!out.to_string().contains("compile_error"));
    }
}
