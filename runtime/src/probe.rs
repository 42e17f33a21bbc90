//! Sentinel and check values for probing a query function's body.
//!
//! On the first call of a shape the cache runs the body again with probe arguments, in
//! several independent rounds. The *learning* round gives every bound value and list element
//! a *sentinel*: values distinct per argument and per element, with every non-empty list at
//! two elements (in descending order). Finding each sentinel in the rendered statement tells
//! which placeholder each argument feeds. The *check* rounds ([`CHECK_ROUNDS`] of them) then
//! give every bound value a value from a class (negative, zero, small; for text: leading `@`
//! or `#`, trailing punctuation and spaces, mixed case, quotes, non-ASCII, the empty string),
//! a different class for each argument of a round and for each round of an argument, and
//! lists at three elements, unsorted and with a duplicate (`[b, b, a]`), then at one: with
//! the learning round, every non-empty list is probed at one, two and three elements. The learned template is kept
//! only if it reproduces every check round exactly; anything else (a value the body
//! transforms, a value written into the SQL text, a branch on a bound value) makes the shape
//! uncacheable.

use std::borrow::Cow;

use crate::value_ref::ValueRef;

/// The number of check rounds after the learning round. Each costs one more run and render
/// of the body on the first call of a shape.
pub const CHECK_ROUNDS: u32 = 2;

/// The length every non-empty list gets in check round `round` (1-based): 3, then 1 (the
/// learning round has 2). Fixed-size arrays keep their length.
pub(crate) fn check_list_len(round: u32) -> usize {
    match round {
        1 => 3,
        _ => 1,
    }
}

/// A type whose values can stand in for a bound argument while the cache probes a body.
///
/// `#[cached_query]` needs this for every argument whose value is bound (not in the cache
/// key), and for the elements of list arguments. It is implemented for the integer and float
/// types, `char`, `String`, `&str`, `Cow<str>`, `Vec<u8>`, `&[u8]`, [`sea_query::Value`] and
/// `Option<T>`.
///
/// A sentinel must convert into a [`sea_query::Value`] that no other seed produces and that
/// differs from any constant a query would contain; two seeds that collide make the shape
/// uncacheable (never wrong). The check rounds use [`class`](Self::class): ordinary and
/// extreme values that a body might transform or branch on. Implement it for your own value
/// types, usually by wrapping an existing implementation:
///
/// ```
/// use cached_query::Probe;
/// use sea_query::Value;
///
/// #[derive(Clone, Copy)]
/// pub struct UserId(pub i64);
///
/// impl From<UserId> for Value {
///     fn from(id: UserId) -> Value { Value::from(id.0) }
/// }
///
/// impl<'a> Probe<'a> for UserId {
///     type Owned = UserId;
///     fn sentinel(seed: u64) -> UserId { UserId(<i64 as Probe>::sentinel(seed)) }
///     fn class(round: u32, seed: u64) -> UserId { UserId(<i64 as Probe>::class(round, seed)) }
///     fn view(owned: &'a UserId) -> UserId { *owned }
/// }
///
/// assert_ne!(UserId::sentinel(1).0, UserId::sentinel(2).0);
/// assert_ne!(UserId::class(1, 0).0, UserId::class(2, 0).0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be probed by `#[cached_query]`",
    label = "the cache needs sentinel values of this type to learn where the argument is bound",
    note = "implement `cached_query::Probe` for `{Self}`, or mark the argument `#[shape]` to make its value part of the cache key"
)]
pub trait Probe<'a>: Sized {
    /// What a sentinel is stored as while a probe runs (`String` for `&str`).
    type Owned: 'a;

    /// The sentinel for `seed`; distinct seeds must give distinct values.
    fn sentinel(seed: u64) -> Self::Owned;

    /// An ordinary or extreme value (0, -1, `MAX`, `""`, ...). Need not be distinct; defaults
    /// to [`sentinel`](Self::sentinel). Used by the default [`class`](Self::class).
    fn edge(seed: u64) -> Self::Owned {
        Self::sentinel(seed)
    }

    /// The value for check round `round` (1 to [`CHECK_ROUNDS`]) at `seed`: `seed / 2` is
    /// the argument's position among the round's probed arguments, and `seed % 2` which of
    /// the two values a list is made of (a list of three is `[v0, v0, v1]`, of two `[v0, v1]`,
    /// of one `[v0]`; ideally `v0 > v1`, so the list is unsorted).
    ///
    /// Values need not be distinct, but should come from a different class of values for
    /// each round of one argument and for neighbouring arguments of one round (negative,
    /// zero, small; empty, punctuated, mixed-case text), and the two values of a list
    /// should differ. The default alternates [`edge`](Self::edge) values and sentinels.
    fn class(round: u32, seed: u64) -> Self::Owned {
        let round = u64::from(round);
        // Edge values, and a sentinel in one of the rounds for two arguments in three; edge
        // indices differ by one between rounds and between a list's two values.
        match (round + seed / 2) % 3 {
            0 => Self::sentinel((1 << 45) + (round << 24) + seed),
            _ => Self::edge(seed + round),
        }
    }

    /// The argument value seen by the body.
    fn view(owned: &'a Self::Owned) -> Self;

    /// The value a hit binds for this argument: `Value::from(self.clone())`, which the
    /// impls for text and bytes borrow instead of copying.
    #[inline(always)]
    fn value_ref(&self) -> ValueRef<'_>
    where
        Self: Clone + Into<sea_query::Value>,
    {
        ValueRef::from_value(self.clone().into())
    }
}

