//! A function's arguments are a tuple, and so is their class: `(Bound, Opt<Bound>, List)`
//! for `(i64, Option<&str>, &[i64])`. The tuple's key bits are its elements' bits side by
//! side (the first argument's lowest), its sources and lists theirs one after another.
//! Tuples of up to 12 arguments (the most the standard library's `Hash` and `Default` cover); the macro nests longer argument lists.

use super::{Class, Described, ShapeCursor, Variant};
use crate::probe::Prober;
use crate::shape_values::{NotEnumerable, count_shapes};
use crate::value_ref::ValueRef;

/// Prefix sums (`[0, a, a + b, ..]`) of key bits.
#[cfg_attr(not(debug_assertions), inline(always))]
fn offsets<const N: usize>(sizes: [u32; N]) -> [u32; N] {
    let mut out = [0; N];
    let mut sum = 0;
    for (o, s) in out.iter_mut().zip(sizes) {
        *o = sum;
        sum += s;
    }
    out
}

/// `bits << shift`, zero once the shift passes the key (an element without bits after
/// 64 of them).
#[cfg_attr(not(debug_assertions), inline(always))]
fn shl(bits: u64, shift: u32) -> u64 {
    bits.checked_shl(shift).unwrap_or(0)
}

#[cfg_attr(not(debug_assertions), inline(always))]
fn shr(bits: u64, shift: u32) -> u64 {
    bits.checked_shr(shift).unwrap_or(0)
}

