//! The map behind every cache: append-only, with lock-free reads.
//!
//! A hit must not write to memory that other threads share, or two threads hitting the same
//! function slow each other down: a reader takes no lock and touches no reference count, it
//! only follows `OnceLock`s (plain loads on x86). Writers (misses) are serialized by a mutex.
//!
//! Nothing is ever removed (a full cache stops inserting), and caches live in statics, so
//! items, chain links and outgrown tables are leaked (`Box::leak`) rather than reclaimed:
//! a reader may still be walking an old table while a writer installs a bigger one. The
//! tables double, so the leaked ones add up to less than the current one.

use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicUsize, Ordering::Acquire, Ordering::Relaxed, Ordering::Release};
use std::sync::{Mutex, OnceLock, PoisonError};

/// Buckets of the first table.
const FIRST_BUCKETS: usize = 8;

/// Tables a map can grow through: bucket counts `8 << 0` to `8 << 47`.
const GENERATIONS: usize = 48;

/// One stored key and value.
#[derive(Debug)]
pub(crate) struct Item<K: 'static, V: 'static> {
    pub(crate) key: K,
    pub(crate) value: V,
}

/// A chain link: an item, its hash, and the next link of the same bucket. A bucket holds its
/// first link inline, so a hit on a short chain follows two pointers: to the table's buckets
/// and to the item.
#[derive(Debug)]
struct Link<K: 'static, V: 'static> {
    hash: u64,
    item: &'static Item<K, V>,
    next: OnceLock<&'static Link<K, V>>,
}

type Bucket<K, V> = OnceLock<Link<K, V>>;

/// The buckets of one table; their number is a power of two.
type Table<K, V> = [Bucket<K, V>];

fn new_table<K, V>(buckets: usize) -> &'static Table<K, V> {
    Box::leak((0..buckets).map(|_| OnceLock::new()).collect())
}

#[inline]
fn bucket<K, V>(table: &Table<K, V>, hash: u64) -> &Bucket<K, V> {
    // foldhash mixes the low bits well.
    &table[hash as usize & (table.len() - 1)]
}

/// Appends `item` at the end of its bucket's chain. Writers only (under the lock).
fn append<K, V>(table: &Table<K, V>, hash: u64, item: &'static Item<K, V>) {
    let link = Link {
        hash,
        item,
        next: OnceLock::new(),
    };
    let bucket = bucket(table, hash);
    let Some(mut last) = bucket.get() else {
        // The only writer: the bucket is still empty.
        let _ = bucket.set(link);
        return;
    };
    while let Some(next) = last.next.get() {
        last = next;
    }
    let _ = last.next.set(Box::leak(Box::new(link)));
}

