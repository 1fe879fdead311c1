//! The BFS queue's records: a state packed into a fixed-size byte record (cache-friendly, no
//! heap block per state) by each state type's `visit` ([`crate::model::state`]): key and kept
//! fields are stored, the rest is constant for a root or reset on unpacking.

use std::sync::Arc;

use crate::model::state::{Visitor, Word};
use crate::model::System;

/// Writes the fields into a record.
struct Packer<'a> {
    out: &'a mut Vec<u8>,
    /// Inside a dead field: write zeros.
    zero: bool,
}

impl Packer<'_> {
    #[inline(always)]
    fn put<W: Word>(&mut self, v: W) {
        let w = if self.zero { 0 } else { v.to_word() };
        self.out.extend_from_slice(&w.to_le_bytes()[..W::BYTES]);
    }
}

impl Visitor for Packer<'_> {
    const WRITES: bool = false;
    #[inline(always)]
    fn key<W: Word>(&mut self, v: &mut W) {
        self.put(*v);
    }
    #[inline(always)]
    fn who(&mut self, v: &mut u32) {
        // At most 256 submitters (config::MAX_SUBMITTERS).
        self.out.push(if self.zero { 0 } else { *v as u8 });
    }
    #[inline(always)]
    fn owner(&mut self, v: &mut Option<u32>) {
        self.put(*v);
    }
    #[inline(always)]
    fn slot(&mut self, v: &mut u32) {
        self.put(*v);
    }
    #[inline(always)]
    fn kept<W: Word>(&mut self, v: &mut W) {
        self.put(*v);
    }
    /// Dead fields are stored as zero: an unpacked state holds nothing the state does not
    /// determine.
    #[inline(always)]
    fn dead_if(&mut self, dead: bool, f: impl FnOnce(&mut Self)) {
        // Zeros written in place of the fields (zeroing them afterwards was a `memset` call a
        // field, a tenth of the expansion).
        let outer = self.zero;
        self.zero |= dead;
        f(self);
        self.zero = outer;
    }
}

/// Reads the fields back from a record.
struct Unpacker<'a> {
    rec: &'a [u8],
    at: usize,
}

impl Unpacker<'_> {
    #[inline(always)]
    fn take<W: Word>(&mut self) -> W {
        let mut b = [0u8; 8];
        b[..W::BYTES].copy_from_slice(&self.rec[self.at..self.at + W::BYTES]);
        self.at += W::BYTES;
        W::from_word(u64::from_le_bytes(b))
    }
}

impl Visitor for Unpacker<'_> {
    const WRITES: bool = true;
    #[inline(always)]
    fn key<W: Word>(&mut self, v: &mut W) {
        *v = self.take();
    }
    #[inline(always)]
    fn who(&mut self, v: &mut u32) {
        *v = u32::from(self.take::<u8>());
    }
    #[inline(always)]
    fn owner(&mut self, v: &mut Option<u32>) {
        *v = self.take();
    }
    #[inline(always)]
    fn slot(&mut self, v: &mut u32) {
        *v = self.take();
    }
    #[inline(always)]
    fn kept<W: Word>(&mut self, v: &mut W) {
        *v = self.take();
    }
}

/// The record layout of one exploration: the root (4 bytes), then the state. A record holds
/// no state index: a state's index is its position in the BFS order (`search/`).
#[derive(Clone)]
pub(crate) struct Packed {
    /// Record size in bytes.
    pub(crate) size: usize,
}

impl Packed {
    /// The layout of the states of an exploration whose first root is `root` (every root has
    /// the same ring length and number of submitters, so the same size).
    pub(crate) fn new(root: &System) -> Self {
        let mut out = Vec::new();
        root.clone().visit(&mut Packer {
            out: &mut out,
            zero: false,
        });
        Packed {
            size: 4 + out.len(),
        }
    }

    /// Appends the record of `sys`, a state reached from root `root`.
    pub(crate) fn pack(&self, sys: &mut System, root: u32, out: &mut Vec<u8>) {
        let start = out.len();
        out.reserve(self.size);
        out.extend_from_slice(&root.to_le_bytes());
        sys.visit(&mut Packer { out, zero: false });
        debug_assert_eq!(out.len() - start, self.size);
    }

    /// The root of record `rec`.
    #[inline]
    pub(crate) fn root(rec: &[u8]) -> u32 {
        u32::from_le_bytes(rec[..4].try_into().expect("4 bytes"))
    }

    /// Unpacks `rec` into `dst`; returns its root.
    pub(crate) fn unpack(&self, rec: &[u8], roots: &[System], dst: &mut System) -> u32 {
        let mut rd = Unpacker { rec, at: 0 };
        let root = rd.take::<u32>();
        let rs = &roots[root as usize];
        if !Arc::ptr_eq(&dst.params, &rs.params) {
            // The fields constant for a root (config, workload generators) come from it.
            dst.clone_from(rs);
        }
        dst.visit(&mut rd);
        debug_assert_eq!(rd.at, self.size);
        root
    }
}
