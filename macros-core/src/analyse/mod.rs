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
//!
//! The walk is one [`Analysis`] over the body: `stmt.rs` (statements and patterns),
//! `expr.rs` (expressions), `call.rs` (calls, methods, the steps of `allow.rs`), `mac.rs`
//! (macros); `report.rs` words the findings.

mod call;
mod decide;
mod expr;
mod lift;
mod mac;
mod part;
mod reads;
mod report;
mod rewrite;
mod stmt;
#[cfg(test)]
mod tests;
mod variant;

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use proc_macro2::{Span, TokenTree};
use syn::{Block, Expr, Ident, Pat};

use crate::classify::Class;
use crate::input::Arg;
pub(crate) use decide::{Decided, Outcome};

pub(crate) use lift::{Lifted, Recipe, Source};
pub(crate) use part::{Has, PartCall, PartLift};
pub(crate) use rewrite::rewrite;

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
    /// A local computed from bound values that the expansion can recompute: a test kept in
    /// a `let` (`let admin = role == "admin"`), a name bound by a lifted `if let`
    /// (`if let Some(seal) = kind.seal()`). It may decide (the decision is lifted) or be
    /// bound where a derived value is (lifted, `lift.rs`); any other read is an error, and
    /// yields a bound value.
    Computed,
}

/// A tainted value and the argument it comes from (for messages).
#[derive(Debug, Clone)]
struct Taint {
    kind: Kind,
    origin: Ident,
    /// Where in an argument whose type names its own class (a struct deriving `Args`, a
    /// tuple) the value is: `filter.search`, `filter.range.?.from` (`?` is inside `Some`).
    /// Such a part is a bound value unless the body decides on it; then the analysis
    /// assumes it is in the key ([`Assumption`]) and the expansion checks that it is.
    path: Option<String>,
}

impl Taint {
    /// A tainted value of `kind` from argument `origin`, not a part of a struct.
    fn new(kind: Kind, origin: Ident) -> Taint {
        Taint {
            kind,
            origin,
            path: None,
        }
    }
}

/// What the body needs a part of a struct or tuple argument to be, for what it does with
/// it: its presence decides (`Opt`), its emptiness decides or its elements are bound one by
/// one (`List`), its value decides or is computed with (`Key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Want {
    Opt,
    List,
    Key,
    /// Matched on its variant only.
    Variant,
    /// Read as a value where no lift recomputes it: not a part keyed by its variant alone.
    Value,
}

/// A part of an argument the body decides on, and what it needs the part to be. The
/// expansion checks it at compile time against the classes of the struct's fields; the
/// message is the one the analysis would have given for a bound value.
#[derive(Debug, Clone)]
pub(crate) struct Assumption {
    /// The argument.
    pub(crate) arg: usize,
    /// The part, below the argument: `search`, `range.?.from`.
    pub(crate) path: String,
    pub(crate) want: Want,
    pub(crate) span: Span,
    pub(crate) message: String,
}

/// What the analysis found: errors, what it assumed of parts of struct arguments, and the
/// values the body derives from the arguments (with the body they are marked in).
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<syn::Error>,
    pub(crate) assumptions: Vec<Assumption>,
    pub(crate) lifted: Vec<Lifted>,
    /// The body as analysed, when it derives values: [`rewrite`] marks them in it.
    pub(crate) body: Option<Block>,
    /// The arguments the body matches on their variant only (see `variant.rs`), with the
    /// paths its patterns name.
    pub(crate) variants: Vec<(usize, Vec<syn::Path>)>,
    /// The decisions whose outcomes join the key (see `decide.rs`).
    pub(crate) decided: Vec<Decided>,
    /// Calls of helpers whose derived values the lift recomputes (see `part.rs`).
    pub(crate) part_lifts: Vec<PartLift>,
    /// Every call of a helper with bound values (its place in the analysed body), with its
    /// block among `part_lifts`: marked in the body to place the helper's derived values.
    pub(crate) part_calls: Vec<(usize, Option<usize>, syn::Path)>,
    /// Fields of struct arguments matched on their variant (argument, path, the paths the
    /// patterns name): each path is checked to be a variant, as for `variants`.
    pub(crate) variant_parts: Vec<(usize, String, Vec<syn::Path>)>,
    /// Bound values passed to helpers, each checked at compile time against what the
    /// helper's `#[cached_query::part]` says it may decide on (see `part.rs`).
    pub(crate) parts: Vec<PartCall>,
}

/// The taint of an expression: `None` is clean (made only from the key and constants).
type Flow = Option<Taint>;

