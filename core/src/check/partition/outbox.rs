//! What an expansion reports: the successor messages of a slice per owner, its transitions and
//! its first violation.

use crate::model::FindingKind;

/// A violation found by the BFS: a transition by `actor` from stored state `parent` (a finding
/// of `kind` or a stuck state), or a deadlock at `parent` itself.
/// Plain data: a Web Worker sends it back with its outbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub parent: u32,
    /// The actor byte of the violating transition (`actor_code` in the wire format).
    pub actor: u8,
    pub kind: FindingKind,
    /// Depth of the violating state (transitions from the root).
    pub depth: u64,
    /// The violating state has no transition (deadlock at a stored state: `parent` itself).
    pub at_parent: bool,
}

/// What one expanded slice sends: per owner partition a buffer of successor messages, and
/// what the coordinator needs to know about the slice.
#[derive(Default)]
pub struct Outbox {
    /// Successor messages per owner partition, in generation order.
    pub bufs: Vec<Vec<u8>>,
    /// Transitions executed (up to and including a violating one).
    pub transitions: u64,
    /// The slice's first violation (the slice stopped there).
    pub violation: Option<Violation>,
    /// For the fair-cycle analysis: the enabled actors of each expanded state.
    pub(crate) masks: Vec<(u32, u64)>,
}

impl Outbox {
    /// Empties the outbox for `parts` partitions, keeping its buffers.
    pub fn clear(&mut self, parts: usize) {
        self.bufs.resize_with(parts, Vec::new);
        self.bufs.iter_mut().for_each(Vec::clear);
        self.transitions = 0;
        self.violation = None;
        self.masks.clear();
    }

    /// Bytes held (capacity).
    pub fn bytes(&self) -> u64 {
        self.bufs.iter().map(|b| b.capacity() as u64).sum()
    }
}
