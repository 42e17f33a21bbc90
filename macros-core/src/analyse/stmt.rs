//! Statements and patterns: `let`, items, and the names a pattern binds, with the taint
//! of what it takes apart.

use syn::{Block, Expr, Ident, Pat, Stmt};

use super::{
    Analysis, Context, Flow, HELP_COMPUTE, Kind, Taint, composite, root_name, strip_type, unparen,
};

impl Analysis {
    pub(super) fn block(&mut self, block: &Block) -> Flow {
        self.scoped(|this| this.stmts(&block.stmts))
    }

    pub(super) fn stmts(&mut self, stmts: &[Stmt]) -> Flow {
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
    pub(super) fn item(&mut self, item: &syn::Item) {
        if let syn::Item::Macro(m) = item
            && let Some((span, taint)) = self.tainted_token(m.mac.tokens.clone())
        {
            self.report_on(
                &taint,
                span,
                format!(
                    "a macro defined in the body names argument `{}`: #[cached_query] cannot see what it does with it",
                    taint.origin
                ),
                HELP_COMPUTE,
            );
        }
    }

    pub(super) fn local(&mut self, local: &syn::Local) {
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
        if init.diverge.is_none()
            && (self.test_local(&local.pat, &init.expr)
                || self.destructured_local(&local.pat, &init.expr))
        {
            return;
        }
        // What a `let` binds is a value: a computation on bound values may be lifted.
        let mark = self.reads_mark();
        let parts = match unparen(&init.expr) {
            Expr::Tuple(t) if !t.elems.is_empty() => {
                Scrutinee::Tuple(t.elems.iter().map(|e| (e.clone(), self.value(e))).collect())
            }
            _ => Scrutinee::One(self.value(&init.expr)),
        };
        self.passed_on_parts(mark, &parts);
        self.bind_recipe(&local.pat, &init.expr, &parts, context);
        // `let r = &mut q;`, `let w = q.and_where(..);`: a change through the new name is a
        // change of the local it borrows from (over-approximated for copies and clones).
        if let Pat::Ident(p) = strip_type(&local.pat)
            && let Some(root) = root_name(&init.expr)
            && root != &p.ident
        {
            self.aliases.insert(p.ident.to_string(), root.clone());
        }
    }

    /// Matches `pat` against `e`, position by position where both are tuples.
    pub(super) fn bind_expr(&mut self, pat: &Pat, e: &Expr, context: Context) {
        let mark = self.reads_mark();
        let parts = self.scrutinee(e);
        self.passed_on_parts(mark, &parts);
        self.bind_recipe(pat, e, &parts, context);
    }

    /// [`bind_parts`](Self::bind_parts), giving the names bound their recipe (see
    /// `lift.rs`), if they can be recomputed from the arguments.
    pub(super) fn bind_recipe(&mut self, pat: &Pat, e: &Expr, parts: &Scrutinee, context: Context) {
        self.binding_recipe = self.recipe(pat, e);
        self.bind_parts(pat, e, parts, context);
        self.binding_recipe = None;
    }

    /// An expression whose value is bound (a `let`, a sink's argument): lifted if it
    /// computes from bound values and can be recomputed (see `lift.rs`), else analysed.
    pub(super) fn value(&mut self, e: &Expr) -> Flow {
        // An array of values (`values_panic([a.into(), b.trim().into()])`): each element is
        // a value of its own, lifted on its own.
        if let Expr::Array(a) = unparen(e) {
            let flows: Vec<Flow> = a.elems.iter().map(|e| self.value(e)).collect();
            return composite(flows);
        }
        match self.derive(e) {
            Some(flow) => flow,
            None => self.expr(e),
        }
    }

    /// Evaluates a scrutinee once: a tuple expression element by element.
    pub(super) fn scrutinee(&mut self, e: &Expr) -> Scrutinee {
        match unparen(e) {
            Expr::Tuple(t) if !t.elems.is_empty() => {
                Scrutinee::Tuple(t.elems.iter().map(|e| (e.clone(), self.expr(e))).collect())
            }
            _ => Scrutinee::One(self.expr(e)),
        }
    }

    pub(super) fn bind_parts(&mut self, pat: &Pat, e: &Expr, parts: &Scrutinee, context: Context) {
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
    pub(super) fn match_pat(&mut self, pat: &Pat, e: &Expr, flow: Flow, context: Context) {
        let Some(taint) = flow else {
            return self.bind_pat(pat, None, context);
        };
        if !self.pat_ok(pat, &taint, context) {
            self.decides(e, &taint);
            // Bind the names anyway, as bound values, so later uses are checked too.
            self.bind_names(pat, Some(Taint::new(Kind::Value, taint.origin.clone())));
        }
    }

    /// Binds `pat`'s names for a value of `taint`, if the pattern only tests what the key
    /// holds; `false` otherwise.
    pub(super) fn pat_ok(&mut self, pat: &Pat, taint: &Taint, context: Context) -> bool {
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
                    Kind::Opt(inner) => match self.inside(taint, inner) {
                        Some(inner) => t.elems.iter().all(|p| self.pat_ok(p, &inner, context)),
                        // In the key: whatever the pattern tests.
                        None => {
                            for p in &t.elems {
                                self.bind_pat(p, None, context);
                            }
                            true
                        }
                    },
                    _ => false,
                }
            }
            // Taking a tuple, struct or array apart: each part is a bound value. In a
            // refutable position only a tuple is sure to match whatever the value is.
            Pat::Tuple(t) => t.elems.iter().enumerate().all(|(n, p)| {
                let part = self.member(taint, &n.to_string());
                self.part_ok(p, part, context)
            }),
            Pat::Struct(s) if context == Context::Irrefutable => s.fields.iter().all(|f| {
                let part = self.member(taint, &super::member_name(&f.member));
                self.part_ok(&f.pat, part, context)
            }),
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

    /// [`pat_ok`](Self::pat_ok) for a part that may be clean (a part of a struct argument
    /// assumed to be in the key).
    fn part_ok(&mut self, pat: &Pat, part: Flow, context: Context) -> bool {
        match part {
            Some(part) => self.pat_ok(pat, &part, context),
            None => {
                self.bind_names(pat, None);
                true
            }
        }
    }

    /// The taint of a part of a tainted tuple, struct or array.
    pub(super) fn part(&self, taint: &Taint) -> Taint {
        Taint::new(
            match taint.kind {
                Kind::Fragment => Kind::Fragment,
                _ => Kind::Value,
            },
            taint.origin.clone(),
        )
    }

    /// Binds every name `pat` introduces to `flow`, checking nothing (a clean value, or
    /// after a finding).
    pub(super) fn bind_names(&mut self, pat: &Pat, flow: Flow) {
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

    pub(super) fn bind_pat(&mut self, pat: &Pat, flow: Flow, context: Context) {
        match flow {
            None => self.bind_names(pat, None),
            Some(taint) => {
                if !self.pat_ok(pat, &taint, context) {
                    self.bind_names(pat, Some(self.part(&taint)));
                }
            }
        }
    }
}

/// A scrutinee evaluated once: a tuple expression keeps each element's taint.
pub(super) enum Scrutinee {
    One(Flow),
    Tuple(Vec<(Expr, Flow)>),
}
