//! List arguments: slices, `Vec`s and arrays, read the same way.

/// A list argument of a cached function (`&[T]`, `Vec<T>`, `&Vec<T>`, `[T; N]`, `&[T; N]`).
#[doc(hidden)]
pub trait List {
    /// The element type.
    type Elem;
    /// The elements.
    fn as_slice(&self) -> &[Self::Elem];
}

impl<T> List for [T] {
    type Elem = T;
    #[inline]
    fn as_slice(&self) -> &[T] {
        self
    }
}

impl<T> List for Vec<T> {
    type Elem = T;
    #[inline]
    fn as_slice(&self) -> &[T] {
        self
    }
}

impl<T, const N: usize> List for [T; N] {
    type Elem = T;
    #[inline]
    fn as_slice(&self) -> &[T] {
        self
    }
}

impl<L: List + ?Sized> List for &L {
    type Elem = L::Elem;
    #[inline]
    fn as_slice(&self) -> &[L::Elem] {
        (**self).as_slice()
    }
}
