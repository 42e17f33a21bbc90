//! The per-function cache: a concurrent map from (backend, shape key) to a template, its
//! counters, and the global registry that [`stats`](crate::stats()) reads.
//!
//! A hit reads the map without a lock ([`map`]) and counts itself without a locked
//! instruction ([`counter`]). As a sharded `RwLock` and an atomic add, those two cost about
//! a sixth of a hit on one thread, and on several threads both bounced a cache line between
//! the cores on every call.

mod counter;
mod map;

use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Once, OnceLock};

pub(crate) use counter::HitCounter;
use map::{AppendMap, Inserted};

use crate::backend::BackendId;
use crate::budget::{budget_reached, bytes_held, reserve};
use crate::class::Described;
use crate::error::Uncacheable;
use crate::stats::{FunctionStats, Report, UncacheableShape};
use crate::template::Template;

/// The default number of shapes kept per function.
pub const DEFAULT_CAPACITY: usize = 1024;

/// What the macro knows about a cached function.
#[doc(hidden)]
#[derive(Debug)]
pub struct FnMeta {
    /// The function's name.
    pub name: &'static str,
    /// `module_path!()` where the function is defined.
    pub module: &'static str,
    /// The arguments' names, in order.
    pub args: &'static [&'static str],
    /// Shapes kept at most.
    pub capacity: usize,
    /// `pad_in = true`: pad `IN` lists to the next power of two.
    pub pad_in: bool,
    /// `verify = rate`: the fraction of hits also built uncached and compared (`None`: the
    /// global rate applies).
    pub verify: Option<f64>,
    /// `inline_limit = true`: constant `LIMIT`/`OFFSET` values are written into the text.
    pub inline_limit: bool,
}

/// A stored template, and the verdict of sampled verification once a hit disagreed with the
/// uncached build (from then on the shape is served uncached).
#[derive(Debug)]
pub(crate) struct Stored {
    pub(crate) template: Template,
    pub(crate) failed: OnceLock<Uncacheable>,
}

/// A stored shape: a template, or the reason it cannot have one. Stored entries are never
/// removed (a full cache stops inserting), so a hit borrows the template for `'static`.
///
/// `Ready` is the entry a hit reads, in place: boxing it (what the size lint asks) would add
/// an indirection to every hit to save bytes on the rare uncacheable shape.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Entry {
    Ready(Stored),
    Uncacheable(Uncacheable),
}

impl Entry {
    pub(crate) fn ready(template: Template) -> Entry {
        Entry::Ready(Stored {
            template,
            failed: OnceLock::new(),
        })
    }

    /// The bytes this entry counts against the budget.
    fn bytes(&self) -> usize {
        match self {
            Entry::Ready(stored) => stored.template.heap_bytes(),
            Entry::Uncacheable(_) => 0,
        }
    }
}

/// What the cache holds for a call's shape, when the call is not served by the hit path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Found {
    /// A template the hit path did not serve from (a statement cache's call whose lists
    /// do not pack into an id).
    Hit(&'static Stored),
    /// A template, and the call is sampled for verification.
    Verify(&'static Stored),
    /// Nothing yet: the first call of the shape.
    Miss,
    /// The call is served uncached: caching off, an uncacheable shape, a failed fill.
    Uncached,
}

/// What a lookup found.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lookup {
    Ready(&'static Stored),
    Uncacheable,
    Missing,
}

/// The hasher of every cache map: foldhash, seeded per process. Keys are small (a backend,
/// a `u64` of shape bits and the `#[shape]` values), so SipHash would cost about as much as
/// the rest of a hit.
type KeyHasher = foldhash::fast::RandomState;

#[derive(Debug, Default)]
struct Counters {
    hits: HitCounter,
    misses: AtomicU64,
    uncached_calls: AtomicU64,
    uncacheable_keys: AtomicU64,
    rejected: AtomicU64,
    verified: AtomicU64,
    verify_failures: AtomicU64,
    bytes: AtomicUsize,
    /// Whether "capacity reached" has been logged.
    warned_full: AtomicBool,
}

/// The cache of one `#[cached_query]` function.
#[doc(hidden)]
pub struct FnCache<K: 'static> {
    meta: &'static FnMeta,
    described: Described,
    map: AppendMap<(BackendId, K), Entry, KeyHasher>,
    counters: Counters,
    registered: Once,
}

