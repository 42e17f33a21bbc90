//! Values the body computes from the arguments: a LIKE pattern made with `format!`, an
//! offset `page * per_page`, a cap `min(limit, 100)`, a cast. The macro lifts each such
//! expression out of the body into a function of the arguments (the function's *lift*),
//! and the value becomes a bound source of its own, after the arguments' sources:
//!
//! - on a hit, the template reads it as it reads an argument, and the lift computes it
//!   from the call's arguments, once per call and only if the template reads it;
//! - while the cache probes the body, the expression yields a sentinel of its type instead
//!   ([`derived`]): the probe finds where the value lands, as it finds an argument;
//! - when the body runs for real (a miss, an uncached call, a sampled verification), the
//!   expression is evaluated where it stands, as written.
//!
//! The last check of learning fills the template with the real call's own lifted values
//! and compares it with the real call's statement: a lift that computed something else
//! leaves the shape uncached.

use std::cell::RefCell;
// `OnceLock`, not `OnceCell`: a call stays `Sync`, as its arguments are.
use std::sync::OnceLock;

use sea_query::Value;

use crate::class::Class;
use crate::probe::Prober;
use crate::value_ref::ValueRef;

/// The lift of a function whose arguments have class `C`: derived value `index` of the
/// arguments, or `None` where the arguments do not reach it (an `Option` it is made from is
/// `None`).
#[doc(hidden)]
pub type LiftOf<C> = for<'x, 'y> fn(&'y <C as Class>::At<'x>, u16) -> Option<Value>;

/// The decisions of a function whose arguments have class `C`: the outcome of every
/// decision the body makes on values computed from the arguments, as key bits (each
/// decision at its own offset).
#[doc(hidden)]
pub type DecideOf<C> = for<'x, 'y> fn(&'y <C as Class>::At<'x>) -> u64;

/// Where each of consecutive blocks of `lens` items starts, after `first` items.
fn starts(first: usize, lens: impl Iterator<Item = usize>) -> impl Iterator<Item = usize> {
    lens.scan(first, |next, len| {
        let start = *next;
        *next += len;
        Some(start)
    })
}

/// The derived values of the helpers a function calls (`#[cached_query::part]`): value
/// `j` of the helper called at part call `k`, recomputed from the arguments.
#[doc(hidden)]
pub type PartLiftOf<C> = for<'x, 'y> fn(&'y <C as Class>::At<'x>, u16, u16) -> Option<Value>;

/// A function's derived values and lifted decisions, as its spec declares them.
#[doc(hidden)]
pub struct Lift<C: Class> {
    pub(crate) lift: LiftOf<C>,
    /// How messages and the inventory name each value: its expression.
    pub(crate) names: &'static [&'static str],
    /// The helpers' derived values, after the body's own: per call of a helper marked
    /// `#[cached_query::part]` whose arguments the lift can recompute, the helper's names
    /// (`Part::DERIVED`), and the function that computes them.
    pub(crate) parts: &'static [&'static [&'static str]],
    pub(crate) part_lift: Option<PartLiftOf<C>>,
    /// Per such call, the key bits of the helper's decisions (`Part::DECIDED`), after the
    /// body's own; the body's `decide` computes their outcomes too.
    pub(crate) part_decisions: &'static [&'static [(&'static str, &'static str, &'static str)]],
    /// The decisions' outcomes, if the body makes any.
    pub(crate) decide: Option<DecideOf<C>>,
    /// Whether it derives nothing and decides nothing, worked out when the spec is made
    /// (a call reads it on every hit).
    empty: bool,
    /// Per key bit of the decisions: the decision (its condition or scrutinee), and what a
    /// set and a clear bit mean.
    pub(crate) decisions: &'static [(&'static str, &'static str, &'static str)],
}

impl<C: Class> std::fmt::Debug for Lift<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lift")
            .field("names", &self.names)
            .finish_non_exhaustive()
    }
}

