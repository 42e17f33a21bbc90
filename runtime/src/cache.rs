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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, Once};

use counter::HitCounter;
use map::{AppendMap, Inserted};

use crate::backend::BackendId;
use crate::error::Uncacheable;
use crate::stats::{FunctionStats, UncacheableShape};
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
    /// Bound scalar sources, in the order of `Family::value`.
    pub sources: &'static [&'static str],
    /// List arguments, in the order of `Family::len`/`elem`.
    pub lists: &'static [&'static str],
    /// Shapes kept at most.
    pub capacity: usize,
    /// `inline_limit = true`: constant `LIMIT`/`OFFSET` values are written into the text.
    pub inline_limit: bool,
}

/// A stored shape: a template, or the reason it cannot have one. Stored entries are never
/// removed (a full cache stops inserting), so a hit borrows the template for `'static`.
#[derive(Debug)]
pub(crate) enum Entry {
    Ready(Template),
    Uncacheable(Uncacheable),
}

/// What a lookup found.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lookup {
    Ready(&'static Template),
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
    bytes: AtomicUsize,
}

/// The cache of one `#[cached_query]` function.
#[doc(hidden)]
pub struct FnCache<K: 'static> {
    meta: &'static FnMeta,
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

/// The registry of caches that have stored something, for [`stats`](crate::stats()).
static REGISTRY: Mutex<Vec<&'static (dyn Report + Sync)>> = Mutex::new(Vec::new());

pub(crate) trait Report {
    fn report(&self) -> FunctionStats;
    fn uncacheable(&self) -> Vec<UncacheableShape>;
}

pub(crate) fn registered() -> Vec<&'static (dyn Report + Sync)> {
    match REGISTRY.lock() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

impl<K: Hash + Eq + Send + Sync + 'static> FnCache<K> {
    /// An empty cache for the function described by `meta`.
    pub fn new(meta: &'static FnMeta) -> Self {
        FnCache {
            meta,
            map: AppendMap::with_hasher(KeyHasher::default()),
            counters: Counters::default(),
            registered: Once::new(),
        }
    }

    /// What is stored for `key`. Takes no lock.
    #[inline]
    pub(crate) fn get(&self, key: &(BackendId, K)) -> Lookup {
        match self.map.get(key) {
            Some(Entry::Ready(template)) => Lookup::Ready(template),
            Some(Entry::Uncacheable(_)) => Lookup::Uncacheable,
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

    /// Whether the cache holds as many shapes as it may.
    #[inline]
    pub(crate) fn is_full(&self) -> bool {
        self.map.len() >= self.meta.capacity
    }

    pub(crate) fn count_rejected(&self) {
        self.counters.rejected.fetch_add(1, Relaxed);
    }

    pub(crate) fn count_miss(&'static self) {
        self.counters.misses.fetch_add(1, Relaxed);
        self.register();
    }

    /// Makes this cache visible to [`stats`](crate::stats()) once it has been used.
    fn register(&'static self) {
        self.registered.call_once(|| {
            let mut registry = match REGISTRY.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            registry.push(self);
        });
    }

    /// Stores what a miss learned, unless the cache is full. Returns whether it was stored.
    pub(crate) fn store(&self, key: (BackendId, K), entry: Entry) -> bool {
        let inserted = self.map.insert(key, self.meta.capacity, || {
            match &entry {
                Entry::Ready(template) => {
                    self.counters
                        .bytes
                        .fetch_add(template.heap_bytes(), Relaxed);
                }
                Entry::Uncacheable(_) => {
                    self.counters.uncacheable_keys.fetch_add(1, Relaxed);
                }
            }
            entry
        });
        match inserted {
            Inserted::Stored => true,
            Inserted::Occupied => false,
            Inserted::Full => {
                self.count_rejected();
                false
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
            entries,
            bytes: self.counters.bytes.load(Relaxed),
        }
    }

    fn uncacheable(&self) -> Vec<UncacheableShape> {
        self.map
            .items()
            .filter_map(|item| match &item.value {
                Entry::Uncacheable(reason) => Some(UncacheableShape {
                    name: self.meta.name,
                    module: self.meta.module,
                    backend: item.key.0,
                    reason: Uncacheable::clone(reason),
                }),
                Entry::Ready(_) => None,
            })
            .collect()
    }
}
