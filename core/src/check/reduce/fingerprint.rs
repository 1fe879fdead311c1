//! State fingerprints: a 64-bit hash of a canonical encoding of everything that can
//! influence future behaviour or an oracle. What that is, field by field, is each state type's
//! `visit` ([`crate::model::state`]); this visitor packs the key fields into 64-bit words
//! (each field its fixed width, so the encoding is injective) and mixes them.
//!
//! # Symmetry
//!
//! Submitters with the same workload are interchangeable: no step depends on a submitter's
//! index except through its workload (the workload generator is seeded per index, but a
//! deterministic workload never uses its random values; the lock hand-off flag only feeds the
//! trace). The fingerprint therefore encodes submitters sorted by (workload, local state, a
//! hash of the slots they occupy), with the labels in the ring and the lock owner renamed
//! consistently. A permutation of interchangeable submitters maps transitions to transitions
//! and findings to findings of the same kind, so the quotient graph has the same reachable
//! findings and the same shortest distances (BFS on the quotient is still shortest). Ties in
//! the sort key only happen between submitters whose encodings are equal, so the
//! representative is canonical. The partial-order reduction is defined from the lock holder
//! and the ring only, so it commutes with these permutations.
//!
//! The ring is turned too: no step reads a slot number except relative to other slot numbers
//! (`free_head - free_tail`, `IQH..IQT`, a wait's status address), so a state and its
//! rotation by r slots (every slot-valued field plus r, every per-slot field moved r slots on)
//! have the same future up to that rotation, and the same findings. The fingerprint encodes the
//! state rotated so that `free_tail` is slot 0 — or, when the rotations that are symmetries are
//! the multiples of [`rotation_step`] g, so that `free_tail` is below g — a canonical
//! representative of each orbit; the argument for the quotient graph is the one above (a
//! rotation maps transitions to transitions and findings to findings, and the partial-order
//! reduction reads only distances within the ring, so it commutes with rotations too). The
//! submitters' footprints are taken in rotated slot numbers, so the two reductions compose.
//!
//! Collisions of 64-bit fingerprints can in principle merge two distinct states (probability
//! about n²/2⁶⁵ for n states, 3·10⁻⁶ at 10⁷ states), as in every hash-compact checker.

use super::future::Futures;
use crate::model::fault::rotation_step;
use crate::model::state::{Visitor, Word};
use crate::model::System;

/// Fast 64-bit mixing hash over words (wyhash-style folded multiply).
#[derive(Clone, Copy)]
struct Mix(u64);

impl Mix {
    const P0: u64 = 0xa076_1d64_78bd_642f;
    const P1: u64 = 0xe703_7ed1_a0b4_28db;
    #[inline(always)]
    fn new() -> Self {
        Mix(0x1234_5678_9abc_def1)
    }
    #[inline(always)]
    fn word(&mut self, w: u64) {
        self.0 = folded_mul(self.0 ^ w ^ Self::P0, Self::P1);
    }
    #[inline(always)]
    fn finish(self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline(always)]
fn folded_mul(a: u64, b: u64) -> u64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let x = u128::from(a) * u128::from(b);
        (x as u64) ^ ((x >> 64) as u64)
    }
    // wasm32 has no 64x64 -> 128 multiply: `u128` arithmetic is a call to the generic 128-bit
    // `__multi3`. Four 32-bit products give the same bits.
    #[cfg(target_arch = "wasm32")]
    {
        folded_mul_halves(a, b)
    }
}