impl<C: Class> Lift<C> {
    /// The derived values `names` (their expressions), computed by `lift`.
    pub const fn new(lift: LiftOf<C>, names: &'static [&'static str]) -> Self {
        Lift {
            lift,
            names,
            parts: &[],
            part_lift: None,
            part_decisions: &[],
            decide: None,
            decisions: &[],
            empty: names.is_empty(),
        }
        .settled()
    }

    /// The same, with [`is_empty`](Self::is_empty) worked out again.
    const fn settled(mut self) -> Self {
        let mut values = self.names.len();
        let mut bits = self.decisions.len();
        let mut k = 0;
        while k < self.parts.len() {
            values += self.parts[k].len();
            k += 1;
        }
        k = 0;
        while k < self.part_decisions.len() {
            bits += self.part_decisions[k].len();
            k += 1;
        }
        self.empty = values == 0 && (self.decide.is_none() || bits == 0);
        self
    }

    /// The same, for a body that calls helpers marked `#[cached_query::part]`: `parts`
    /// names the derived values of each call's helper, `part_lift` computes them.
    pub const fn with_parts(
        mut self,
        part_lift: PartLiftOf<C>,
        parts: &'static [&'static [&'static str]],
    ) -> Self {
        self.part_lift = Some(part_lift);
        self.parts = parts;
        self.settled()
    }

    /// The same, for helpers that decide on values: `part_decisions` names the key bits of
    /// each call's helper (`decide` computes them with the body's own).
    pub const fn with_part_decisions(
        mut self,
        decide: DecideOf<C>,
        part_decisions: &'static [&'static [(&'static str, &'static str, &'static str)]],
    ) -> Self {
        self.decide = Some(decide);
        self.part_decisions = part_decisions;
        self.settled()
    }

    /// Every key bit of the decisions: the body's own, then the helpers'.
    pub(crate) fn all_decisions(
        &self,
    ) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
        self.decisions
            .iter()
            .chain(self.part_decisions.iter().flat_map(|bits| bits.iter()))
            .copied()
    }

    /// Where each helper call's decision bits start, after the body's own.
    fn decision_bases(&self) -> Vec<u32> {
        starts(
            self.decisions.len(),
            self.part_decisions.iter().map(|b| b.len()),
        )
        .map(|base| u32::try_from(base).unwrap_or(u32::MAX))
        .collect()
    }

    /// Every derived value's name: the body's own, then the helpers'.
    pub(crate) fn all_names(&self) -> impl Iterator<Item = &'static str> {
        self.names
            .iter()
            .chain(self.parts.iter().flat_map(|names| names.iter()))
            .copied()
    }

    /// How many values it derives: the body's own and the helpers'.
    #[inline]
    fn count(&self) -> usize {
        self.names.len() + self.parts.iter().map(|names| names.len()).sum::<usize>()
    }

    /// Whether it derives nothing and decides nothing: a call needs no lifted values.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.empty
    }

    /// Where the values of each helper call start, after the body's own.
    fn part_bases(&self) -> Vec<u16> {
        starts(self.names.len(), self.parts.iter().map(|n| n.len()))
            .map(|base| u16::try_from(base).unwrap_or(u16::MAX))
            .collect()
    }

    /// Derived value `index` of `args`: the body's own, or a helper's.
    fn compute(&self, args: &C::At<'_>, index: u16) -> Option<Value> {
        let own = self.names.len();
        let Some(mut rest) = usize::from(index).checked_sub(own) else {
            return (self.lift)(args, index);
        };
        for (k, names) in self.parts.iter().enumerate() {
            if rest < names.len() {
                let part_lift = self.part_lift?;
                return part_lift(args, u16::try_from(k).ok()?, u16::try_from(rest).ok()?);
            }
            rest -= names.len();
        }
        None
    }

    /// The same, for a body that also decides on values computed from the arguments:
    /// `decide` computes the outcomes, `decisions` names their key bits.
    pub const fn with_decisions(
        mut self,
        decide: DecideOf<C>,
        decisions: &'static [(&'static str, &'static str, &'static str)],
    ) -> Self {
        self.decide = Some(decide);
        self.decisions = decisions;
        self.settled()
    }

    /// The key bits of the decisions' outcomes for `args`.
    #[inline(always)]
    pub(crate) fn outcomes(&self, args: &C::At<'_>) -> u64 {
        match self.decide {
            Some(decide) => decide(args),
            None => 0,
        }
    }
}

/// A type a derived value may have: the probe makes sentinels of it, and sea-query binds
/// it.
#[diagnostic::on_unimplemented(
    message = "a value computed from the arguments has type `{Self}`, which `#[cached_query]` cannot probe",
    label = "computed from the arguments here",
    note = "a derived value must be a type the cache makes sentinels of: a number, `char`, `String`, `&str`, `Vec<u8>`, `sea_query::Value`, or a date, time, uuid, decimal or json value of sea-query's features; convert it (`.to_string()`, `as i64`), or compute it in the caller and pass it as an argument",
    note = "a condition (`bool`) kept in a `let` may only decide: type it (`let big: bool = ..`) or write it where it decides (`if is_big(x) {{ .. }}`), and its outcome joins the cache key",
    note = "a sea-query expression made by a helper of yours: mark the helper `#[cached_query::part]` and call it where the expression is used (`q.and_where(helper(..))`)"
)]
pub trait Derivable: Sized {
    /// A sentinel (or in a check round, a check value) from `prober`.
    fn probe(prober: &mut Prober) -> Self;

