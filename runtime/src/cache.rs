//! The per-function cache: a concurrent map from (backend, shape key) to a template, its
//! counters, and the global registry that [`stats`](crate::stats) reads.

use std::hash::Hash;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, Once};

use dashmap::DashMap;
use dashmap::mapref::entry::Entry as MapEntry;

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
}

/// A stored shape: a template, or the reason it cannot have one.
#[derive(Debug, Clone)]
pub(crate) enum Entry {
    Ready(Arc<Template>),
    Uncacheable(Arc<Uncacheable>),
}

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    uncached_calls: AtomicU64,
    uncacheable_keys: AtomicU64,
    rejected: AtomicU64,
    bytes: AtomicUsize,
}

/// The cache of one `#[cached_query]` function.
#[doc(hidden)]
pub struct FnCache<K> {
    meta: &'static FnMeta,
    map: DashMap<(BackendId, K), Entry>,
    counters: Counters,
    registered: Once,
}

impl<K: Hash + Eq> std::fmt::Debug for FnCache<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnCache")
            .field("function", &self.meta.name)
            .field("entries", &self.map.len())
            .finish_non_exhaustive()
    }
}

/// The registry of caches that have stored something, for [`stats`](crate::stats).
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
            map: DashMap::new(),
            counters: Counters::default(),
            registered: Once::new(),
        }
    }

    /// The stored entry for `key`, cloned out so no shard lock is held afterwards.
    #[inline]
    pub(crate) fn get(&self, key: &(BackendId, K)) -> Option<Entry> {
        self.map.get(key).map(|entry| entry.value().clone())
    }

    #[inline]
    pub(crate) fn count_hit(&self) {
        self.counters.hits.fetch_add(1, Relaxed);
    }

    #[inline]
    pub(crate) fn count_uncached(&'static self) {
        self.counters.uncached_calls.fetch_add(1, Relaxed);
        self.register();
    }

    pub(crate) fn count_miss(&'static self) {
        self.counters.misses.fetch_add(1, Relaxed);
        self.register();
    }

    /// Makes this cache visible to [`stats`](crate::stats) once it has been used.
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
        if self.map.len() >= self.meta.capacity {
            self.counters.rejected.fetch_add(1, Relaxed);
            return false;
        }
        match self.map.entry(key) {
            MapEntry::Occupied(_) => false,
            MapEntry::Vacant(slot) => {
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
                slot.insert(entry);
                true
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
            hits: self.counters.hits.load(Relaxed),
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
            .iter()
            .filter_map(|entry| match entry.value() {
                Entry::Uncacheable(reason) => Some(UncacheableShape {
                    name: self.meta.name,
                    module: self.meta.module,
                    backend: entry.key().0,
                    reason: Uncacheable::clone(reason),
                }),
                Entry::Ready(_) => None,
            })
            .collect()
    }
}
