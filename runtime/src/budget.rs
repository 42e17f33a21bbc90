//! The global byte budget: the most template bytes all caches together may hold, what they
//! hold now, and whether a template has been turned away. All of its state lives here; the
//! caches reserve and release bytes, [`stats`](crate::stats()) reads them.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// The default global byte budget: 64 MiB of templates over all cached functions.
pub const DEFAULT_BYTE_BUDGET: usize = 64 << 20;

/// The budget, in bytes.
static LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_BYTE_BUDGET);

/// Template bytes held by all caches together, against [`LIMIT`].
static HELD: AtomicUsize = AtomicUsize::new(0);

/// Set when a template did not fit the budget: later misses of new shapes are served
/// uncached without probing, until the budget changes.
static REACHED: AtomicBool = AtomicBool::new(false);

/// `CACHED_QUERY_BYTE_BUDGET` is read once, before the budget is first read or set.
static ENVIRONMENT: Once = Once::new();

/// Reads `CACHED_QUERY_BYTE_BUDGET` the first time it is called; also called when the other
/// switches read the environment, so that all of them are read together.
pub(crate) fn read_environment() {
    ENVIRONMENT.call_once(|| {
        if let Some(budget) = std::env::var("CACHED_QUERY_BYTE_BUDGET")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            LIMIT.store(budget, Relaxed);
        }
    });
}

/// Sets the most template bytes all cached functions together may hold (default
/// [`DEFAULT_BYTE_BUDGET`], 64 MiB; the environment variable `CACHED_QUERY_BYTE_BUDGET`
/// sets the initial value). Meant for start-up: stored shapes are never evicted, so a
/// budget lowered below what is held only stops new shapes from being stored. A call whose
/// shape does not fit is served uncached and counted as rejected, like one over a function's
/// `capacity`.
///
/// ```
/// cached_query::set_byte_budget(16 << 20);
/// assert_eq!(cached_query::byte_budget(), 16 << 20);
/// cached_query::set_byte_budget(cached_query::DEFAULT_BYTE_BUDGET);
/// ```
pub fn set_byte_budget(bytes: usize) {
    read_environment();
    LIMIT.store(bytes, Relaxed);
    // New shapes may be tried again.
    REACHED.store(false, Relaxed);
}

/// The global byte budget (see [`set_byte_budget`]).
pub fn byte_budget() -> usize {
    read_environment();
    LIMIT.load(Relaxed)
}

/// Whether the global byte budget has turned a template away.
#[inline]
pub(crate) fn budget_reached() -> bool {
    REACHED.load(Relaxed)
}

/// Template bytes held by all caches together.
pub(crate) fn bytes_held() -> usize {
    HELD.load(Relaxed)
}

/// Reserves `bytes` of the budget; `false` (and nothing reserved) if they do not fit.
pub(crate) fn reserve(bytes: usize) -> bool {
    let budget = byte_budget();
    let fits = HELD
        .fetch_update(Relaxed, Relaxed, |held| {
            held.checked_add(bytes).filter(|total| *total <= budget)
        })
        .is_ok();
    if !fits {
        REACHED.store(true, Relaxed);
    }
    fits
}

/// Gives back `bytes` reserved for a template that was not stored after all.
pub(crate) fn release(bytes: usize) {
    HELD.fetch_sub(bytes, Relaxed);
}