    /// The value sea-query binds (`usize` and `isize`, which it has none of, widened).
    fn into_value(self) -> Value;
}

/// The owned types the probe makes sentinels of (sea-query's optional value types are in
/// `probe/external.rs`).
macro_rules! derivable {
    ($($ty:ty),*) => {$(
        impl Derivable for $ty {
            fn probe(prober: &mut Prober) -> $ty {
                prober.sentinel::<$ty>()
            }
            fn into_value(self) -> Value {
                self.into()
            }
        }
    )*};
}

/// An optional value (half of an `.unzip()`, `opt.map(..)` of a value): the probe makes
/// `Some` of a sentinel; a call binds the value, or sea-query's typed null in the same
/// placeholder (sea-query binds a null as it binds a value, checked by the oracle).
impl<T> Derivable for Option<T>
where
    T: Derivable,
    Option<T>: Into<Value>,
{
    fn probe(prober: &mut Prober) -> Self {
        Some(T::probe(prober))
    }
    fn into_value(self) -> Value {
        self.into()
    }
}

/// `usize` and `isize`: a count or an offset computed before it is converted for sea-query
/// (`let offset = page * per_page; q.offset(offset as u64)`).
impl Derivable for usize {
    fn probe(prober: &mut Prober) -> usize {
        prober.sentinel::<usize>()
    }
    fn into_value(self) -> Value {
        Value::BigUnsigned(Some(self as u64))
    }
}

impl Derivable for isize {
    fn probe(prober: &mut Prober) -> isize {
        prober.sentinel::<isize>()
    }
    fn into_value(self) -> Value {
        Value::BigInt(Some(self as i64))
    }
}

derivable!(
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    char,
    String,
    Vec<u8>,
    Value
);

/// Text borrowed from an argument (`s.trim()`): the probe's sentinel text is interned.
impl<'s> Derivable for &'s str {
    fn probe(prober: &mut Prober) -> &'s str {
        crate::class::intern::text(prober.sentinel::<&str>())
    }
    fn into_value(self) -> Value {
        self.into()
    }
}

/// What a probed body's derived expressions yield: one value per expression, made from the
/// probe round's prober, and the same value each time an expression is evaluated again.
struct Probing {
    prober: Prober,
    /// The decisions' outcomes of the probed shape (the key bits above the arguments').
    outcomes: u64,
    /// Per derived value: the prober as it was when the value was made (to make it again),
    /// and the value.
    made: Vec<Option<(Prober, Value)>>,
    /// Where each helper call's derived values and decision bits start ([`in_part`]).
    bases: Vec<u16>,
    decision_bases: Vec<u32>,
    /// While a helper runs: where its derived values and decision bits start, if the lift
    /// can recompute them.
    base: Option<(u16, u32)>,
}

thread_local! {
    /// The probe whose body is running on this thread, if any. A body that runs for real
    /// sets `None` for its duration, so that a cached function called inside a probed body
    /// evaluates its own expressions.
    static PROBING: RefCell<Option<Probing>> = const { RefCell::new(None) };
}

/// Derived value `index` in a body: `compute()` when the body runs for real, a sentinel of
/// its type while the cache probes it. The macro writes every lifted expression as one.
#[inline]
pub fn derived<T: Derivable>(index: u16, compute: impl FnOnce() -> T) -> T {
    match probed(Some(index)) {
        Some(value) => value,
        None => compute(),
    }
}

/// Derived value `index` of a helper marked `#[cached_query::part]`: as [`derived`], at the
/// place the call of the helper ([`in_part`]) has among the caller's derived values. Where
/// the caller's lift cannot recompute it, the probe yields a value of no source, which
/// leaves the shape uncached.
#[inline]
pub fn derived_part<T: Derivable>(index: u16, compute: impl FnOnce() -> T) -> T {
    let at = PROBING.with(|probing| {
        let probing = probing.borrow();
        let probing = probing.as_ref()?;
        Some(probing.base.and_then(|(base, _)| base.checked_add(index)))
    });
    match at {
        Some(at) => probed(at).unwrap_or_else(compute),
        None => compute(),
    }
}

