//! The `oracle` target's input: sequences of calls of the tests crate's query functions
//! ([`cached_query_tests::calls::Call`], the same functions and the same comparison as the
//! proptest oracle), read from the fuzzer's bytes with `arbitrary`.
//!
//! An input is a list of operations. Each names a function and carries two byte strings:
//! one for the scalars, presences and list lengths, one for the list elements. It is run
//! once per *shift*: every list length moves up by the shift (modulo its maximum + 1), so the
//! same scalars meet the template of their shape at several lengths, and a list that wraps
//! to empty (or back) switches to its other shape. The caches are process-wide and live
//! across inputs, so every call also meets templates that earlier inputs stored, from other
//! lengths and other shapes.

use arbitrary::{Arbitrary, Result, Unstructured};
use cached_query_tests::calls::{Call, Typed};
use cached_query_tests::schema::{Direction, SortBy};

/// The longest list an argument usually gets.
pub const MAX_LEN: usize = 48;

/// The longest list an argument gets: long enough that an `IN` group's placeholders take
/// more than one of the template's 512-byte write chunks.
pub const LONG_LEN: usize = 300;

/// Operations read from one input at most.
pub const MAX_OPS: usize = 24;

/// Bytes of one operation's scalar or element string at most.
const MAX_CHUNK: usize = 192;

/// Strings that have broken SQL builders and caches before: quotes, placeholders, NUL,
/// comments, non-ASCII.
const NASTY: &[&str] = &[
    "",
    "O'Brien \"quoted\" \\ back",
    "$1 ? %s :name @p1",
    "naïve 東京 🎥",
    "\0",
    "' OR 1=1 --",
    "/* comment */ $2",
    "\\",
    "IN (?, ?)",
];

/// Reads one call's arguments; see the module documentation.
#[derive(Debug)]
pub struct Args<'a> {
    scalars: Unstructured<'a>,
    elements: Unstructured<'a>,
    shift: usize,
}

fn text_from(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 3)? {
        Ok((*u.choose(NASTY)?).to_owned())
    } else {
        u.arbitrary()
    }
}

fn float_from(u: &mut Unstructured<'_>) -> Result<f64> {
    Ok(match u.int_in_range(0..=5)? {
        0 => 0.0,
        1 => -0.0,
        2 => f64::NAN,
        3 => f64::INFINITY,
        _ => u.arbitrary()?,
    })
}

impl<'a> Args<'a> {
    /// Arguments from `scalars` and `elements`, with every list length shifted by `shift`.
    pub fn new(scalars: &'a [u8], elements: &'a [u8], shift: usize) -> Self {
        Args {
            scalars: Unstructured::new(scalars),
            elements: Unstructured::new(elements),
            shift,
        }
    }

