//! Sentinel text and bytes, interned: a probe argument that borrows text (`&str`, a list of
//! `&str`) borrows it from here, so that the probe's sentinels are `'static` values and a
//! list of them is a `Vec<&'static str>`. The sentinels are a bounded set (numbered by their
//! position in one probe, or taken from the fixed tables of value classes), so the table
//! stops growing once every function has been probed. The names of the fields of struct
//! arguments (`filter.search`) are kept here too, once per function.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

static TEXT: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
static BYTES: Mutex<BTreeSet<&'static [u8]>> = Mutex::new(BTreeSet::new());

/// `text`, kept for the life of the process (one copy per distinct text).
pub(crate) fn text(text: String) -> &'static str {
    let mut set = TEXT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(kept) = set.get(text.as_str()) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    set.insert(kept);
    kept
}

/// `bytes`, kept for the life of the process (one copy per distinct value).
pub(super) fn bytes(bytes: Vec<u8>) -> &'static [u8] {
    let mut set = BYTES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(kept) = set.get(bytes.as_slice()) {
        return kept;
    }
    let kept: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    set.insert(kept);
    kept
}
