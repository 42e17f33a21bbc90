//! The contract between generated code and the runtime: what `#[cached_query]` emits for one
//! function (a static [`FnSpec`]), and one call of it ([`Call`]).
//!
//! A function is its argument tuple's [class](crate::class), its statement type, its names
//! and options, its cache and its body; everything else is the runtime's. Nothing is
//! generic over the function itself: a call ([`Call`]) and a function's spec are generic
//! over the arguments' class and the statement type only, so functions whose arguments have
//! the same classes share their code, and a function adds no trait impl of its own. Only
//! the hit path is compiled for each class: the miss, the probe, verification and warm-up
//! reach a call through [`DynCall`], a trait object, so that their code is compiled once.

use std::any::Any;
use std::sync::OnceLock;

use sea_query::Values;

use crate::backend::BackendId;
use crate::cache::{FnCache, FnMeta, Found, Keyed, Lookup, Slot, Stored};
use crate::class::{Class, Described, ShapeCursor};
use crate::derived::{Derived, Lift};
use crate::probe::Prober;
use crate::record::Recording;
use crate::settings::Flags;
use crate::shape_values::NotEnumerable;
use crate::statement::Statement;
use crate::template::Source;
use crate::value_ref::ValueRef;

/// One cached function, as `#[cached_query]` declares it: a static in the function, whose
/// arguments have class `C` and whose body returns `S`.
#[doc(hidden)]
pub struct FnSpec<C: Class, S> {
    meta: FnMeta,
    /// The body, when known before the first call; a body naming `Self` (a function in an
    /// `impl` block) is a closure, known from its first call on (`late_body`).
    body: Option<BodyOf<C, S>>,
    late_body: OnceLock<BodyOf<C, S>>,
    /// The values of `#[shape]` argument `index` (a `Vec<(T, String)>` of each value and its
    /// label), where its type implements [`ShapeValues`](crate::ShapeValues).
    shape_values: fn(usize) -> Option<Box<dyn Any>>,
    /// The values the body computes from the arguments, if any ([`crate::derived`]).
    lift: Option<Lift<C>>,
    cache: OnceLock<CacheOf<C>>,
}

impl<C: Class, S> std::fmt::Debug for FnSpec<C, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnSpec")
            .field("function", &self.meta.name)
            .finish_non_exhaustive()
    }
}

/// Without a `Statement` bound: a function whose return type is not a statement gets one
/// error for it (at `bind`), not one more here.
impl<C: Class, S> FnSpec<C, S> {
    /// The spec of a function: its names and options, its body, and its `#[shape]`
    /// arguments' values.
    pub const fn new(
        meta: FnMeta,
        body: BodyOf<C, S>,
        shape_values: fn(usize) -> Option<Box<dyn Any>>,
    ) -> Self {
        FnSpec {
            meta,
            body: Some(body),
            late_body: OnceLock::new(),
            shape_values,
            lift: None,
            cache: OnceLock::new(),
        }
    }

    /// The spec of a function whose body is a closure (it names `Self`): known from the
    /// first call on.
    pub const fn with_late_body(
        meta: FnMeta,
        shape_values: fn(usize) -> Option<Box<dyn Any>>,
    ) -> Self {
        FnSpec {
            meta,
            body: None,
            late_body: OnceLock::new(),
            shape_values,
            lift: None,
            cache: OnceLock::new(),
        }
    }

    /// The same spec, for a body that computes values from the arguments: `lift`
    /// computes them on a hit ([`crate::derived`]).
    pub const fn with_derived(mut self, lift: Lift<C>) -> Self {
        self.lift = Some(lift);
        self
    }

