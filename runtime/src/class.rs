//! How one argument takes part in a call, as types: one marker per argument class, composed
//! by the type system (`Opt<Slice<Own<i64>>>` is "an optional slice of bound `i64`s").
//!
//! The macro reads each argument's type once and names its class; everything the cache does
//! with the argument follows from the class: the argument's type at every lifetime
//! ([`Class::At`]), its part of the key (a flag's value, whether an `Option` is `Some`,
//! whether a list is empty, a `#[shape]` value), where its bound values are read on a hit,
//! how the probe makes an argument of the same shape from sentinel values, and how warm-up
//! enumerates its shapes. A function's arguments are a tuple, and so is its class
//! ([`tuple`]).
//!
//! | argument | class | key | bound |
//! | --- | --- | --- | --- |
//! | `bool` | [`Flag`] | its value | nothing |
//! | `#[shape] T` | [`Shape<T>`] | its value | nothing |
//! | `#[shape] Order` (and sea-query's other enums that are not `Hash`) | [`SeaShape<T>`] | its value | nothing |
//! | an enum the body only matches on its variant | [`ByVariant<T>`] | its variant | nothing |
//! | `Option<T>` | [`Opt<C>`] | `Some` or `None`, then `C`'s | `C`'s |
//! | `&T` (`T` without lifetimes, not a list) | [`Ref<C, T>`] | `C`'s | `C`'s |
//! | `&[T]`, `Vec<T>`, `&Vec<T>`, `[T; N]`, `&[T; N]` | [`list`] classes | empty or not | each element |
//! | a struct deriving `Args` | the struct ([`record`]) | its fields' | its fields' |
//! | any other `T` | [`Bound<L>`] | nothing | its value |
//!
//! A bound value's type is a [`Leaf`]: [`Own<T>`] for a type without lifetimes, [`Str`],
//! [`Bytes`] and [`CowStr`] for borrowed text and bytes.

pub(crate) mod auto;
pub(crate) mod intern;
pub(crate) mod list;
pub(crate) mod part;
pub(crate) mod record;
mod sea;
mod tuple;
mod variant;
pub use sea::SeaShape;
pub use tuple::Tup;
pub use variant::{ByEq, ByVariant, EqKey, VariantArg, VariantKey};

use std::any::Any;
use std::borrow::Cow;
use std::hash::Hash;
use std::marker::PhantomData;

use crate::checks::ShapeArg;
use crate::probe::{Probe, Prober};
use crate::shape_values::NotEnumerable;
use crate::value_ref::ValueRef;

pub use list::{Array, RefArray, RefVec, Slice, VecOf};

