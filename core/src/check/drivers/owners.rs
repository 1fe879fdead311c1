//! Levels kept where they were accepted: the side of a pool worker in the owner protocol
//! (`search/owners.rs` is the exploration's side), for drivers whose coordinator should touch
//! no state (a page's thread driving Web Workers: every record that crossed it was copied in
//! and out of its wasm memory, and encoded there, one thread for all the workers). The
//! worker keeps its levels in `store/owned.rs`.
//!
//! An [`Owner`] is one partition of the visited set *and* the keeper of the states it owns, in
//! each level. A round of a level is a range of state indices: every owner expands its own
//! states in that range, in index order ([`Owner::expand`]), and sends each successor to its
//! owner; each owner absorbs the messages of all the expansions *merged by parent index*
//! ([`Owner::absorb`]) — a parent's successors all come from the one owner that expanded it,
//! in actor order — so it sees them in the order one thread generates them and keeps the same
//! first copy. It keeps the records it accepted and hands the coordinator only their merge
//! keys ([`KEY`] bytes: parent, actor, root); the coordinator merges the keys of all owners
//! into generation order, as it would the entries, and gives each owner the indices its states
//! got ([`Owner::assign`]). Nothing but keys, indices and successor messages crosses threads;
//! `pool.rs` drives owners on this thread with those same bytes.
//!
//! A violation found at state `v` ends the level there: the coordinator takes the first one
//! (smallest `v`) and every owner absorbs only the messages of parents up to `v` (the cut-off),
//! which are the successors one thread generates before it stops; the transitions are counted
//! from the same messages (plus the violating one), so the statistics are one thread's too.

use std::collections::VecDeque;

use crate::check::checkpoint::{
    is_level, owner_fp_file, owner_level_file, read_all, read_fingerprints, CheckpointReader,
    CheckpointWriter, Files, PartRecord,
};
use crate::check::partition::{Expander, Outbox, Partition, Rules};
use crate::check::store::owned::{OwnedLevels, Spare};
use crate::check::wire::{ENTRY_HEAD, KEY};

/// One worker of a pool: a partition of the visited set and the owned states of the level
/// being expanded and the next one (see the module docs).
pub struct Owner {
    index: usize,
    expander: Expander,
    partition: Partition,
    /// Depth of the level being expanded (`None` before the first).
    depth: Option<u64>,
    /// The owned states of that level and the next one.
    levels: OwnedLevels,
    /// The entries accepted by each absorbed round, waiting for their indices; oldest first.
    waiting: VecDeque<Vec<u8>>,
    /// This owner's messages to itself, per round expanded and not yet absorbed; oldest first.
    own: VecDeque<Vec<u8>>,
    spare: Spare,
    /// What the last expansion sends (this owner's own buffer is kept in `own`: empty here).
    pub out: Outbox,
    /// The merge keys of the last absorb, in generation order.
    pub keys: Vec<u8>,
    /// This owner's checkpoint files.
    files: Files,
}

impl Owner {
    /// Owner `index` of `rules.parts`.
    pub fn new(rules: &Rules, index: usize) -> Self {
        Owner {
            index,
            expander: Expander::new(rules),
            partition: Partition::new(rules),
            depth: None,
            levels: OwnedLevels::new(),
            waiting: VecDeque::new(),
            own: VecDeque::new(),
            spare: Spare::default(),
            out: Outbox::default(),
            keys: Vec::new(),
            files: Files::default(),
        }
    }

    /// Encodes the records of a level past `bytes` (16 MiB), for tests of both forms.
    pub(crate) fn set_raw_bytes(&mut self, bytes: usize) {
        self.levels.set_raw_bytes(bytes);
    }

    /// The seed round: owner 0 sends the roots, the others nothing.
    pub fn seed(&mut self, rules: &Rules) {
        self.out.clear(rules.parts);
        if self.index == 0 {
            self.expander.seed(rules, &mut self.out);
        }
        self.keep_own();
    }

    /// Expands the owned states of the level at `depth` whose index is below `end` (the end
    /// of the round's range; the states before its start were expanded by earlier rounds),
    /// in index order, stopping at the first violation. The first round of a level starts it:
    /// the indices of every state of the previous one must have been assigned.
    pub fn expand(&mut self, rules: &Rules, depth: u64, end: u32) -> Result<(), String> {
        if self.depth != Some(depth) {
            if !self.waiting.is_empty() {
                return Err(format!(
                    "the level at depth {depth} started with {} rounds of the previous one \
                     waiting for their indices",
                    self.waiting.len()
                ));
            }
            self.levels.advance();
            self.depth = Some(depth);
        }
        self.out.clear(rules.parts);
        let size = rules.record_size();
        while let Some((id, rec)) = self.levels.next_below(end, size, &mut self.spare) {
            if self
                .expander
                .expand_record(rules, rec, id, depth, &mut self.out)
            {
                break;
            }
        }
        self.keep_own();
        Ok(())
    }

