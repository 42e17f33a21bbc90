//! Arguments matched on their variant: `match sort { Sort::Newest => .., Sort::Best => .. }`
//! on an argument whose type names its own class (an enum of the user's, by value or by
//! reference), `matches!(sort, Sort::A | Sort::B)`, `if let Sort::A = sort`.
//!
//! Where every pattern names a variant and binds nothing (a path, `Variant(..)` or
//! `Variant { .. }` of wildcards, `_`, or-patterns of those) and the argument is used in no
//! other way, the body decides only on the argument's variant: the expansion puts the
//! variant in the key (`ByVariant<T>`), with no derive and no `Hash` on the enum. A path in
//! a pattern could also name a constant, which would compare the whole value: the
//! expansion checks each one is a variant (`Path { .. }` is a pattern of variants and
//! structs only).

use syn::spanned::Spanned;
use syn::{Expr, Pat};

use super::{Analysis, Flow, join, unparen};

/// `e` through parentheses, `*` and `&`.
fn peeled(e: &Expr) -> &Expr {
    let mut e = unparen(e);
    loop {
        match e {
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => e = unparen(&u.expr),
            Expr::Reference(r) => e = unparen(&r.expr),
            _ => return e,
        }
    }
}

/// What a match on variants reads.
pub(super) enum Target {
    /// An argument.
    Root(usize),
    /// A field of argument `.0` at path `.1` (`sort`, `options.sort`).
    Part(usize, String),
}

/// Whether `pat` names variants and binds nothing; the paths it names are pushed to
/// `paths`.
fn variant_pat(pat: &Pat, paths: &mut Vec<syn::Path>) -> bool {
    let wild = |p: &Pat| matches!(p, Pat::Wild(_) | Pat::Rest(_));
    match pat {
        Pat::Wild(_) => true,
        Pat::Paren(p) => variant_pat(&p.pat, paths),
        Pat::Reference(r) => variant_pat(&r.pat, paths),
        Pat::Or(o) => o.cases.iter().all(|case| variant_pat(case, paths)),
        Pat::Path(p) if p.qself.is_none() && p.path.segments.len() > 1 => {
            paths.push(p.path.clone());
            true
        }
        Pat::TupleStruct(t) if t.qself.is_none() && t.elems.iter().all(wild) => {
            paths.push(t.path.clone());
            true
        }
        Pat::Struct(s)
            if s.qself.is_none() && s.fields.iter().all(|f| matches!(&*f.pat, Pat::Wild(_))) =>
        {
            paths.push(s.path.clone());
            true
        }
        _ => false,
    }
}

impl Analysis {
    /// The argument `e` is, read whole (through parentheses, `*` and `&`), if its type
    /// names its own class.
    fn variant_root(&self, e: &Expr) -> Option<usize> {
        let e = peeled(e);
        let Expr::Path(p) = e else { return None };
        let name = p.path.get_ident()?.to_string();
        let arg = *self.records.get(&name)?;
        // The argument itself, not a local that shadows it.
        match self.lookup(&name) {
            Some(Some(taint)) if taint.path.as_deref() == Some(name.as_str()) => Some(arg),
            _ => None,
        }
    }

    /// `match e { .. }` on an argument matched on its variant: its guards and arms
    /// analysed, and `None` if it is not one.
    pub(super) fn variant_match(&mut self, m: &syn::ExprMatch) -> Option<Flow> {
        let target = self.variant_target(&m.expr)?;
        let mut paths = Vec::new();
        let arms: Vec<(&Pat, Option<&Expr>)> = m
            .arms
            .iter()
            .map(|arm| match &arm.pat {
                Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
                other => (other, None),
            })
            .collect();
        if !arms.iter().all(|(pat, _)| variant_pat(pat, &mut paths)) {
            return None;
        }
        self.note_variant(target, m.expr.span(), paths);
        let mut out = None;
        for ((_, guard), arm) in arms.iter().zip(&m.arms) {
            let flow = self.scoped(|this| {
                if let Some(guard) = guard {
                    this.condition(guard);
                }
                this.expr(&arm.body)
            });
            out = join(out, flow);
        }
        Some(out)
    }

    /// `if let pat = e`, `matches!(e, pat)`: whether it tests an argument's variant (then
    /// noted, and nothing is bound).
    pub(super) fn variant_test(&mut self, pat: &Pat, e: &Expr) -> bool {
        let Some(target) = self.variant_target(e) else {
            return false;
        };
        let mut paths = Vec::new();
        if !variant_pat(pat, &mut paths) {
            return false;
        }
        self.note_variant(target, e.span(), paths);
        true
    }