/// Picks a check value from `groups`, one group of `(v0, v1)` pairs (`v0 > v1`) per check
/// round: the argument's group turns with the round, so every argument sees each group once
/// over the check rounds and neighbouring arguments see different groups in each round; the
/// pair within a group varies with the argument.
fn pick<T: Clone, const N: usize>(
    groups: &[[(T, T); N]; CHECK_ROUNDS as usize],
    round: u32,
    seed: u64,
) -> T {
    let arg = seed / 2;
    let group = &groups[((u64::from(round) + arg) % u64::from(CHECK_ROUNDS)) as usize];
    let (v0, v1) = &group[((arg / u64::from(CHECK_ROUNDS)) % N as u64) as usize];
    if seed.is_multiple_of(2) {
        v0.clone()
    } else {
        v1.clone()
    }
}

macro_rules! probe_owned {
    ($($ty:ty => |$seed:ident| $make:expr, edges $edges:expr, classes $classes:expr
        $(, borrowed $variant:ident)?;)*) => {$(
        impl<'a> Probe<'a> for $ty {
            type Owned = $ty;
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            fn sentinel($seed: u64) -> $ty {
                $make
            }
            fn edge(seed: u64) -> $ty {
                let edges = $edges;
                edges[(seed % edges.len() as u64) as usize].clone()
            }
            fn class(round: u32, seed: u64) -> $ty {
                pick(&$classes, round, seed)
            }
            fn view(owned: &'a $ty) -> $ty {
                owned.clone()
            }
            $(
                #[inline(always)]
                fn value_ref(&self) -> ValueRef<'_> {
                    ValueRef::$variant(self)
                }
            )?
        }
    )*};
}

