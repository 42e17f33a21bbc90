//! Every call that is not a hit: the first call of a shape (which learns its template), a
//! sampled verification, a call served uncached. Compiled once for every query function:
//! the call is a [`DynCall`], the cache a [`Slot`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use sea_query::{Value, Values};

use crate::backend::BackendId;
use crate::cache::{Entry, Found, Slot, Stored};
use crate::error::Uncacheable;
use crate::family::DynCall;
use crate::probe::{CHECK_ROUNDS, Prober};
use crate::record::Recording;
use crate::settings::Flags;
use crate::template::{Names, SentinelTable, Source, SqlText, Template};

/// Fills `stored`'s template for `call`, with `IN` lists padded if `pad`.
fn fill<T: SqlText>(stored: &Stored, call: &dyn DynCall, pad: bool) -> Option<(T, Vec<Value>)> {
    let src: &dyn Source = call;
    if pad {
        stored.template.fill_padded::<T>(src)
    } else {
        stored.template.fill::<T>(src)
    }
}

/// The key of `call`, for messages: its bits by name, then its `#[shape]` arguments (whose
/// values need not be `Debug`, so they are named, not shown).
fn key_of(call: &dyn DynCall) -> String {
    let described = call.described();
    let mut key = described.bits(call.key_bits());
    for shape in &described.shapes {
        if !key.is_empty() {
            key.push_str(", ");
        }
        key.push_str(shape);
        key.push_str(": its #[shape] value");
    }
    if key.is_empty() {
        key.push_str("(one shape)");
    }
    key
}

/// Serves a call the hit path did not: the build, and the template it came from if any.
pub(crate) fn serve<T: SqlText>(
    call: &dyn DynCall,
    slot: &dyn Slot,
    backend: BackendId,
    found: Found,
    flags: Flags,
) -> (T, Values, Option<&'static Stored>) {
    let pad = call.meta().pad_in || flags.pad_in();
    match found {
        Found::Hit(stored) => {
            if let Some((sql, values)) = fill::<T>(stored, call, pad) {
                slot.count_hit();
                return (sql, Values(values), Some(stored));
            }
        }
        Found::Verify(stored) => {
            if let Some(filled) = fill::<T>(stored, call, pad) {
                let (sql, values) = verify(call, slot, backend, stored, filled);
                return (sql, values, None);
            }
        }
        // A full cache stores nothing more: serve the call uncached rather than probe a
        // shape that would not be kept.
        Found::Miss if slot.is_full() => slot.count_rejected(),
        Found::Miss => {
            let (sql, values) = miss(call, slot, backend, flags.pad_in());
            return (sql, values, None);
        }
        Found::Uncached => {}
    }
    slot.count_uncached();
    let (sql, values) = call.build(backend);
    (T::owned(sql), values, None)
}

/// First call of a shape: build for real (that is the result), then learn the shape.
#[cold]
#[inline(never)]
fn miss<T: SqlText>(
    call: &dyn DynCall,
    slot: &dyn Slot,
    backend: BackendId,
    pad_all: bool,
) -> (T, Values) {
    slot.count_miss();
    let meta = call.meta();
    tracing::debug!(
        function = meta.name,
        module = meta.module,
        backend = backend.name(),
        key = %key_of(call),
        "cached_query: miss; learning the shape"
    );
    let real = call.record(backend);
    let entry = learn_entry(call, backend, &real);
    let stored = slot.store(backend, entry);
    // With padding or `inline_limit`, the first call already returns the text later
    // calls of the shape return (one text per power of two, the limit written in).
    let pad = meta.pad_in || pad_all;
    if let Some(Entry::Ready(stored)) = stored
        && stored.failed.get().is_none()
        && (pad || stored.template.has_inline())
        && let Some((sql, values)) = fill::<T>(stored, call, pad)
    {
        return (sql, Values(values));
    }
    let (sql, values) = real.into_output();
    (T::owned(sql), values)
}

/// The entry a shape gets: its template, or why it has none (logged).
pub(crate) fn learn_entry(call: &dyn DynCall, backend: BackendId, real: &Recording) -> Entry {
    let meta = call.meta();
    match learn(call, backend, real) {
        Ok(template) => {
            tracing::debug!(
                function = meta.name,
                module = meta.module,
                backend = backend.name(),
                bytes = template.heap_bytes(),
                "cached_query: template stored"
            );
            Entry::ready(template)
        }
        Err(reason) => {
            tracing::warn!(
                function = meta.name,
                module = meta.module,
                backend = backend.name(),
                key = %key_of(call),
                %reason,
                "cached_query: shape is uncacheable; its calls take the uncached path"
            );
            Entry::Uncacheable(reason)
        }
    }
}

