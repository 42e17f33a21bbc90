//! Process-wide switches: caching on or off, IN-list padding and the sampled-verification
//! rate. A hit reads them with one relaxed load of [`FLAGS`]. (The byte budget is in
//! [`budget`](crate::budget).)

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};

/// Bits of [`FLAGS`].
const READ: u8 = 1;
const OFF: u8 = 2;
const PAD_IN: u8 = 4;
const VERIFY: u8 = 8;

/// `READ` once the environment has been read; `OFF` while caching is off; `PAD_IN` while
/// padding is on for every function; `VERIFY` once a global verification rate has been set
/// (even `0.0`: an explicit rate replaces [`DEFAULT_VERIFY_RATE`]).
static FLAGS: AtomicU8 = AtomicU8::new(0);

/// The global verification rate, as `f64` bits.
static VERIFY_RATE: AtomicU64 = AtomicU64::new(0);

/// The verification rate of a function with no `verify = ...` option while no global rate
/// is set ([`set_verify_rate`], `CACHED_QUERY_VERIFY`): `1.0` in builds with debug
/// assertions (every hit is also built uncached and compared, so a test suite catches any
/// body the lint and the probe rounds missed), `0.0` (off, and free) in release builds.
pub const DEFAULT_VERIFY_RATE: f64 = if cfg!(debug_assertions) { 1.0 } else { 0.0 };

/// The switches a call reads, from one load.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags(u8);

impl Flags {
    #[inline]
    pub(crate) fn enabled(self) -> bool {
        self.0 & OFF == 0
    }

    #[inline]
    pub(crate) fn pad_in(self) -> bool {
        self.0 & PAD_IN != 0
    }

    /// The rate for a function whose own option is `own` (`None`: not set).
    #[inline]
    pub(crate) fn verify_rate(self, own: Option<f64>) -> f64 {
        match own {
            Some(rate) => rate,
            None if self.0 & VERIFY != 0 => f64::from_bits(VERIFY_RATE.load(Relaxed)),
            None => DEFAULT_VERIFY_RATE,
        }
    }
}

/// The current switches.
#[inline]
pub(crate) fn flags() -> Flags {
    let flags = FLAGS.load(Relaxed);
    if flags & READ == 0 {
        return read_environment();
    }
    Flags(flags)
}

fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reads the environment the first time any switch is needed. An explicit setter call that
/// raced with this keeps its effect, since both only ever set bits here.
#[cold]
fn read_environment() -> Flags {
    let mut bits = READ;
    if env_flag("CACHED_QUERY_DISABLE") {
        bits |= OFF;
    }
    if env_flag("CACHED_QUERY_PAD_IN") {
        bits |= PAD_IN;
    }
    if let Some(rate) = std::env::var("CACHED_QUERY_VERIFY")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|r| (0.0..=1.0).contains(r))
    {
        VERIFY_RATE.store(rate.to_bits(), Relaxed);
        bits |= VERIFY;
    }
    crate::budget::read_environment();
    Flags(FLAGS.fetch_or(bits, Relaxed) | bits)
}

/// Sets or clears `bit`, after the environment has been read (so it cannot undo the call).
fn set_bit(bit: u8, on: bool) {
    flags();
    if on {
        FLAGS.fetch_or(bit, Relaxed);
    } else {
        FLAGS.fetch_and(!bit, Relaxed);
    }
}

/// Turns caching on or off for every cached function, at once and without a restart.
///
/// While off, every call takes the uncached path (`statement().build(B)`). The environment
/// variable `CACHED_QUERY_DISABLE=1` sets the initial state to off.
///
/// ```
/// cached_query::config::set_enabled(false);
/// assert!(!cached_query::config::is_enabled());
/// cached_query::config::set_enabled(true);
/// assert!(cached_query::config::is_enabled());
/// ```
pub fn set_enabled(enabled: bool) {
    set_bit(OFF, !enabled);
}

/// Whether caching is on (see [`set_enabled`]).
#[inline]
pub fn is_enabled() -> bool {
    flags().enabled()
}

/// Pads `IN (...)` lists to the next power of two in every cached function, as the
/// attribute option `pad_in = true` does for one (see the crate documentation, "Options").
///
/// The environment variable `CACHED_QUERY_PAD_IN=1` sets the initial state to on. Turning it
/// on changes the SQL text, not the result: the padding repeats the list's last element.
///
/// ```
/// cached_query::config::set_pad_in(true);
/// assert!(cached_query::config::pad_in());
/// cached_query::config::set_pad_in(false);
/// ```
pub fn set_pad_in(on: bool) {
    set_bit(PAD_IN, on);
}

/// Whether `IN` padding is on for every function (see [`set_pad_in`]).
pub fn pad_in() -> bool {
    flags().pad_in()
}

/// Sets the fraction of hits, for functions without their own `verify = ...` option, that
/// are also built uncached and compared (see the crate documentation, "Options"). `0.0`
/// turns it off; the rate is clamped to `0.0..=1.0`, and NaN counts as `0.0`. Until a rate
/// is set, it is [`DEFAULT_VERIFY_RATE`]: every hit in a build with debug assertions, none
/// in a release build.
///
/// The environment variable `CACHED_QUERY_VERIFY=0.001` sets the initial rate (`0` turns
/// the debug builds' default off).
///
/// ```
/// cached_query::config::set_verify_rate(0.001);
/// assert_eq!(cached_query::config::verify_rate(), 0.001);
/// cached_query::config::set_verify_rate(0.0);
/// assert_eq!(cached_query::config::verify_rate(), 0.0);
/// ```
pub fn set_verify_rate(rate: f64) {
    flags();
    let rate = if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    };
    VERIFY_RATE.store(rate.to_bits(), Relaxed);
    set_bit(VERIFY, true);
}

/// The global verification rate (see [`set_verify_rate`]): [`DEFAULT_VERIFY_RATE`] until
/// one is set.
pub fn verify_rate() -> f64 {
    Flags(FLAGS.load(Relaxed) | READ).verify_rate(None)
}

/// Whether this hit is one of the sampled fraction `rate` (`0.0 < rate <= 1.0`), from
/// `fastrand`'s generator, one per thread: no shared state, no lock. Out of line: with no
/// rate set (most programs) it is never called, and the hit path of every query function
/// stays short.
#[inline(never)]
pub(crate) fn sample(rate: f64) -> bool {
    rate >= 1.0 || fastrand::f64() < rate
}
