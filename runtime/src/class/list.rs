//! List arguments of bound elements, one class per container: [`Slice`] (`&[T]`),
//! [`VecOf`] (`Vec<T>`), [`RefVec`] (`&Vec<T>`), [`Array`] (`[T; N]`) and [`RefArray`]
//! (`&[T; N]`). Whether the list is empty is in the key; each element is bound. The probe
//! gives a non-empty list two elements in the learning round, then three and one; an array
//! keeps its length.

use std::marker::PhantomData;

use super::{Class, Described, Leaf, ShapeCursor, Variant, first};
use crate::probe::Prober;
use crate::shape_values::NotEnumerable;
use crate::value_ref::ValueRef;

/// `&[T]`, `T` of leaf `L`.
#[derive(Debug)]
pub struct Slice<L>(PhantomData<L>);

/// `Vec<T>`, `T` of leaf `L`.
#[derive(Debug)]
pub struct VecOf<L>(PhantomData<L>);

/// `&Vec<T>`, `T` of leaf `L`.
#[derive(Debug)]
pub struct RefVec<L>(PhantomData<L>);

/// `[T; N]`, `T` of leaf `L`.
#[derive(Debug)]
pub struct Array<L, const N: usize>(PhantomData<L>);

/// `&[T; N]`, `T` of leaf `L`.
#[derive(Debug)]
pub struct RefArray<L, const N: usize>(PhantomData<L>);

#[cfg_attr(not(debug_assertions), inline(always))]
fn elem<'r, L: Leaf>(list: &'r [L::At<'_>], index: usize) -> Option<ValueRef<'r>> {
    list.get(index).map(L::value)
}

fn describe(names: &[&'static str], within: &str, out: &mut Described) {
    let name = first(names);
    out.lists.push(name);
    out.dim(name, within, "non-empty", "empty");
}

/// The impl for one container: its type at `'a`, its sentinels, and how the probe
/// argument is made from them.
macro_rules! list {
    (
        [$($generics:tt)*] $class:ty => for<$a:lifetime> $at:ty,
        store $store:ty = |$bits:ident, $prober:ident| $make:expr,
        view |$s:ident| $view:expr,
        shapes $shapes:expr $(,)?
    ) => {
        impl<$($generics)*> Class for $class {
            type At<$a> = $at;
            type Shape = ();
            type Store = $store;
            const BITS: u32 = 1;
            const SOURCES: u16 = 0;
            const LISTS: u16 = 1;

            #[cfg_attr(not(debug_assertions), inline(always))]
            fn key(v: &Self::At<'_>) -> (u64, ()) {
                (u64::from(!v.is_empty()), ())
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn value<'r>(_: &'r Self::At<'_>, _: u16) -> Option<ValueRef<'r>> {
                None
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn len(v: &Self::At<'_>, _: u16) -> usize {
                v.len()
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn elem<'r>(v: &'r Self::At<'_>, _: u16, index: usize) -> Option<ValueRef<'r>> {
                elem::<L>(&v[..], index)
            }
            fn store($bits: u64, _: &(), $prober: &mut Prober) -> $store {
                $make
            }
            fn view<$a>($s: &$a $store) -> $at {
                $view
            }
            fn describe(names: &[&'static str], within: &str, out: &mut Described) {
                describe(names, within, out);
            }
            fn variants(_: &mut ShapeCursor<'_>) -> Result<Vec<Variant<()>>, NotEnumerable> {
                Ok($shapes.into_iter().map(Variant::plain).collect())
            }
        }
    };
}

list! {
    [L: Leaf] Slice<L> => for<'a> &'a [L::At<'a>],
    store Vec<L::Stored> = |bits, prober| L::sentinels(prober, bits & 1 == 1),
    view |s| L::slice(s),
    shapes [0, 1],
}

list! {
    [L: Leaf] VecOf<L> => for<'a> Vec<L::At<'a>>,
    store Vec<L::Stored> = |bits, prober| L::sentinels(prober, bits & 1 == 1),
    view |s| L::slice(s).to_vec(),
    shapes [0, 1],
}

list! {
    [L: Leaf] RefVec<L> => for<'a> &'a Vec<L::At<'a>>,
    store Vec<L::Stored> = |bits, prober| L::sentinels(prober, bits & 1 == 1),
    view |s| L::vec(s),
    shapes [0, 1],
}

list! {
    [L: Leaf, const N: usize] Array<L, N> => for<'a> [L::At<'a>; N],
    store Vec<L::Stored> = |_bits, prober| L::fixed(prober, N),
    view |s| std::array::from_fn(|i| L::view(&s[i])),
    // An array is as long as its type says: empty or not, never both.
    shapes [u64::from(N > 0)],
}

list! {
    [L: Leaf, const N: usize] RefArray<L, N> => for<'a> &'a [L::At<'a>; N],
    store [L::Stored; N] = |_bits, prober| {
        let mut all = L::fixed(prober, N).into_iter();
        std::array::from_fn(|_| all.next().unwrap_or_else(|| L::sentinel(prober)))
    },
    view |s| L::array(s),
    shapes [u64::from(N > 0)],
}
