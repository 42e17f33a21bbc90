//! The hit counter: incremented on every hit, so it must not cost a locked instruction.
//!
//! A `lock`-prefixed add waits for every store before it to reach the cache, and a hit has
//! just written the SQL and the values: on one thread it cost a tenth of the hit, and on two
//! threads sharing one counter the cache line bounces between the cores on every call. So
//! each thread owns a slot of its own (claimed when the thread first counts, released when it
//! ends) and adds with a plain load and store, which is exact because nobody else writes the
//! slot. Threads beyond [`SLOTS`] alive at once share one counter with `fetch_add`.

use std::sync::atomic::{
    AtomicU32, AtomicU64, Ordering::Acquire, Ordering::Relaxed, Ordering::Release,
};

/// Threads that get a slot of their own.
const SLOTS: usize = 16;

/// Slots owned by a live thread, one bit each.
static OWNED: AtomicU32 = AtomicU32::new(0);

/// A per-function hit counter; see the module documentation.
#[derive(Debug, Default)]
pub(crate) struct HitCounter {
    slots: [Padded; SLOTS],
    shared: AtomicU64,
}

/// A slot on a cache line of its own, so two threads' slots never share a line.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Padded(AtomicU64);

impl HitCounter {
    /// Counts one hit.
    #[inline]
    pub(crate) fn add_one(&self) {
        match thread_slot() {
            Some(slot) => {
                // Only this thread writes this slot while it owns it (see `Owner`).
                let count = &self.slots[slot].0;
                count.store(count.load(Relaxed).wrapping_add(1), Relaxed);
            }
            None => {
                self.shared.fetch_add(1, Relaxed);
            }
        }
    }

    /// Hits counted so far (exact once the counting threads have finished or synchronized
    /// with the reader, as for any relaxed counter).
    pub(crate) fn sum(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| slot.0.load(Relaxed))
            .fold(self.shared.load(Relaxed), u64::wrapping_add)
    }
}

/// A thread's claim on a slot, released when the thread ends. The release and the next
/// claim of the same bit order the old owner's last store before the new owner's first load.
struct Owner(Option<usize>);

impl Owner {
    fn claim() -> Owner {
        let mut owned = OWNED.load(Relaxed);
        loop {
            let free = !owned & (u32::MAX >> (32 - SLOTS));
            if free == 0 {
                return Owner(None);
            }
            let bit = free.trailing_zeros();
            match OWNED.compare_exchange_weak(owned, owned | 1 << bit, Acquire, Relaxed) {
                Ok(_) => return Owner(Some(bit as usize)),
                Err(now) => owned = now,
            }
        }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        if let Some(slot) = self.0 {
            OWNED.fetch_and(!(1 << slot), Release);
        }
    }
}

/// This thread's slot, if it has one (none once its thread-locals are being destroyed).
#[inline]
fn thread_slot() -> Option<usize> {
    thread_local! {
        static OWNER: Owner = Owner::claim();
    }
    OWNER.try_with(|owner| owner.0).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_exactly_on_many_threads() {
        let counter = HitCounter::default();
        // More threads than slots, some alive at once and some after others ended.
        for _ in 0..3 {
            std::thread::scope(|scope| {
                for _ in 0..SLOTS + 4 {
                    scope.spawn(|| {
                        for _ in 0..1000 {
                            counter.add_one();
                        }
                    });
                }
            });
        }
        for _ in 0..10 {
            counter.add_one();
        }
        assert_eq!(counter.sum(), 3 * (SLOTS as u64 + 4) * 1000 + 10);
    }
}