// Sentinels are large, odd-looking numbers: far from the constants queries contain (0, 1,
// 10, 100, ...). Narrow types wrap around; a collision is detected and reported.
// Check classes, in two groups (one per check round; the large values are the learning
// round's sentinels): negative (for an unsigned type: extreme and middling), then zero and
// small. Each pair is `(v0, v1)` with `v0 > v1`.
/// `usize` and `isize` (bound as `u64` and `i64`, see `class::Wide`): the sentinels and
/// check values of `u32` and `i32`, which every target's `usize` holds.
macro_rules! probe_wide {
    ($($ty:ty => $via:ty;)*) => {$(
        impl<'a> Probe<'a> for $ty {
            type Owned = $ty;
            fn sentinel(seed: u64) -> $ty {
                <$ty>::try_from(<$via as Probe>::sentinel(seed)).unwrap_or(<$ty>::MAX)
            }
            fn edge(seed: u64) -> $ty {
                <$ty>::try_from(<$via as Probe>::edge(seed)).unwrap_or(<$ty>::MAX)
            }
            fn class(round: u32, seed: u64) -> $ty {
                <$ty>::try_from(<$via as Probe>::class(round, seed)).unwrap_or(<$ty>::MAX)
            }
            fn view(owned: &'a $ty) -> $ty {
                *owned
            }
        }
    )*};
}

probe_wide! {
    usize => u32;
    isize => i32;
}

probe_owned! {
    i8 => |seed| 37 + (seed % 90) as i8, edges [0, 1, -1, 2, i8::MAX, i8::MIN, 10, -10],
        classes [[(-1, i8::MIN), (-100, -101)], [(0, -3), (7, 1)]];
    i16 => |seed| 20_011 + (seed % 12_000) as i16, edges [0, 1, -1, 2, i16::MAX, i16::MIN, 100, -100],
        classes [[(-1, i16::MIN), (-100, -101)], [(0, -3), (7, 1)]];
    i32 => |seed| 1_734_000_011 + (seed % 400_000_000) as i32,
        edges [0, 1, -1, 2, i32::MAX, i32::MIN, 100, -100, 1000],
        classes [[(-1, i32::MIN), (-100, -101)], [(0, -3), (7, 1)]];
    i64 => |seed| 7_340_000_000_011 + (seed % (1 << 40)) as i64,
        edges [0, 1, -1, 2, i64::MAX, i64::MIN, 100, -100, 1000],
        classes [[(-1, i64::MIN), (-100, -101)], [(0, -3), (7, 1)]];
    u8 => |seed| 131 + (seed % 120) as u8, edges [0, 1, 2, u8::MAX, 10],
        classes [[(u8::MAX, 100), (99, 2)], [(7, 0), (1, 0)]];
    u16 => |seed| 40_011 + (seed % 25_000) as u16, edges [0, 1, 2, u16::MAX, 100],
        classes [[(u16::MAX, 100), (99, 2)], [(7, 0), (1, 0)]];
    u32 => |seed| 3_400_000_011 + (seed % 800_000_000) as u32, edges [0, 1, 2, u32::MAX, 100, 1000],
        classes [[(u32::MAX, 100), (99, 2)], [(7, 0), (1, 0)]];
    u64 => |seed| 9_007_199_254_740_993 + seed % (1 << 50), edges [0, 1, 2, u64::MAX, 100, 1000],
        classes [[(u64::MAX, 100), (99, 2)], [(7, 0), (1, 0)]];
    f32 => |seed| 1_000_000.25 + (seed % 1_000_000) as f32,
        edges [0.0, 1.0, -1.0, 0.5, f32::MAX, f32::MIN, 100.0],
        classes [[(-1.0, f32::MIN), (-100.25, -1.0e9)], [(0.0, -0.5), (0.5, 0.0)]];
    f64 => |seed| 987_654_321.125 + (seed % (1 << 40)) as f64,
        edges [0.0, 1.0, -1.0, 0.5, f64::MAX, f64::MIN, 100.0],
        classes [[(-1.0, f64::MIN), (-100.25, -1.0e15)], [(0.0, -0.5), (0.5, 0.0)]];
    // ASCII only: sea-query 1.0 writes an inlined `char` as one byte.
    char => |seed| char::from(b'!' + (seed % 94) as u8),
        edges ['a', '0', ' ', '\''],
        classes [[('@', ' '), ('#', '"')], [('a', 'Z'), ('0', '\'')]];
    // Text: a leading `@` or `#`, trailing punctuation and spaces, mixed case; then the
    // empty string, leading spaces, quotes, non-ASCII.
    String => |seed| format!("cq-probe-{seed}"),
        edges [String::new(), "a".to_owned(), "0".to_owned(), "O'Brien".to_owned(), "ünï".to_owned()],
        classes [
            [
                ("@Bob.Smith, ".to_owned(), "#MiXed-Case! ".to_owned()),
                ("#Tag-Ünï ".to_owned(), "\"quoted\", ".to_owned()),
            ],
            [
                (String::new(), " Zürich-Ω 'q' ".to_owned()),
                ("  O'Brien \"Ω\" MiXed  ".to_owned(), String::new()),
            ],
        ], borrowed Str;
    Vec<u8> => |seed| format!("cq-probe-{seed}").into_bytes(),
        edges [Vec::new(), vec![0u8], b"a".to_vec()],
        classes [
            [(b"@bob ".to_vec(), b"#X".to_vec()), (vec![0xff, 0], vec![0x80])],
            [(b"a".to_vec(), Vec::new()), (vec![0], Vec::new())],
        ], borrowed Bytes;
}

