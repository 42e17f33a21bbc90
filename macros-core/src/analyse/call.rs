//! Calls: of a function or closure, of a method (a sea-query sink, a builder method, or a
//! step on a tainted value, as `allow.rs` lists them), and `map` closures.

use proc_macro2::Span;
use syn::Expr;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use super::{
    Analysis, Flow, HELP_COMPUTE, Kind, Taint, composite, holds_fragment, join, path_text,
    root_name, unparen, with_kind,
};
use crate::allow;

impl Analysis {
    pub(super) fn call(&mut self, c: &syn::ExprCall) -> Flow {
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
        let sink = allow::path_sink(path);
        let step = allow::is_path_step(path);
        // A step's argument and a sink's bound argument are values: they may be lifted.
        let mark = self.reads_mark();
        let args: Vec<Flow> = c
            .args
            .iter()
            .enumerate()
            .map(|(n, arg)| match step || sink.is_some_and(|s| s.binds(n)) {
                true => self.value(arg),
                false => self.expr(arg),
            })
            .collect();
        if step {
            // `Some(x)` keeps presence; the others convert one value.
            let flow = composite(args);
            return match (path.is_ident("Some"), flow) {
                (true, Some(t)) => with_kind(&t, Kind::Opt(Box::new(t.kind.clone()))),
                (false, Some(t)) if t.kind == Kind::Fragment => Some(t),
                (false, Some(t)) => with_kind(&t, Kind::Value),
                (_, None) => None,
            };
        }
        if sink.is_none()
            && let Some(flow) = self.part_call(c, path, &args)
        {
            // The helper checks what its parameters receive.
            for arg in &args {
                self.passed_on(mark, arg);
            }
            return flow;
        }
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

    pub(super) fn args(&mut self, args: &Punctuated<Expr, syn::Token![,]>) -> Vec<Flow> {
        args.iter().map(|a| self.expr(a)).collect()
    }

    pub(super) fn method_call(&mut self, m: &syn::ExprMethodCall) -> Flow {
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
                        _ if sink.is_some_and(|s| s.positions.binds(n)) => self.value(arg),
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
                        Some(t) => match &t.kind {
                            Kind::Opt(inner) => self.inside(&t, inner),
                            _ => None,
                        },
                        None => None,
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
        match &taint.kind {
            Kind::Value | Kind::Computed => {
                if allow::VALUE_STEPS.contains(&method) {
                    self.clean_args(m, method);
                    return Some(taint.clone());
                }
                self.computes(span, &format!("`.{method}()`"), &m.receiver, taint);
                self.args(&m.args);
                None
            }
            Kind::List => self.list_step(m, method, span, taint),
            Kind::Opt(inner) => self.option_step(m, method, span, taint, inner),
            Kind::Fragment => None,
        }
    }

    /// Arguments of a step, which must be clean: a bound value passed to it is unseen.
    fn clean_args(&mut self, m: &syn::ExprMethodCall, method: &str) {
        for arg in &m.args {
            if let Some(t) = self.expr(arg) {
                self.unseen(arg.span(), &format!(".{method}()"), arg, &t);
            }
        }
    }

    /// [`step`](Self::step) on a list: its emptiness may decide, its elements pass on.
    fn list_step(
        &mut self,
        m: &syn::ExprMethodCall,
        method: &str,
        span: Span,
        taint: &Taint,
    ) -> Flow {
        if allow::LIST_TESTS.contains(&method) {
            self.clean_args(m, method);
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
                self.clean_args(m, method);
            }
            return Some(taint.clone());
        }
        let op = if method == "collect" {
            "`.collect()` without `::<Vec<_>>`".to_owned()
        } else {
            format!("`.{method}()`")
        };
        self.list_use(span, &op, taint);
        self.args(&m.args);
        None
    }

    /// [`step`](Self::step) on an `Option` whose inner value is tainted as `inner`: its
    /// presence may decide, its inner value passes on.
    fn option_step(
        &mut self,
        m: &syn::ExprMethodCall,
        method: &str,
        span: Span,
        taint: &Taint,
        inner: &Kind,
    ) -> Flow {
        if allow::OPTION_TESTS.contains(&method) {
            self.clean_args(m, method);
            return None;
        }
        if method == "map" {
            let body = self.map_closure(m, Some(inner.clone()), taint);
            return body.map(|b| Taint::new(Kind::Opt(Box::new(b.kind)), b.origin));
        }
        if allow::OPTION_STEPS.contains(&method) {
            self.clean_args(m, method);
            return Some(taint.clone());
        }
        if allow::OPTION_UNWRAPS.contains(&method) {
            return self.unwrap_step(m, method, with_kind(taint, inner.clone()));
        }
        if method == "into" {
            self.clean_args(m, method);
            // Still the part it was (a decision on it later assumes more of the part).
            return Some(Taint {
                kind: Kind::Value,
                ..taint.clone()
            });
        }
        self.report_on(
            taint,
            span,
            format!(
                "`.{method}()` on {} looks into an `Option` beyond its presence, but only whether it is `Some` is part of the cache key",
                Self::subject(&m.receiver, taint)
            ),
            "match on presence (`if let Some(x) = ..`, `.is_some()`) and bind the inner value; pass anything else as an argument of its own",
        );
        self.args(&m.args);
        None
    }

    /// `opt.unwrap_or(..)`, `opt.or(..)` and the like: the inner value (`inner`), or what
    /// the arguments give.
    fn unwrap_step(&mut self, m: &syn::ExprMethodCall, method: &str, inner: Flow) -> Flow {
        let mut out = inner;
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
                    path: None,
                    origin: t.origin,
                }
            });
        }
        out
    }

    /// `list.iter().map(|x| ..)`, `opt.map(|x| ..)`: the closure's parameter is the inner
    /// value; returns what the closure's body returns. A function path (`map(Value::from)`)
    /// must be a step.
    pub(super) fn map_closure(
        &mut self,
        m: &syn::ExprMethodCall,
        param: Option<Kind>,
        taint: &Taint,
    ) -> Flow {
        let param = param.and_then(|kind| match taint.kind {
            Kind::Opt(_) => self.inside(taint, &kind),
            // An element of a part of a struct argument: a finding on it makes the part
            // keyed whole (where it is, a `Vec` of `Eq` enums), else stays an error.
            _ => Some(Taint {
                kind,
                origin: taint.origin.clone(),
                path: taint.path.clone(),
            }),
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
                        taint,
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
}
