//! How findings are worded: a decision, a computation, a value passed where the analysis
//! cannot follow it, a use of a list beyond its emptiness.

use proc_macro2::Span;
use syn::Expr;
use syn::spanned::Spanned;

use super::{Analysis, HELP_COMPUTE, HELP_DECIDE, HELP_FRAGMENT, Kind, Taint, unparen};

impl Analysis {
    /// A finding on a value of `taint`. On a part of a struct argument that a later pass may
    /// still assume more of (see `check`), it is not reported but noted, for that pass.
    pub(super) fn report_on(&mut self, taint: &Taint, span: Span, message: String, help: &str) {
        self.report_flip(taint, span, message, help, false);
    }

    /// [`report_on`](Self::report_on); `keyed`: only the part's whole value in the key
    /// would make the finding go away.
    fn report_flip(&mut self, taint: &Taint, span: Span, message: String, help: &str, keyed: bool) {
        if self.trial > 0 {
            self.trial_findings += 1;
            return;
        }
        if let Some(path) = &taint.path
            && self.exploring
            && taint.kind != Kind::Fragment
        {
            if !self.flips.iter().any(|(p, _, _, _)| p == path) {
                self.flips.push((path.clone(), span, message, keyed));
            }
            return;
        }
        self.report(span, message, help);
    }

    pub(super) fn report(&mut self, span: Span, message: String, help: &str) {
        if self.trial > 0 {
            self.trial_findings += 1;
            return;
        }
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
    pub(super) fn subject(e: &Expr, taint: &Taint) -> String {
        let origin = &taint.origin;
        if let Some(path) = &taint.path
            && taint.kind != Kind::Fragment
            && !matches!(unparen(e), Expr::Path(_))
        {
            return format!("`{}`", path.replace(".?", ""));
        }
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

    pub(super) fn decides(&mut self, e: &Expr, taint: &Taint) {
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
        self.report_on(taint, e.span(), message, help);
    }

    pub(super) fn computes(&mut self, span: Span, op: &str, e: &Expr, taint: &Taint) {
        if taint.kind == Kind::List {
            return self.list_use(span, op, taint);
        }
        let subject = Self::subject(e, taint);
        self.report_on(
            taint,
            span,
            format!(
                "{op} on {subject} computes a new value from a bound argument: the cache binds an argument's own value, never one computed from it"
            ),
            HELP_COMPUTE,
        );
    }

    pub(super) fn unseen(&mut self, span: Span, callee: &str, e: &Expr, taint: &Taint) {
        let subject = Self::subject(e, taint);
        self.report_flip(
            taint,
            span,
            format!(
                "{subject} is passed to `{callee}`, which #[cached_query] cannot see into: a bound value may only reach a sea-query method that binds it as a parameter"
            ),
            &format!(
                "bind it with a sea-query method (`.eq(..)`, `.is_in(..)`, `.like(..)`, `.limit(..)`, `Expr::val(..)`), or compute what `{callee}` returns in the caller and pass that as an argument; docs/soundness.md lists what a body may do"
            ),
            true,
        );
    }

    pub(super) fn list_use(&mut self, span: Span, op: &str, taint: &Taint) {
        let origin = &taint.origin;
        self.report_on(
            taint,
            span,
            format!(
                "{op} on list `{origin}` looks at its length, its order or single elements, but only whether it is empty is part of the cache key"
            ),
            &format!(
                "bind the whole list, e.g. `.is_in({origin}.iter().copied())`, or pass what you need from it (its length, an element) as an argument of its own, marked `#[shape]` if it changes the SQL"
            ),
        );
    }
}