macro_rules! tuple {
    ($n:literal: $($c:ident $i:tt),*) => {
        impl<$($c: Class),*> Class for ($($c,)*) {
            type At<'a> = ($($c::At<'a>,)*);
            type Shape = ($($c::Shape,)*);
            type Store = ($($c::Store,)*);
            const BITS: u32 = 0 $(+ $c::BITS)*;
            const SOURCES: u16 = 0 $(+ $c::SOURCES)*;
            const LISTS: u16 = 0 $(+ $c::LISTS)*;
            const ARGS: usize = 0 $(+ $c::ARGS)*;

            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut)]
            fn key(v: &Self::At<'_>) -> (u64, Self::Shape) {
                let offsets = offsets([$($c::BITS),*]);
                let mut bits = 0;
                let shape = ($({
                    let (b, s) = $c::key(&v.$i);
                    bits |= shl(b, offsets[$i]);
                    s
                },)*);
                (bits, shape)
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn value<'r>(v: &'r Self::At<'_>, source: u16) -> Option<ValueRef<'r>> {
                let mut s = source;
                $(
                    if s < $c::SOURCES {
                        return $c::value(&v.$i, s);
                    }
                    s -= $c::SOURCES;
                )*
                None
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn len(v: &Self::At<'_>, list: u16) -> usize {
                let mut l = list;
                $(
                    if l < $c::LISTS {
                        return $c::len(&v.$i, l);
                    }
                    l -= $c::LISTS;
                )*
                0
            }
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn elem<'r>(v: &'r Self::At<'_>, list: u16, index: usize) -> Option<ValueRef<'r>> {
                let mut l = list;
                $(
                    if l < $c::LISTS {
                        return $c::elem(&v.$i, l, index);
                    }
                    l -= $c::LISTS;
                )*
                None
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn store(bits: u64, shape: &Self::Shape, prober: &mut Prober) -> Self::Store {
                let offsets = offsets([$($c::BITS),*]);
                ($($c::store(shr(bits, offsets[$i]), &shape.$i, prober),)*)
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn view(store: &Self::Store) -> Self::At<'_> {
                ($($c::view(&store.$i),)*)
            }

            #[allow(unused_variables, unused_mut, unused_assignments)]
            fn describe(names: &[&'static str], within: &str, out: &mut Described) {
                let mut at = 0;
                $(
                    $c::describe(names.get(at..).unwrap_or_default(), within, out);
                    at += $c::ARGS;
                )*
            }

            #[allow(unused_variables, unused_mut, clippy::unused_unit)]
            fn variants(
                shapes: &mut ShapeCursor<'_>,
            ) -> Result<Vec<Variant<Self::Shape>>, NotEnumerable> {
                let offsets = offsets([$($c::BITS),*]);
                let parts = ($($c::variants(shapes)?,)*);
                let lens = [$(parts.$i.len()),*];
                let total = count_shapes(&lens)?;
                let mut all = Vec::with_capacity(total);
                for n in 0..total {
                    let at = digits(n, lens);
                    let mut bits = 0;
                    let mut labels = Vec::new();
                    let shape = ($({
                        let v = &parts.$i[at[$i]];
                        bits |= shl(v.bits, offsets[$i]);
                        labels.extend_from_slice(&v.labels);
                        v.shape.clone()
                    },)*);
                    all.push(Variant { bits, shape, labels });
                }
                Ok(all)
            }
        }
    };
}

/// Shape `n` of a product of `lens` choices, as one choice per element: the first element
/// varies slowest, the last fastest.
fn digits<const N: usize>(mut n: usize, lens: [usize; N]) -> [usize; N] {
    let mut at = [0; N];
    for (a, len) in at.iter_mut().zip(lens).rev() {
        *a = n % len.max(1);
        n /= len.max(1);
    }
    at
}

tuple!(0:);
tuple!(1: C0 0);
tuple!(2: C0 0, C1 1);
tuple!(3: C0 0, C1 1, C2 2);
tuple!(4: C0 0, C1 1, C2 2, C3 3);
tuple!(5: C0 0, C1 1, C2 2, C3 3, C4 4);
tuple!(6: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5);
tuple!(7: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6);
tuple!(8: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6, C7 7);
tuple!(9: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6, C7 7, C8 8);
tuple!(10: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6, C7 7, C8 8, C9 9);
tuple!(11: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6, C7 7, C8 8, C9 9, C10 10);
tuple!(12: C0 0, C1 1, C2 2, C3 3, C4 4, C5 5, C6 6, C7 7, C8 8, C9 9, C10 10, C11 11);

/// A tuple argument (`cursor: Option<(i64, i64)>`): the class of its elements' classes, as
/// one argument whose elements are named `cursor.0`, `cursor.1`, ...
#[derive(Debug)]
pub struct Tup<T>(std::marker::PhantomData<T>);

impl<T: Class> Class for Tup<T> {
    type At<'a> = T::At<'a>;
    type Shape = T::Shape;
    type Store = T::Store;
    const BITS: u32 = T::BITS;
    const SOURCES: u16 = T::SOURCES;
    const LISTS: u16 = T::LISTS;

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn key(v: &Self::At<'_>) -> (u64, Self::Shape) {
        T::key(v)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn value<'r>(v: &'r Self::At<'_>, source: u16) -> Option<ValueRef<'r>> {
        T::value(v, source)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn len(v: &Self::At<'_>, list: u16) -> usize {
        T::len(v, list)
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn elem<'r>(v: &'r Self::At<'_>, list: u16, index: usize) -> Option<ValueRef<'r>> {
        T::elem(v, list, index)
    }
    fn store(bits: u64, shape: &Self::Shape, prober: &mut Prober) -> Self::Store {
        T::store(bits, shape, prober)
    }
    fn view(store: &Self::Store) -> Self::At<'_> {
        T::view(store)
    }
    fn describe(names: &[&'static str], within: &str, out: &mut Described) {
        let arg = names.first().copied().unwrap_or("?");
        let names: Vec<&'static str> = (0..T::ARGS)
            .map(|i| super::record::field_name(arg, &i.to_string()))
            .collect();
        T::describe(&names, within, out);
    }
    fn variants(shapes: &mut ShapeCursor<'_>) -> Result<Vec<Variant<Self::Shape>>, NotEnumerable> {
        T::variants(shapes)
    }
}
