//! Sentinel values for probing a query function's body.
//!
//! On the first call of a shape the cache runs the body again with *sentinel* arguments:
//! values distinct per argument, per list element and per probe round. Finding each sentinel
//! in the rendered statement tells which placeholder each argument feeds; anything else (a
//! value the body computed, a value written into the SQL text) makes the shape uncacheable.

use std::borrow::Cow;

/// A type whose values can stand in for a bound argument while the cache probes a body.
///
/// `#[cached_query]` needs this for every argument whose value is bound (not in the cache
/// key), and for the elements of list arguments. It is implemented for the integer and float
/// types, `char`, `String`, `&str`, `Cow<str>`, `Vec<u8>`, `&[u8]` and `Option<T>`.
///
/// A sentinel must convert into a [`sea_query::Value`] that no other seed produces and that
/// differs from any constant a query would contain; two seeds that collide make the shape
/// uncacheable (never wrong). Implement it for your own value types, usually by wrapping an
/// existing sentinel:
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
///     fn view(owned: &'a UserId) -> UserId { *owned }
/// }
///
/// assert_ne!(UserId::sentinel(1).0, UserId::sentinel(2).0);
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

    /// An ordinary or extreme value (0, -1, `MAX`, `""`, ...) for the verification round,
    /// which checks the learned template against values a body might branch on. Need not be
    /// distinct; defaults to [`sentinel`](Self::sentinel).
    fn edge(seed: u64) -> Self::Owned {
        Self::sentinel(seed)
    }

    /// The argument value seen by the body.
    fn view(owned: &'a Self::Owned) -> Self;
}

macro_rules! probe_owned {
    ($($ty:ty => |$seed:ident| $make:expr, edges $edges:expr;)*) => {$(
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
            fn view(owned: &'a $ty) -> $ty {
                owned.clone()
            }
        }
    )*};
}

// Sentinels are large, odd-looking numbers: far from the constants queries contain (0, 1,
// 10, 100, ...). Narrow types wrap around; a collision is detected and reported.
probe_owned! {
    i8 => |seed| 37 + (seed % 90) as i8, edges [0, 1, -1, 2, i8::MAX, i8::MIN, 10, -10];
    i16 => |seed| 20_011 + (seed % 12_000) as i16, edges [0, 1, -1, 2, i16::MAX, i16::MIN, 100, -100];
    i32 => |seed| 1_734_000_011 + (seed % 400_000_000) as i32,
        edges [0, 1, -1, 2, i32::MAX, i32::MIN, 100, -100, 1000];
    i64 => |seed| 7_340_000_000_011 + (seed % (1 << 40)) as i64,
        edges [0, 1, -1, 2, i64::MAX, i64::MIN, 100, -100, 1000];
    u8 => |seed| 131 + (seed % 120) as u8, edges [0, 1, 2, u8::MAX, 10];
    u16 => |seed| 40_011 + (seed % 25_000) as u16, edges [0, 1, 2, u16::MAX, 100];
    u32 => |seed| 3_400_000_011 + (seed % 800_000_000) as u32, edges [0, 1, 2, u32::MAX, 100, 1000];
    u64 => |seed| 9_007_199_254_740_993 + seed % (1 << 50), edges [0, 1, 2, u64::MAX, 100, 1000];
    f32 => |seed| 1_000_000.25 + (seed % 1_000_000) as f32,
        edges [0.0, 1.0, -1.0, 0.5, f32::MAX, f32::MIN, 100.0];
    f64 => |seed| 987_654_321.125 + (seed % (1 << 40)) as f64,
        edges [0.0, 1.0, -1.0, 0.5, f64::MAX, f64::MIN, 100.0];
    // ASCII only: sea-query 1.0 writes an inlined `char` as one byte.
    char => |seed| char::from(b'!' + (seed % 94) as u8),
        edges ['a', '0', ' ', '\''];
    String => |seed| format!("cq-probe-{seed}"),
        edges [String::new(), "a".to_owned(), "0".to_owned(), "O'Brien".to_owned(), "ünï".to_owned()];
    Vec<u8> => |seed| format!("cq-probe-{seed}").into_bytes(),
        edges [Vec::new(), vec![0u8], b"a".to_vec()];
}

impl<'a> Probe<'a> for &'a str {
    type Owned = String;
    fn sentinel(seed: u64) -> String {
        String::sentinel(seed)
    }
    fn edge(seed: u64) -> String {
        String::edge(seed)
    }
    fn view(owned: &'a String) -> &'a str {
        owned
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
    fn view(owned: &'a Vec<u8>) -> &'a [u8] {
        owned
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
    fn view(owned: &'a String) -> Cow<'a, str> {
        Cow::Borrowed(owned)
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
    fn view(owned: &'a T) -> &'a T {
        owned
    }
}

/// A raw [`Value`](sea_query::Value) argument is probed as a big integer; a variant that
/// renders differently (a Postgres enum) makes the shape uncacheable, never wrong.
impl<'a> Probe<'a> for sea_query::Value {
    type Owned = sea_query::Value;
    fn sentinel(seed: u64) -> sea_query::Value {
        i64::sentinel(seed).into()
    }
    fn edge(seed: u64) -> sea_query::Value {
        i64::edge(seed).into()
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

/// Hands out probe seeds and list lengths while one probe round runs.
#[derive(Debug)]
pub struct Prober {
    next_seed: u64,
    list_len: usize,
    edges: bool,
}

impl Prober {
    pub(crate) fn new() -> Self {
        Prober {
            next_seed: 1,
            list_len: 2,
            edges: false,
        }
    }

    /// The prober that makes the arguments of enumerated shapes (warm-up, inventory): its
    /// seeds start far from a probe's, so the probes' values differ from the call's.
    pub(crate) fn enumerating() -> Self {
        Prober {
            next_seed: 500,
            list_len: 2,
            edges: false,
        }
    }

    /// Starts the next round: every non-empty list gets `list_len` elements, and values are
    /// edge values instead of sentinels if `edges`. Seeds keep counting, so no sentinel
    /// repeats across rounds.
    pub(crate) fn round(&mut self, list_len: usize, edges: bool) {
        self.list_len = list_len;
        self.edges = edges;
    }

    /// A fresh sentinel of type `T`.
    pub fn sentinel<'a, T: Probe<'a>>(&mut self) -> T::Owned {
        let seed = self.next_seed;
        self.next_seed += 1;
        if self.edges {
            T::edge(seed)
        } else {
            T::sentinel(seed)
        }
    }

    /// Sentinels for a list whose real length is `real_len`: none if the list is empty (its
    /// emptiness is part of the key), otherwise this round's length.
    pub fn sentinels<'a, T: Probe<'a>>(&mut self, real_len: usize) -> Vec<T::Owned> {
        let len = if real_len == 0 { 0 } else { self.list_len };
        (0..len).map(|_| self.sentinel::<T>()).collect()
    }

    /// Sentinels for a fixed-size array argument: exactly `len` of them, every round.
    pub fn fixed<'a, T: Probe<'a>>(&mut self, len: usize) -> Vec<T::Owned> {
        (0..len).map(|_| self.sentinel::<T>()).collect()
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
        p.round(3, false);
        let b = p.sentinels::<i64>(1);
        assert_eq!(b.len(), 3);
        let s: String = p.sentinel::<&str>();
        assert!(!a.contains(&s));
        assert_eq!(<&str as Probe>::view(&s), s.as_str());
    }
}