/// Runs the call of a helper marked `#[cached_query::part]` that is part call `k` of the
/// body (its derived values at the `k`th block of the lift's), or, for `k` `None`, one whose
/// values the lift cannot recompute.
#[inline]
pub fn in_part<R>(k: Option<u16>, call: impl FnOnce() -> R) -> R {
    let outer = PROBING.with(|probing| {
        let mut probing = probing.borrow_mut();
        let probing = probing.as_mut()?;
        let base = k.and_then(|k| {
            let k = usize::from(k);
            Some((*probing.bases.get(k)?, *probing.decision_bases.get(k)?))
        });
        Some(std::mem::replace(&mut probing.base, base))
    });
    let Some(outer) = outer else {
        return call();
    };
    /// Puts back the caller's place however the helper ends.
    struct Back(Option<(u16, u32)>);
    impl Drop for Back {
        fn drop(&mut self) {
            let outer = self.0;
            PROBING.with(|probing| {
                if let Some(probing) = probing.borrow_mut().as_mut() {
                    probing.base = outer;
                }
            });
        }
    }
    let _back = Back(outer);
    call()
}

/// While a body is probed: the value of derived value `index` (made once per probe call),
/// or for `None` a value of no source; `None` when no body is probed.
fn probed<T: Derivable>(index: Option<u16>) -> Option<T> {
    PROBING.with(|probing| {
        let mut probing = probing.borrow_mut();
        let probing = probing.as_mut()?;
        let Some(index) = index else {
            return Some(T::probe(&mut probing.prober));
        };
        let at = usize::from(index);
        if probing.made.len() <= at {
            probing.made.resize_with(at + 1, || None);
        }
        Some(match &probing.made[at] {
            Some((prober, _)) => T::probe(&mut prober.clone()),
            None => {
                let before = probing.prober.clone();
                let value = T::probe(&mut probing.prober);
                let bound: Value = T::probe(&mut before.clone()).into_value();
                probing.made[at] = Some((before, bound));
                value
            }
        })
    })
}

/// A lifted decision in a body: `decide()` when the body runs for real; while the cache
/// probes it, the outcome the probed shape's key holds (bits `offset..offset + width`), so
/// the probe takes the real call's branch whatever its sentinels are.
#[inline]
pub fn decided(offset: u32, width: u32, decide: impl FnOnce() -> u64) -> u64 {
    let probed = PROBING.with(|probing| {
        let probing = probing.borrow();
        let outcomes = probing.as_ref()?.outcomes;
        let mask = 1u64.checked_shl(width).map_or(u64::MAX, |bit| bit - 1);
        Some(outcomes.checked_shr(offset).unwrap_or(0) & mask)
    });
    match probed {
        Some(outcome) => outcome,
        None => decide(),
    }
}

/// [`decided`] for a condition: one key bit.
#[inline]
pub fn decided_if(offset: u32, condition: impl FnOnce() -> bool) -> bool {
    decided(offset, 1, || u64::from(condition())) == 1
}

/// A lifted decision in the body of a helper marked `#[cached_query::part]`: as
/// [`decided`], at the bits the call of the helper ([`in_part`]) has among the caller's.
/// Where the helper's call has no place (its arguments are constants and key values, or it
/// is called by another helper), the decision is evaluated as written.
#[inline]
pub fn decided_part(offset: u32, width: u32, decide: impl FnOnce() -> u64) -> u64 {
    let probed = PROBING.with(|probing| {
        let probing = probing.borrow();
        let probing = probing.as_ref()?;
        let (_, base) = probing.base?;
        let mask = 1u64.checked_shl(width).map_or(u64::MAX, |bit| bit - 1);
        Some(
            probing
                .outcomes
                .checked_shr(base.checked_add(offset)?)
                .unwrap_or(0)
                & mask,
        )
    });
    match probed {
        Some(outcome) => outcome,
        None => decide(),
    }
}

/// [`decided_part`] for a condition: one key bit.
#[inline]
pub fn decided_part_if(offset: u32, condition: impl FnOnce() -> bool) -> bool {
    decided_part(offset, 1, || u64::from(condition())) == 1
}

/// What a lifted expression evaluates to, as the template binds it.
#[inline]
pub fn derived_value<T: Derivable>(value: T) -> Value {
    value.into_value()
}

