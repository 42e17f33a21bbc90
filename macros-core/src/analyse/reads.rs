//! Parts of struct arguments read as values. A field whose type the derive could not read
//! and that is neither an argument type nor `Hash + Eq` (an enum with no derive) is keyed by
//! its variant alone (`ArgKind::Variant`): the probe gives the body the value of the call
//! that stored the shape, of the same variant, whose other data the key does not hold.
//! Such a field may only be matched on its variant or read where a lift recomputes it.
//!
//! The analysis does not know the fields' kinds, so it notes every other read of a part
//! (a field access, a local bound to one), and the expansion checks at compile time that
//! the part is not keyed by its variant alone (`Want::Value`). A read whose value goes on
//! into a binding or a helper's parameter is not noted: the binding's reads are, and the
//! helper checks its parameter.

use syn::Expr;

use super::variant::Target;
use super::{Analysis, Assumption, Flow, Kind, Want};

impl Analysis {
    /// `e` (a field access, a name) was read, with `flow`: noted if it is a part of a
    /// struct argument read as a value.
    pub(super) fn note_read(&mut self, e: &Expr, span: proc_macro2::Span, flow: &Flow) {
        if self.trial > 0 {
            return;
        }
        let path = match flow {
            Some(taint) if taint.kind != Kind::Fragment => taint.path.clone(),
            Some(_) => None,
            // A part assumed keyed by its variant is clean, but only its variant is in the
            // key: read as a value, it must be keyed whole.
            None => match self.part_target(e) {
                Some(Target::Part(arg, path)) => {
                    let full = format!("{}.{path}", self.arg_names[arg]);
                    matches!(self.assumed.get(&full), Some((Want::Variant, _, _))).then_some(full)
                }
                _ => None,
            },
        };
        let at = e as *const Expr as usize;
        if let Some(path) = path
            && !self
                .value_reads
                .iter()
                .any(|(p, _, a)| *p == path && *a == at)
        {
            self.value_reads.push((path, span, at));
        }
    }

    /// How many reads are noted so far: a mark for [`passed_on`](Self::passed_on).
    pub(super) fn reads_mark(&self) -> usize {
        self.value_reads.len()
    }

    /// The reads noted since `mark` of the part `flow` holds: its value went on into a
    /// binding or a helper, whose own reads and checks cover it.
    pub(super) fn passed_on(&mut self, mark: usize, flow: &Flow) {
        let Some(taint) = flow else { return };
        let Some(path) = taint.path.as_ref().filter(|_| taint.kind != Kind::Fragment) else {
            return;
        };
        let mark = mark.min(self.value_reads.len());
        let later = self.value_reads.split_off(mark);
        self.value_reads
            .extend(later.into_iter().filter(|(p, _, _)| p != path));
    }

    /// [`passed_on`](Self::passed_on) for each part a scrutinee holds.
    pub(super) fn passed_on_parts(&mut self, mark: usize, parts: &super::stmt::Scrutinee) {
        match parts {
            super::stmt::Scrutinee::One(flow) => self.passed_on(mark, flow),
            super::stmt::Scrutinee::Tuple(elems) => {
                for (_, flow) in elems {
                    self.passed_on(mark, flow);
                }
            }
        }
    }

    /// The reads as checks of the fields' kinds.
    /// One per part, at its first read, for arguments whose types name their own classes
    /// (only a struct can hold a field keyed by its variant).
    pub(super) fn value_assumptions(&mut self, args: &[crate::input::Arg]) -> Vec<Assumption> {
        let mut seen = std::collections::HashSet::new();
        std::mem::take(&mut self.value_reads)
            .into_iter()
            .filter(|(path, _, _)| seen.insert(path.clone()))
            .filter_map(|(path, span, _)| {
                let (root, rest) = path.split_once('.').unwrap_or((&path, ""));
                let arg = args.iter().position(|a| a.ident == root)?;
                if !crate::classify::names_record(&args[arg].class) {
                    return None;
                }
                let shown = path.replace(".?", "");
                Some(Assumption {
                    arg,
                    path: rest.to_owned(),
                    want: Want::Value,
                    span,
                    message: format!(
                        "`{shown}` is read as a value here, and the cache key does not hold it: it is (or is inside) a value keyed by its enum variant alone, of a type that neither derives `cached_query::Args` nor is `Eq`"
                    ),
                })
            })
            .collect()
    }
}