    fn any<T: Arbitrary<'a>>(&mut self) -> Result<T> {
        self.scalars.arbitrary()
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        Ok(if self.scalars.arbitrary::<bool>()? {
            Some(f(self)?)
        } else {
            None
        })
    }

    fn text(&mut self) -> Result<String> {
        text_from(&mut self.scalars)
    }

    fn float(&mut self) -> Result<f64> {
        float_from(&mut self.scalars)
    }

    /// A list length of at least `min`, shifted: up to [`MAX_LEN`], or now and then up to
    /// [`LONG_LEN`].
    fn len(&mut self, min: usize) -> Result<usize> {
        let max = if self.scalars.ratio(1, 16)? {
            LONG_LEN
        } else {
            MAX_LEN
        };
        let n = self.scalars.int_in_range(0..=max)?;
        Ok(((n + self.shift) % (max + 1)).max(min))
    }

    fn list<T>(
        &mut self,
        min: usize,
        mut elem: impl FnMut(&mut Unstructured<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let n = self.len(min)?;
        (0..n).map(|_| elem(&mut self.elements)).collect()
    }

    fn ids(&mut self) -> Result<Vec<i64>> {
        self.list(0, |u| {
            // Mostly small ids (repeats, like real lists), sometimes any i64.
            if u.ratio(3, 4)? {
                u.int_in_range(-5..=200)
            } else {
                u.arbitrary()
            }
        })
    }

    fn texts(&mut self, min: usize) -> Result<Vec<String>> {
        self.list(min, text_from)
    }

    fn sort(&mut self) -> Result<SortBy> {
        Ok(*self
            .scalars
            .choose(&[SortBy::Newest, SortBy::Score, SortBy::Title])?)
    }

    fn direction(&mut self) -> Result<Direction> {
        Ok(*self.scalars.choose(&[Direction::Asc, Direction::Desc])?)
    }

    /// A raw `sea_query::Value` of one of many types, null or not.
    fn raw_value(&mut self) -> Result<sea_query::Value> {
        use sea_query::Value;
        Ok(match self.scalars.int_in_range(0..=12)? {
            0 => Value::from(self.any::<i64>()?),
            1 => Value::from(self.any::<i32>()?),
            2 => Value::from(self.text()?),
            3 => Value::from(self.any::<bool>()?),
            4 => Value::from(self.float()?),
            5 => Value::from(self.any::<u64>()?),
            6 => Value::from(self.any::<char>()?),
            7 => Value::from(self.any::<Vec<u8>>()?),
            8 => Value::Int(None),
            9 => Value::String(None),
            10 => Value::Bool(None),
            11 => Value::from(self.any::<f32>()?),
            _ => Value::from(self.any::<i16>()?),
        })
    }

    fn json(&mut self) -> Result<serde_json::Value> {
        Ok(match self.scalars.int_in_range(0..=5)? {
            0 => serde_json::Value::Null,
            1 => serde_json::json!({ "n": self.any::<i64>()? }),
            2 => serde_json::Value::String(self.text()?),
            3 => serde_json::json!([self.any::<bool>()?, self.float()?, self.text()?]),
            4 => serde_json::json!({ "nested": { "s": self.text()?, "n": self.any::<u32>()? } }),
            _ => serde_json::Value::Bool(self.any()?),
        })
    }

    fn typed(&mut self) -> Result<Typed> {
        let id = uuid::Uuid::from_u128(self.any()?);
        let day = chrono::NaiveDate::from_num_days_from_ce_opt(self.any()?).unwrap_or_default();
        let at = self.opt(|a| {
            Ok(chrono::DateTime::from_timestamp(
                a.any()?,
                a.scalars.int_in_range(0..=999_999_999)?,
            ))
        })?;
        let since = time::OffsetDateTime::from_unix_timestamp(self.any()?)
            .map(|t| time::PrimitiveDateTime::new(t.date(), t.time()))
            .unwrap_or(time::PrimitiveDateTime::MIN);
        let price = rust_decimal::Decimal::try_new(self.any()?, self.scalars.int_in_range(0..=28)?)
            .unwrap_or_default();
        Ok(Typed {
            id,
            day,
            at: at.flatten(),
            since,
            price,
            meta: self.json()?,
            name: self.text()?,
            raw: self.raw_value()?,
            owners: self.list(0, |u| Ok(uuid::Uuid::from_u128(u.arbitrary()?)))?,
        })
    }

    /// A call of function number `function` (modulo [`FUNCTIONS`]).
    pub fn call(&mut self, function: usize) -> Result<Call> {
        Ok(match function % FUNCTIONS {
            0 => Call::Posts(
                self.any()?,
                self.opt(Self::text)?,
                self.ids()?,
                self.any()?,
                self.any()?,
            ),
            1 => Call::QualityRules(
                self.any()?,
                self.any()?,
                self.any()?,
                self.any()?,
                self.ids()?,
                self.any()?,
                self.any()?,
                self.any()?,
                self.any()?,
                self.any()?,
            ),
            2 => Call::SearchPosts(
                self.opt(Self::text)?,
                self.ids()?,
                self.float()?,
                self.sort()?,
                self.direction()?,
                self.any()?,
                self.any()?,
            ),
            3 => Call::PostsWithAuthors(self.text()?, self.ids()?, self.any()?, self.any()?),
            4 => Call::PostsByCountry(self.texts(0)?, self.opt(Self::text)?),
            5 => Call::RecentAuthors(self.any()?, self.texts(0)?, self.any()?),
            // A multi-row insert needs a row: sea-query cannot render one without.
            6 => Call::InsertTags(self.any()?, self.texts(1)?),
            7 => Call::InsertPost(
                self.any()?,
                self.text()?,
                self.any()?,
                self.opt(Self::text)?,
                self.float()?,
            ),
            8 => Call::UpdateStatus(
                self.ids()?,
                self.text()?,
                self.any()?,
                self.opt(Self::float)?,
            ),
            9 => Call::DeletePosts(self.ids()?, self.any()?, self.any()?),
            10 => Call::PostsInRanges(
                self.any()?,
                self.ids()?,
                self.opt(Self::ids)?,
                self.opt(|a| a.opt(Self::text))?,
            ),
            11 => Call::RelatedPosts(self.ids()?, self.ids()?),
            12 => Call::PostsBetween(self.any()?, self.any()?, self.ids()?, self.texts(0)?),
            13 => Call::WithConstants(self.any()?, self.ids()?),
            14 => Call::PatchPost(
                self.any()?,
                self.opt(Self::text)?,
                self.opt(Self::text)?,
                self.opt(Self::float)?,
            ),
            15 => Call::OddTypes(
                self.any()?,
                self.list(0, |u| u.arbitrary())?,
                self.any()?,
                self.any()?,
                self.any()?,
            ),
            16 => Call::PostById(self.any()?, self.any()?),
            _ => Call::TypedValues(Box::new(self.typed()?)),
        })
    }
}

