//! The slice protocol, the exploration's side: the drivers of this process (`drivers/local.rs`,
//! `drivers/threads.rs`) expand a round's records in contiguous slices, report the slices'
//! outboxes in order, absorb them into the partitions and hand back the partitions' accepted
//! entries, which the search merges and the driver encodes into the next level.

use super::rounds::Search;
use super::Exploration;
use crate::check::partition::Outbox;
use crate::check::wire::{Block, ENTRY_HEAD};
use crate::check::ExploreProgress;

/// The edges of the state graph of the fair-cycle analysis: (from, to, actor bit index).
pub type Edges = Vec<(u32, u32, u8)>;

/// The oldest round in flight, as the slice protocol reports it ([`Exploration::slices`]).
pub struct Slices<'a> {
    search: &'a mut Search,
}

impl Exploration<'_> {
    /// The slice protocol's view of the oldest round in flight.
    pub fn slices(&mut self) -> Slices<'_> {
        Slices {
            search: self.search_mut(),
        }
    }
}

impl Slices<'_> {
    /// The round's slices are expanded: `outs` are their outboxes in order (only their
    /// counters, violation and enabled sets are read). Returns how many slices count: those up
    /// to and including the first with a violation, whose messages are to be absorbed.
    pub fn expanded(&mut self, outs: &[Outbox]) -> usize {
        let s = &mut *self.search;
        let first = outs.iter().position(|o| o.violation.is_some());
        let upto = first.map_or(outs.len(), |s| s + 1);
        s.transitions += outs[..upto].iter().map(|o| o.transitions).sum::<u64>();
        s.violation = first.and_then(|s| outs[s].violation.clone());
        if let Some(g) = &mut s.graph {
            for &(id, mask) in outs[..upto].iter().flat_map(|o| &o.masks) {
                g.set_mask(id, mask);
            }
        }
        upto
    }

    /// The index the round's first new state gets, and the edges of the state graph when the
    /// fair-cycle analysis keeps it (one partition): what the absorption records there.
    pub fn new_states(&mut self) -> (u32, Option<&mut Edges>) {
        let first = self.search.states() as u32;
        (first, self.search.graph.as_mut().map(|g| &mut g.edges))
    }

    /// The round is absorbed: `accepted` holds each partition's accepted entries. Merges them
    /// into generation order and has `encode` append the next level's blocks of them (the
    /// order as (partition, byte offset of the entry), and the records per block);
    /// `table_bytes` and `buffer_bytes` are the driver's visited set and buffers. Returns the
    /// progress to report, if any.
    pub fn absorbed(
        self,
        accepted: &[Vec<u8>],
        encode: impl FnOnce(&[(u32, u32)], usize, &mut Vec<Block>),
        table_bytes: u64,
        buffer_bytes: u64,
    ) -> Option<ExploreProgress> {
        let s = self.search;
        s.merge(accepted, ENTRY_HEAD + s.rules.record_size());
        encode(&s.order, s.block, &mut s.blocks);
        s.absorbed(table_bytes, buffer_bytes)
    }
}