    fn keep_own(&mut self) {
        let fresh = self.spare.take();
        let mine = std::mem::replace(&mut self.out.bufs[self.index], fresh);
        self.own.push_back(mine);
    }

    /// Absorbs the oldest round's messages for this owner: `inboxes[w]` is owner `w`'s (this
    /// owner's own are kept here: its entry is ignored), only those of parents up to `cutoff`
    /// (the round's first violation, `u32::MAX` without one). Leaves the keys of the new
    /// states in [`Owner::keys`] and keeps their records until [`Owner::assign`]; returns the
    /// messages counted (the transitions they stand for).
    pub fn absorb(&mut self, rules: &Rules, inboxes: &[&[u8]], cutoff: u32) -> Result<u64, String> {
        if inboxes.len() != rules.parts {
            return Err(format!(
                "{} inboxes for {} owners",
                inboxes.len(),
                rules.parts
            ));
        }
        let own = self
            .own
            .pop_front()
            .ok_or("an absorb without a round expanded")?;
        let size = rules.msg_size();
        let mut boxes: Vec<&[u8]> = inboxes.to_vec();
        boxes[self.index] = &own;
        if let Some((w, b)) = boxes.iter().enumerate().find(|(_, b)| b.len() % size != 0) {
            return Err(format!(
                "inbox {w}: {} bytes is not a whole number of messages",
                b.len()
            ));
        }
        let parent = |m: &[u8]| u32::from_le_bytes(m[8..12].try_into().expect("4 bytes"));
        let mut entries = self.spare.take();
        let mut counted = 0u64;
        // The inbox whose next parent comes first; ties (only roots, all from owner 0) go to
        // the lowest owner.
        let first = |boxes: &[&[u8]]| {
            boxes
                .iter()
                .enumerate()
                .filter(|(_, b)| !b.is_empty())
                .map(|(w, b)| (w, parent(b)))
                .filter(|&(_, p)| p <= cutoff)
                .min_by_key(|&(w, p)| (p, w))
        };
        while let Some((w, p)) = first(&boxes) {
            let b = boxes[w];
            let mut n = size;
            while n < b.len() && parent(&b[n..]) == p {
                n += size;
            }
            self.partition
                .absorb(rules, [&b[..n]], 0, None, &mut entries);
            if p != u32::MAX {
                counted += (n / size) as u64; // a root is not a transition
            }
            boxes[w] = &b[n..];
        }
        let entry = ENTRY_HEAD + rules.record_size();
        self.keys.clear();
        for e in entries.chunks_exact(entry) {
            self.keys.extend_from_slice(&e[..KEY]);
        }
        self.waiting.push_back(entries);
        self.spare.give(own);
        Ok(counted)
    }

    /// The state indices of the oldest absorbed round's new states (as many as it accepted,
    /// increasing): they join the next level.
    pub fn assign(&mut self, rules: &Rules, ids: &[u32]) -> Result<(), String> {
        let size = rules.record_size();
        let entry = ENTRY_HEAD + size;
        let entries = self
            .waiting
            .pop_front()
            .ok_or("indices without a round absorbed")?;
        if entries.len() != ids.len() * entry {
            return Err(format!(
                "{} indices for {} new states",
                ids.len(),
                entries.len() / entry
            ));
        }
        let last = self.levels.last_id();
        if ids.windows(2).any(|w| w[0] >= w[1])
            || matches!((last, ids.first()), (Some(l), Some(&f)) if f <= l)
        {
            return Err("indices must increase".into());
        }
        self.levels.push(entries, ids, size);
        Ok(())
    }

    /// At a checkpoint ([`Next::Checkpoint`](crate::check::Next::Checkpoint) of search
    /// `search`, the level at `depth` expanded next; every round absorbed and assigned):
    /// appends this owner's part through `w` — the fingerprints it accepted since the last
    /// checkpoint, and its states of that level in a file of their own — syncs it, and
    /// returns its record for the coordinator's manifest
    /// ([`Exploration::commit_checkpoint`](crate::check::Exploration::commit_checkpoint)).
    /// `rules` must be [`Rules::with_checkpoints`].
    pub fn checkpoint(
        &mut self,
        rules: &Rules,
        search: u32,
        depth: u64,
        w: &mut dyn CheckpointWriter,
    ) -> Result<PartRecord, String> {
        if !self.waiting.is_empty() || !self.own.is_empty() {
            return Err("a checkpoint with rounds in flight".into());
        }
        let log = self
            .partition
            .log()
            .ok_or("the owner's rules keep no checkpoints (Rules::with_checkpoints)")?;
        let fp = owner_fp_file(search, self.index);
        self.files.append(w, &fp, log)?;
        self.partition.clear_log();
        // The level before is in the manifest before this one only.
        self.files.0.retain(|f, _| !is_level(f));
        let mut level = Vec::new();
        self.levels.write_next(rules.record_size(), &mut level);
        let name = owner_level_file(search, self.index, depth);
        self.files.append(w, &name, &level)?;
        w.sync()?;
        Ok(PartRecord {
            index: self.index,
            files: self.files.clone(),
        })
    }

