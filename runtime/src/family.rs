//! The contract between generated code and the runtime: what `#[cached_query]` emits for one
//! function ([`Family`]), and one call of it ([`Call`]).
//!
//! A function is its argument tuple, the tuple's [class](crate::class), its statement type,
//! its names and options, its cache and its body; everything else is the runtime's. A call
//! ([`Call`]) is generic over the arguments' class and the statement type only, not over
//! the function: functions whose arguments have the same classes share its code. Only the
//! hit path is compiled for each class: the miss, the probe, verification and warm-up reach
//! a call through [`DynCall`], a trait object, so that their code is compiled once.

use std::any::Any;

use sea_query::Values;

use crate::backend::BackendId;
use crate::cache::{FnCache, FnMeta, Found, Keyed, Lookup, Slot, Stored};
use crate::class::{Class, Described, ShapeCursor};
use crate::probe::Prober;
use crate::record::Recording;
use crate::settings::Flags;
use crate::shape_values::NotEnumerable;
use crate::statement::Statement;
use crate::template::Source;
use crate::value_ref::ValueRef;

/// What `#[cached_query]` generates for one function. Implemented by generated code only.
#[doc(hidden)]
pub trait Family: Sized + 'static {
    /// The arguments' classes, as a tuple: the arguments are a `Class::At<'a>`.
    type Class: Class;
    /// The statement the body returns.
    type Statement: Statement;

    /// Names and options.
    const META: &'static FnMeta;

    /// The function's cache.
    fn cache() -> &'static FnCache<ShapeKey<Self>>;

    /// The body, if known before the first call (a body naming `Self` is not).
    fn body() -> Option<Body<Self>>;

    /// The values of `#[shape]` argument `index` (a `Vec<(T, String)>` of each value and its
    /// label), where its type implements [`ShapeValues`](crate::ShapeValues).
    fn shape_values(index: usize) -> Option<Box<dyn Any>> {
        let _ = index;
        None
    }
}

/// The shape part of a function's cache key: key bits and `#[shape]` values.
#[doc(hidden)]
pub type ShapeKey<F> = (u64, <<F as Family>::Class as Class>::Shape);

/// The body of a cached function, taking its arguments by reference.
#[doc(hidden)]
pub type Body<F> = for<'x, 'y> fn(&'y Args<'x, F>) -> <F as Family>::Statement;

/// The arguments of a cached function, borrowing for `'a`.
#[doc(hidden)]
pub type Args<'a, F> = <<F as Family>::Class as Class>::At<'a>;

/// The body of a function whose arguments have class `C` and which returns `S`.
pub(crate) type BodyOf<C, S> = for<'x, 'y> fn(&'y <C as Class>::At<'x>) -> S;

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
}

impl<C: Class, S> std::fmt::Debug for Call<'_, C, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("function", &self.cache.meta().name)
            .finish_non_exhaustive()
    }
}

impl<C: Class, S: Statement> Call<'_, C, S> {
    /// The call's shape key.
    #[inline(always)]
    pub(crate) fn key(&self) -> (u64, C::Shape) {
        C::key(&self.args)
    }

    /// Runs the original body.
    pub(crate) fn statement(&self) -> S {
        (self.body)(&self.args)
    }
}

/// The arguments read by index, as templates read them.
impl<C: Class, S: Statement> Source for Call<'_, C, S> {
    fn as_dyn(&self) -> &dyn Source {
        self
    }
    fn fast_values(&self, template: &crate::template::Template) -> Option<Vec<sea_query::Value>> {
        template.fast_values_of(self)
    }
    #[inline(always)]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        C::value(&self.args, source)
    }
    #[inline(always)]
    fn len(&self, list: u16) -> usize {
        C::len(&self.args, list)
    }
    #[inline(always)]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        C::elem(&self.args, list, index)
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
        probe_with::<C, S>(bits, &shape, self.body, self.cache, prober, f);
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
    #[inline(always)]
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

impl<S: std::hash::Hash + Eq + Send + Sync + 'static> FnCache<(u64, S)> {
    /// An empty cache for function `F`.
    pub fn new<F: Family>() -> Self
    where
        F::Class: Class<Shape = S>,
    {
        Self::of_class::<F::Class>(F::META)
    }

    /// An empty cache for a function of `meta` whose arguments have class `C`.
    #[inline(never)]
    fn of_class<C: Class<Shape = S>>(meta: &'static FnMeta) -> Self {
        let mut described = Described::default();
        C::describe(meta.args, "", &mut described);
        FnCache::with(meta, described)
    }
}

/// Makes the arguments of key `bits` and `shape` from `prober`'s sentinels and runs `f` on
/// the call.
fn probe_with<C: Class, S: Statement>(
    bits: u64,
    shape: &C::Shape,
    body: BodyOf<C, S>,
    cache: &'static CacheOf<C>,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall),
) {
    let store = C::store(bits, shape, prober);
    f(&Call::<C, S> {
        args: C::view(&store),
        body,
        cache,
    });
}

/// Runs `f` on a call of every shape of `F` (bound values from `prober`, lists of two
/// elements), with the call's cache under its shape key and its description; returns the
/// number of shapes, or why they cannot be enumerated (then `f` never runs).
pub(crate) fn each_shape<F: Family>(
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall, &dyn crate::cache::Slot, String),
) -> Result<usize, NotEnumerable> {
    let body = F::body().ok_or(NotEnumerable::BodyNotYetKnown)?;
    each_variant::<F::Class, F::Statement>(F::cache(), &F::shape_values, body, prober, f)
}

/// [`each_shape`] for a class `C` and statement `S`: shared by every function whose
/// arguments have the same classes.
fn each_variant<C: Class, S: Statement>(
    cache: &'static CacheOf<C>,
    values: &dyn Fn(usize) -> Option<Box<dyn Any>>,
    body: BodyOf<C, S>,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall, &dyn crate::cache::Slot, String),
) -> Result<usize, NotEnumerable> {
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
        probe_with::<C, S>(slot.key.0, &slot.key.1, body, cache, prober, &mut |call| {
            f(call, &slot, label.take().unwrap_or_default());
        });
    }
    Ok(count)
}