    /// The function's cache, made on first use.
    #[inline]
    pub(crate) fn cache(&'static self) -> &'static CacheOf<C> {
        self.cache
            .get_or_init(|| new_cache::<C>(&self.meta, self.lift.as_ref()))
    }

    /// The values the body computes from the arguments, if any.
    #[inline(always)]
    pub(crate) fn lift(&'static self) -> Option<&'static Lift<C>> {
        self.lift.as_ref()
    }

    /// The body, if known yet.
    fn body(&self) -> Option<BodyOf<C, S>> {
        self.body.or_else(|| self.late_body.get().copied())
    }

    /// Remembers a body that is a closure, for warm-up.
    #[inline]
    pub(crate) fn know_body(&self, body: BodyOf<C, S>) {
        if self.body.is_none() {
            let _ = self.late_body.set(body);
        }
    }
}

/// A function's spec as the code that is not generic over its class reaches it: warm-up and
/// the inventory, through its [`Registration`](crate::warm::Registration).
pub(crate) trait Registered: Sync {
    /// The function's names and options.
    fn meta(&'static self) -> &'static FnMeta;
    /// The names of the function's sources, lists and key bits.
    fn described(&'static self) -> &'static Described;
    /// Runs `f` on a call of every shape (bound values from `prober`, lists of two
    /// elements), with the call's cache under its shape key and its description; returns
    /// the number of shapes, or why they cannot be enumerated (then `f` never runs).
    fn each_shape(
        &'static self,
        prober: &mut Prober,
        f: &mut dyn FnMut(&dyn DynCall, &dyn Slot, String),
    ) -> Result<usize, NotEnumerable>;
}

impl<C: Class, S: Statement> Registered for FnSpec<C, S> {
    fn meta(&'static self) -> &'static FnMeta {
        &self.meta
    }
    fn described(&'static self) -> &'static Described {
        self.cache().described()
    }
    fn each_shape(
        &'static self,
        prober: &mut Prober,
        f: &mut dyn FnMut(&dyn DynCall, &dyn Slot, String),
    ) -> Result<usize, NotEnumerable> {
        let body = self.body().ok_or(NotEnumerable::BodyNotYetKnown)?;
        let fun = Fun {
            body,
            cache: self.cache(),
            lift: self.lift(),
        };
        each_variant::<C, S>(fun, &self.shape_values, prober, f)
    }
}

/// The body of a function whose arguments have class `C` and which returns `S`.
#[doc(hidden)]
pub type BodyOf<C, S> = for<'x, 'y> fn(&'y <C as Class>::At<'x>) -> S;

/// The arguments of a function whose arguments have class `C`, borrowing for `'a`.
#[doc(hidden)]
pub type ArgsOf<'a, C> = <C as Class>::At<'a>;

/// The cache of a function whose arguments have class `C`.
pub(crate) type CacheOf<C> = FnCache<(u64, <C as Class>::Shape)>;

/// One call: its arguments (of class `C`), the function's body (returning `S`) and its
/// cache. Generic over the class, not over the function, so that functions whose
/// arguments have the same classes share one copy of the hit path.
#[doc(hidden)]
pub struct Call<'a, C: Class, S> {
    pub(crate) args: C::At<'a>,
    pub(crate) body: BodyOf<C, S>,
    pub(crate) cache: &'static CacheOf<C>,
    /// The values the body computes from the arguments.
    pub(crate) derived: Derived<C>,
}

/// What a probe needs of a function besides a call's key: its body, cache and lift.
struct Fun<C: Class, S> {
    body: BodyOf<C, S>,
    cache: &'static CacheOf<C>,
    lift: Option<&'static Lift<C>>,
}

impl<C: Class, S> Clone for Fun<C, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C: Class, S> Copy for Fun<C, S> {}

impl<C: Class, S> std::fmt::Debug for Call<'_, C, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("function", &self.cache.meta().name)
            .finish_non_exhaustive()
    }
}

impl<C: Class, S: Statement> Call<'_, C, S> {
    /// The call's shape key.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn key(&self) -> (u64, C::Shape) {
        let (bits, shape) = C::key(&self.args);
        // The outcomes of the body's lifted decisions, above the arguments' own bits (a
        // function with decisions has at most 63 bits of its own; one with 64 has none).
        match self.derived.outcomes(&self.args) {
            0 => (bits, shape),
            outcomes => (bits | outcomes.checked_shl(C::BITS).unwrap_or(0), shape),
        }
    }

    /// Runs the original body.
    pub(crate) fn statement(&self) -> S {
        self.derived.run(|| (self.body)(&self.args))
    }
}

/// The arguments read by index, as templates read them.
impl<C: Class, S: Statement> Source for Call<'_, C, S> {
    fn as_dyn(&self) -> &dyn Source {
        self
    }
    fn fast_values(&self, template: &crate::template::Template) -> Option<Vec<sea_query::Value>> {
        // Optimised, the values are read by this class's own code, one virtual call a hit;
        // unoptimised (debug builds), through the shared code for `dyn Source`: a class
        // then compiles no hit loop of its own.
        #[cfg(debug_assertions)]
        return template.fast_values_of(self.as_dyn());
        // A function without derived values reads its arguments only: no branch for
        // derived sources in the hit's loop.
        #[cfg(not(debug_assertions))]
        match self.derived.is_none() {
            true => template.fast_values_of(&ArgsOnly(self)),
            false => template.fast_values_of(self),
        }
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        // The values the body derives from the arguments come after the arguments' own.
        if source < C::SOURCES {
            C::value(&self.args, source)
        } else {
            self.derived.value(&self.args, source - C::SOURCES)
        }
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(&self, list: u16) -> usize {
        C::len(&self.args, list)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        C::elem(&self.args, list, index)
    }
}

/// A call of a function without derived values, read by the hit's loop: its sources are
/// its arguments' only. (Debug builds read every call through `dyn Source`.)
#[cfg_attr(debug_assertions, allow(dead_code))]
struct ArgsOnly<'c, 'a, C: Class, S>(&'c Call<'a, C, S>);

impl<C: Class, S: Statement> Source for ArgsOnly<'_, '_, C, S> {
    fn as_dyn(&self) -> &dyn Source {
        self.0
    }
    fn fast_values(&self, template: &crate::template::Template) -> Option<Vec<sea_query::Value>> {
        template.fast_values_of(self)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        C::value(&self.0.args, source)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(&self, list: u16) -> usize {
        C::len(&self.0.args, list)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        C::elem(&self.0.args, list, index)
    }
}

/// One call, as the code that is not generic over the function reaches it.
pub(crate) trait DynCall: Source {
    /// The function's names and options.
    fn meta(&self) -> &'static FnMeta;
    /// The names of the function's sources, lists and key bits.
    fn described(&self) -> &'static Described;
    /// The call's key bits.
    fn key_bits(&self) -> u64;
    /// Runs the body and renders it for `backend`, recording where each value lands.
    fn record(&self, backend: BackendId) -> Recording;
    /// Runs the body and builds it for `backend` with sea-query: the uncached result.
    fn build(&self, backend: BackendId) -> (String, Values);
    /// Runs the body and renders it for `backend` with the values written in.
    fn inline(&self, backend: BackendId) -> String;
    /// Runs `f` on a call of the same shape whose bound values are fresh sentinels from
    /// `prober`.
    fn probe(&self, prober: &mut Prober, f: &mut dyn FnMut(&dyn DynCall));
    /// The template of a hit for `backend`, or what the cache holds for the call's shape.
    fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found>;
    /// Runs `f` on the function's cache under the call's shape key.
    fn with_slot(&self, f: &mut dyn FnMut(&dyn Slot));
}

impl<C: Class, S: Statement> DynCall for Call<'_, C, S> {
    fn meta(&self) -> &'static FnMeta {
        self.cache.meta()
    }
    fn described(&self) -> &'static Described {
        self.cache.described()
    }
    fn key_bits(&self) -> u64 {
        self.key().0
    }
    fn record(&self, backend: BackendId) -> Recording {
        crate::statement::Sealed::record(&self.statement(), backend)
    }
    fn build(&self, backend: BackendId) -> (String, Values) {
        crate::statement::Sealed::build_for(&self.statement(), backend)
    }
    fn inline(&self, backend: BackendId) -> String {
        crate::statement::Sealed::inline_for(&self.statement(), backend)
    }
    fn probe(&self, prober: &mut Prober, f: &mut dyn FnMut(&dyn DynCall)) {
        let (bits, shape) = self.key();
        let fun = Fun {
            body: self.body,
            cache: self.cache,
            lift: self.derived.lift(),
        };
        probe_with::<C, S>(bits, &shape, fun, prober, f);
    }
    fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found> {
        Call::find(self, backend, flags)
    }
    fn with_slot(&self, f: &mut dyn FnMut(&dyn Slot)) {
        f(&Keyed {
            cache: self.cache,
            key: self.key(),
        });
    }
}