/// One argument's class.
///
/// The probe makes an argument in two steps: [`store`](Self::store) makes the sentinels
/// for a key, owned and `'static` (text and bytes are interned, so that a list of `&str`
/// is a `Vec<&'static str>`), and [`view`](Self::view) borrows the argument from them.
pub trait Class: 'static {
    /// The argument's type, borrowing for `'a`.
    type At<'a>;
    /// Its `#[shape]` values, the part of the key the bits cannot hold (`()` for most).
    type Shape: Hash + Eq + Clone + Default + Send + Sync + 'static;
    /// The probe's sentinels.
    type Store: 'static;

    /// Key bits the class uses (flags, presences, emptiness), the lowest first.
    const BITS: u32;
    /// Bound values it holds, read by index with [`value`](Self::value).
    const SOURCES: u16;
    /// Lists it holds, read by index with [`len`](Self::len) and [`elem`](Self::elem).
    const LISTS: u16;
    /// Arguments it stands for: 1, or a tuple's.
    const ARGS: usize = 1;

    /// The key bits (the lowest [`BITS`](Self::BITS)) and `#[shape]` values of `v`.
    fn key(v: &Self::At<'_>) -> (u64, Self::Shape);
    /// Bound value `source` of `v`: `None` where absent (an `Option` that is `None`).
    fn value<'r>(v: &'r Self::At<'_>, source: u16) -> Option<ValueRef<'r>>;
    /// The length of list `list` of `v` (0 where absent).
    fn len(v: &Self::At<'_>, list: u16) -> usize;
    /// Element `index` of list `list` of `v`.
    fn elem<'r>(v: &'r Self::At<'_>, list: u16, index: usize) -> Option<ValueRef<'r>>;

    /// Owned sentinels for an argument of key `bits` and `shape`, from `prober`.
    fn store(bits: u64, shape: &Self::Shape, prober: &mut Prober) -> Self::Store;
    /// The probe argument.
    fn view(store: &Self::Store) -> Self::At<'_>;

    /// Describes the class of the arguments named `names` (one, or a tuple's): their
    /// sources, lists and key bits, in order. `within` names the `Option` layers around it.
    fn describe(names: &[&'static str], within: &str, out: &mut Described);

    /// Every shape of the class: its key bits, `#[shape]` values and their labels.
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<Self::Shape>>, NotEnumerable>;
}

/// The type of a bound value at every lifetime, and how its sentinels are kept.
pub trait Leaf: 'static {
    /// The value's type, borrowing for `'a`.
    type At<'a>: Clone;
    /// A sentinel, kept for as long as the probe needs it: the value itself, or for
    /// borrowed text and bytes the value borrowing an interned sentinel.
    type Stored: 'static;

    /// The value a hit binds for `v`.
    fn value<'r>(v: &'r Self::At<'_>) -> ValueRef<'r>;
    /// A sentinel from `prober`.
    fn sentinel(prober: &mut Prober) -> Self::Stored;
    /// Sentinels for a list from `prober`: none if `non_empty` is false.
    fn sentinels(prober: &mut Prober, non_empty: bool) -> Vec<Self::Stored>;
    /// `n` sentinels for a list of fixed length `n` (an array) from `prober`.
    fn fixed(prober: &mut Prober, n: usize) -> Vec<Self::Stored>;
    /// The value a sentinel stands for.
    fn view(stored: &Self::Stored) -> Self::At<'_>;
    /// A list of sentinels as the list of values they stand for.
    fn slice(stored: &[Self::Stored]) -> &[Self::At<'_>];
    /// [`slice`](Self::slice) for a `&Vec`: an argument of type `&Vec<T>` is made from it.
    #[allow(clippy::ptr_arg)]
    fn vec(stored: &Vec<Self::Stored>) -> &Vec<Self::At<'_>>;
    /// [`slice`](Self::slice) for a `&[T; N]`.
    fn array<const N: usize>(stored: &[Self::Stored; N]) -> &[Self::At<'_>; N];
}

/// A bound value of a type without lifetimes (`i64`, `String`, a type of yours).
#[derive(Debug)]
pub struct Own<T>(PhantomData<T>);

/// A bound `&str`.
#[derive(Debug)]
pub enum Str {}

/// A bound `&[u8]`.
#[derive(Debug)]
pub enum Bytes {}

/// A bound `Cow<str>`.
#[derive(Debug)]
pub enum CowStr {}

/// A bound `usize` or `isize`, which sea-query has no `Value` of: bound as a `u64` or an
/// `i64`. A body converts it before sea-query sees it (`limit as u64`), so its own value is
/// rarely bound; the probe still gives it sentinels.
#[derive(Debug)]
pub struct Wide<T>(PhantomData<T>);

/// The [`Leaf`] impl for a leaf type: `$at` its type at `'a`, `$stored` a kept sentinel,
/// `$keep` how a probe value (`<$at as Probe>::Owned`) becomes one.
macro_rules! leaf {
    (
        [$($generics:tt)*] $leaf:ty => for<$a:lifetime> $at:ty,
        stored $stored:ty = |$o:ident| $keep:expr,
        view |$v:ident| $view:expr $(, where $($bounds:tt)*)?
    ) => {
        leaf!([$($generics)*] $leaf => for<$a> $at, stored $stored = |$o| $keep,
            view |$v| $view, value |x| x.value_ref() $(, where $($bounds)*)?);
    };
    (
        [$($generics:tt)*] $leaf:ty => for<$a:lifetime> $at:ty,
        stored $stored:ty = |$o:ident| $keep:expr,
        view |$v:ident| $view:expr,
        value |$x:ident| $value:expr $(, where $($bounds:tt)*)?
    ) => {
        impl<$($generics)*> Leaf for $leaf $(where $($bounds)*)? {
            type At<$a> = $at;
            type Stored = $stored;

            #[cfg_attr(not(debug_assertions), inline(always))]
            fn value<'r>($x: &'r Self::At<'_>) -> ValueRef<'r> {
                $value
            }
            fn sentinel(prober: &mut Prober) -> $stored {
                let $o = prober.sentinel::<Self::At<'static>>();
                $keep
            }
            fn sentinels(prober: &mut Prober, non_empty: bool) -> Vec<$stored> {
                let list = prober.sentinels::<Self::At<'static>>(usize::from(non_empty));
                list.into_iter().map(|$o| $keep).collect()
            }
            fn fixed(prober: &mut Prober, n: usize) -> Vec<$stored> {
                prober.fixed::<Self::At<'static>>(n).into_iter().map(|$o| $keep).collect()
            }
            fn view<$a>($v: &$a $stored) -> $at {
                $view
            }
            fn slice<$a>(stored: &$a [$stored]) -> &$a [$at] {
                stored
            }
            fn vec<$a>(stored: &$a Vec<$stored>) -> &$a Vec<$at> {
                stored
            }
            fn array<$a, const N: usize>(stored: &$a [$stored; N]) -> &$a [$at; N] {
                stored
            }
        }
    };
}

leaf!(
    [T: 'static + Clone + Into<sea_query::Value> + for<'a> Probe<'a, Owned = T>] Own<T> => for<'a> T,
    stored T = |o| o,
    view |v| <T as Probe<'a>>::view(v)
);
leaf!(
    [] Str => for<'a> &'a str,
    stored &'static str = |o| intern::text(o),
    view |v| v
);
leaf!(
    [] Bytes => for<'a> &'a [u8],
    stored &'static [u8] = |o| intern::bytes(o),
    view |v| v
);
leaf!(
    [] CowStr => for<'a> Cow<'a, str>,
    stored Cow<'static, str> = |o| Cow::Borrowed(intern::text(o)),
    view |v| v.clone()
);

leaf!(
    [] Wide<usize> => for<'a> usize,
    stored usize = |o| o,
    view |v| *v,
    value |x| ValueRef::from_value(sea_query::Value::BigUnsigned(Some(*x as u64)))
);
leaf!(
    [] Wide<isize> => for<'a> isize,
    stored isize = |o| o,
    view |v| *v,
    value |x| ValueRef::from_value(sea_query::Value::BigInt(Some(*x as i64)))
);

/// A bound value: read on every hit, a sentinel in the probe.
#[derive(Debug)]
pub struct Bound<L>(PhantomData<L>);

/// A `bool` argument: its value is in the key.
#[derive(Debug)]
pub enum Flag {}

/// A `#[shape]` argument of type `T`: its value is in the key, stored as a `K`
/// (`ShapeKeyOf`).
#[derive(Debug)]
pub struct Shape<T, K = T>(PhantomData<(T, K)>);

/// An `Option` of an argument of class `C`: `Some` or `None` is in the key.
#[derive(Debug)]
pub struct Opt<C>(PhantomData<C>);

/// A reference to an argument of class `C` and type `X`, read through.
#[derive(Debug)]
pub struct Ref<C, X>(PhantomData<(C, X)>);

/// The names of a function's sources, lists and key bits, in index order.
#[derive(Debug, Default, Clone)]
#[doc(hidden)]
pub struct Described {
    /// Bound sources, named by their argument.
    pub(crate) sources: Vec<&'static str>,
    /// Lists, named by their argument.
    pub(crate) lists: Vec<&'static str>,
    /// Key bits: the argument, then what a set and a clear bit mean (`("status", "Some",
    /// "None")`).
    pub(crate) dims: Vec<(&'static str, String, String)>,
    /// `#[shape]` arguments.
    pub(crate) shapes: Vec<&'static str>,
}

impl Described {
    /// A readable form of a key's bits: `status: Some, tags: empty, published: true`.
    pub(crate) fn bits(&self, bits: u64) -> String {
        let parts: Vec<String> = self
            .dims
            .iter()
            .enumerate()
            .map(|(k, (name, set, clear))| {
                let state = if bits >> k & 1 == 1 { set } else { clear };
                format!("{name}: {state}")
            })
            .collect();
        parts.join(", ")
    }

    /// The description of a shape: its key bits, then the labels of its `#[shape]` values.
    pub(crate) fn label(&self, bits: u64, labels: &[String]) -> String {
        let mut label = self.bits(bits);
        for part in labels {
            if !label.is_empty() {
                label.push_str(", ");
            }
            label.push_str(part);
        }
        if label.is_empty() {
            label.push_str("(one shape)");
        }
        label
    }

    /// The key bits of a body's lifted decisions, after the arguments' (see
    /// `crate::derived`).
    pub(crate) fn decided(
        &mut self,
        bits: impl IntoIterator<Item = (&'static str, &'static str, &'static str)>,
    ) {
        for (name, set, clear) in bits {
            self.dim(name, "", set, clear);
        }
    }

    fn dim(&mut self, name: &'static str, within: &str, set: &str, clear: &str) {
        self.dims
            .push((name, format!("{within}{set}"), format!("{within}{clear}")));
    }
}

/// The name of a one-argument class's argument.
fn first(names: &[&'static str]) -> &'static str {
    names.first().copied().unwrap_or("?")
}

/// One shape of a class: key bits, `#[shape]` values, and their labels (`order: Desc`).
#[derive(Debug, Clone)]
pub struct Variant<S> {
    pub(crate) bits: u64,
    pub(crate) shape: S,
    pub(crate) labels: Vec<String>,
}

impl<S: Default> Variant<S> {
    /// A variant with key bits only.
    fn plain(bits: u64) -> Self {
        Variant {
            bits,
            shape: S::default(),
            labels: Vec::new(),
        }
    }
}

/// The values of each `#[shape]` argument, in argument order, as warm-up enumerates them.
///
/// The values come from the function (`values`, indexed among its own `#[shape]`
/// arguments) or, for the `#[shape]` fields of a struct argument, from the struct
/// ([`nested`](Self::nested)); the names are those of every `#[shape]` value the arguments
/// hold, fields included, in the order [`Class::describe`] lists them.
pub struct ShapeCursor<'f> {
    values: &'f dyn Fn(usize) -> Option<Box<dyn Any>>,
    names: &'f [&'static str],
    /// The next name.
    next: usize,
    /// The next index into `values`.
    next_value: usize,
}

impl std::fmt::Debug for ShapeCursor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShapeCursor")
            .field("next", &self.next)
            .field("next_value", &self.next_value)
            .finish()
    }
}

impl<'f> ShapeCursor<'f> {
    /// `values(n)`: the values of `#[shape]` argument `n` (a `Vec<(T, String)>`), if its
    /// type lists them; `names`: the names of every `#[shape]` value.
    pub(crate) fn new(
        values: &'f dyn Fn(usize) -> Option<Box<dyn Any>>,
        names: &'f [&'static str],
    ) -> Self {
        ShapeCursor {
            values,
            names,
            next: 0,
            next_value: 0,
        }
    }

    /// A cursor over the `count` `#[shape]` values of a struct argument, whose values
    /// `values` gives (indexed among the struct's own `#[shape]` fields); this cursor moves
    /// past their names.
    pub fn nested<'g>(
        &'g mut self,
        values: &'g dyn Fn(usize) -> Option<Box<dyn Any>>,
        count: usize,
    ) -> ShapeCursor<'g> {
        let start = self.next.min(self.names.len());
        let end = (start + count).min(self.names.len());
        self.next += count;
        ShapeCursor::new(values, &self.names[start..end])
    }

    /// The values of the next `#[shape]` argument, of type `T`, with their labels.
    fn next<T: 'static>(&mut self) -> Result<Vec<(T, String)>, NotEnumerable> {
        let name = self.names.get(self.next).copied().unwrap_or("?");
        let index = self.next_value;
        self.next += 1;
        self.next_value += 1;
        let values = (self.values)(index)
            .and_then(|values| values.downcast::<Vec<(T, String)>>().ok())
            .ok_or(NotEnumerable::ShapeArgument { argument: name })?;
        Ok(values
            .into_iter()
            .map(|(value, label)| (value, format!("{name}: {label}")))
            .collect())
    }
}

/// How many `#[shape]` values an argument of class `C` holds (its fields' included).
#[doc(hidden)]
pub fn shape_count<C: Class>() -> usize {
    let mut described = Described::default();
    C::describe(&["?"], "", &mut described);
    described.shapes.len()
}

impl<L: Leaf> Class for Bound<L> {
    type At<'a> = L::At<'a>;
    type Shape = ();
    type Store = L::Stored;
    const BITS: u32 = 0;
    const SOURCES: u16 = 1;
    const LISTS: u16 = 0;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(_: &L::At<'_>) -> (u64, ()) {
        (0, ())
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(v: &'r L::At<'_>, _: u16) -> Option<ValueRef<'r>> {
        Some(L::value(v))
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(_: &L::At<'_>, _: u16) -> usize {
        0
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(_: &'r L::At<'_>, _: u16, _: usize) -> Option<ValueRef<'r>> {
        None
    }
    fn store(_: u64, _: &(), prober: &mut Prober) -> L::Stored {
        L::sentinel(prober)
    }
    fn view(store: &L::Stored) -> L::At<'_> {
        L::view(store)
    }
    fn describe(names: &[&'static str], _: &str, out: &mut Described) {
        out.sources.push(first(names));
    }
    fn variants(_: &mut ShapeCursor<'_>) -> Result<Vec<Variant<()>>, NotEnumerable> {
        Ok(vec![Variant::plain(0)])
    }
}

impl Class for Flag {
    type At<'a> = bool;
    type Shape = ();
    type Store = bool;
    const BITS: u32 = 1;
    const SOURCES: u16 = 0;
    const LISTS: u16 = 0;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(v: &bool) -> (u64, ()) {
        (u64::from(*v), ())
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(_: &'r bool, _: u16) -> Option<ValueRef<'r>> {
        None
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(_: &bool, _: u16) -> usize {
        0
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(_: &'r bool, _: u16, _: usize) -> Option<ValueRef<'r>> {
        None
    }
    fn store(bits: u64, _: &(), _: &mut Prober) -> bool {
        bits & 1 == 1
    }
    fn view(store: &bool) -> bool {
        *store
    }
    fn describe(names: &[&'static str], within: &str, out: &mut Described) {
        out.dim(first(names), within, "true", "false");
    }
    fn variants(_: &mut ShapeCursor<'_>) -> Result<Vec<Variant<()>>, NotEnumerable> {
        Ok(vec![Variant::plain(0), Variant::plain(1)])
    }
}

/// The key a `#[shape]` value of type `T` is stored under: the value itself (`T` is
/// `Hash + Eq`), or for sea-query's enums a wrapper hashed by variant (`SeaKey`).
pub trait ShapeKeyOf<T>: std::hash::Hash + Eq + Clone + Send + Sync + 'static {
    /// The key of `value`.
    fn of(value: &T) -> Self;
    /// The value a key stands for.
    fn value(&self) -> T;
}

impl<T: ShapeArg> ShapeKeyOf<T> for T {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn of(value: &T) -> T {
        value.clone()
    }
    fn value(&self) -> T {
        self.clone()
    }
}

impl<T: 'static, K: ShapeKeyOf<T>> Class for Shape<T, K> {
    type At<'a> = T;
    /// `Some` always, except inside an absent `Option`.
    type Shape = Option<K>;
    type Store = Option<K>;
    const BITS: u32 = 0;
    const SOURCES: u16 = 0;
    const LISTS: u16 = 0;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(v: &T) -> (u64, Option<K>) {
        (0, Some(K::of(v)))
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(_: &'r T, _: u16) -> Option<ValueRef<'r>> {
        None
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(_: &T, _: u16) -> usize {
        0
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(_: &'r T, _: u16, _: usize) -> Option<ValueRef<'r>> {
        None
    }
    fn store(_: u64, shape: &Option<K>, _: &mut Prober) -> Option<K> {
        shape.clone()
    }
    fn view(store: &Option<K>) -> T {
        match store {
            Some(key) => key.value(),
            // The probe's key is made from a call or from `variants`, which both hold the
            // value: a key without it is a bug of this crate.
            None => unreachable!("a #[shape] key without its value"),
        }
    }
    fn describe(names: &[&'static str], _: &str, out: &mut Described) {
        out.shapes.push(first(names));
    }
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<Option<K>>>, NotEnumerable> {
        Ok(shapes
            .next::<T>()?
            .into_iter()
            .map(|(value, label)| Variant {
                bits: 0,
                shape: Some(K::of(&value)),
                labels: vec![label],
            })
            .collect())
    }
}

impl<C: Class> Class for Opt<C> {
    type At<'a> = Option<C::At<'a>>;
    type Shape = C::Shape;
    type Store = Option<C::Store>;
    const BITS: u32 = 1 + C::BITS;
    const SOURCES: u16 = C::SOURCES;
    const LISTS: u16 = C::LISTS;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(v: &Option<C::At<'_>>) -> (u64, C::Shape) {
        match v {
            Some(v) => {
                let (bits, shape) = C::key(v);
                (bits << 1 | 1, shape)
            }
            None => (0, C::Shape::default()),
        }
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(v: &'r Option<C::At<'_>>, source: u16) -> Option<ValueRef<'r>> {
        C::value(v.as_ref()?, source)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(v: &Option<C::At<'_>>, list: u16) -> usize {
        v.as_ref().map_or(0, |v| C::len(v, list))
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(v: &'r Option<C::At<'_>>, list: u16, index: usize) -> Option<ValueRef<'r>> {
        C::elem(v.as_ref()?, list, index)
    }
    fn store(bits: u64, shape: &C::Shape, prober: &mut Prober) -> Option<C::Store> {
        (bits & 1 == 1).then(|| C::store(bits >> 1, shape, prober))
    }
    fn view(store: &Option<C::Store>) -> Option<C::At<'_>> {
        store.as_ref().map(C::view)
    }
    fn describe(names: &[&'static str], within: &str, out: &mut Described) {
        out.dim(first(names), within, "Some", "None");
        C::describe(names, &format!("{within}inside Some: "), out);
    }
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<C::Shape>>, NotEnumerable> {
        let mut all = C::variants(shapes)?;
        for v in &mut all {
            v.bits = v.bits << 1 | 1;
        }
        all.insert(0, Variant::plain(0));
        Ok(all)
    }
}

/// A reference to an argument of class `C` whose type `X` has no lifetimes (`&u32`,
/// `&bool`, `&String`, `&Option<String>`, `&Filter`): its sentinels are an `X`, made from
/// `C`'s, which the probe argument borrows.
impl<X: 'static, C: for<'b> Class<At<'b> = X>> Class for Ref<C, X> {
    type At<'a> = &'a X;
    type Shape = C::Shape;
    type Store = X;
    const BITS: u32 = C::BITS;
    const SOURCES: u16 = C::SOURCES;
    const LISTS: u16 = C::LISTS;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(v: &&X) -> (u64, C::Shape) {
        C::key(*v)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(v: &'r &X, source: u16) -> Option<ValueRef<'r>> {
        C::value(*v, source)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(v: &&X, list: u16) -> usize {
        C::len(*v, list)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(v: &'r &X, list: u16, index: usize) -> Option<ValueRef<'r>> {
        C::elem(*v, list, index)
    }
    fn store(bits: u64, shape: &C::Shape, prober: &mut Prober) -> X {
        C::view(&C::store(bits, shape, prober))
    }
    fn view(store: &X) -> &X {
        store
    }
    fn describe(names: &[&'static str], within: &str, out: &mut Described) {
        C::describe(names, within, out);
    }
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<C::Shape>>, NotEnumerable> {
        C::variants(shapes)
    }
}
