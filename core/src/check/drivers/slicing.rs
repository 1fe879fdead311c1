//! What the drivers of the slice protocol share (`local.rs`, `threads.rs`): the expanders,
//! outboxes, partitions and accepted buffers of one search, how a round's records are cut into
//! slices, and the one-thread forms of the steps. The slicing changes no result: each owner
//! reads its inboxes in slice order, which is generation order.

use crate::check::checkpoint::{
    fp_file, read_fingerprints, CheckpointReader, CheckpointWriter, Files, PartRecord,
};
use crate::check::partition::{Expander, Outbox, Partition, Rules};
use crate::check::wire::{owner, Block, Encoder, ENTRY_HEAD};

/// The steps' state of one search: `slices` expanders and outboxes, one partition and
/// accepted buffer per partition of the visited set.
pub(super) struct Slicing {
    pub(super) rules: Rules,
    pub(super) expanders: Vec<Expander>,
    pub(super) parts: Vec<Partition>,
    pub(super) outs: Vec<Outbox>,
    pub(super) acc: Vec<Vec<u8>>,
    /// Each partition's checkpoint files, and the records of a resumed checkpoint's
    /// partitions beyond these (written on more threads: their files stay in it).
    files: Vec<Files>,
    extra: Vec<PartRecord>,
}

impl Slicing {
    pub(super) fn new(rules: &Rules, slices: usize) -> Self {
        let n = rules.parts;
        Slicing {
            rules: rules.clone(),
            expanders: (0..slices).map(|_| Expander::new(rules)).collect(),
            parts: (0..n).map(|_| Partition::new(rules)).collect(),
            outs: (0..slices).map(|_| Outbox::default()).collect(),
            acc: vec![Vec::new(); n],
            files: vec![Files::default(); n],
            extra: Vec::new(),
        }
    }

    /// Appends each partition's new fingerprints to its file (`check/checkpoint/`), syncs,
    /// and returns the partitions' records.
    pub(super) fn checkpoint(
        &mut self,
        search: u32,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        let mut out = Vec::with_capacity(self.parts.len() + self.extra.len());
        for (p, (part, files)) in self.parts.iter_mut().zip(&mut self.files).enumerate() {
            let log = part.log().ok_or("the partitions keep no fingerprint log")?;
            files.append(w, &fp_file(search, p), log)?;
            part.clear_log();
            out.push(PartRecord {
                index: p,
                files: files.clone(),
            });
        }
        w.sync()?;
        out.extend(self.extra.iter().cloned());
        Ok(out)
    }

    /// Fills the partitions with the fingerprints of a checkpoint's partitions, each to the
    /// partition that owns it now (the checkpoint may have been written on other threads).
    pub(super) fn restore(
        &mut self,
        parts: &[PartRecord],
        r: &mut dyn CheckpointReader,
    ) -> Result<(), String> {
        let n = self.parts.len();
        for rec in parts {
            for file in rec.files.0.keys() {
                let ps = &mut self.parts;
                read_fingerprints(&rec.files, r, file, &mut |fp| ps[owner(fp, n)].restore(fp))?;
            }
            match self.files.get_mut(rec.index) {
                Some(f) => *f = rec.files.clone(),
                None => self.extra.push(rec.clone()),
            }
        }
        Ok(())
    }

    /// The seed round: the roots, as the outbox of the first slice.
    pub(super) fn seed(&mut self) {
        for o in &mut self.outs {
            o.clear(self.rules.parts);
        }
        self.expanders[0].seed(&self.rules, &mut self.outs[0]);
    }

    /// `chunk` cut into `n` contiguous slices of whole blocks, about as many records each:
    /// (first record of the slice within the chunk, its blocks).
    pub(super) fn cut(chunk: &[Block], n: usize) -> Vec<(u32, &[Block])> {
        let total: u64 = chunk.iter().map(|b| u64::from(b.records)).sum();
        let mut out = Vec::with_capacity(n);
        let (mut start, mut first, mut seen) = (0usize, 0u32, 0u64);
        for i in 0..n {
            let goal = total * (i as u64 + 1) / n as u64;
            let mut end = start;
            let mut records = 0u32;
            while end < chunk.len() && (seen < goal || i + 1 == n) {
                seen += u64::from(chunk[end].records);
                records += chunk[end].records;
                end += 1;
            }
            out.push((first, &chunk[start..end]));
            first += records;
            start = end;
        }
        out
    }

    /// Expands the slices of `chunk` (the level at `depth`, its first record state
    /// `first_id`) one after the other.
    pub(super) fn expand(&mut self, chunk: &[Block], first_id: u32, depth: u64) {
        let slices = Self::cut(chunk, self.expanders.len());
        let jobs = self.expanders.iter_mut().zip(&mut self.outs).zip(slices);
        for ((e, o), (a, slice)) in jobs {
            e.expand(&self.rules, slice, first_id + a, depth, o);
        }
    }

    /// Absorbs the outboxes of slices `..upto` into their owners one after the other; with
    /// `edges` (the fair-cycle analysis, one partition) the new states are numbered from
    /// `first_new_id`.
    pub(super) fn absorb(
        &mut self,
        upto: usize,
        first_new_id: u32,
        mut edges: Option<&mut Vec<(u32, u32, u8)>>,
    ) {
        let outs = &self.outs[..upto];
        for (p, (part, acc)) in self.parts.iter_mut().zip(&mut self.acc).enumerate() {
            acc.clear();
            let inboxes = outs.iter().map(|o| o.bufs[p].as_slice());
            part.absorb(
                &self.rules,
                inboxes,
                first_new_id,
                edges.as_deref_mut(),
                acc,
            );
        }
    }

    /// Bytes of the visited set.
    pub(super) fn table_bytes(&self) -> u64 {
        self.parts.iter().map(Partition::bytes).sum()
    }

    /// Bytes of the buffers (outboxes, accepted entries).
    pub(super) fn buffer_bytes(&self) -> u64 {
        let acc: u64 = self.acc.iter().map(|a| a.capacity() as u64).sum();
        acc + self.outs.iter().map(Outbox::bytes).sum::<u64>()
    }
}

/// The block of the accepted records at `order` (partition, byte offset of the entry).
pub(super) fn encode_block(acc: &[Vec<u8>], rules: &Rules, order: &[(u32, u32)]) -> Block {
    let size = rules.record_size();
    let mut e = Encoder::new(size);
    for &(p, at) in order {
        let at = at as usize + ENTRY_HEAD;
        e.push(&acc[p as usize][at..at + size]);
    }
    e.take()
}
