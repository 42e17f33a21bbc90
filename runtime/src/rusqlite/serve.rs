//! One call as the SQLite statement cache takes it: a hit binds straight from the call's
//! arguments, with no text built; any other call is built, with the id of the template it
//! came from. Reached through the call's [`DynCall`]: one piece of code for every query
//! function.

use std::sync::Arc;

use sea_query::Values;

use crate::backend::BackendId;
use crate::cache::{Found, Lookup, Slot, Stored};
use crate::family::DynCall;
use crate::miss;
use crate::template::{Source, Template};

/// Which SQL text a cached call produced, without looking at the text: the stored template
/// and the lengths (padded, where `IN` lists are padded) of the lists its text depends on
/// (an `IN` group of another length is other SQL). Stored templates are never changed nor
/// removed, so an address names one template for the life of the process, and the text is a
/// function of the template and those lengths: equal ids mean equal SQL. The statement cache
/// still compares the text where it has it for free (by pointer, on the fast path) and
/// checks that a call binds as many values as its statement has parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TemplateId {
    template: usize,
    lens: u64,
}

impl TemplateId {
    /// The id of the text `src` gets from `stored` (its lists padded, if `pad`): `None` when
    /// its lists are too many or too long to pack.
    #[inline]
    pub(crate) fn of(stored: &'static Stored, src: &dyn Source, pad: bool) -> Option<Self> {
        stored.template.text_key(src, pad).map(|lens| TemplateId {
            template: std::ptr::from_ref(stored).addr(),
            lens,
        })
    }
}

/// One call as the statement cache takes it.
pub(crate) enum Served<'q> {
    /// A hit, nothing built.
    Hit(Hit<'q>),
    /// Any other call, built (the first of a shape, another list length, a sampled
    /// verification, a call served uncached), with the id of its template if it has one.
    Built {
        sql: Arc<str>,
        values: Values,
        id: Option<TemplateId>,
    },
}

/// A hit as the statement cache takes it: its values are read from `args` one by one,
/// nothing built. `Copy`: it owns nothing. The hit is counted already.
#[derive(Clone, Copy)]
pub(crate) struct Hit<'q> {
    pub(crate) id: TemplateId,
    /// The template's own text when every list has the length the template was stored
    /// with; for other lengths a cache that does not hold the id yet renders the text
    /// ([`Template::render_text`]).
    pub(crate) sql: Option<&'static Arc<str>>,
    pub(crate) template: &'static Template,
    pub(crate) args: &'q dyn Source,
    /// `IN` lists are padded.
    pub(crate) pad: bool,
}

/// The call as the statement cache takes it: a hit on its template's own text binds straight
/// from the arguments; any other call is built as `build_shared` builds it, with the id of
/// its template when its shape has one.
#[inline]
pub(crate) fn serve(call: &dyn DynCall) -> Served<'_> {
    let backend = BackendId::Sqlite;
    let flags = crate::settings::flags();
    let pad = call.meta().pad_in || flags.pad_in();
    let found = match call.find(backend, flags) {
        Ok(stored) => match TemplateId::of(stored, call, pad) {
            Some(id) => {
                call.with_slot(&mut |slot| slot.count_hit());
                return Served::Hit(Hit {
                    id,
                    sql: stored.template.fast_text(id.lens),
                    template: &stored.template,
                    args: call,
                    pad,
                });
            }
            None => Found::Hit(stored),
        },
        Err(found) => found,
    };
    let mut served = None;
    call.with_slot(&mut |slot| served = Some(built(call, slot, backend, found, pad)));
    served.unwrap_or_else(|| {
        let (sql, values) = call.build(backend);
        Served::Built {
            sql: Arc::from(sql),
            values,
            id: None,
        }
    })
}

/// [`serve`] of a call that is not a hit on its template's text: built, with the id of its
/// template when its shape has one (a call served uncached, or whose lists are too many or
/// too long to pack into an id, has none).
#[cold]
fn built<'q>(
    call: &'q dyn DynCall,
    slot: &dyn Slot,
    backend: BackendId,
    found: Found,
    pad: bool,
) -> Served<'q> {
    let flags = crate::settings::flags();
    let (sql, values, stored) = miss::serve::<Arc<str>>(call, slot, backend, found, flags);
    // A hit knows its template; any other call (the first of a shape, a sampled
    // verification) looks the key up again after building.
    let stored = stored.or_else(|| match slot.get(backend) {
        Lookup::Ready(stored) if crate::settings::is_enabled() => Some(stored),
        _ => None,
    });
    let id = stored.and_then(|stored| TemplateId::of(stored, call, pad));
    Served::Built { sql, values, id }
}
