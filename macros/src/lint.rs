//! The body lint: a bound argument (one whose value is not in the cache key) may only flow
//! into the statement as a value. Using it to decide control flow, or computing a new value
//! from it, would make the SQL depend on something the key does not hold, so the lint
//! reports it at compile time, with a span on the use and a way to fix it.
//!
//! The lint follows names, not types: it knows the arguments, the bindings taken out of an
//! `Option` argument (`if let Some(s) = status`, `match`, `.map(|s| ..)`), elements of a
//! list argument (closure parameters over `tags.iter()`, `for` patterns) and plain copies
//! (`let s = status;`). What it cannot see through, such as a call of your own function with
//! a bound argument, it leaves to the run-time probe, which checks every shape before it is
//! cached. It never rejects a use it is unsure of.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{BinOp, Block, Expr, Ident, Pat, UnOp};

use crate::model::{Arg, Class};

/// How a name relates to the arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Taint {
    /// Free to use: a flag, a `#[shape]` argument or an unrelated local.
    Clean,
    /// A bound value: it may only be passed into the statement.
    Bound,
    /// A list: emptiness may decide, elements are bound.
    List,
    /// An `Option`: presence may decide; the inner value is as its class says.
    Opt(Box<Taint>),
}

impl Taint {
    fn of(class: &Class) -> Taint {
        match class {
            Class::Flag | Class::Shape => Taint::Clean,
            Class::Scalar(_) => Taint::Bound,
            Class::List { .. } => Taint::List,
            // `Option<bool>` and the like: the whole value is in the key.
            Class::Opt(inner) => match Taint::of(inner) {
                Taint::Clean => Taint::Clean,
                inner => Taint::Opt(Box::new(inner)),
            },
        }
    }

    /// What an element or an unwrapped value of this carries.
    fn inner(&self) -> Taint {
        match self {
            Taint::Opt(inner) => (**inner).clone(),
            Taint::Clean => Taint::Clean,
            Taint::Bound | Taint::List => Taint::Bound,
        }
    }
}

#[derive(Debug, Clone)]
struct Name {
    taint: Taint,
    /// The argument it comes from.
    origin: Ident,
}

/// Methods that pass a value on unchanged (or only re-borrow it).
const PASSING: &[&str] = &[
    "clone", "to_owned", "into", "as_ref", "as_str", "as_deref", "borrow", "as_slice",
];
/// `Option` methods that keep the option (presence stays in the key).
const OPT_KEEPING: &[&str] = &[
    "as_ref", "as_deref", "as_mut", "copied", "cloned", "clone", "to_owned",
];
/// `Option` methods that take the inner value out.
const OPT_UNWRAPPING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
];
/// List methods that keep the list as a whole.
const LIST_KEEPING: &[&str] = &[
    "iter",
    "into_iter",
    "clone",
    "to_vec",
    "to_owned",
    "as_slice",
    "as_ref",
    "copied",
    "cloned",
    "map",
    "collect",
];
/// List and iterator methods that look at the length or at single elements.
const LIST_DERIVING: &[&str] = &[
    "len",
    "first",
    "last",
    "get",
    "contains",
    "count",
    "sum",
    "product",
    "max",
    "min",
    "nth",
    "next",
    "position",
    "take",
    "skip",
    "rev",
    "step_by",
    "split_first",
    "split_last",
    "starts_with",
    "ends_with",
    "join",
    "concat",
];
/// Methods that compute a new value from a bound scalar.
const SCALAR_DERIVING: &[&str] = &[
    "len",
    "is_empty",
    "to_uppercase",
    "to_lowercase",
    "to_ascii_uppercase",
    "to_ascii_lowercase",
    "trim",
    "trim_start",
    "trim_end",
    "trim_matches",
    "parse",
    "chars",
    "bytes",
    "split",
    "replace",
    "replacen",
    "repeat",
    "abs",
    "pow",
    "min",
    "max",
    "clamp",
    "signum",
    "starts_with",
    "ends_with",
    "contains",
    "find",
    "cmp",
    "partial_cmp",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "is_positive",
    "is_negative",
    "is_nan",
];
/// Macros that turn their arguments into text.
const FORMATTING: &[&str] = &[
    "format",
    "format_args",
    "concat",
    "write",
    "writeln",
    "stringify",
];

