//! A `tracing` subscriber that keeps every event, for tests of what the cache logs.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Dispatch, Event, Level, Metadata, Subscriber};

/// One event: its level, target and fields (`message` among them) as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The event's level.
    pub level: Level,
    /// The event's target (by default the module path of the code that logged it).
    pub target: String,
    /// Field name to value, `Debug`-formatted (`Display` for `%` fields).
    pub fields: BTreeMap<String, String>,
}

impl Captured {
    /// The event's message.
    pub fn message(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }

    /// The value of field `name`, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

impl Subscriber for Capture {
    /// Asked again at every event: whether to keep it is the current thread's business.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Captured {
                level: *event.metadata().level(),
                target: event.metadata().target().to_owned(),
                fields,
            });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// A subscriber registered for the life of the process. `tracing` caches each callsite's
/// interest when the callsite is first hit, combined over the subscribers alive then: a test
/// thread without a capture that hits a callsite first (or registers it while another
/// thread's capture is being set up) could cache it as of no interest, and the captures of
/// tests running beside it would then miss its events. With this one alive and answering
/// "sometimes", every callsite is asked per event instead.
static ALWAYS_ASKED: LazyLock<Dispatch> = LazyLock::new(|| Dispatch::new(Capture::default()));

/// Runs `f` with a subscriber on this thread that keeps every event, and returns them.
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<Captured>) {
    LazyLock::force(&ALWAYS_ASKED);
    // Callsites cached before that subscriber existed are asked again.
    tracing::callsite::rebuild_interest_cache();
    let capture = Capture::default();
    let out = tracing::subscriber::with_default(capture.clone(), f);
    let events = std::mem::take(&mut *capture.0.lock().unwrap_or_else(PoisonError::into_inner));
    (out, events)
}
