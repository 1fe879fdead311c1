//! How each state type describes its fields. [`System`](super::System), the ring, a
//! submitter, a descriptor and a label each have one `visit` that destructures the value
//! without `..` and hands every field to a [`Visitor`] under its role. The explorer's
//! fingerprint, its packed queue records and their unpacking are visitors: a new field does
//! not compile until its role is chosen, and then all three follow it.
//!
//! Roles:
//! - [`Visitor::key`]: part of the state (it can change a successor or a finding): hashed,
//!   packed and unpacked;
//! - [`Visitor::who`] and [`Visitor::owner`]: a submitter index, renamed when the fingerprint
//!   permutes submitters with equal workloads (symmetry);
//! - [`Visitor::slot`]: a slot index, and [`Visitor::slots`]: the per-slot fields, rotated
//!   when the fingerprint turns the ring so that `free_tail` comes first (rotation symmetry);
//! - [`Visitor::dead_if`]: key fields no step reads before overwriting them in this state,
//!   left out of the fingerprint (so equal futures merge) and packed as zero;
//! - [`Visitor::kept`]: packed and unpacked, not hashed (read only by the trace or metrics);
//! - no call: constant for a root (the config) or reset when unpacking (metrics, scratch),
//!   written in the `visit` itself under [`Visitor::WRITES`].

/// A scalar field: `BYTES` little-endian bytes in a packed record, `BITS` bits of the
/// fingerprint.
pub trait Word: Copy {
    const BYTES: usize;
    const BITS: u32;
    fn to_word(self) -> u64;
    fn from_word(w: u64) -> Self;
}

macro_rules! int_word {
    ($($t:ty),*) => {$(
        impl $crate::model::state::Word for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            const BITS: u32 = <$t>::BITS;
            #[inline(always)]
            fn to_word(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_word(w: u64) -> Self {
                w as $t
            }
        }
    )*};
}
int_word!(u8, u32, u64, i64);

impl Word for i32 {
    const BYTES: usize = 4;
    const BITS: u32 = 32;
    #[inline(always)]
    fn to_word(self) -> u64 {
        u64::from(self as u32)
    }
    #[inline(always)]
    fn from_word(w: u64) -> Self {
        w as u32 as i32
    }
}

impl Word for bool {
    const BYTES: usize = 1;
    const BITS: u32 = 1;
    #[inline(always)]
    fn to_word(self) -> u64 {
        u64::from(self)
    }
    #[inline(always)]
    fn from_word(w: u64) -> Self {
        w != 0
    }
}

/// A submitter index or none (`q_lock`'s owner), as index + 1.
impl Word for Option<u32> {
    const BYTES: usize = 4;
    const BITS: u32 = 32;
    #[inline(always)]
    fn to_word(self) -> u64 {
        self.map_or(0, |o| u64::from(o) + 1)
    }
    #[inline(always)]
    fn from_word(w: u64) -> Self {
        (w as u32).checked_sub(1)
    }
}

/// `Word` for a fieldless enum with an `ALL` array in declaration order, in `bits` bits.
macro_rules! enum_word {
    ($($t:ty: $bits:expr),*) => {$(
        impl $crate::model::state::Word for $t {
            const BYTES: usize = 1;
            const BITS: u32 = $bits;
            #[inline(always)]
            fn to_word(self) -> u64 {
                self as u64
            }
            #[inline(always)]
            fn from_word(w: u64) -> Self {
                <$t>::ALL[w as usize]
            }
        }
    )*};
}
pub(crate) use enum_word;

/// Receives the fields of a state, each under its role (module docs).
pub trait Visitor: Sized {
    /// True when the visitor writes fields (unpacking): the visited value then rebuilds what
    /// it derives from them and resets what is not part of the state.
    const WRITES: bool;
    /// A field of the state.
    fn key<W: Word>(&mut self, v: &mut W);
    /// A submitter index that is part of the state (a descriptor's label).
    fn who(&mut self, v: &mut u32);
    /// A submitter index or none that is part of the state (`q_lock`'s owner).
    fn owner(&mut self, v: &mut Option<u32>);
    /// A slot index that is part of the state (`free_head`, `IQT`, a wait's status address..).
    fn slot(&mut self, v: &mut u32);
    /// A field kept with the state but not part of it.
    fn kept<W: Word>(&mut self, v: &mut W);
    /// The `n` submitters, each visited by `visit(self, i)`, in the order the visitor wants
    /// (the fingerprint sorts them).
    #[inline]
    fn submitters(&mut self, n: usize, mut visit: impl FnMut(&mut Self, usize)) {
        for i in 0..n {
            visit(self, i);
        }
    }
    /// The ring's `n` slots, each visited by `visit(self, k)`, in the order the visitor wants
    /// (the fingerprint starts at the slot it rotates to 0).
    #[inline]
    fn slots(&mut self, n: usize, mut visit: impl FnMut(&mut Self, usize)) {
        for k in 0..n {
            visit(self, k);
        }
    }
    /// The fields `f` visits are dead when `dead` (not hashed).
    #[inline(always)]
    fn dead_if(&mut self, dead: bool, f: impl FnOnce(&mut Self)) {
        let _ = dead;
        f(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{InvType, Pc, Status};

    /// Each enum's `ALL` lists it in declaration order, so `as u64` and `ALL[w]` invert each
    /// other, and every value fits its `BITS`.
    #[test]
    fn enum_words_round_trip() {
        fn check<W: Word + PartialEq + std::fmt::Debug>(all: &[W]) {
            for (i, v) in all.iter().enumerate() {
                assert_eq!(v.to_word(), i as u64, "{v:?}");
                assert_eq!(W::from_word(v.to_word()), *v);
                assert!(v.to_word() < 1 << W::BITS, "{v:?}");
            }
        }
        check(&Pc::ALL);
        check(&Status::ALL);
        check(&InvType::ALL);
        for o in [None, Some(0), Some(255)] {
            assert_eq!(Option::<u32>::from_word(o.to_word()), o);
        }
        assert_eq!(i32::from_word((-110i32).to_word()), -110);
    }
}