impl<'a> Probe<'a> for &'a str {
    type Owned = String;
    fn sentinel(seed: u64) -> String {
        String::sentinel(seed)
    }
    fn edge(seed: u64) -> String {
        String::edge(seed)
    }
    fn class(round: u32, seed: u64) -> String {
        String::class(round, seed)
    }
    fn view(owned: &'a String) -> &'a str {
        owned
    }
    #[inline(always)]
    fn value_ref(&self) -> ValueRef<'_> {
        ValueRef::Str(self)
    }
}

impl<'a> Probe<'a> for &'a [u8] {
    type Owned = Vec<u8>;
    fn sentinel(seed: u64) -> Vec<u8> {
        Vec::<u8>::sentinel(seed)
    }
    fn edge(seed: u64) -> Vec<u8> {
        Vec::<u8>::edge(seed)
    }
    fn class(round: u32, seed: u64) -> Vec<u8> {
        Vec::<u8>::class(round, seed)
    }
    fn view(owned: &'a Vec<u8>) -> &'a [u8] {
        owned
    }
    #[inline(always)]
    fn value_ref(&self) -> ValueRef<'_> {
        ValueRef::Bytes(self)
    }
}

impl<'a> Probe<'a> for Cow<'a, str> {
    type Owned = String;
    fn sentinel(seed: u64) -> String {
        String::sentinel(seed)
    }
    fn edge(seed: u64) -> String {
        String::edge(seed)
    }
    fn class(round: u32, seed: u64) -> String {
        String::class(round, seed)
    }
    fn view(owned: &'a String) -> Cow<'a, str> {
        Cow::Borrowed(owned)
    }
    #[inline(always)]
    fn value_ref(&self) -> ValueRef<'_> {
        ValueRef::Str(self)
    }
}

impl<'a, T: Probe<'a, Owned = T> + 'a> Probe<'a> for &'a T {
    type Owned = T;
    fn sentinel(seed: u64) -> T {
        T::sentinel(seed)
    }
    fn edge(seed: u64) -> T {
        T::edge(seed)
    }
    fn class(round: u32, seed: u64) -> T {
        T::class(round, seed)
    }
    fn view(owned: &'a T) -> &'a T {
        owned
    }
}

/// A raw [`Value`](sea_query::Value) argument is probed as a big integer. A variant that
/// PostgreSQL renders differently (`Value::Enum`, bound with a cast) is never filled into a
/// Postgres template: such a call takes the uncached path, never a wrong one.
impl<'a> Probe<'a> for sea_query::Value {
    type Owned = sea_query::Value;
    fn sentinel(seed: u64) -> sea_query::Value {
        i64::sentinel(seed).into()
    }
    fn edge(seed: u64) -> sea_query::Value {
        i64::edge(seed).into()
    }
    fn class(round: u32, seed: u64) -> sea_query::Value {
        i64::class(round, seed).into()
    }
    fn view(owned: &'a sea_query::Value) -> sea_query::Value {
        owned.clone()
    }
}

