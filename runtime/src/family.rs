//! The contract between generated code and the runtime: what `#[cached_query]` emits for one
//! function ([`Family`]), and one call of it ([`Call`]).
//!
//! A function is its argument tuple, the tuple's [class](crate::class), its statement type,
//! its names and options, its cache and its body; everything else is the runtime's. Only the
//! hit path is generic over the function: the miss, the probe, verification and warm-up
//! reach a call through [`DynCall`], a trait object, so that their code is compiled once.

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

/// One call's arguments together with the function body.
#[doc(hidden)]
pub struct Call<'a, F: Family> {
    pub(crate) args: Args<'a, F>,
    pub(crate) body: Body<F>,
}

impl<F: Family> std::fmt::Debug for Call<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("function", &F::META.name)
            .finish_non_exhaustive()
    }
}

impl<F: Family> Call<'_, F> {
    /// The call's shape key.
    #[inline(always)]
    pub(crate) fn key(&self) -> ShapeKey<F> {
        F::Class::key(&self.args)
    }

    /// Runs the original body.
    pub(crate) fn statement(&self) -> F::Statement {
        (self.body)(&self.args)
    }
}

/// The arguments read by index, as templates read them.
impl<F: Family> Source for Call<'_, F> {
    fn as_dyn(&self) -> &dyn Source {
        self
    }
    fn fast_values(&self, template: &crate::template::Template) -> Option<Vec<sea_query::Value>> {
        template.fast_values_of(self)
    }
    #[inline(always)]
    fn value_ref(&self, source: u16) -> Option<ValueRef<'_>> {
        F::Class::value(&self.args, source)
    }
    #[inline(always)]
    fn len(&self, list: u16) -> usize {
        F::Class::len(&self.args, list)
    }
    #[inline(always)]
    fn elem_ref(&self, list: u16, index: usize) -> Option<ValueRef<'_>> {
        F::Class::elem(&self.args, list, index)
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

impl<F: Family> DynCall for Call<'_, F> {
    fn meta(&self) -> &'static FnMeta {
        F::META
    }
    fn described(&self) -> &'static Described {
        F::cache().described()
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
        probe_with::<F>(bits, &shape, self.body, prober, f);
    }
    fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found> {
        Call::find(self, backend, flags)
    }
    fn with_slot(&self, f: &mut dyn FnMut(&dyn Slot)) {
        f(&Keyed {
            cache: F::cache(),
            key: self.key(),
        });
    }
}

impl<F: Family> Call<'_, F> {
    /// The template of a hit, or what the cache holds for this call's shape otherwise.
    #[inline(always)]
    pub(crate) fn find(&self, backend: BackendId, flags: Flags) -> Result<&'static Stored, Found> {
        if !flags.enabled() {
            return Err(Found::Uncached);
        }
        match F::cache().get(&(backend, self.key())) {
            Lookup::Ready(stored) => {
                let rate = flags.verify_rate(F::META.verify);
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

impl<K: std::hash::Hash + Eq + Send + Sync + 'static> FnCache<K> {
    /// An empty cache for function `F`.
    pub fn new<F: Family>() -> Self {
        let mut described = Described::default();
        <F::Class as Class>::describe(F::META.args, "", &mut described);
        Self::with(F::META, described)
    }
}

/// Makes the arguments of key `bits` and `shape` from `prober`'s sentinels and runs `f` on
/// the call.
fn probe_with<F: Family>(
    bits: u64,
    shape: &<F::Class as Class>::Shape,
    body: Body<F>,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall),
) {
    let store = F::Class::store(bits, shape, prober);
    f(&Call::<F> {
        args: F::Class::view(&store),
        body,
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
    each_variant::<F::Class>(
        F::cache(),
        &|index| F::shape_values(index),
        &mut |bits, shape, prober, f| probe_with::<F>(bits, shape, body, prober, f),
        prober,
        f,
    )
}

/// [`each_shape`] for a class `C`: shared by every function whose arguments have the same
/// classes; `probe` makes and runs a call of a shape.
#[allow(clippy::type_complexity)]
fn each_variant<C: Class>(
    cache: &'static FnCache<(u64, C::Shape)>,
    values: &dyn Fn(usize) -> Option<Box<dyn Any>>,
    probe: &mut dyn FnMut(u64, &C::Shape, &mut Prober, &mut dyn FnMut(&dyn DynCall)),
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
        probe(slot.key.0, &slot.key.1, prober, &mut |call| {
            f(call, &slot, label.take().unwrap_or_default());
        });
    }
    Ok(count)
}