const HELP: &str = "mark the argument `#[shape]` to put its value in the cache key, or compute the value in the caller and pass the result as an argument";

/// Checks `body` against the arguments' classes; every finding is an error.
pub(crate) fn check(args: &[Arg], body: &proc_macro2::Group) -> Vec<syn::Error> {
    // A body that does not parse gets rustc's own errors from the emitted function.
    let Ok(block) = syn::parse2::<Block>(TokenTree::Group(body.clone()).into()) else {
        return Vec::new();
    };
    let mut scope = HashMap::new();
    for arg in args {
        let taint = Taint::of(&arg.class);
        scope.insert(
            arg.ident.to_string(),
            Name {
                taint,
                origin: arg.ident.clone(),
            },
        );
    }
    let mut lint = Lint {
        scopes: vec![scope],
        errors: Vec::new(),
    };
    lint.visit_block(&block);
    lint.errors
}

struct Lint {
    scopes: Vec<HashMap<String, Name>>,
    errors: Vec<syn::Error>,
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

impl Lint {
    fn lookup(&self, ident: &Ident) -> Option<&Name> {
        self.lookup_name(&ident.to_string())
    }

    fn lookup_name(&self, name: &str) -> Option<&Name> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, ident: &Ident, taint: Taint, origin: &Ident) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(
                ident.to_string(),
                Name {
                    taint,
                    origin: origin.clone(),
                },
            );
        }
    }

    /// Binds the names of `pat` matched against a value of `taint`, if the pattern only
    /// tests what the key holds (presence of options, values of clean parts); `false` if it
    /// looks into a bound value.
    fn bind_matched(&mut self, pat: &Pat, taint: &Taint, origin: &Ident) -> bool {
        match (pat, taint) {
            (_, Taint::Clean) => {
                self.bind_pat(pat, Taint::Clean, origin);
                true
            }
            (Pat::Wild(_), _) => true,
            (Pat::Ident(p), _) if p.subpat.is_none() => {
                self.bind(&p.ident, taint.clone(), origin);
                true
            }
            (Pat::Paren(p), _) => self.bind_matched(&p.pat, taint, origin),
            (Pat::Reference(r), _) => self.bind_matched(&r.pat, taint, origin),
            (Pat::Or(o), _) => o
                .cases
                .iter()
                .all(|case| self.bind_matched(case, taint, origin)),
            (Pat::Path(p), Taint::Opt(_)) => p.path.is_ident("None"),
            (Pat::TupleStruct(t), Taint::Opt(inner))
                if t.path.is_ident("Some") && t.elems.len() == 1 =>
            {
                t.elems.iter().all(|p| self.bind_matched(p, inner, origin))
            }
            _ => false,
        }
    }

    /// Binds every name `pat` introduces with `taint`.
    fn bind_pat(&mut self, pat: &Pat, taint: Taint, origin: &Ident) {
        struct Names<'a>(&'a mut Vec<Ident>);
        impl<'ast> Visit<'ast> for Names<'_> {
            fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
                self.0.push(p.ident.clone());
                visit::visit_pat_ident(self, p);
            }
            fn visit_expr(&mut self, _: &'ast Expr) {}
        }
        let mut names = Vec::new();
        Names(&mut names).visit_pat(pat);
        for name in names {
            self.bind(&name, taint.clone(), origin);
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(HashMap::new());
        f(self);
        self.scopes.pop();
    }

    /// The taint an expression carries by plain passing, with its origin argument.
    fn carried(&self, e: &Expr) -> Option<(Taint, Ident)> {
        match unparen(e) {
            Expr::Path(p) => {
                let ident = p.path.get_ident()?;
                let name = self.lookup(ident)?;
                (name.taint != Taint::Clean).then(|| (name.taint.clone(), name.origin.clone()))
            }
            Expr::Reference(r) => self.carried(&r.expr),
            Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => self.carried(&u.expr),
            Expr::MethodCall(m) => {
                let (taint, origin) = self.carried(&m.receiver)?;
                let method = m.method.to_string();
                let method = method.as_str();
                let taint = match taint {
                    Taint::Opt(_) if OPT_KEEPING.contains(&method) => taint,
                    Taint::Opt(_) if OPT_UNWRAPPING.contains(&method) => taint.inner(),
                    Taint::List if LIST_KEEPING.contains(&method) => Taint::List,
                    Taint::Bound if PASSING.contains(&method) || method == "to_string" => {
                        Taint::Bound
                    }
                    _ => return None,
                };
                (taint != Taint::Clean).then_some((taint, origin))
            }
            _ => None,
        }
    }

    fn report(&mut self, span: Span, message: String, help: &str) {
        self.errors
            .push(syn::Error::new(span, format!("{message}\n\nhelp: {help}")));
    }

    /// How a message names the value: "`s` taken from argument `status`", "`limit`", or
    /// "this value (from argument `x`)".
    fn subject(e: &Expr, origin: &Ident) -> String {
        match unparen(e) {
            Expr::Path(p) => match p.path.get_ident() {
                Some(name) if name == origin => format!("`{name}`"),
                Some(name) => format!("`{name}` taken from argument `{origin}`"),
                None => "this value".to_owned(),
            },
            _ => format!("this value (from argument `{origin}`)"),
        }
    }

    fn decides(&mut self, e: &Expr, origin: &Ident) {
        let subject = Self::subject(e, origin);
        self.report(
            e.span(),
            format!(
                "{subject} decides control flow here, but its value is not part of the cache key: every value would be served the SQL of the first one seen"
            ),
            HELP,
        );
    }

    fn derives(&mut self, span: Span, op: &str, e: &Expr, origin: &Ident) {
        let subject = Self::subject(e, origin);
        self.report(
            span,
            format!(
                "{op} on {subject} computes a new value from a bound argument: the cache binds an argument's own value, never one computed from it"
            ),
            HELP,
        );
    }

    fn list_use(&mut self, span: Span, op: &str, origin: &Ident) {
        self.report(
            span,
            format!(
                "{op} on list `{origin}` looks at its length or at single elements, but only whether it is empty is part of the cache key"
            ),
            &format!(
                "bind the whole list, e.g. `.is_in({origin}.iter().copied())`, or pass what you need from it (its length, an element) as an argument of its own, marked `#[shape]` if it changes the SQL"
            ),
        );
    }

    /// Checks an expression in a deciding position (`if`, `while`, a guard, `&&`/`||`).
    fn condition(&mut self, e: &Expr) {
        match unparen(e) {
            Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                self.condition(&b.left);
                self.condition(&b.right);
            }
            Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => self.condition(&u.expr),
            Expr::Let(l) => self.let_condition(&l.pat, &l.expr),
            other => match self.carried(other) {
                None => match self.deciding_use(other) {
                    Some((used, origin)) => self.decides(&used, &origin),
                    None => self.visit_expr(other),
                },
                Some((_, origin)) => self.decides(other, &origin),
            },
        }
    }

    /// A bound name anywhere inside a deciding expression (`if is_large(limit)`), other than
    /// in a presence or emptiness test.
    fn deciding_use(&self, e: &Expr) -> Option<(Expr, Ident)> {
        struct Scan<'l> {
            lint: &'l Lint,
            found: Option<(Expr, Ident)>,
        }
        impl<'ast> Visit<'ast> for Scan<'_> {
            fn visit_expr(&mut self, e: &'ast Expr) {
                if self.found.is_some() {
                    return;
                }
                match e {
                    Expr::Closure(_) => {}
                    Expr::MethodCall(m)
                        if matches!(
                            (
                                self.lint.carried(&m.receiver),
                                m.method.to_string().as_str()
                            ),
                            (Some((Taint::Opt(_), _)), "is_some" | "is_none")
                                | (Some((Taint::List, _)), "is_empty")
                        ) => {}
                    Expr::Binary(b)
                        if matches!(b.op, BinOp::Eq(_) | BinOp::Ne(_))
                            && (is_none_path(&b.left) || is_none_path(&b.right)) => {}
                    Expr::Path(p) => {
                        if let Some((_, origin)) = self.lint.carried(e) {
                            self.found = Some((Expr::Path(p.clone()), origin));
                        }
                    }
                    other => visit::visit_expr(self, other),
                }
            }
        }
        let mut scan = Scan {
            lint: self,
            found: None,
        };
        scan.visit_expr(e);
        scan.found
    }

    /// `let PAT = EXPR` in a condition: an `Option` may be matched on presence.
    fn let_condition(&mut self, pat: &Pat, scrutinee: &Expr) {
        match self.carried(scrutinee) {
            Some((taint, origin)) => {
                if !self.bind_matched(pat, &taint, &origin) {
                    self.decides(scrutinee, &origin);
                }
            }
            None => {
                self.visit_expr(scrutinee);
                self.bind_pat(pat, Taint::Clean, &Ident::new("_", Span::call_site()));
            }
        }
    }

    fn check_macro(&mut self, mac: &syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if FORMATTING.contains(&name.as_str()) {
            if let Some((span, origin)) = self.tainted_token(mac.tokens.clone()) {
                let op = format!("`{name}!`");
                self.report(
                    span,
                    format!(
                        "{op} on `{origin}` turns a bound argument into text: the cache binds an argument's own value, never text made from it"
                    ),
                    HELP,
                );
            }
            return;
        }
        // Other macros (`vec!`, `assert!`, ...): their arguments as expressions, if they
        // parse as such.
        if let Ok(exprs) =
            Punctuated::<Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone())
        {
            for e in &exprs {
                self.visit_expr(e);
            }
        }
    }

    /// The first tainted name among `tokens`, including `{name}` in format strings.
    fn tainted_token(&self, tokens: TokenStream) -> Option<(Span, Ident)> {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    if let Some(name) = self.lookup(&ident)
                        && name.taint != Taint::Clean
                    {
                        return Some((ident.span(), name.origin.clone()));
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
                        if let Some(name) = self.lookup_name(&inline)
                            && name.taint != Taint::Clean
                        {
                            return Some((lit.span(), name.origin.clone()));
                        }
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
        None
    }

    /// Closure parameters of a call on a carried receiver hold its (inner) values.
    fn closure_params(
        &mut self,
        args: &Punctuated<Expr, syn::Token![,]>,
        taint: &Taint,
        origin: &Ident,
    ) {
        for arg in args {
            if let Expr::Closure(c) = unparen(arg) {
                self.scoped(|lint| {
                    for input in &c.inputs {
                        lint.bind_pat(input, taint.inner(), origin);
                    }
                    lint.visit_expr(&c.body);
                });
            } else {
                self.visit_expr(arg);
            }
        }
    }
}