    /// The argument the local `name` is (not a local that shadows it): an argument not
    /// declared `mut`, whose recipe is the argument itself.
    pub(super) fn whole_arg(&self, name: &str) -> Option<usize> {
        match self.lookup_recipe(name)??.source {
            super::Source::Arg(n) => Some(n),
            super::Source::Let { .. } => None,
        }
    }

    /// What `e` reads whole (through parentheses, `*` and `&`): an argument whose type names
    /// its own class (not in a helper, whose parameters keep their classes), or a field of
    /// a struct argument (`filter.sort`), which the expansion then checks is keyed by its
    /// variant (an enum deriving `Args`) or by its value.
    fn variant_target(&self, e: &Expr) -> Option<Target> {
        match self.variant_root(e) {
            Some(arg) if !self.part => return Some(Target::Root(arg)),
            // A helper's parameter keeps the class its type has: its variant must be what
            // the key holds of it, as for a field.
            Some(arg) => return Some(Target::Part(arg, String::new())),
            None => {}
        }
        self.part_target(e)
    }

    /// The field of a struct argument `e` reads whole (through parentheses, `*` and `&`):
    /// `filter.sort`, `options.sort`.
    pub(super) fn part_target(&self, e: &Expr) -> Option<Target> {
        let mut e = peeled(e);
        let mut members = Vec::new();
        while let Expr::Field(f) = e {
            members.push(super::member_name(&f.member));
            e = unparen(&f.base);
        }
        let Expr::Path(p) = e else { return None };
        let name = p.path.get_ident()?.to_string();
        let arg = self.arg_names.iter().position(|a| *a == name)?;
        match self.lookup(&name) {
            Some(Some(taint))
                if !members.is_empty() && taint.path.as_deref() == Some(name.as_str()) =>
            {
                members.reverse();
                Some(Target::Part(arg, members.join(".")))
            }
            _ => None,
        }
    }

    fn note_variant(&mut self, target: Target, span: proc_macro2::Span, paths: Vec<syn::Path>) {
        match target {
            Target::Root(arg) => self.variant_uses.entry(arg).or_default().extend(paths),
            Target::Part(arg, path) => {
                if self.trial == 0 && self.quiet == 0 {
                    self.variant_parts.push((arg, path, span, paths));
                }
            }
        }
    }

    /// A read of argument `name` as a whole value, outside a match on its variant. A read
    /// while an expression is tried for a lift is noted apart: if the expression is
    /// lifted, the body only reads the argument where it is recomputed on each call.
    pub(super) fn note_root_use(&mut self, e: &syn::ExprPath) {
        let Some(ident) = e.path.get_ident() else {
            return;
        };
        let name = ident.to_string();
        let record = self.records.get(&name).copied().filter(|_| {
            matches!(self.lookup(&name), Some(Some(t)) if t.path.as_deref() == Some(name.as_str()))
        });
        if let Some(arg) = record.or_else(|| self.whole_arg(&name)) {
            match self.trial > 0 && !self.field_base {
                true => {
                    self.lifted_reads.insert(arg);
                }
                false => {
                    self.root_uses.entry(arg).or_insert_with(|| e.span());
                }
            }
        }
    }

    /// The arguments matched on their variant, with the paths their patterns name; an
    /// error for one also used otherwise.
    pub(super) fn variants(&mut self, names: &[String]) -> Vec<(usize, Vec<syn::Path>)> {
        let mut out = Vec::new();
        // Read only by lifts (`status.to_string()`, `if kind.is_open()`, `sort == Sort::A`):
        // the lifts recompute from the call's value, so the key needs no more than the
        // variant, and the probe gives the body the stored call's value.
        for &arg in &self.lifted_reads {
            let record = self.records.values().any(|&a| a == arg);
            let lifted_only =
                !self.root_uses.contains_key(&arg) && !self.variant_uses.contains_key(&arg);
            // A record read only by lifts, or any argument an `if let` binding lifted reads
            // (the probe must give the body its real value).
            if lifted_only && (record || self.needs_real.contains(&arg)) {
                out.push((arg, Vec::new()));
            }
        }
        for (arg, paths) in std::mem::take(&mut self.variant_uses) {
            match self.root_uses.get(&arg) {
                None => out.push((arg, paths)),
                Some(span) => {
                    let name = &names[arg];
                    self.report(
                        *span,
                        format!(
                            "`{name}` is matched on its variant, and used as a value here: the cache key holds only its variant"
                        ),
                        &format!(
                            "use `{name}` only in `match`, `matches!` or `if let` with patterns that name its variants and bind nothing, or mark it `#[shape]` to put its whole value in the key (it needs `Hash + Eq + Clone`)"
                        ),
                    );
                }
            }
        }
        out.sort_by_key(|(arg, _)| *arg);
        out
    }
}