/// [`folded_mul`] from 32-bit halves.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
fn folded_mul_halves(a: u64, b: u64) -> u64 {
    const LO: u64 = 0xffff_ffff;
    let (a0, a1, b0, b1) = (a & LO, a >> 32, b & LO, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // Carries out of the low word's upper half (each term < 2^32, the sum < 2^34).
    let mid = (p00 >> 32) + (p01 & LO) + (p10 & LO);
    let lo = (p00 & LO) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    lo ^ hi
}

/// Fields packed into 64-bit words, each at its fixed width, the words mixed.
#[derive(Clone, Copy)]
struct Bits {
    m: Mix,
    acc: u64,
    used: u32,
}

impl Bits {
    #[inline(always)]
    fn new() -> Self {
        Bits {
            m: Mix::new(),
            acc: 0,
            used: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, w: u64, bits: u32) {
        debug_assert!(
            bits == 64 || w >> bits == 0,
            "{w:#x} is wider than {bits} bits"
        );
        if self.used + bits > 64 {
            self.m.word(self.acc);
            self.acc = 0;
            self.used = 0;
        }
        self.acc |= w << self.used;
        self.used += bits;
    }

    #[inline(always)]
    fn finish(mut self) -> u64 {
        self.m.word(self.acc);
        self.m.finish()
    }
}

/// The canonical encoder of one exploration: workload ids per root and scratch space.
#[derive(Clone)]
pub(crate) struct Fingerprinter {
    pub(crate) symmetry: bool,
    pub(crate) rotation: bool,
    /// The rotations that are symmetries are the multiples of this (`QI_LENGTH`: none; also
    /// when `rotation` is off).
    step: u32,
    /// Each submitter's remaining calls, by name.
    futures: Futures,
    /// Per root: whether sorting can merge anything (else symmetry has nothing to permute).
    sym_roots: Vec<bool>,
    /// (workload id, local state, footprint, index) per submitter.
    keys: Vec<(u32, u64, u64, u32)>,
    foot: Vec<Mix>,
    /// Original index -> canonical index.
    rename: Vec<u32>,
}

/// The visitor of one fingerprint (or of one submitter's local state).
struct Fp<'a> {
    bits: Bits,
    /// Slot `rot` is encoded as slot 0.
    rot: u32,
    len: u32,
    /// Original index -> canonical index.
    rename: &'a [u32],
    /// The submitters' keys, in canonical order.
    keys: &'a [(u32, u64, u64, u32)],
}

impl<'a> Fp<'a> {
    fn new(rot: u32, len: u32, rename: &'a [u32], keys: &'a [(u32, u64, u64, u32)]) -> Self {
        Fp {
            bits: Bits::new(),
            rot,
            len,
            rename,
            keys,
        }
    }
}

impl Visitor for Fp<'_> {
    const WRITES: bool = false;
    #[inline(always)]
    fn key<W: Word>(&mut self, v: &mut W) {
        self.bits.push(v.to_word(), W::BITS);
    }
    #[inline(always)]
    fn who(&mut self, v: &mut u32) {
        self.bits.push(u64::from(self.rename[*v as usize]), 8);
    }
    #[inline(always)]
    fn owner(&mut self, v: &mut Option<u32>) {
        let w = v.map(|o| self.rename[o as usize]);
        self.bits.push(w.to_word(), 9);
    }
    /// Same width as a `u32` key: without a rotation the encoding is unchanged.
    #[inline(always)]
    fn slot(&mut self, v: &mut u32) {
        self.bits
            .push(u64::from(rotated(*v, self.rot, self.len)), 32);
    }
    #[inline(always)]
    fn slots(&mut self, n: usize, mut visit: impl FnMut(&mut Self, usize)) {
        let rot = self.rot as usize;
        for k in (rot..n).chain(0..rot) {
            visit(self, k);
        }
    }
    #[inline(always)]
    fn kept<W: Word>(&mut self, _: &mut W) {}
    /// A dead group is one bit: the flag makes the encoding prefix-free whatever the order
    /// in which the fields that decide deadness are hashed.
    #[inline(always)]
    fn dead_if(&mut self, dead: bool, f: impl FnOnce(&mut Self)) {
        self.bits.push(u64::from(dead), 1);
        if !dead {
            f(self);
        }
    }
    /// The keys computed beforehand, in canonical order.
    fn submitters(&mut self, _: usize, _: impl FnMut(&mut Self, usize)) {
        for k in self.keys {
            self.bits.push(u64::from(k.0), 32);
            self.bits.push(k.1, 64);
        }
    }
}

/// Slot `slot` of a ring of `len` slots turned so that slot `rot` is 0.
#[inline(always)]
fn rotated(slot: u32, rot: u32, len: u32) -> u32 {
    debug_assert!(slot < len, "slot {slot} of a ring of {len}");
    if slot >= rot {
        slot - rot
    } else {
        slot + len - rot
    }
}

impl Fingerprinter {
    /// The rotations that are symmetries are the multiples of this (`QI_LENGTH`: none).
    pub(crate) fn rotation_step(&self) -> u32 {
        self.step
    }