impl<K> std::fmt::Debug for FnCache<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnCache")
            .field("function", &self.meta.name)
            .field("entries", &self.map.len())
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Send + Sync + 'static> FnCache<K> {
    /// An empty cache for the function `meta` and `described` say.
    pub(crate) fn with(meta: &'static FnMeta, described: Described) -> Self {
        FnCache {
            meta,
            described,
            map: AppendMap::with_hasher(KeyHasher::default()),
            counters: Counters::default(),
            registered: Once::new(),
        }
    }

    /// The function's names and options.
    #[inline(always)]
    pub(crate) fn meta(&self) -> &'static FnMeta {
        self.meta
    }

    /// The names of the function's sources, lists and key bits.
    pub(crate) fn described(&self) -> &Described {
        &self.described
    }

    /// What is stored for `key`. Takes no lock.
    #[inline]
    pub(crate) fn get(&self, key: &(BackendId, K)) -> Lookup {
        match self.map.get(key) {
            Some(Entry::Ready(stored)) if stored.failed.get().is_none() => Lookup::Ready(stored),
            Some(_) => Lookup::Uncacheable,
            None => Lookup::Missing,
        }
    }

    #[inline]
    pub(crate) fn count_hit(&self) {
        self.counters.hits.add_one();
    }

    #[inline]
    pub(crate) fn count_uncached(&'static self) {
        self.counters.uncached_calls.fetch_add(1, Relaxed);
        self.register();
    }

    /// Whether the cache holds as many shapes as it may, or the global byte budget has
    /// turned a template away.
    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.map.len() >= self.meta.capacity || budget_reached()
    }

    /// Counts a call of a new shape that is not stored, and says so once per function.
    pub(crate) fn count_rejected(&'static self) {
        self.counters.rejected.fetch_add(1, Relaxed);
        self.register();
        if !self.counters.warned_full.swap(true, Relaxed) {
            let budget = budget_reached();
            tracing::warn!(
                function = self.meta.name,
                module = self.meta.module,
                capacity = self.meta.capacity,
                entries = self.map.len(),
                bytes_held = bytes_held(),
                byte_budget = crate::budget::byte_budget(),
                "cached_query: {}; new shapes of this function are served uncached (logged once)",
                if budget {
                    "the global byte budget is reached"
                } else {
                    "the cache is full (its capacity)"
                }
            );
        }
    }

    /// Counts a sampled verification, and whether it found a mismatch.
    pub(crate) fn count_verified(&self, mismatch: bool) {
        self.counters.verified.fetch_add(1, Relaxed);
        if mismatch {
            self.counters.verify_failures.fetch_add(1, Relaxed);
            self.counters.uncacheable_keys.fetch_add(1, Relaxed);
        }
    }

    pub(crate) fn count_miss(&'static self) {
        self.counters.misses.fetch_add(1, Relaxed);
        self.register();
    }

    /// Makes this cache visible to [`stats`](crate::stats()) without counting a call.
    pub(crate) fn note_used(&'static self) {
        self.register();
    }

    /// Makes this cache visible to [`stats`](crate::stats()) once it has been used.
    fn register(&'static self) {
        self.registered.call_once(|| crate::stats::register(self));
    }

    /// Stores what a miss learned, unless the cache is full or the template does not fit
    /// the global byte budget. Returns what is stored for the key afterwards.
    pub(crate) fn store(
        &'static self,
        key: (BackendId, K),
        entry: Entry,
    ) -> Option<&'static Entry> {
        let bytes = entry.bytes();
        if !reserve(bytes) {
            self.count_rejected();
            return None;
        }
        let mut stored = false;
        let inserted = self.map.insert(key, self.meta.capacity, || {
            stored = true;
            match &entry {
                Entry::Ready(_) => {
                    self.counters.bytes.fetch_add(bytes, Relaxed);
                }
                Entry::Uncacheable(_) => {
                    self.counters.uncacheable_keys.fetch_add(1, Relaxed);
                }
            }
            entry
        });
        if !stored {
            crate::budget::release(bytes);
        }
        match inserted {
            Inserted::Stored(entry) | Inserted::Occupied(entry) => Some(entry),
            Inserted::Full => {
                self.count_rejected();
                None
            }
        }
    }
}

