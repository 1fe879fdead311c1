//! The two steps of a level of the breadth-first search, the only code that expands states and
//! deduplicates them. Every driver runs these: the one-thread loop (`bfs.rs`), the native
//! thread pool (`threads.rs`) and, in a browser, a pool of Web Workers (each holding
//! [`Rules`] built from the same configs and options, some [`Expander`]s and [`Partition`]s).
//!
//! - [`Expander::expand`]: a slice of the current level (consecutive packed records) →
//!   successors, each sent to the partition that owns its fingerprint ([`owner`]), in
//!   generation order (record order, then the order of [`System::enabled_into`] or the ample
//!   set). It stops at the slice's first violation.
//! - [`Partition::absorb`]: the inboxes of one owner, *in slice order* → the successors not seen
//!   before, in that order, appended to an accepted buffer.
//!
//! The coordinator (`bfs.rs`) merges the owners' accepted buffers by generation key
//! ([`key`]: parent index, actor, root) into the next level. Why the result is the one-thread
//! search's, state for state: every copy of a fingerprint goes to the same owner, and the
//! owner sees its messages in global generation order (slices are contiguous and absorbed in
//! order, each slice in generation order), so the copy it keeps is the first one generated,
//! the one a sequential search keeps; the merge by generation key restores the sequential
//! order of the next level, so state indices, parents and the next level are equal too.
//!
//! # Messages
//!
//! Plain byte buffers, so that a Web Worker can transfer them (`postMessage` with the
//! `ArrayBuffer` in the transfer list) without any serialisation:
//!
//! - successor message ([`MSG_HEAD`] + record): fingerprint `u64`, parent index `u32`
//!   (`u32::MAX` for a root), actor byte ([`actor_code`]), then the packed record (root `u32`
//!   and the state, `pack.rs`); all little-endian;
//! - accepted entry ([`ENTRY_HEAD`] + record): parent `u32`, actor byte, record.

use super::ample::ample;
use super::bfs::Violation;
use super::cycles::actor_bit;
use super::fingerprint::Fingerprinter;
use super::level::{decode, Block};
use super::pack::Packed;
use super::table::{FpSet, FpTable};
use crate::config::Config;
use crate::model::{FindingKind, HwFault, System};
use crate::trace::NoTrace;
use crate::Actor;

/// Bytes before the record in a successor message: fingerprint, parent, actor.
pub const MSG_HEAD: usize = 13;
/// Bytes before the record in an accepted entry: parent, actor.
pub const ENTRY_HEAD: usize = 5;
/// Most submitters the actor byte can name (the rest of the byte names the hardware's steps).
pub const MAX_EXPLORE_SUBMITTERS: u32 = 248;

/// The actor byte: submitter `i` is `i`, then hardware, fetch and the faults. Increasing in
/// the order [`System::enabled_into`] lists actors, so (parent, actor) orders a parent's
/// successors as they were generated.
pub fn actor_code(a: Actor) -> u8 {
    const HW: u32 = MAX_EXPLORE_SUBMITTERS;
    match a {
        Actor::Submitter(i) => {
            debug_assert!(i < HW);
            i as u8
        }
        Actor::Hardware => HW as u8,
        Actor::Fetch => (HW + 1) as u8,
        Actor::Fault(f) => {
            (HW + 2 + HwFault::ALL.iter().position(|x| *x == f).unwrap_or(0) as u32) as u8
        }
    }
}

/// The actor of an actor byte.
pub fn actor_of(c: u8) -> Actor {
    const HW: u8 = MAX_EXPLORE_SUBMITTERS as u8;
    match c {
        c if c < HW => Actor::Submitter(u32::from(c)),
        HW => Actor::Hardware,
        c if c == HW + 1 => Actor::Fetch,
        c => Actor::Fault(HwFault::ALL[usize::from(c - HW - 2)]),
    }
}

/// The partition that owns fingerprint `fp` among `parts`: its low 32 bits scaled (the
/// visited set indexes by the high bits).
#[inline(always)]
pub fn owner(fp: u64, parts: usize) -> usize {
    (((fp & 0xffff_ffff) * parts as u64) >> 32) as usize
}

/// The merge key of an accepted entry: (parent, actor, root). Unique within a level (a parent
/// generates one successor per actor; roots, without a parent, differ by root), increasing in
/// generation order.
#[inline(always)]
pub fn key(entry: &[u8]) -> (u32, u8, u32) {
    let parent = u32::from_le_bytes(entry[..4].try_into().expect("4 bytes"));
    (parent, entry[4], Packed::root(&entry[ENTRY_HEAD..]))
}