/// A local in scope: its taint, and how to recompute it from the arguments if it can be.
type Binding = (Flow, Option<Rc<Recipe>>);

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
            path: a.path.filter(|p| b.path.as_ref() == Some(p)),
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
        out = Some(Taint::new(kind, origin));
    }
    out
}

fn with_kind(taint: &Taint, kind: Kind) -> Flow {
    // The part of a struct argument it comes from stays: a conversion of a field
    // (`d.into()`, `Some(x)`) that reaches what the key must hold makes the field keyed.
    Some(Taint {
        kind,
        origin: taint.origin.clone(),
        path: taint.path.clone(),
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
        // Its parts are bound values until the body decides on one (`Analysis::assumed`).
        Class::Record(_) | Class::Tuple(_) | Class::Auto(_) => Some(Kind::Value),
        // Only after the analysis; its variant is in the key.
        Class::Variant(_) => None,
    }
}

/// Whether an argument of class `class` has parts the analysis follows by path.
fn has_parts(class: &Class) -> bool {
    match class {
        Class::Record(_) | Class::Tuple(_) => true,
        Class::Opt(inner) | Class::Ref(inner, _) => has_parts(inner),
        _ => false,
    }
}

/// The most passes over a body that decides on parts of struct arguments: each pass moves
/// at least one part one step along `Value`, `Opt`, `List`, `Key`.
const MAX_PASSES: usize = 64;

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
///
/// A part of a struct argument (`filter.search`) is first taken for a bound value. Where
/// the body does with it what a bound value may not (decides on its presence, on its
/// emptiness, on its value), the next pass assumes it is an `Option`, then a list, then a
/// value in the key, until the body passes or no assumption is left; the assumptions made
/// are returned for the expansion to check against the struct's fields.
pub(crate) fn check(args: &[Arg], body: &proc_macro2::Group) -> Findings {
    check_with(args, &[], body, false)
}

/// Checks the body of a helper marked `#[cached_query::part]`: `args` its parameters that
/// have a class, `builders` those it builds on (`&mut` references, sea-query expressions),
/// which may hold bound values and may not decide. Nothing is lifted in a helper (it has
/// no key of its own), and what it returns may not be a bound value.
pub(crate) fn check_part(args: &[Arg], builders: &[Ident], body: &proc_macro2::Group) -> Findings {
    check_with(args, builders, body, true)
}

fn check_with(args: &[Arg], builders: &[Ident], body: &proc_macro2::Group, part: bool) -> Findings {
    // A body that does not parse gets rustc's own errors from the emitted function.
    let Ok(block) = syn::parse2::<Block>(TokenTree::Group(body.clone()).into()) else {
        return Findings::default();
    };
    let mut assumed: HashMap<String, (Want, Span, String)> = HashMap::new();
    for pass in 0..MAX_PASSES {
        let mut analysis = Analysis::new(args, assumed.clone(), pass + 1 < MAX_PASSES);
        analysis.part = part;
        for ident in builders {
            analysis.bind(ident, Some(Taint::new(Kind::Fragment, ident.clone())));
        }
        let tail = analysis.block(&block);
        if part {
            analysis.check_returns(&block, tail);
        }
        if analysis.flips.is_empty() {
            let mut assumptions: Vec<Assumption> = assumed
                .into_iter()
                .filter_map(|(path, (want, span, message))| {
                    let (root, rest) = path.split_once('.').unwrap_or((&path, ""));
                    let arg = args.iter().position(|a| a.ident == root)?;
                    Some(Assumption {
                        arg,
                        path: rest.to_owned(),
                        want,
                        span,
                        message,
                    })
                })
                .collect();
            for (arg, path, span, _) in &analysis.variant_parts {
                if !assumptions.iter().any(|a| a.arg == *arg && a.path == *path) {
                    assumptions.push(Assumption {
                        arg: *arg,
                        path: path.clone(),
                        want: Want::Variant,
                        span: *span,
                        message: format!(
                            "`{}.{path}` is matched on its variant: only its variant may be part of the cache key",
                            args[*arg].ident
                        ),
                    });
                }
            }
            assumptions.extend(analysis.value_assumptions(args));
            assumptions.sort_by(|a, b| (a.arg, &a.path).cmp(&(b.arg, &b.path)));
            let names: Vec<String> = args.iter().map(|a| a.ident.to_string()).collect();
            let variants = analysis.variants(&names);
            let (lifted, decided) = (analysis.lifted, analysis.decided);
            let variant_parts = std::mem::take(&mut analysis.variant_parts)
                .into_iter()
                .map(|(arg, path, _, paths)| (arg, path, paths))
                .collect();
            let lifts = !lifted.is_empty() || !decided.is_empty();
            let has_parts = !analysis.part_calls.is_empty();
            return Findings {
                variant_parts,
                part_lifts: analysis.part_lifts,
                part_calls: analysis.part_calls,
                parts: analysis.parts,
                errors: analysis.errors,
                assumptions,
                body: (lifts || has_parts).then_some(block),
                lifted,
                variants,
                decided,
            };
        }
        for (path, span, message, keyed) in analysis.flips {
            let next = match assumed.get(&path).map(|a| a.0) {
                // Passed where no presence or emptiness makes it clean: its value.
                _ if keyed => Want::Key,
                None => Want::Opt,
                Some(Want::Opt) => Want::List,
                Some(Want::List | Want::Key | Want::Variant | Want::Value) => Want::Key,
            };
            let entry = assumed.entry(path).or_insert((next, span, message));
            entry.0 = next;
        }
    }
    Findings::default()
}

impl Analysis {
    fn new(args: &[Arg], assumed: HashMap<String, (Want, Span, String)>, exploring: bool) -> Self {
        let mut analysis = Analysis {
            scopes: vec![HashMap::new()],
            errors: Vec::new(),
            quiet: 0,
            per_element: Vec::new(),
            changed: std::collections::HashSet::new(),
            aliases: HashMap::new(),
            assumed,
            flips: Vec::new(),
            exploring,
            binding_recipe: None,
            next_recipe: 0,
            lifted: Vec::new(),
            trial: 0,
            trial_findings: 0,
            in_macro: 0,
            records: HashMap::new(),
            decided: Vec::new(),
            variant_uses: BTreeMap::new(),
            root_uses: HashMap::new(),
            lifted_reads: std::collections::BTreeSet::new(),
            value_reads: Vec::new(),
            needs_real: std::collections::BTreeSet::new(),
            variant_parts: Vec::new(),
            field_base: false,
            part: false,
            parts: Vec::new(),
            part_lifts: Vec::new(),
            part_calls: Vec::new(),
            returned: Vec::new(),
            arg_names: args.iter().map(|a| a.ident.to_string()).collect(),
        };
        for (n, arg) in args.iter().enumerate() {
            let name = arg.ident.to_string();
            if let Class::Record(_) = arg.class.unref() {
                analysis.records.insert(name.clone(), n);
            }
            // An argument declared `mut` may change before a derived value reads it.
            match arg.mutability.is_some() {
                true => analysis.binding_recipe = None,
                false => analysis.arg_recipe(n, name.clone()),
            }
            let flow = of_class(&arg.class).and_then(|kind| {
                let taint = Taint::new(kind, arg.ident.clone());
                match has_parts(&arg.class) {
                    true => analysis.at_path(&taint, name.clone()),
                    false => Some(taint),
                }
            });
            analysis.bind(&arg.ident, flow);
        }
        analysis.binding_recipe = None;
        analysis
    }

    /// `taint` (a struct argument or a part of one) at `path`, as the assumptions made so
    /// far have it: as tainted as it is unless assumed otherwise; clean if its value is in
    /// the key.
    fn at_path(&self, taint: &Taint, path: String) -> Flow {
        let kind = match self.assumed.get(&path).map(|a| a.0) {
            Some(Want::Key | Want::Variant | Want::Value) => return None,
            Some(Want::List) => Kind::List,
            Some(Want::Opt) => {
                let inner = Taint::new(Kind::Value, taint.origin.clone());
                let inner = self.at_path(&inner, format!("{path}.?"));
                // `Option<bool>` and the like: the whole value is in the key.
                Kind::Opt(Box::new(inner?.kind))
            }
            None => taint.kind.clone(),
        };
        Some(Taint {
            kind,
            origin: taint.origin.clone(),
            path: Some(path),
        })
    }

    /// Part `member` (a field name or index, or `?` for the inside of an `Option`) of a
    /// value of `taint`.
    fn member(&self, taint: &Taint, member: &str) -> Flow {
        match &taint.path {
            Some(path) if taint.kind != Kind::Fragment => {
                let part = Taint::new(Kind::Value, taint.origin.clone());
                self.at_path(&part, format!("{path}.{member}"))
            }
            _ => Some(self.part(taint)),
        }
    }

    /// The inside of an `Option` of `taint`, tainted as `inner`.
    /// Clean where the part inside is assumed in the key.
    fn inside(&self, taint: &Taint, inner: &Kind) -> Flow {
        let inside = Taint {
            kind: inner.clone(),
            origin: taint.origin.clone(),
            path: taint.path.as_ref().map(|p| format!("{p}.?")),
        };
        match &inside.path {
            Some(path) if self.assumed.contains_key(path) => self.at_path(&inside, path.clone()),
            _ => Some(inside),
        }
    }
}

struct Analysis {
    /// Names in scope, innermost last; a clean name shadows a tainted one.
    scopes: Vec<HashMap<String, Binding>>,
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
    /// What parts of struct arguments are assumed to be (see [`check`]), with the first
    /// finding that made the assumption.
    assumed: HashMap<String, (Want, Span, String)>,
    /// Parts on which a finding was made in this pass, to assume more of in the next.
    /// With whether only its whole value in the key would do (it was passed where the
    /// analysis cannot follow it).
    flips: Vec<(String, Span, String, bool)>,
    /// Whether a finding on a part of a struct argument is a flip (not on the last pass).
    exploring: bool,
    /// The recipe of the names being bound (see `lift.rs`), `None` when they cannot be
    /// recomputed from the arguments.
    binding_recipe: Option<Rc<Recipe>>,
    /// The next recipe's order.
    next_recipe: usize,
    /// The derived values found so far, in order.
    lifted: Vec<Lifted>,
    /// While above zero, findings are only counted (in `trial_findings`): an expression is
    /// tried before it is lifted.
    trial: usize,
    trial_findings: usize,
    /// While above zero, the walk is inside expressions parsed from a macro's tokens,
    /// which the expansion cannot mark: nothing is lifted there.
    in_macro: usize,
    /// Arguments whose type names its own class (by value or reference), by name.
    records: HashMap<String, usize>,
    /// The decisions lifted so far, in order (their key bits in that order).
    decided: Vec<Decided>,
    /// Arguments matched on their variant, with the paths of the patterns.
    variant_uses: BTreeMap<usize, Vec<syn::Path>>,
    /// Arguments of `records` read as a whole value elsewhere, with the first such read.
    root_uses: HashMap<usize, Span>,
    /// Fields of struct arguments matched on their variant: the argument, the path below
    /// it, where, and the paths the patterns name.
    variant_parts: Vec<(usize, String, Span, Vec<syn::Path>)>,
    /// Arguments a lifted `if let` binding reads: keyed by variant where nothing else
    /// reads them, the probe gives the body their real value.
    needs_real: std::collections::BTreeSet<usize>,
    /// Arguments read in an expression tried for a lift.
    lifted_reads: std::collections::BTreeSet<usize>,
    /// Parts of struct arguments read as values (not in a lift, not matched on their
    /// variant), by full path (`filter.sort`), with where (see `reads.rs`).
    value_reads: Vec<(String, Span, usize)>,
    /// Whether the walk is at the base of a field access (`filter` in `filter.search`):
    /// the argument is a struct read by its parts, whatever lifts them.
    field_base: bool,
    /// Whether the body is a helper's (`#[cached_query::part]`): nothing is lifted.
    part: bool,
    /// Bound values passed to helpers (see `part.rs`).
    parts: Vec<PartCall>,
    /// Calls of helpers whose derived values the lift recomputes, in order.
    part_lifts: Vec<PartLift>,
    /// Every call of a helper with bound values (its place), with its block of the lift.
    part_calls: Vec<(usize, Option<usize>, syn::Path)>,
    /// What `return` returns, with where (checked in a helper).
    returned: Vec<(Span, Flow)>,
    /// The arguments' names, in order.
    arg_names: Vec<String>,
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
        Kind::Value | Kind::List | Kind::Computed => false,
    }
}