impl<'a, T: Probe<'a>> Probe<'a> for Option<T> {
    type Owned = T::Owned;
    fn sentinel(seed: u64) -> T::Owned {
        T::sentinel(seed)
    }
    fn edge(seed: u64) -> T::Owned {
        T::edge(seed)
    }
    fn class(round: u32, seed: u64) -> T::Owned {
        T::class(round, seed)
    }
    fn view(owned: &'a T::Owned) -> Option<T> {
        Some(T::view(owned))
    }
}

#[cfg(any(
    feature = "with-chrono",
    feature = "with-json",
    feature = "with-rust_decimal",
    feature = "with-time",
    feature = "with-uuid"
))]
mod external;

/// Hands out probe values and list lengths while one probe round runs.
#[derive(Debug, Clone)]
pub struct Prober {
    next_seed: u64,
    list_len: usize,
    /// 0 while sentinels are handed out; the check round (1 to [`CHECK_ROUNDS`]) otherwise.
    check: u32,
    /// The probed arguments handed out so far in this check round.
    arg: u64,
}

impl Prober {
    pub(crate) fn new() -> Self {
        Prober {
            next_seed: 1,
            list_len: 2,
            check: 0,
            arg: 0,
        }
    }

    /// The prober that makes the arguments of enumerated shapes (warm-up, inventory): its
    /// seeds start far from a probe's, so the probes' values differ from the call's.
    pub(crate) fn enumerating() -> Self {
        Prober {
            next_seed: 500,
            ..Prober::new()
        }
    }

    /// Starts check round `round` (1 to [`CHECK_ROUNDS`]): every non-empty list gets
    /// [`check_list_len`] elements, and values come from [`Probe::class`].
    pub(crate) fn check_round(&mut self, round: u32) {
        self.check = round;
        self.list_len = check_list_len(round);
        self.arg = 0;
    }

    /// A fresh sentinel of type `T` (in a check round, the next argument's check value).
    pub fn sentinel<'a, T: Probe<'a>>(&mut self) -> T::Owned {
        if self.check > 0 {
            let arg = self.next_arg();
            return T::class(self.check, arg * 2);
        }
        let seed = self.next_seed;
        self.next_seed += 1;
        T::sentinel(seed)
    }

    /// Values for a list whose real length is `real_len`: none if the list is empty (its
    /// emptiness is part of the key), otherwise this round's length.
    pub fn sentinels<'a, T: Probe<'a>>(&mut self, real_len: usize) -> Vec<T::Owned> {
        let len = if real_len == 0 { 0 } else { self.list_len };
        self.list::<T>(len)
    }

    /// Values for a fixed-size array argument: exactly `len` of them, every round.
    pub fn fixed<'a, T: Probe<'a>>(&mut self, len: usize) -> Vec<T::Owned> {
        self.list::<T>(len)
    }

    /// `len` distinct sentinels, in descending order of seed (so a body that sorts the list
    /// changes it); in a check round `[v0, .., v0, v1]` (one argument's two class values:
    /// duplicates, and unsorted where `v0 > v1`).
    fn list<'a, T: Probe<'a>>(&mut self, len: usize) -> Vec<T::Owned> {
        if self.check == 0 {
            let mut list: Vec<T::Owned> = (0..len).map(|_| self.sentinel::<T>()).collect();
            list.reverse();
            return list;
        }
        let arg = self.next_arg();
        (0..len)
            .map(|j| T::class(self.check, arg * 2 + u64::from(j > 0 && j + 1 == len)))
            .collect()
    }

