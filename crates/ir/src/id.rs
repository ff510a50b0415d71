//! Compact arena ids: [`Id`] is 8 bytes (a 32-bit index and the 32-bit identity of
//! its arena), half of `id_arena`'s default id (a `usize` index), which every
//! expression's type, every variable read and every call carries.
//!
//! An [`Arena`] is an `id_arena` arena with the [`Compact`] behaviour: indexing
//! with an id of another arena panics, as with `id_arena`'s own ids. An arena holds
//! fewer than 2^32 entries: the IR has fewer entries than its source has bytes, and
//! the driver refuses sources of 4 GiB or more. Following Cranelift's `entity`
//! crate, whose entity references are `u32` indexes.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// An arena of `T` with compact ids ([`Id<T>`]).
pub type Arena<T> = id_arena::Arena<T, Compact<T>>;

/// The id of an entry of an [`Arena<T>`]: its index there and the arena's identity.
pub struct Id<T> {
    index: u32,
    arena: u32,
    _ty: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// The index within the arena this id refers to.
    #[inline]
    pub fn index(&self) -> usize {
        self.index as usize
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_struct("Id").field("idx", &self.index).finish()
    }
}

impl<T> Copy for Id<T> {}

impl<T> Clone for Id<T> {
    #[inline]
    fn clone(&self) -> Id<T> {
        *self
    }
}

impl<T> PartialEq for Id<T> {
    #[inline]
    fn eq(&self, rhs: &Self) -> bool {
        self.arena == rhs.arena && self.index == rhs.index
    }
}

impl<T> Eq for Id<T> {}

impl<T> Hash for Id<T> {
    #[inline]
    fn hash<H: Hasher>(&self, h: &mut H) {
        // One word: both halves at once.
        (u64::from(self.arena) << 32 | u64::from(self.index)).hash(h);
    }
}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, rhs: &Self) -> Option<Ordering> {
        Some(self.cmp(rhs))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, rhs: &Self) -> Ordering {
        (self.arena, self.index).cmp(&(rhs.arena, rhs.index))
    }
}

/// The `id_arena` behaviour of [`Arena`]: [`Id`]s with a 32-bit index.
pub struct Compact<T>(PhantomData<fn() -> T>);

// What `id_arena::Arena`'s derived traits ask of its behaviour; no bound on `T`.
impl<T> fmt::Debug for Compact<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Compact")
    }
}

impl<T> Clone for Compact<T> {
    fn clone(&self) -> Self {
        Compact(PhantomData)
    }
}

impl<T> PartialEq for Compact<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Compact<T> {}

impl<T> id_arena::ArenaBehavior for Compact<T> {
    type Id = Id<T>;

    /// The id of entry `index` of arena `arena`. Panics (an internal error) from
    /// 2^32 entries, which no program reaches (see the module's documentation).
    #[inline]
    fn new_id(arena: u32, index: usize) -> Id<T> {
        Id {
            index: u32::try_from(index).expect("an arena holds fewer than 2^32 entries"),
            arena,
            _ty: PhantomData,
        }
    }

    #[inline]
    fn index(id: Id<T>) -> usize {
        id.index()
    }

    #[inline]
    fn arena_id(id: Id<T>) -> u32 {
        id.arena
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_compact_and_tied_to_their_arena() {
        assert_eq!(std::mem::size_of::<Id<String>>(), 8);
        assert_eq!(std::mem::size_of::<crate::Type>(), 16);
        let mut a: Arena<&str> = Arena::new();
        let mut b: Arena<&str> = Arena::new();
        let x = a.alloc("x");
        let y = a.alloc("y");
        let z = b.alloc("z");
        assert_eq!((a[x], a[y], b[z]), ("x", "y", "z"));
        assert_eq!((x.index(), y.index(), z.index()), (0, 1, 0));
        assert!(x < y && x != z);
        let other = std::panic::catch_unwind(|| a[z]);
        assert!(other.is_err(), "an id of another arena");
    }
}
