//! The first step: expand a slice of a level (consecutive packed records) into successor
//! messages, each sent to the partition that owns its fingerprint, in generation order.

use super::outbox::{Outbox, Violation};
use super::rules::Rules;
use crate::check::reduce::ample::ample;
use crate::check::reduce::fingerprint::Fingerprinter;
use crate::check::wire::{actor_bit, actor_code, decode, owner, Block};
use crate::model::{FindingKind, System};
use crate::trace::NoTrace;
use crate::Actor;

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
    pub(crate) fn expand_record(
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