/// The derived values of one call: one null pointer for a function that derives nothing
/// and decides nothing, so that its hit carries and drops no more than before.
pub(crate) struct Derived<C: Class>(Option<Box<Lifted<C>>>);

/// The derived values and decisions of one call of a function that has a lift.
struct Lifted<C: Class> {
    lift: &'static Lift<C>,
    /// In a probe call, the prober the derived expressions take their values from (it
    /// continues the one that made the call's arguments) and the decisions' outcomes of the
    /// probed shape; in a real call, `None`: values are computed by the lift when first
    /// read, outcomes from the arguments.
    probe: Option<(Prober, u64)>,
    /// Per derived value, once read or made.
    cells: Box<[OnceLock<Option<Value>>]>,
}

impl<C: Class> Lifted<C> {
    fn new(lift: &'static Lift<C>, probe: Option<(Prober, u64)>) -> Box<Self> {
        Box::new(Lifted {
            lift,
            probe,
            cells: (0..lift.count()).map(|_| OnceLock::new()).collect(),
        })
    }
}

impl<C: Class> Derived<C> {
    /// The derived values of a real call of a function with `lift` (if any).
    #[inline(always)]
    pub(crate) fn real(lift: Option<&'static Lift<C>>) -> Self {
        Derived(
            lift.filter(|lift| !lift.is_empty())
                .map(|lift| Lifted::new(lift, None)),
        )
    }

    /// The derived values of a probe call of a function with `lift`: sentinels from
    /// `prober`, and `outcomes` for its decisions (the probed key's bits above the
    /// arguments').
    pub(crate) fn probe(lift: Option<&'static Lift<C>>, prober: &Prober, outcomes: u64) -> Self {
        Derived(
            lift.filter(|lift| !lift.is_empty())
                .map(|lift| Lifted::new(lift, Some((prober.clone(), outcomes)))),
        )
    }

    /// The decisions' outcomes for `args`, as key bits from bit 0.
    #[inline(always)]
    pub(crate) fn outcomes(&self, args: &C::At<'_>) -> u64 {
        match &self.0 {
            None => 0,
            Some(lifted) => match &lifted.probe {
                Some((_, outcomes)) => *outcomes,
                None => lifted.lift.outcomes(args),
            },
        }
    }

    /// Whether the function has no lift (derives nothing, decides nothing lifted).
    #[inline(always)]
    #[cfg_attr(debug_assertions, allow(dead_code))]
    pub(crate) fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The function's lift, if it derives values.
    pub(crate) fn lift(&self) -> Option<&'static Lift<C>> {
        self.0.as_ref().map(|lifted| lifted.lift)
    }

    /// Derived value `index` of `args`, as a template reads it.
    #[cold]
    #[inline(never)]
    pub(crate) fn value<'r>(&'r self, args: &'r C::At<'_>, index: u16) -> Option<ValueRef<'r>> {
        let lifted = self.0.as_ref()?;
        let cell = lifted.cells.get(usize::from(index))?;
        let value = match lifted.probe {
            None => cell.get_or_init(|| lifted.lift.compute(args, index)),
            Some(_) => cell.get()?,
        };
        value.clone().map(ValueRef::from_value)
    }

    /// Runs `body`: in a probe, the derived expressions yield the probe's values, which
    /// the call then reads; otherwise they are evaluated as written.
    pub(crate) fn run<R>(&self, body: impl FnOnce() -> R) -> R {
        let Some(lifted) = &self.0 else {
            return body();
        };
        let probing = lifted.probe.as_ref().map(|(prober, outcomes)| Probing {
            prober: prober.clone(),
            outcomes: *outcomes,
            made: Vec::new(),
            bases: lifted.lift.part_bases(),
            decision_bases: lifted.lift.decision_bases(),
            base: None,
        });
        /// Puts back the outer state however the body ends (a probe catches panics).
        struct Restore(Option<Probing>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let outer = self.0.take();
                PROBING.with(|p| *p.borrow_mut() = outer);
            }
        }
        let restore = Restore(PROBING.with(|p| p.replace(probing)));
        let out = body();
        let mine = PROBING.with(|p| p.borrow_mut().take());
        drop(restore);
        if let (Some(_), Some(mine)) = (&lifted.probe, mine) {
            for (cell, made) in lifted.cells.iter().zip(mine.made) {
                if let Some((_, value)) = made {
                    // A body run twice on one probe call makes the same values again.
                    let _ = cell.set(Some(value));
                }
            }
        }
        out
    }
}
