//! Expressions: operators, blocks, branches and loops, assignments, closures. Calls and
//! macros are in `call.rs` and `mac.rs`.

use quote::ToTokens as _;
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Pat, UnOp};

use super::{
    Analysis, Context, Flow, HELP_COMPUTE, HELP_DECIDE, Kind, Taint, composite, is_none_path, join,
    member_name, root_name, unparen,
};

impl Analysis {
    /// A deciding position (`if`, `while`, a guard, `&&`/`||`): must be clean.
    pub(super) fn condition(&mut self, e: &Expr) {
        let e = unparen(e);
        let at = e as *const Expr as usize;
        match e {
            Expr::Binary(b) if matches!(b.op, BinOp::And(_) | BinOp::Or(_)) => {
                self.condition(&b.left);
                self.condition(&b.right);
            }
            Expr::Let(l) if self.variant_test(&l.pat, &l.expr) => {}
            // A pattern that tests a value computed from the arguments: lifted if it can be.
            Expr::Let(l)
                if self
                    .would_report(|this| this.bind_expr(&l.pat, &l.expr, Context::Refutable))
                    && (self.decide_let(l, at) || self.decide_let_binding(l, at)) => {}
            Expr::Let(l) => self.bind_expr(&l.pat, &l.expr, Context::Refutable),
            other if self.decide_if(other) => {}
            other => {
                if let Some(taint) = self.expr(other) {
                    self.decides(other, &taint);
                }
            }
        }
    }

    /// Evaluates `e`, reporting every use of a tainted value that is not allowed; returns
    /// what `e` holds.
    pub(super) fn expr(&mut self, e: &Expr) -> Flow {
        match e {
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Lit(_) | Expr::Infer(_) | Expr::Continue(_) => None,
            Expr::Path(p) => match p.path.get_ident() {
                Some(ident) if p.qself.is_none() => {
                    self.note_root_use(p);
                    let flow = self.lookup(&ident.to_string()).cloned().flatten();
                    match flow {
                        Some(taint) if taint.kind == Kind::Computed => {
                            self.computed_read(p.span(), ident, &taint);
                            Some(Taint::new(Kind::Value, taint.origin))
                        }
                        flow => {
                            if !self.field_base {
                                self.note_read(e, p.span(), &flow);
                            }
                            flow
                        }
                    }
                }
                _ => None,
            },
            Expr::Reference(r) => self.reference(r),
            Expr::RawAddr(r) => self.expr(&r.expr),
            Expr::Unary(u) => self.unary(u),
            Expr::Binary(b) => self.binary(b),
            Expr::Cast(c) => {
                if let Some(taint) = self.expr(&c.expr) {
                    self.computes(c.span(), "a cast", &c.expr, &taint);
                }
                None
            }
            Expr::Index(i) => self.index(i),
            Expr::Range(r) => self.range(r),
            Expr::Field(f) => {
                let outer = std::mem::replace(&mut self.field_base, true);
                let flow = self.expr(&f.base);
                self.field_base = outer;
                let flow = flow.and_then(|t| self.member(&t, &member_name(&f.member)));
                if !outer {
                    self.note_read(e, f.member.span(), &flow);
                }
                flow
            }
            Expr::Tuple(t) => composite(self.args(&t.elems)),
            Expr::Array(a) => composite(self.args(&a.elems)),
            Expr::Repeat(r) => self.repeat(r),
            Expr::Struct(s) => self.struct_expr(s),
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::Async(a) => self.block(&a.block),
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Await(a) => self.expr(&a.base),
            Expr::If(i) => self.if_expr(i),
            Expr::Let(l) => {
                // Outside an `if`/`while` condition (rustc rejects that anyway).
                self.bind_expr(&l.pat, &l.expr, Context::Refutable);
                None
            }
            Expr::Match(m) => self.match_expr(m),
            Expr::While(w) => self.while_loop(w),
            Expr::Loop(l) => {
                self.looped(|this| {
                    this.block(&l.body);
                });
                None
            }
            Expr::ForLoop(f) => self.for_loop(f),
            Expr::Break(b) => {
                if let Some(value) = &b.expr
                    && let Some(taint) = self.expr(value)
                {
                    self.computes(b.span(), "`break` with a value", value, &taint);
                }
                None
            }
            Expr::Return(syn::ExprReturn { expr, .. })
            | Expr::Yield(syn::ExprYield { expr, .. }) => {
                if let Some(value) = expr {
                    let flow = self.expr(value);
                    self.returned.push((value.span(), flow));
                }
                None
            }
            Expr::Try(t) => self.try_expr(t),
            Expr::Assign(a) => {
                let value = self.expr(&a.right);
                self.assign(&a.left, value);
                None
            }
            Expr::Closure(c) => self.closure(c, None),
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Macro(m) => self.mac(&m.mac),
            other => self.unknown(other),
        }
    }

    fn reference(&mut self, r: &syn::ExprReference) -> Flow {
        // `&mut q` inside a loop over a list: whatever receives it may change `q` once per
        // element.
        if r.mutability.is_some()
            && !self.per_element.is_empty()
            && let Some(root) = root_name(&r.expr)
        {
            let root = root.clone();
            self.mutate(&root, None, r.span(), false);
        }
        self.expr(&r.expr)
    }