/// A sampled hit: build uncached too and compare. On a mismatch the uncached result is
/// returned, the shape is marked uncacheable, and the difference is logged and counted.
/// The comparison is with what the template renders for these arguments before any
/// padding and with inlined limits as the parameters sea-query binds: a padded or
/// inlined text differs from sea-query's on purpose.
#[cold]
#[inline(never)]
fn verify<T: SqlText>(
    call: &dyn DynCall,
    slot: &dyn Slot,
    backend: BackendId,
    stored: &'static Stored,
    (sql, values): (T, Vec<Value>),
) -> (T, Values) {
    let expected = call.record(backend);
    let src: &dyn Source = call;
    let same = stored
        .template
        .check(src, &expected, "verification")
        .is_ok();
    slot.count_verified(!same);
    if same {
        slot.count_hit();
        return (sql, Values(values));
    }
    let (expected_sql, expected_values) = expected.into_output();
    let cached_sql = stored
        .template
        .fill::<String>(src)
        .map_or_else(String::new, |(s, _)| s);
    let reason = Uncacheable::VerificationFailed {
        cached: cached_sql.clone(),
        uncached: expected_sql.clone(),
    };
    let meta = call.meta();
    tracing::error!(
        function = meta.name,
        module = meta.module,
        backend = backend.name(),
        key = %key_of(call),
        cached = %cached_sql,
        uncached = %expected_sql,
        "cached_query: sampled verification found a cached result that differs from sea-query's; the shape is served uncached from now on"
    );
    let _ = stored.failed.set(reason);
    (T::owned(expected_sql), expected_values)
}

/// Probes the body in several rounds and keeps a template only if it reproduces every
/// round and the real call exactly. The learning round (every non-empty list at 2 elements,
/// in descending order; distinct, large sentinels) teaches where each value goes; each of
/// the [`CHECK_ROUNDS`] check rounds (lists at 3 elements, `[v0, v0, v1]` with `v0 > v1`,
/// then at 1; every value from a class such as negative, zero, small, empty or punctuated
/// text, the class turning with the round and the argument) checks that the layout repeats
/// and that the body neither transforms a bound value nor branches on one.
pub(crate) fn learn(
    call: &dyn DynCall,
    backend: BackendId,
    real: &Recording,
) -> Result<Template, Uncacheable> {
    let meta = call.meta();
    let described = call.described();
    let names = Names {
        sources: &described.sources,
        lists: &described.lists,
    };
    let sources = described.sources.len() as u16;
    let lists = described.lists.len() as u16;
    let mut prober = Prober::new();

    let template = probe_round(call, &mut prober, &mut |probe| {
        let rec = probe.record(backend);
        let sentinels = SentinelTable::read(probe, sources, lists, names)?;
        let lens: Vec<usize> = (0..lists).map(|l| probe.len(l)).collect();
        let template = Template::learn(&rec, &sentinels, &lens, names, backend.placeholder())?;
        template.check(probe, &rec, "learning probe")?;
        Ok(template)
    })?;

    // With nothing bound, every round's arguments would be the real call's.
    if sources > 0 || lists > 0 {
        for round in 1..=CHECK_ROUNDS {
            prober.check_round(round);
            probe_round(call, &mut prober, &mut |probe| {
                let rec = probe.record(backend);
                template.check(probe, &rec, CHECK_ROUND_NAMES[round as usize - 1])
            })?;
        }
    }

    let src: &dyn Source = call;
    template.check(src, real, "real call")?;
    let template = match meta.inline_limit {
        true => template.inline_limits(names)?,
        false => template,
    };
    Ok(template.with_fast_path(src, real))
}

/// The check rounds' names in messages.
const CHECK_ROUND_NAMES: [&str; CHECK_ROUNDS as usize] =
    ["check round 1 (lists at 3)", "check round 2 (lists at 1)"];

/// One probe round: `f` on a call of `call`'s shape with sentinel values; a panic in the
/// body is the round's failure.
fn probe_round<R>(
    call: &dyn DynCall,
    prober: &mut Prober,
    f: &mut dyn FnMut(&dyn DynCall) -> Result<R, Uncacheable>,
) -> Result<R, Uncacheable> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut out = None;
        call.probe(prober, &mut |probe| out = Some(f(probe)));
        out.unwrap_or_else(|| {
            Err(Uncacheable::probe_panicked(Box::new(
                "the probe did not run",
            )))
        })
    }))
    .unwrap_or_else(|panic| Err(Uncacheable::probe_panicked(panic)))
}