impl<C: Class, S: Statement> Call<'_, C, S> {
    /// The template of a hit, or what the cache holds for this call's shape otherwise.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found> {
        if !flags.enabled() {
            return Err(Found::Uncached);
        }
        match self.cache.get(&(backend, self.key())) {
            Lookup::Ready(stored) => {
                let rate = flags.verify_rate(self.cache.meta().verify);
                if rate > 0.0 && crate::settings::sample(rate) {
                    Err(Found::Verify(stored))
                } else {
                    Ok(stored)
                }
            }
            Lookup::Uncacheable => Err(Found::Uncached),
            Lookup::Missing => Err(Found::Miss),
        }
    }
}

/// An empty cache for a function of `meta` whose arguments have class `C`.
#[inline(never)]
fn new_cache<C: Class>(meta: &'static FnMeta, lift: Option<&Lift<C>>) -> CacheOf<C> {
    // A function's key bits are a `u64`; a struct argument's fields count toward them.
    const {
        assert!(
            C::BITS <= 64,
            "a #[cached_query] function's arguments use more than 64 key bits (flags, options, lists, with the fields of struct arguments)"
        )
    };
    let mut described = Described::default();
    C::describe(meta.args, "", &mut described);
    if let Some(lift) = lift {
        described.sources.extend(lift.all_names());
        described.decided(lift.all_decisions());
    }
    FnCache::with(meta, described)
}

