//! The second step: absorb one owner's inboxes, in slice order, into its part of the visited
//! set, keeping the successors not seen before.

use super::rules::Rules;
use crate::check::store::table::{FpSet, FpTable};
use crate::check::wire::{actor_bit, actor_of};

/// Where a partition keeps the fingerprints it owns.
enum Seen {
    Set(FpSet),
    /// With `cycles`: fingerprint → state index, for the edges of the graph.
    Map(FpTable),
}

/// One part of the visited set: the states whose fingerprint it owns
/// ([`owner`](crate::check::wire::owner)).
pub struct Partition {
    seen: Seen,
    /// With checkpoints ([`Rules::checkpoints`]): the fingerprints accepted since the last
    /// checkpoint, little-endian, for its fingerprint file.
    log: Option<Vec<u8>>,
}

impl Partition {
    pub fn new(rules: &Rules) -> Self {
        Partition {
            seen: if rules.cycles {
                Seen::Map(FpTable::default())
            } else {
                Seen::Set(FpSet::default())
            },
            log: rules.checkpoints.then(Vec::new),
        }
    }

    /// The fingerprints accepted since [`Partition::clear_log`] (`None` without checkpoints).
    pub fn log(&self) -> Option<&[u8]> {
        self.log.as_deref()
    }

    pub fn clear_log(&mut self) {
        if let Some(l) = &mut self.log {
            l.clear();
        }
    }

    /// Adds fingerprint `fp` of a checkpoint's file (a resume): the search's states only.
    pub(crate) fn restore(&mut self, fp: u64) {
        match &mut self.seen {
            Seen::Set(s) => {
                s.insert(fp);
            }
            // The fair-cycle analysis is not checkpointed (its indices are not kept).
            Seen::Map(t) => {
                t.insert(fp, 0);
            }
        }
    }

    /// Absorbs `inboxes` (this partition's successor messages of consecutive slices, in slice
    /// order): appends each successor not seen before to `out` as an accepted entry, in
    /// order; returns how many. With `cycles` (one partition), the new states are numbered from
    /// `first_new_id` and every edge is recorded in `edges` as (from, to, actor bit).
    pub fn absorb<'a>(
        &mut self,
        rules: &Rules,
        inboxes: impl IntoIterator<Item = &'a [u8]>,
        first_new_id: u32,
        mut edges: Option<&mut Vec<(u32, u32, u8)>>,
        out: &mut Vec<u8>,
    ) -> u64 {
        let size = rules.msg_size();
        let mut accepted = 0u64;
        for inbox in inboxes {
            for msg in inbox.chunks_exact(size) {
                let fp = u64::from_le_bytes(msg[..8].try_into().expect("8 bytes"));
                let new = match &mut self.seen {
                    Seen::Set(s) => s.insert(fp),
                    Seen::Map(t) => {
                        let id = first_new_id + accepted as u32;
                        let old = t.insert(fp, id);
                        let parent = u32::from_le_bytes(msg[8..12].try_into().expect("4 bytes"));
                        if let (Some(e), true) = (edges.as_deref_mut(), parent != u32::MAX) {
                            let bit = actor_bit(actor_of(msg[12])).trailing_zeros() as u8;
                            e.push((parent, old.unwrap_or(id), bit));
                        }
                        old.is_none()
                    }
                };
                if new {
                    if let Some(l) = &mut self.log {
                        l.extend_from_slice(&msg[..8]);
                    }
                    out.extend_from_slice(&msg[8..]);
                    accepted += 1;
                }
            }
        }
        accepted
    }

    /// Bytes of the visited set (allocated slots).
    pub fn bytes(&self) -> u64 {
        match &self.seen {
            Seen::Set(s) => s.capacity() as u64 * 8,
            Seen::Map(t) => t.capacity() as u64 * 12,
        }
    }
}