    fn next_arg(&mut self) -> u64 {
        let arg = self.arg;
        self.arg += 1;
        arg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::Value;
    use std::collections::HashSet;

    fn distinct<T>(n: u64) -> usize
    where
        T: for<'a> Probe<'a, Owned = T> + Into<Value>,
    {
        (1..=n)
            .map(|seed| T::sentinel(seed).into())
            .collect::<HashSet<Value>>()
            .len()
    }

    #[test]
    fn sentinels_are_distinct() {
        assert_eq!(distinct::<i64>(10_000), 10_000);
        assert_eq!(distinct::<i32>(10_000), 10_000);
        assert_eq!(distinct::<u64>(10_000), 10_000);
        assert_eq!(distinct::<u32>(10_000), 10_000);
        assert_eq!(distinct::<i16>(10_000), 10_000);
        assert_eq!(distinct::<f64>(10_000), 10_000);
        assert_eq!(distinct::<f32>(10_000), 10_000);
        assert_eq!(distinct::<String>(10_000), 10_000);
        assert_eq!(distinct::<char>(94), 94);
        assert_eq!(distinct::<u8>(120), 120);
        assert_eq!(distinct::<i8>(90), 90);
    }

    #[test]
    fn prober_rounds() {
        let mut p = Prober::new();
        let a: Vec<String> = p.sentinels::<&str>(5);
        assert_eq!(a.len(), 2);
        assert!(p.sentinels::<i64>(0).is_empty());
        let s: String = p.sentinel::<&str>();
        assert!(!a.contains(&s));
        assert_eq!(<&str as Probe>::view(&s), s.as_str());
        let lens: Vec<usize> = (1..=CHECK_ROUNDS)
            .map(|round| {
                p.check_round(round);
                p.sentinels::<i64>(1).len()
            })
            .collect();
        assert_eq!(lens, [3, 1]);
        p.check_round(1);
        assert_eq!(p.fixed::<i64>(4).len(), 4);
    }

    /// Check rounds: every argument gets a different value in each round, neighbouring
    /// arguments differ within a round, and a list of three is `[v0, v0, v1]`, `v0 > v1`.
    fn check_values<T>()
    where
        T: for<'a> Probe<'a, Owned = T> + Into<Value> + Clone + PartialOrd + std::fmt::Debug,
    {
        for arg in 0..12u64 {
            let rounds: Vec<Value> = (1..=CHECK_ROUNDS)
                .map(|r| T::class(r, arg * 2).into())
                .collect();
            let distinct: HashSet<&Value> = rounds.iter().collect();
            assert_eq!(distinct.len(), rounds.len(), "{rounds:?}");
            for r in 1..=CHECK_ROUNDS {
                let next: Value = T::class(r, arg * 2 + 2).into();
                assert_ne!(rounds[r as usize - 1], next, "round {r}, argument {arg}");
            }
        }
        let mut p = Prober::new();
        for r in 1..=CHECK_ROUNDS {
            p.check_round(r);
            let list = p.fixed::<T>(3);
            assert!(list[0] == list[1] && list[0] > list[2], "{list:?}");
        }
    }

    #[test]
    fn check_rounds_vary() {
        check_values::<i8>();
        check_values::<i16>();
        check_values::<i32>();
        check_values::<i64>();
        check_values::<u8>();
        check_values::<u16>();
        check_values::<u32>();
        check_values::<u64>();
        check_values::<f32>();
        check_values::<f64>();
        check_values::<char>();
        check_values::<Vec<u8>>();
        // Text: every argument sees a leading `@` and the empty string or a leading space.
        for arg in 0..6u64 {
            let all: Vec<String> = (1..=CHECK_ROUNDS)
                .map(|r| String::class(r, arg * 2))
                .collect();
            assert!(all.iter().any(|s| s.starts_with(['@', '#'])), "{all:?}");
        }
    }
}