/// Makes the arguments of key `bits` and `shape` from `prober`'s sentinels and runs `f` on
/// the call.
fn probe_with<C: Class, S: Statement>(
    bits: u64,
    shape: &C::Shape,
    fun: Fun<C, S>,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall),
) {
    let store = C::store(bits, shape, prober);
    f(&Call::<C, S> {
        args: C::view(&store),
        body: fun.body,
        cache: fun.cache,
        derived: Derived::probe(fun.lift, prober, bits.checked_shr(C::BITS).unwrap_or(0)),
    });
}

/// [`Registered::each_shape`] for a class `C` and statement `S`: shared by every function
/// whose arguments have the same classes.
fn each_variant<C: Class, S: Statement>(
    fun: Fun<C, S>,
    values: &dyn Fn(usize) -> Option<Box<dyn Any>>,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall, &dyn crate::cache::Slot, String),
) -> Result<usize, NotEnumerable> {
    let cache = fun.cache;
    let described = cache.described();
    let variants = C::variants(&mut ShapeCursor::new(values, &described.shapes))?;
    let count = variants.len();
    for variant in variants {
        let label = described.label(variant.bits, &variant.labels);
        let slot = crate::cache::Keyed {
            cache,
            key: (variant.bits, variant.shape),
        };
        let mut label = Some(label);
        probe_with::<C, S>(slot.key.0, &slot.key.1, fun, prober, &mut |call| {
            f(call, &slot, label.take().unwrap_or_default());
        });
    }
    Ok(count)
}