    fn unary(&mut self, u: &syn::ExprUnary) -> Flow {
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

    fn index(&mut self, i: &syn::ExprIndex) -> Flow {
        let base = self.expr(&i.expr);
        let index = self.expr(&i.index);
        if let Some(taint) = &index {
            self.computes(i.span(), "indexing", &i.index, taint);
        }
        if let Some(taint) = &base {
            match taint.kind {
                Kind::List => self.list_use(i.span(), "indexing", taint),
                _ => self.computes(i.span(), "indexing", &i.expr, taint),
            }
        }
        None
    }

    fn range(&mut self, r: &syn::ExprRange) -> Flow {
        for end in [&r.start, &r.end].into_iter().flatten() {
            if let Some(taint) = self.expr(end) {
                self.computes(r.span(), "a range", end, &taint);
            }
        }
        None
    }

    fn repeat(&mut self, r: &syn::ExprRepeat) -> Flow {
        if let Some(taint) = self.expr(&r.len) {
            self.computes(r.len.span(), "a repeat count", &r.len, &taint);
        }
        let flow = self.expr(&r.expr);
        composite([flow])
    }

    fn struct_expr(&mut self, s: &syn::ExprStruct) -> Flow {
        let mut parts: Vec<Flow> = s.fields.iter().map(|f| self.expr(&f.expr)).collect();
        if let Some(rest) = &s.rest {
            parts.push(self.expr(rest));
        }
        composite(parts)
    }

    fn if_expr(&mut self, i: &syn::ExprIf) -> Flow {
        let then = self.scoped(|this| {
            this.condition(&i.cond);
            this.block(&i.then_branch)
        });
        let other = i.else_branch.as_ref().and_then(|(_, e)| self.expr(e));
        join(then, other)
    }

    fn while_loop(&mut self, w: &syn::ExprWhile) -> Flow {
        self.looped(|this| {
            this.scoped(|this| {
                this.condition(&w.cond);
                this.block(&w.body);
            });
        });
        None
    }

    fn for_loop(&mut self, f: &syn::ExprForLoop) -> Flow {
        let flow = self.expr(&f.expr);
        // Over a list, the body runs once per element: each element is a bound value, and
        // whatever the body changes depends on the list's length.
        let over_list = match &flow {
            Some(taint) if taint.kind == Kind::List && !self.per_element.is_empty() => {
                // Rows per element of each: as many as the product of two lengths.
                self.list_use(
                    f.expr.span(),
                    "a `for` loop inside another loop over a list",
                    taint,
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

    fn try_expr(&mut self, t: &syn::ExprTry) -> Flow {
        let flow = self.expr(&t.expr);
        match &flow {
            // `opt?`: presence decides, and it is in the key.
            Some(
                taint @ Taint {
                    kind: Kind::Opt(inner),
                    ..
                },
            ) => self.inside(taint, inner),
            Some(taint) => {
                self.decides(&t.expr, taint);
                None
            }
            None => None,
        }
    }

    /// Anything else syn knows or does not: a tainted name in it is an error.
    fn unknown(&mut self, other: &Expr) -> Flow {
        if let Some((span, taint)) = self.tainted_token(other.to_token_stream()) {
            self.report_on(
                &taint,
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

    pub(super) fn binary(&mut self, b: &syn::ExprBinary) -> Flow {
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
        let assigning = super::lift::is_assignment(&b.op);
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

    pub(super) fn decides_compare(&mut self, b: &syn::ExprBinary, side: &Expr, taint: &Taint) {
        if taint.kind == Kind::Fragment {
            return self.decides(side, taint);
        }
        let subject = Self::subject(side, taint);
        self.report_on(
            taint,
            b.span(),
            format!(
                "a comparison on {subject} decides on a value that is not part of the cache key: every value would be served the SQL of the first one seen"
            ),
            HELP_DECIDE,
        );
    }

    pub(super) fn assign(&mut self, place: &Expr, value: Flow) {
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
                    self.report_on(
                        &taint,
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

    pub(super) fn match_expr(&mut self, m: &syn::ExprMatch) -> Flow {
        if let Some(flow) = self.variant_match(m) {
            return flow;
        }
        let at = m as *const syn::ExprMatch as usize;
        if self.would_report(|this| this.match_patterns(m))
            && let Some(flow) = self.decide_match(m, at)
        {
            return flow;
        }
        let mark = self.reads_mark();
        let parts = self.scrutinee(&m.expr);
        self.passed_on_parts(mark, &parts);
        let mut out = None;
        for arm in &m.arms {
            let (pat, guard) = match &arm.pat {
                Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
                other => (other, None),
            };
            let flow = self.scoped(|this| {
                this.bind_recipe(pat, &m.expr, &parts, Context::Refutable);
                if let Some(guard) = guard {
                    this.condition(guard);
                }
                this.expr(&arm.body)
            });
            out = join(out, flow);
        }
        out
    }

    /// The patterns of `m` matched against its scrutinee, each in a scope (the arms not
    /// walked): for a trial of whether they test more than the key holds.
    fn match_patterns(&mut self, m: &syn::ExprMatch) {
        let parts = self.scrutinee(&m.expr);
        for arm in &m.arms {
            let pat = match &arm.pat {
                Pat::Guard(g) => &*g.pat,
                other => other,
            };
            self.scoped(|this| this.bind_parts(pat, &m.expr, &parts, Context::Refutable));
        }
    }

    /// A closure: its parameters are clean unless `params` gives their taint; it evaluates
    /// to what its body returns (calling it gives that).
    pub(super) fn closure(&mut self, c: &syn::ExprClosure, params: Option<&[Flow]>) -> Flow {
        self.scoped(|this| {
            for (n, input) in c.inputs.iter().enumerate() {
                let flow = params.and_then(|p| p.get(n)).cloned().flatten();
                this.bind_pat(input, flow, Context::Irrefutable);
            }
            this.expr(&c.body)
        })
    }
}