    /// Owner `part.index` rebuilt from its record of a checkpoint (on a resume; see
    /// [`Exploration::resumed_parts`](crate::check::Exploration::resumed_parts)): its
    /// visited set and its states of the level expanded next, read through `r`; `w`, its
    /// writer, continues its files after what the checkpoint holds. `rules` as for
    /// [`Owner::checkpoint`].
    pub fn restore(
        rules: &Rules,
        part: &PartRecord,
        r: &mut dyn CheckpointReader,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Owner, String> {
        if part.index >= rules.parts {
            return Err(format!(
                "the checkpoint's owner {} is not one of {}",
                part.index, rules.parts
            ));
        }
        let mut o = Owner::new(rules, part.index);
        part.files.keep_all(w)?;
        for file in part.files.0.keys() {
            if is_level(file) {
                o.levels.read_next(&read_all(&part.files, r, file)?)?;
            } else {
                let p = &mut o.partition;
                read_fingerprints(&part.files, r, file, &mut |fp| p.restore(fp))?;
            }
        }
        o.files = part.files.clone();
        Ok(o)
    }

    /// Forgets the rounds expanded or absorbed and not finished (the coordinator dropped them).
    pub fn drop_rounds(&mut self) {
        self.own.clear();
        self.waiting.clear();
    }

    /// Bytes of this owner's visited set.
    pub fn table_bytes(&self) -> u64 {
        self.partition.bytes()
    }

    /// Bytes held for the levels and the messages in flight.
    pub fn level_bytes(&self) -> u64 {
        fn bufs<'a>(q: impl IntoIterator<Item = &'a Vec<u8>>) -> u64 {
            q.into_iter().map(|b| b.capacity() as u64).sum()
        }
        self.levels.bytes()
            + bufs(&self.waiting)
            + bufs(&self.own)
            + self.spare.bytes()
            + self.out.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::Owner;
    use crate::check::partition::Rules;
    use crate::check::wire::KEY;
    use crate::config::Config;

    fn rules(parts: usize) -> Rules {
        let cfg = Config {
            qi_length: 6,
            submitters: 2,
            ..Config::default()
        };
        Rules::new(vec![cfg], true, true, true, false, None, false, parts)
    }

    /// A driver's mistakes are errors naming what is wrong, never a panic or a wrong level.
    #[test]
    fn driver_mistakes_are_errors() {
        let r = rules(2);
        let mut o = Owner::new(&r, 0);
        assert!(o
            .absorb(&r, &[&[], &[]], u32::MAX)
            .unwrap_err()
            .contains("without a round"));
        assert!(o.assign(&r, &[0]).unwrap_err().contains("without a round"));
        o.seed(&r);
        assert!(o
            .absorb(&r, &[&[]], u32::MAX)
            .unwrap_err()
            .contains("1 inboxes for 2"));
        o.seed(&r);
        let cut = [0u8; 5];
        let err = o.absorb(&r, &[&[], &cut], u32::MAX).unwrap_err();
        assert!(
            err.contains("inbox 1") && err.contains("whole number"),
            "{err}"
        );
        // One owner: the root is its own.
        let r = rules(1);
        let mut o = Owner::new(&r, 0);
        o.seed(&r);
        o.absorb(&r, &[&[]], u32::MAX).unwrap();
        assert_eq!(o.keys.len(), KEY);
        assert!(o.assign(&r, &[]).unwrap_err().contains("0 indices for 1"));
        o.seed(&r);
        o.absorb(&r, &[&[]], u32::MAX).unwrap();
        // The level cannot start while a round waits for its indices.
        assert!(o.expand(&r, 0, 1).unwrap_err().contains("waiting"));
    }

    /// Indices must increase, within a round and across the rounds of a level.
    #[test]
    fn indices_must_increase() {
        let r = rules(1);
        let mut o = Owner::new(&r, 0);
        o.seed(&r);
        o.absorb(&r, &[&[]], u32::MAX).unwrap();
        o.assign(&r, &[5]).unwrap();
        o.expand(&r, 0, 6).unwrap();
        o.absorb(&r, &[&[]], u32::MAX).unwrap();
        let n = o.keys.len() / KEY;
        assert!(n >= 2, "the root has {n} successors");
        let mut ids: Vec<u32> = (10..10 + n as u32).collect();
        ids.swap(0, 1);
        assert!(o.assign(&r, &ids).unwrap_err().contains("increase"));
    }
}