impl<K: Hash + Eq + Send + Sync + 'static> Report for FnCache<K> {
    fn report(&self) -> FunctionStats {
        let entries = self.map.len();
        FunctionStats {
            name: self.meta.name,
            module: self.meta.module,
            hits: self.counters.hits.sum(),
            misses: self.counters.misses.load(Relaxed),
            uncached_calls: self.counters.uncached_calls.load(Relaxed),
            uncacheable_keys: self.counters.uncacheable_keys.load(Relaxed),
            rejected: self.counters.rejected.load(Relaxed),
            verified: self.counters.verified.load(Relaxed),
            verify_failures: self.counters.verify_failures.load(Relaxed),
            entries,
            bytes: self.counters.bytes.load(Relaxed),
        }
    }

    fn uncacheable(&self) -> Vec<UncacheableShape> {
        self.map
            .items()
            .filter_map(|item| {
                let reason = match &item.value {
                    Entry::Uncacheable(reason) => reason,
                    Entry::Ready(stored) => stored.failed.get()?,
                };
                Some(UncacheableShape {
                    name: self.meta.name,
                    module: self.meta.module,
                    backend: item.key.0,
                    reason: Uncacheable::clone(reason),
                })
            })
            .collect()
    }
}

/// A function's cache under one call's shape key, as code that is not generic over the
/// function or its key uses it (the miss, verification, warm-up).
pub(crate) trait Slot {
    /// What is stored for the key and `backend`.
    fn get(&self, backend: BackendId) -> Lookup;
    /// Stores `entry` for the key and `backend` (see [`FnCache::store`]).
    fn store(&self, backend: BackendId, entry: Entry) -> Option<&'static Entry>;
    /// Whether the cache takes no more shapes.
    fn is_full(&self) -> bool;
    fn count_hit(&self);
    fn count_miss(&self);
    fn count_uncached(&self);
    fn count_rejected(&self);
    fn count_verified(&self, mismatch: bool);
    /// Makes the cache visible to [`stats`](crate::stats()) without counting a call.
    fn note_used(&self);
}

/// A function's cache and a shape key.
pub(crate) struct Keyed<K: 'static> {
    pub(crate) cache: &'static FnCache<K>,
    pub(crate) key: K,
}

impl<K: Hash + Eq + Clone + Send + Sync + 'static> Slot for Keyed<K> {
    fn get(&self, backend: BackendId) -> Lookup {
        // The key is cloned to look it up with the backend: off the hit path.
        self.cache.get(&(backend, self.key.clone()))
    }
    fn store(&self, backend: BackendId, entry: Entry) -> Option<&'static Entry> {
        self.cache.store((backend, self.key.clone()), entry)
    }
    fn is_full(&self) -> bool {
        self.cache.is_full()
    }
    fn count_hit(&self) {
        self.cache.count_hit();
    }
    fn count_miss(&self) {
        self.cache.count_miss();
    }
    fn count_uncached(&self) {
        self.cache.count_uncached();
    }
    fn count_rejected(&self) {
        self.cache.count_rejected();
    }
    fn count_verified(&self, mismatch: bool) {
        self.cache.count_verified(mismatch);
    }
    fn note_used(&self) {
        self.cache.note_used();
    }
}