/// The number of functions [`Args::call`] chooses from: all of
/// [`cached_query_tests::calls::FUNCTIONS`].
pub const FUNCTIONS: usize = cached_query_tests::calls::FUNCTIONS.len();

/// One operation: a function, its two byte strings, and the shifts to run it with.
#[derive(Debug)]
pub struct Op<'a> {
    /// The function's number.
    pub function: usize,
    /// The scalar string.
    pub scalars: &'a [u8],
    /// The element string.
    pub elements: &'a [u8],
    /// List-length shifts, the first always 0.
    pub shifts: Vec<usize>,
}

fn chunk<'a>(u: &mut Unstructured<'a>) -> Result<&'a [u8]> {
    let n = u.int_in_range(0..=MAX_CHUNK)?.min(u.len());
    u.bytes(n)
}

impl<'a> Op<'a> {
    /// Reads one operation.
    pub fn read(u: &mut Unstructured<'a>) -> Result<Op<'a>> {
        let function = u.int_in_range(0..=FUNCTIONS - 1)?;
        let mut shifts = vec![0];
        for _ in 0..u.int_in_range(0..=3)? {
            shifts.push(u.int_in_range(1..=MAX_LEN)?);
        }
        Ok(Op {
            function,
            scalars: chunk(u)?,
            elements: chunk(u)?,
            shifts,
        })
    }

    /// The call this operation makes with `shift`.
    pub fn call(&self, shift: usize) -> Result<Call> {
        Args::new(self.scalars, self.elements, shift).call(self.function)
    }
}

/// Runs one fuzzer input: every call of every operation through the oracle (`build` and
/// `build_shared` against `statement().build(B)` for PostgreSQL, MySQL and SQLite).
///
/// # Panics
///
/// On a mismatch (the call and both outputs are in the message), and when a shape of
/// these functions, all of which the cache must be able to hold, turned out uncacheable.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let Ok(op) = Op::read(&mut u) else { break };
        for &shift in &op.shifts {
            let Ok(call) = op.call(shift) else { continue };
            if let Err(mismatch) = call.check() {
                panic!("cached build differs from sea-query's for {call:?}\n{mismatch}");
            }
        }
    }
    let stats = cached_query::stats();
    assert_eq!(
        stats.uncacheable_keys(),
        0,
        "a shape of a cacheable function was found uncacheable: {:?}",
        cached_query::statistics::uncacheable()
    );
}
