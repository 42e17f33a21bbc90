//! A `tracing` subscriber that keeps every event, for tests of what the cache logs.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// One event: its level and its fields (`message` among them) as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The event's level.
    pub level: Level,
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
                fields,
            });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Runs `f` with a subscriber on this thread that keeps every event, and returns them.
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Vec<Captured>) {
    let capture = Capture::default();
    let out = tracing::subscriber::with_default(capture.clone(), f);
    let events = std::mem::take(&mut *capture.0.lock().unwrap_or_else(PoisonError::into_inner));
    (out, events)
}