/// Names used inline in a format string literal: `"{name}"`, `"{name:?}"`. Positional
/// arguments (`"{0}"`, `"{1:?}"`) refer to the macro's arguments, which are checked as
/// expressions, so they are not names; nor is anything that does not start like an
/// identifier.
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

impl<'ast> Visit<'ast> for Lint {
    fn visit_block(&mut self, block: &'ast Block) {
        self.scoped(|lint| visit::visit_block(lint, block));
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // Nested items cannot see the arguments.
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let Some(init) = &local.init else {
            self.bind_pat(
                &local.pat,
                Taint::Clean,
                &Ident::new("_", Span::call_site()),
            );
            return;
        };
        match self.carried(&init.expr) {
            // `let Some(s) = status else { .. }`: presence decides, `s` is bound.
            Some((taint, origin)) => {
                if !self.bind_matched(&local.pat, &taint, &origin) {
                    self.decides(&init.expr, &origin);
                }
                if let Some((_, diverge)) = &init.diverge {
                    self.visit_expr(diverge);
                }
            }
            None => {
                self.visit_expr(&init.expr);
                if let Some((_, diverge)) = &init.diverge {
                    self.visit_expr(diverge);
                }
                self.bind_pat(
                    &local.pat,
                    Taint::Clean,
                    &Ident::new("_", Span::call_site()),
                );
            }
        }
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        self.scoped(|lint| {
            lint.condition(&e.cond);
            lint.visit_block(&e.then_branch);
        });
        if let Some((_, else_branch)) = &e.else_branch {
            self.visit_expr(else_branch);
        }
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        self.scoped(|lint| {
            lint.condition(&e.cond);
            lint.visit_block(&e.body);
        });
    }