/// A field's name or index, as a path names it.
fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

fn strip_type(pat: &Pat) -> &Pat {
    match pat {
        Pat::Type(t) => strip_type(&t.pat),
        Pat::Paren(p) => strip_type(&p.pat),
        other => other,
    }
}

pub(crate) fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

impl Analysis {
    // ---- names -------------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Option<&Flow> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .map(|b| &b.0)
    }

    /// The recipe of the local `name`: `None` if it is not a local, `Some(None)` if it
    /// cannot be recomputed from the arguments.
    fn lookup_recipe(&self, name: &str) -> Option<Option<Rc<Recipe>>> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .map(|b| b.1.clone())
    }

    fn bind(&mut self, ident: &Ident, flow: Flow) {
        let recipe = self.binding_recipe.clone();
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(ident.to_string(), (flow, recipe));
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
            if let Some((slot, _)) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(&name)) {
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
    /// Whether `f` makes a finding, run without reporting it (and in a scope of its own).
    fn would_report(&mut self, f: impl FnOnce(&mut Self)) -> bool {
        let before = self.trial_findings;
        self.trial += 1;
        self.scoped(f);
        self.trial -= 1;
        self.trial_findings > before
    }

    fn looped(&mut self, mut f: impl FnMut(&mut Self)) {
        self.quiet += 1;
        f(self);
        self.quiet -= 1;
        f(self);
    }
}