fn links<K, V>(table: &'static Table<K, V>) -> impl Iterator<Item = &'static Link<K, V>> {
    table
        .iter()
        .flat_map(|bucket| std::iter::successors(bucket.get(), |link| link.next.get().copied()))
}

/// What [`AppendMap::insert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inserted<V: 'static> {
    /// The key was new and is stored; the stored value.
    Stored(&'static V),
    /// The key was there already; nothing changed. The value stored before.
    Occupied(&'static V),
    /// The map holds `capacity` items; nothing changed.
    Full,
}

/// An append-only hash map whose reads take no lock.
pub(crate) struct AppendMap<K: 'static, V: 'static, S> {
    hasher: S,
    /// Every table installed so far; `tables[current]` is the one in use.
    tables: [OnceLock<&'static Table<K, V>>; GENERATIONS],
    current: AtomicUsize,
    len: AtomicUsize,
    write: Mutex<()>,
}

impl<K, V, S> std::fmt::Debug for AppendMap<K, V, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppendMap")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl<K, V, S> AppendMap<K, V, S> {
    /// Items stored.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Acquire)
    }
}

impl<K: Hash + Eq + Send + Sync, V: Send + Sync, S: BuildHasher> AppendMap<K, V, S> {
    /// An empty map; it allocates on its first insert.
    pub(crate) fn with_hasher(hasher: S) -> Self {
        AppendMap {
            hasher,
            tables: [const { OnceLock::new() }; GENERATIONS],
            current: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            write: Mutex::new(()),
        }
    }

    #[inline]
    fn table(&self) -> Option<&'static Table<K, V>> {
        self.tables[self.current.load(Acquire)].get().copied()
    }

    #[inline]
    fn find(table: &Table<K, V>, hash: u64, key: &K) -> Option<&'static Item<K, V>> {
        let mut link = bucket(table, hash).get();
        while let Some(l) = link {
            if l.hash == hash && l.item.key == *key {
                return Some(l.item);
            }
            link = l.next.get().copied();
        }
        None
    }

    /// The value stored for `key`. Takes no lock and writes nothing.
    #[inline]
    pub(crate) fn get(&self, key: &K) -> Option<&'static V> {
        let hash = self.hasher.hash_one(key);
        let table = self.table()?;
        Self::find(table, hash, key).map(|item| &item.value)
    }

    /// Stores `make()` under `key` unless the key is present or the map holds `capacity`
    /// items; `make` runs only when the value is stored, under the writers' lock.
    pub(crate) fn insert(&self, key: K, capacity: usize, make: impl FnOnce() -> V) -> Inserted<V> {
        let hash = self.hasher.hash_one(&key);
        let _writer = self.write.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(table) = self.table()
            && let Some(item) = Self::find(table, hash, &key)
        {
            return Inserted::Occupied(&item.value);
        }
        let len = self.len.load(Relaxed);
        if len >= capacity {
            return Inserted::Full;
        }
        let Some(table) = self.table_for(len + 1) else {
            return Inserted::Full;
        };
        let item: &'static Item<K, V> = Box::leak(Box::new(Item { key, value: make() }));
        append(table, hash, item);
        self.len.store(len + 1, Release);
        Inserted::Stored(&item.value)
    }

    /// The table to insert into so that it holds `len` items at most one per bucket on
    /// average: the current one, or a bigger one installed now. Writers only.
    fn table_for(&self, len: usize) -> Option<&'static Table<K, V>> {
        let current = self.current.load(Relaxed);
        let Some(table) = self.tables[current].get().copied() else {
            let first = new_table(FIRST_BUCKETS);
            let _ = self.tables[current].set(first);
            return Some(first);
        };
        if len <= table.len() {
            return Some(table);
        }
        let next = current + 1;
        if next >= GENERATIONS {
            return None;
        }
        let bigger = new_table(table.len() * 2);
        for link in links(table) {
            append(bigger, link.hash, link.item);
        }
        let _ = self.tables[next].set(bigger);
        // Readers switch to the bigger table only once it holds every item.
        self.current.store(next, Release);
        Some(bigger)
    }

    /// Every stored item (a snapshot of the current table).
    pub(crate) fn items(&self) -> impl Iterator<Item = &'static Item<K, V>> {
        self.table()
            .into_iter()
            .flat_map(links)
            .map(|link| link.item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::RandomState;

    #[test]
    fn stores_finds_and_grows() {
        let map = AppendMap::with_hasher(RandomState::new());
        assert_eq!(map.get(&1u32), None);
        for i in 0..1000u32 {
            let stored = map.insert(i, usize::MAX, || i * 10);
            assert!(matches!(stored, Inserted::Stored(&v) if v == i * 10));
        }
        let occupied = map.insert(7, usize::MAX, || 0);
        assert!(matches!(occupied, Inserted::Occupied(&70)));
        assert_eq!(map.len(), 1000);
        for i in 0..1000u32 {
            assert_eq!(map.get(&i), Some(&(i * 10)));
        }
        assert_eq!(map.get(&1000), None);
        let mut keys: Vec<u32> = map.items().map(|item| item.key).collect();
        keys.sort_unstable();
        assert_eq!(keys, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn stops_at_capacity() {
        let map = AppendMap::with_hasher(RandomState::new());
        assert!(matches!(map.insert("a", 2, || 1), Inserted::Stored(&1)));
        assert!(matches!(map.insert("b", 2, || 2), Inserted::Stored(&2)));
        assert!(matches!(map.insert("c", 2, || 3), Inserted::Full));
        assert!(matches!(map.insert("a", 2, || 4), Inserted::Occupied(&1)));
        assert_eq!(
            (map.len(), map.get(&"a"), map.get(&"c")),
            (2, Some(&1), None)
        );
    }

    #[test]
    fn readers_and_writers_at_once() {
        let map = AppendMap::with_hasher(RandomState::new());
        std::thread::scope(|scope| {
            for t in 0..4u64 {
                let map = &map;
                scope.spawn(move || {
                    for i in 0..2000u64 {
                        let key = i * 4 + t;
                        map.insert(key, usize::MAX, || key + 1);
                        assert_eq!(map.get(&key), Some(&(key + 1)));
                        // Keys of the other threads are absent or right, never wrong.
                        let other = i * 4 + (t + 1) % 4;
                        assert!(map.get(&other).is_none_or(|&v| v == other + 1));
                    }
                });
            }
        });
        assert_eq!(map.len(), 8000);
        assert!((0..8000u64).all(|k| map.get(&k) == Some(&(k + 1))));
    }
}
