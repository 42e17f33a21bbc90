//! A global allocator that counts: allocations, bytes allocated and bytes still held.
//!
//! Install it in a binary with
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: cached_query_benches::alloc::Counting = cached_query_benches::alloc::Counting;
//! ```
//!
//! and read [`snapshot`] before and after the code under measurement. The counters are
//! process-wide relaxed atomics: measure on one thread, or accept the other threads' noise.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicU64, Ordering::Relaxed};

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static FREES: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// [`System`], counting every call. Zero-sized: `static A: Counting = Counting;`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counting;

/// The counters at one moment; subtract two with [`Snapshot::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// `alloc` and `alloc_zeroed` calls.
    pub allocs: u64,
    /// `realloc` calls (each may move the block: counted as an allocation by
    /// [`Snapshot::allocations`]).
    pub reallocs: u64,
    /// `dealloc` calls.
    pub frees: u64,
    /// Bytes requested by `alloc`, `alloc_zeroed` and the growing part of `realloc`.
    pub bytes: u64,
    /// Bytes allocated and not yet freed (requested sizes, not the allocator's rounding).
    pub live: isize,
}

impl Snapshot {
    /// Allocations in the usual sense: `alloc` + `alloc_zeroed` + `realloc` calls.
    pub fn allocations(&self) -> u64 {
        self.allocs + self.reallocs
    }

    /// The change from `earlier` to `self`.
    pub fn since(&self, earlier: &Snapshot) -> Snapshot {
        Snapshot {
            allocs: self.allocs - earlier.allocs,
            reallocs: self.reallocs - earlier.reallocs,
            frees: self.frees - earlier.frees,
            bytes: self.bytes - earlier.bytes,
            live: self.live - earlier.live,
        }
    }
}

/// The counters now.
pub fn snapshot() -> Snapshot {
    Snapshot {
        allocs: ALLOCS.load(Relaxed),
        reallocs: REALLOCS.load(Relaxed),
        frees: FREES.load(Relaxed),
        bytes: BYTES.load(Relaxed),
        live: LIVE.load(Relaxed),
    }
}

/// Bytes as `isize`; a `Layout`'s size never exceeds `isize::MAX`.
fn signed(size: usize) -> isize {
    isize::try_from(size).unwrap_or(isize::MAX)
}

fn on_alloc(size: usize) {
    ALLOCS.fetch_add(1, Relaxed);
    BYTES.fetch_add(size as u64, Relaxed);
    LIVE.fetch_add(signed(size), Relaxed);
}

// The one place this crate uses `unsafe`: `GlobalAlloc` is an unsafe trait, and its methods
// are unsafe to call. Every method forwards its arguments unchanged to `System`, which upholds
// the `GlobalAlloc` contract; the counting around the calls touches only atomics.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on to `System` unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            on_alloc(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            on_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        FREES.fetch_add(1, Relaxed);
        LIVE.fetch_sub(signed(layout.size()), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller guarantees
        // `new_size` is valid for `layout.align()`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            REALLOCS.fetch_add(1, Relaxed);
            BYTES.fetch_add(new_size.saturating_sub(layout.size()) as u64, Relaxed);
            LIVE.fetch_add(signed(new_size) - signed(layout.size()), Relaxed);
        }
        new
    }
}