/// What is explored and what counts as a violation: the same for every expander and partition
/// of an exploration (a Web Worker builds its own from the same configs and options).
#[derive(Clone)]
pub struct Rules {
    pub(super) roots: Vec<Config>,
    pub(super) root_sys: Vec<System>,
    pub(super) pk: Packed,
    /// Fingerprinter template (each expander clones it: it has scratch space).
    pub(super) enc: Fingerprinter,
    pub(super) por: bool,
    pub(super) stop_on_cause: bool,
    pub(super) target: Option<FindingKind>,
    /// Keep the graph for the fair-cycle analysis (one partition only).
    pub(super) cycles: bool,
    /// Number of partitions of the visited set.
    pub(super) parts: usize,
}

impl Rules {
    /// The rules of exploring `roots` (already checked by `explore_roots`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        roots: Vec<Config>,
        symmetry: bool,
        rotation: bool,
        por: bool,
        stop_on_cause: bool,
        target: Option<FindingKind>,
        cycles: bool,
        parts: usize,
    ) -> Self {
        let root_sys: Vec<System> = roots.iter().map(System::new).collect();
        assert!(
            !cycles || parts == 1,
            "the fair-cycle analysis runs on one partition"
        );
        Rules {
            pk: Packed::new(&root_sys[0]),
            enc: Fingerprinter::new(symmetry, rotation, &root_sys),
            root_sys,
            roots,
            por,
            stop_on_cause,
            target,
            cycles,
            parts: parts.max(1),
        }
    }

    /// Whether finding `kind` ends the search.
    pub(super) fn is_violation(
        kind: FindingKind,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> bool {
        if let Some(t) = target {
            // An endless walk is a CPU that never returns: a lockup too.
            return kind == t || t == FindingKind::Lockup && kind.hangs();
        }
        match kind {
            FindingKind::LostCompletion => stop_on_cause,
            FindingKind::SuspectedLockup => false,
            _ => true,
        }
    }

    /// Bytes of a successor message.
    pub fn msg_size(&self) -> usize {
        MSG_HEAD + self.pk.size
    }

    /// Bytes of a level record.
    pub fn record_size(&self) -> usize {
        self.pk.size
    }
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
    pub(super) masks: Vec<(u32, u64)>,
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

/// Expands states: unpacks a record into a scratch [`System`], applies each enabled (or
/// ample) actor, fingerprints and checks each successor.
pub struct Expander {
    enc: Fingerprinter,
    sys: System,
    scratch: System,
    enabled: Vec<Actor>,
    /// Records of the block being expanded.
    records: Vec<u8>,
}

impl Expander {
    pub fn new(rules: &Rules) -> Self {
        Expander {
            enc: rules.enc.clone(),
            sys: rules.root_sys[0].clone(),
            scratch: rules.root_sys[0].clone(),
            enabled: Vec::new(),
            records: Vec::new(),
        }
    }

    /// The roots as successor messages without a parent (the level before depth 0).
    pub fn seed(&mut self, rules: &Rules, out: &mut Outbox) {
        out.clear(rules.parts);
        for (ri, sys) in rules.root_sys.iter().enumerate() {
            self.scratch.clone_from(sys);
            let fp = self.enc.fingerprint(ri, &mut self.scratch);
            self.send(rules, fp, u32::MAX, 0, ri as u32, out);
        }
    }

    fn send(
        &mut self,
        rules: &Rules,
        fp: u64,
        parent: u32,
        actor: u8,
        root: u32,
        out: &mut Outbox,
    ) {
        let buf = &mut out.bufs[owner(fp, rules.parts)];
        buf.extend_from_slice(&fp.to_le_bytes());
        buf.extend_from_slice(&parent.to_le_bytes());
        buf.push(actor);
        let at = buf.len();
        rules.pk.pack(&mut self.scratch, root, buf);
        if cfg!(debug_assertions) && fp & 7 == 0 {
            // A record unpacks to a state with the fingerprint it was sent with (checked on an
            // eighth of the records, chosen by fingerprint: a layout bug shows on all of them).
            let mut check = rules.root_sys[root as usize].clone();
            rules.pk.unpack(&buf[at..], &rules.root_sys, &mut check);
            assert_eq!(
                self.enc.fingerprint(root as usize, &mut check),
                fp,
                "a packed state unpacks to a different state"
            );
        }
    }

    /// Expands `blocks` (consecutive blocks of the level at `depth`; their first record is
    /// state `first_id`) into `out`, in generation order, stopping at the first violation.
    pub fn expand(
        &mut self,
        rules: &Rules,
        blocks: &[Block],
        first_id: u32,
        depth: u64,
        out: &mut Outbox,
    ) {
        out.clear(rules.parts);
        let mut records = std::mem::take(&mut self.records);
        let mut id = first_id;
        for b in blocks {
            records.clear();
            decode(b, rules.pk.size, &mut records);
            self.expand_records(rules, &records, id, depth, out);
            if out.violation.is_some() {
                break;
            }
            id += b.records;
        }
        self.records = records;
    }

    /// Expands `records` (the first is state `first_id`) into `out`.
    fn expand_records(
        &mut self,
        rules: &Rules,
        records: &[u8],
        first_id: u32,
        depth: u64,
        out: &mut Outbox,
    ) {
        for (k, rec) in records.chunks_exact(rules.pk.size).enumerate() {
            if self.expand_record(rules, rec, first_id + k as u32, depth, out) {
                return;
            }
        }
    }

    /// Expands one record, state `id` of the level at `depth`, into `out`; true when it found
    /// a violation (the expansion stops there).
    pub(super) fn expand_record(
        &mut self,
        rules: &Rules,
        rec: &[u8],
        id: u32,
        depth: u64,
        out: &mut Outbox,
    ) -> bool {
        let target = rules.target;
        let root = rules.pk.unpack(rec, &rules.root_sys, &mut self.sys);
        let mut enabled = std::mem::take(&mut self.enabled);
        match rules.por.then(|| ample(&self.sys)).flatten() {
            Some(a) => {
                enabled.clear();
                enabled.push(a);
            }
            None => self.sys.enabled_into(&mut enabled),
        }
        if rules.cycles {
            let mask = enabled.iter().fold(0u64, |m, a| m | actor_bit(*a));
            out.masks.push((id, mask));
        }
        if enabled.is_empty()
            && !self.sys.hung
            && !self.sys.all_done()
            && target.is_none_or(|t| t == FindingKind::Deadlock)
        {
            out.violation = Some(Violation {
                parent: id,
                actor: 0,
                kind: FindingKind::Deadlock,
                depth,
                at_parent: true,
            });
        }
        for &a in enabled.iter() {
            if out.violation.is_some() {
                break;
            }
            self.scratch.clone_from(&self.sys);
            self.scratch.apply(a, depth, 0, &mut NoTrace);
            out.transitions += 1;
            let fp = self.enc.fingerprint(root as usize, &mut self.scratch);
            let cycles = rules.cycles;
            let scratch = &self.scratch;
            let kind = scratch
                .found
                .iter()
                .map(|f| f.kind)
                .find(|k| {
                    Rules::is_violation(*k, rules.stop_on_cause, target)
                        && !(cycles && *k == FindingKind::Lockup)
                })
                .or_else(|| {
                    (!cycles && target.is_none_or(|t| t == FindingKind::Lockup) && scratch.stuck())
                        .then_some(FindingKind::Lockup)
                });
            match kind {
                Some(kind) => {
                    out.violation = Some(Violation {
                        parent: id,
                        actor: actor_code(a),
                        kind,
                        depth: depth + 1,
                        at_parent: false,
                    })
                }
                None => self.send(rules, fp, id, actor_code(a), root, out),
            }
        }
        self.enabled = enabled;
        out.violation.is_some()
    }
}

/// Where a partition keeps the fingerprints it owns.
enum Seen {
    Set(FpSet),
    /// With `cycles`: fingerprint → state index, for the edges of the graph.
    Map(FpTable),
}

/// One part of the visited set: the states whose fingerprint it owns ([`owner`]).
pub struct Partition {
    seen: Seen,
}

impl Partition {
    pub fn new(rules: &Rules) -> Self {
        Partition {
            seen: if rules.cycles {
                Seen::Map(FpTable::default())
            } else {
                Seen::Set(FpSet::default())
            },
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
                    out.extend_from_slice(&msg[8..]);
                    accepted += 1;
                }
            }
        }
        accepted
    }

    /// Fingerprints stored.
    pub fn len(&self) -> u64 {
        match &self.seen {
            Seen::Set(s) => s.len() as u64,
            Seen::Map(t) => t.len() as u64,
        }
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of the visited set (allocated slots).
    pub fn bytes(&self) -> u64 {
        match &self.seen {
            Seen::Set(s) => s.capacity() as u64 * 8,
            Seen::Map(t) => t.capacity() as u64 * 12,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{actor_code, actor_of, owner};
    use crate::model::HwFault;
    use crate::Actor;

    #[test]
    fn actor_bytes_round_trip_in_enabled_order() {
        let mut all: Vec<Actor> = (0..super::MAX_EXPLORE_SUBMITTERS)
            .map(Actor::Submitter)
            .collect();
        all.extend([Actor::Hardware, Actor::Fetch]);
        all.extend(HwFault::ALL.map(Actor::Fault));
        let codes: Vec<u8> = all.iter().map(|a| actor_code(*a)).collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        for a in all {
            assert_eq!(actor_of(actor_code(a)), a);
        }
    }

    #[test]
    fn owners_are_in_range_and_spread() {
        let mut counts = [0u32; 3];
        let mut x = 1u64;
        for _ in 0..30_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            counts[owner(x, 3)] += 1;
        }
        assert!(
            counts.iter().all(|c| (9_000..11_000).contains(c)),
            "{counts:?}"
        );
        assert_eq!(owner(u64::MAX, 1), 0);
    }
}
