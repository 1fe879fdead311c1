//! The owner protocol, the exploration's side (`drivers/owners.rs` the workers' side): a round
//! is a range of state indices ([`Exploration::round_end`]); the owners report their
//! violations, which give the cut-off, absorb their messages up to it and hand back only merge
//! keys, which the search merges into generation order; each owner then gets its new states'
//! indices ([`Exploration::ids`]). The search keeps only the shape of the next level.

use super::Exploration;
use crate::check::partition::Violation;
use crate::check::wire::{Block, KEY};
use crate::check::ExploreProgress;

/// The oldest round in flight, as the owner protocol reports it ([`Exploration::owners`]).
pub struct Owners<'x, 'a> {
    x: &'x mut Exploration<'a>,
}

impl<'a> Exploration<'a> {
    /// The owner protocol's view of the oldest round in flight.
    pub fn owners(&mut self) -> Owners<'_, 'a> {
        Owners { x: self }
    }

    /// The indices of owner `p`'s new states in the round absorbed last, increasing (for
    /// [`Owner::assign`](crate::check::drivers::Owner::assign)).
    pub fn ids(&self, p: usize) -> &[u32] {
        self.ids.get(p).map_or(&[], Vec::as_slice)
    }
}

impl Owners<'_, '_> {
    /// The owners expanded the round: `violations[p]` is owner p's first (the messages are
    /// elsewhere). Returns the cut-off every owner absorbs up to
    /// ([`Owner::absorb`](crate::check::drivers::Owner::absorb)): the first violation's state,
    /// `u32::MAX` without one.
    pub fn expanded(&mut self, violations: &[Option<Violation>]) -> u32 {
        let s = self.x.search_mut();
        s.violation = violations
            .iter()
            .filter_map(Option::as_ref)
            .min_by_key(|v| v.parent)
            .cloned();
        s.violation.as_ref().map_or(u32::MAX, |v| v.parent)
    }

    /// The owners absorbed the round: `keys` their merge keys
    /// ([`Owner::keys`](crate::check::drivers::Owner::keys)), in owner order; `counted` the
    /// messages they counted, in all; `table_bytes` and `level_bytes` their visited sets and
    /// what they hold besides (for the statistics). Merges the keys into generation order:
    /// [`Exploration::ids`] then says which indices each owner's new states got. Returns the
    /// progress to report, if any; a caller who wants to stop calls [`Exploration::cancel`].
    pub fn absorbed(
        self,
        keys: &[Vec<u8>],
        counted: u64,
        table_bytes: u64,
        level_bytes: u64,
    ) -> Option<ExploreProgress> {
        let parts = self.x.parts();
        let mut ids = std::mem::take(&mut self.x.ids);
        let s = self.x.search_mut();
        debug_assert!(s.graph.is_none(), "no pool runs the cycle analysis");
        // The violating transition counts unless the violation is a state's own.
        let violating = s.violation.as_ref().map_or(0, |v| u64::from(!v.at_parent));
        s.transitions += counted + violating;
        let base = s.states() as u32;
        s.merge(keys, KEY);
        ids.iter_mut().for_each(Vec::clear);
        ids.resize_with(parts, Vec::new);
        for (k, &(p, _)) in s.order.iter().enumerate() {
            ids[p as usize].push(base + k as u32);
        }
        // Only the shape of the next level (blocks without records), so that its rounds cut
        // the level where one thread's do.
        let block = s.block;
        s.blocks.extend(s.order.chunks(block).map(|o| Block {
            records: o.len() as u32,
            bytes: Vec::new(),
        }));
        let progress = s.absorbed(table_bytes, level_bytes);
        self.x.ids = ids;
        progress
    }
}