    /// The encoder of the states of `roots` (same ring length and faults).
    pub(crate) fn new(symmetry: bool, rotation: bool, roots: &[System]) -> Self {
        let len = roots[0].ring.qi_length;
        let futures = Futures::new(roots);
        Fingerprinter {
            symmetry,
            rotation,
            step: if rotation {
                rotation_step(&roots[0].params, len)
            } else {
                len
            },
            sym_roots: (0..roots.len()).map(|r| futures.may_share(r)).collect(),
            futures,
            keys: Vec::new(),
            foot: Vec::new(),
            rename: Vec::new(),
        }
    }

    /// The fingerprint of `sys`, a state reached from root `root`.
    pub(crate) fn fingerprint(&mut self, root: usize, sys: &mut System) -> u64 {
        let sym = self.symmetry && self.sym_roots[root];
        let len = sys.ring.qi_length;
        let rot = sys.ring.free_tail - sys.ring.free_tail % self.step;
        if sym {
            self.footprints(sys, rot);
        }
        self.keys.clear();
        let (locals, slot_locals) = (
            sys.params.frame_locals(),
            sys.params.program.facts.slot_locals,
        );
        for (i, s) in sys.subs.iter_mut().enumerate() {
            let mut local = Fp::new(rot, len, &[], &[]);
            s.visit(&mut local, locals, &slot_locals);
            let foot = if sym { self.foot[i].finish() } else { 0 };
            let future = self.futures.id(root, i, s.submissions_done);
            self.keys
                .push((future, local.bits.finish(), foot, i as u32));
        }
        if sym {
            // The workload id comes first: only submitters of one workload are permuted.
            self.keys.sort_unstable();
        }
        self.rename.clear();
        self.rename.resize(self.keys.len(), 0);
        for (c, k) in self.keys.iter().enumerate() {
            self.rename[k.3 as usize] = c as u32;
        }
        let mut fp = Fp::new(rot, len, &self.rename, &self.keys);
        sys.visit(&mut fp);
        fp.bits.finish()
    }

    /// Per submitter, a hash of the slots its descriptors and pending copies occupy: breaks
    /// ties between submitters whose local states are equal. Slots are numbered from `rot`.
    /// Dead descriptors ([`System::desc_dead`]) are left out, as from the state.
    fn footprints(&mut self, sys: &System, rot: u32) {
        let ring = &sys.ring;
        self.foot.clear();
        self.foot.resize(sys.subs.len(), Mix::new());
        let len = ring.qi_length;
        // In rotated order: a submitter's hash is order-dependent.
        for j in 0..len {
            let slot = ring.add(rot, j);
            if sys.desc_dead(slot) {
                continue;
            }
            let slot = slot as usize;
            if let Some(l) = ring.desc[slot].label() {
                let f = &mut self.foot[l.submitter as usize];
                f.word(u64::from(j) | u64::from(l.part) << 20 | u64::from(l.count) << 40);
                f.word(u64::from(l.attempt) | (ring.desc_status[slot] as u64) << 40);
            }
        }
        for k in 0..ring.pending() {
            let slot = ring.add(ring.pending_from, k);
            if let Some(l) = ring.fetched[slot as usize].label() {
                let f = &mut self.foot[l.submitter as usize];
                let slot = rotated(slot, rot, len);
                f.word(u64::from(slot) | 1 << 19 | u64::from(l.part) << 20);
                f.word(u64::from(l.attempt) | u64::from(l.count) << 32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{folded_mul, folded_mul_halves};

    /// The wasm32 fingerprint multiply gives the native bits (fingerprints, and so state counts
    /// and counterexamples, are the same on every platform).
    #[test]
    fn folded_mul_from_halves_equals_the_wide_product() {
        let edges = [
            0,
            1,
            u64::MAX,
            u64::MAX - 1,
            1 << 32,
            (1 << 32) - 1,
            1 << 63,
        ];
        for a in edges {
            for b in edges {
                assert_eq!(folded_mul_halves(a, b), folded_mul(a, b), "{a:#x} * {b:#x}");
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let (a, b) = (x, x.rotate_left(29) ^ 0xe703_7ed1_a0b4_28db);
            assert_eq!(folded_mul_halves(a, b), folded_mul(a, b), "{a:#x} * {b:#x}");
        }
    }
}