    fn visit_expr_let(&mut self, e: &'ast syn::ExprLet) {
        self.let_condition(&e.pat, &e.expr);
    }

    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        // A tuple scrutinee is checked position by position.
        let parts: Vec<&Expr> = match unparen(&e.expr) {
            Expr::Tuple(t) => t.elems.iter().collect(),
            other => vec![other],
        };
        let carried: Vec<Option<(Taint, Ident)>> = parts.iter().map(|p| self.carried(p)).collect();
        if carried.iter().all(Option::is_none) {
            self.visit_expr(&e.expr);
        }
        for arm in &e.arms {
            let (pat, guard) = match &arm.pat {
                Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
                other => (other, None),
            };
            let pats: Vec<&Pat> = match pat {
                Pat::Tuple(t) if parts.len() > 1 && t.elems.len() == parts.len() => {
                    t.elems.iter().collect()
                }
                other => vec![other; parts.len()],
            };
            self.scoped(|lint| {
                for ((part, carried), pat) in parts.iter().zip(&carried).zip(&pats) {
                    match carried {
                        Some((taint, origin)) => {
                            if !lint.bind_matched(pat, taint, origin) {
                                lint.decides(part, origin);
                            }
                        }
                        None => {
                            lint.bind_pat(pat, Taint::Clean, &Ident::new("_", Span::call_site()));
                        }
                    }
                }
                if let Some(guard) = guard {
                    lint.condition(guard);
                }
                lint.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        // The loop runs once per element; what the body does with each is checked as usual
        // (the probe tries lists of several lengths, so a per-element shape is caught there).
        let carried = self.carried(&e.expr);
        if carried.is_none() {
            self.visit_expr(&e.expr);
        }
        self.scoped(|lint| {
            match carried {
                Some((taint, origin)) => lint.bind_pat(&e.pat, taint.inner(), &origin),
                None => lint.bind_pat(&e.pat, Taint::Clean, &Ident::new("_", Span::call_site())),
            }
            lint.visit_block(&e.body);
        });
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.scoped(|lint| {
            for input in &c.inputs {
                lint.bind_pat(input, Taint::Clean, &Ident::new("_", Span::call_site()));
            }
            lint.visit_expr(&c.body);
        });
    }

    fn visit_expr_try(&mut self, e: &'ast syn::ExprTry) {
        match self.carried(&e.expr) {
            Some((Taint::Bound | Taint::List, origin)) => self.decides(&e.expr, &origin),
            _ => visit::visit_expr_try(self, e),
        }
    }

    fn visit_expr_binary(&mut self, e: &'ast syn::ExprBinary) {
        if matches!(e.op, BinOp::And(_) | BinOp::Or(_)) {
            self.condition(&e.left);
            self.condition(&e.right);
            return;
        }
        // `status == None`, `status != None`: a presence test.
        if matches!(e.op, BinOp::Eq(_) | BinOp::Ne(_)) {
            let opt = |side: &Expr| matches!(self.carried(side), Some((Taint::Opt(_), _)));
            if (opt(&e.left) && is_none_path(&e.right)) || (opt(&e.right) && is_none_path(&e.left))
            {
                return;
            }
        }
        for side in [&*e.left, &*e.right] {
            if let Some((_, origin)) = self.carried(side) {
                {
                    let op = match e.op {
                        BinOp::Eq(_)
                        | BinOp::Ne(_)
                        | BinOp::Lt(_)
                        | BinOp::Le(_)
                        | BinOp::Gt(_)
                        | BinOp::Ge(_) => "a comparison",
                        _ => "arithmetic",
                    };
                    self.derives(e.span(), op, side, &origin);
                    return;
                }
            }
        }
        visit::visit_expr_binary(self, e);
    }

    fn visit_expr_unary(&mut self, e: &'ast syn::ExprUnary) {
        if !matches!(e.op, UnOp::Deref(_))
            && let Some((_, origin)) = self.carried(&e.expr)
        {
            {
                let op = if matches!(e.op, UnOp::Neg(_)) {
                    "negation"
                } else {
                    "`!`"
                };
                self.derives(e.span(), op, &e.expr, &origin);
                return;
            }
        }
        visit::visit_expr_unary(self, e);
    }

    fn visit_expr_cast(&mut self, e: &'ast syn::ExprCast) {
        match self.carried(&e.expr) {
            None => visit::visit_expr_cast(self, e),
            Some((_, origin)) => self.derives(e.span(), "a cast", &e.expr, &origin),
        }
    }

    fn visit_expr_index(&mut self, e: &'ast syn::ExprIndex) {
        if let Some((_, origin)) = self.carried(&e.index) {
            self.derives(e.span(), "indexing", &e.index, &origin);
            return;
        }
        if let Some((Taint::List, origin)) = self.carried(&e.expr) {
            self.list_use(e.span(), "indexing", &origin);
            return;
        }
        visit::visit_expr_index(self, e);
    }

    fn visit_expr_range(&mut self, e: &'ast syn::ExprRange) {
        for end in [&e.start, &e.end].into_iter().flatten() {
            if let Some((_, origin)) = self.carried(end) {
                self.derives(e.span(), "a range", end, &origin);
                return;
            }
        }
        visit::visit_expr_range(self, e);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        let span = m.method.span();
        let Some((taint, origin)) = self.carried(&m.receiver) else {
            return visit::visit_expr_method_call(self, m);
        };
        match taint {
            Taint::List if method == "is_empty" => {}
            Taint::List if LIST_DERIVING.contains(&method.as_str()) => {
                self.list_use(span, &format!("`.{method}()`"), &origin);
            }
            Taint::Opt(_) if matches!(method.as_str(), "is_some" | "is_none") => {}
            Taint::Bound if SCALAR_DERIVING.contains(&method.as_str()) => {
                self.derives(span, &format!("`.{method}()`"), &m.receiver, &origin);
            }
            _ => self.closure_params(&m.args, &taint, &origin),
        }
    }

    fn visit_expr_macro(&mut self, e: &'ast syn::ExprMacro) {
        self.check_macro(&e.mac);
    }

    fn visit_stmt_macro(&mut self, s: &'ast syn::StmtMacro) {
        self.check_macro(&s.mac);
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The lint's messages for a function, or nothing.
    fn findings(item: proc_macro2::TokenStream) -> Vec<String> {
        let out = crate::expand::cached_query(quote!(), item).to_string();
        out.split("compile_error")
            .skip(1)
            .map(|rest| rest.split(" }").next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn allows_what_the_key_holds() {
        let found = findings(quote! {
            fn f(a: i64, o: Option<i64>, oo: Option<Option<&str>>, ob: Option<bool>, l: &[i64],
                 flag: bool, #[shape] s: u8) -> SelectStatement {
                let mut q = Query::select();
                let o2 = o;
                if let Some(x) = o2 { q.and_where(Expr::col(A).eq(x)); }
                if let Some(Some(t)) = oo { q.and_where(Expr::col(A).eq(t)); }
                if ob == Some(true) || flag && s > 3 { q.limit(1); }
                let Some(y) = o else { return q; };
                q.and_where(Expr::col(A).eq(y)).and_where(Expr::col(A).eq(a));
                if !l.is_empty() && o.is_some() { q.and_where(Expr::col(A).is_in(l.iter().copied())); }
                // A nested item and a shadowing binding are not the arguments.
                fn inner(a: i64) -> bool { a > 3 }
                let a = 5;
                if a > 3 { q.limit(2); }
                q
            }
        });
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn rejects_ranges_and_single_elements() {
        let found = findings(quote! {
            fn f(n: u8, l: &[i64]) -> SelectStatement {
                let mut q = Query::select();
                for i in 0..n { q.limit(1); }
                let first = l.first();
                q
            }
        });
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("a range"), "{found:?}");
        assert!(found[1].contains("list `l`"), "{found:?}");
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
        // A bound argument after a positional one is still found, inline or as an argument.
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
        let out = crate::expand::cached_query(
            quote!(lint = false),
            quote! {
                fn f(n: u64) -> SelectStatement { let mut q = Query::select(); if n > 3 { q.limit(n); } q }
            },
        );
        assert!(!out.to_string().contains("compile_error"));
    }
}
