//! The owner protocol on this thread: one [`Owner`] per partition, driven as the page drives
//! its Web Workers (`wasm/src/explore_pool.rs`, `web/pool-explore.js`): each owner builds its
//! own rules from the configs and options, and everything between the exploration and the
//! owners crosses as a Web Worker sends it — successor messages and merge keys as bytes, the
//! round's end, the cut-off and the indices as numbers, a violation as JSON — with up to
//! [`OwnerPool::ahead`] rounds expanded ahead of the one absorbed. Deterministic: the owners
//! run one after the other, in index order. It is how the protocol is tested in the core.

use std::collections::VecDeque;

use super::owners::Owner;
use super::Driver;
use crate::check::checkpoint::{CheckpointReader, CheckpointWriter, PartRecord};
use crate::check::partition::{Rules, Violation};
use crate::check::search::{Exploration, Round};
use crate::check::{ExploreOptions, ExploreProgress};
use crate::config::Config;

/// One owner and the rules it built for the current search.
struct Worker {
    rules: Rules,
    owner: Owner,
}

/// What an owner posts back after expanding: its messages per owner and its violation (JSON).
struct Posted {
    bufs: Vec<Vec<u8>>,
    violation: Option<String>,
}

/// The owners of an exploration on this thread (see the module docs).
pub struct OwnerPool {
    cfgs: Vec<Config>,
    opts: ExploreOptions,
    parts: usize,
    ahead: usize,
    /// Bytes of a level each owner keeps as entries, in records (`None`: its default).
    raw_records: Option<usize>,
    workers: Vec<Worker>,
    /// What each owner posted for the rounds in flight, oldest first.
    issued: VecDeque<Vec<Posted>>,
}

impl OwnerPool {
    /// `parts` owners of an exploration of `cfgs` with `opts` (those the exploration was made
    /// with), expanding no round ahead.
    pub fn new(cfgs: &[Config], opts: &ExploreOptions, parts: usize) -> Self {
        OwnerPool {
            cfgs: cfgs.to_vec(),
            opts: opts.clone(),
            parts,
            ahead: 0,
            raw_records: None,
            workers: Vec::new(),
            issued: VecDeque::new(),
        }
    }

    /// Expands up to `rounds` rounds ahead of the one absorbed, as the page does.
    pub fn ahead(mut self, rounds: usize) -> Self {
        self.ahead = rounds;
        self
    }

    /// Has each owner keep its levels as raw records only up to `records` records and encode
    /// the rest (by default past 16 MiB), so a small family exercises both forms. The verdict
    /// does not depend on it.
    pub fn raw_records(mut self, records: usize) -> Self {
        self.raw_records = Some(records);
        self
    }
}

impl Driver for OwnerPool {
    fn threads(&self) -> usize {
        self.parts
    }

    fn ahead(&self) -> usize {
        self.ahead
    }

    fn checkpoint(
        &mut self,
        search: u32,
        depth: u64,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        let owners = self.workers.iter_mut();
        owners
            .map(|k| k.owner.checkpoint(&k.rules, search, depth, w))
            .collect()
    }

    fn restore(
        &mut self,
        parts: &[PartRecord],
        r: &mut dyn CheckpointReader,
        w: &mut dyn CheckpointWriter,
    ) -> Result<(), String> {
        if parts.len() != self.workers.len() {
            return Err(format!(
                "the checkpoint has {} owners; this pool {}",
                parts.len(),
                self.workers.len()
            ));
        }
        for (i, k) in self.workers.iter_mut().enumerate() {
            let part = parts
                .iter()
                .find(|p| p.index == i)
                .ok_or_else(|| format!("the checkpoint has no owner {i}"))?;
            k.owner = Owner::restore(&k.rules, part, r, w)?;
            if let Some(n) = self.raw_records {
                k.owner.set_raw_bytes(k.rules.record_size() * n);
            }
        }
        Ok(())
    }

    fn start(&mut self, search: u32, rules: &Rules) {
        self.issued.clear();
        let checkpoints = rules.checkpoints;
        self.workers = (0..self.parts)
            .map(|i| {
                let mut rules =
                    Exploration::worker_rules(&self.cfgs, &self.opts, self.parts, search)
                        .expect("the exploration accepted the same configs and options");
                if checkpoints {
                    rules = rules.with_checkpoints();
                }
                let mut owner = Owner::new(&rules, i);
                if let Some(n) = self.raw_records {
                    owner.set_raw_bytes(rules.record_size() * n);
                }
                Worker { rules, owner }
            })
            .collect();
    }

    fn expand(&mut self, x: &Exploration, round: Round) {
        let end = x.round_end();
        let posted = self.workers.iter_mut().map(|w| {
            match round {
                Round::Seed => w.owner.seed(&w.rules),
                Round::Expand { depth, .. } => w
                    .owner
                    .expand(&w.rules, depth, end)
                    .expect("the exploration issues rounds in order"),
            }
            let out = &mut w.owner.out;
            Posted {
                bufs: std::mem::take(&mut out.bufs),
                violation: out
                    .violation
                    .as_ref()
                    .map(|v| serde_json::to_string(v).expect("a violation serialises")),
            }
        });
        let posted = posted.collect();
        self.issued.push_back(posted);
    }

    fn absorb(&mut self, x: &mut Exploration) -> Option<ExploreProgress> {
        let posted = self.issued.pop_front().expect("a round in flight");
        let violations: Vec<Option<Violation>> = posted
            .iter()
            .map(|p| {
                p.violation
                    .as_ref()
                    .map(|j| serde_json::from_str(j).expect("a violation parses"))
            })
            .collect();
        let mut round = x.owners();
        let cutoff = round.expanded(&violations);
        let (mut keys, mut counted, mut table, mut held) = (Vec::new(), 0, 0, 0);
        for (p, w) in self.workers.iter_mut().enumerate() {
            let inboxes: Vec<&[u8]> = posted.iter().map(|s| s.bufs[p].as_slice()).collect();
            counted += w
                .owner
                .absorb(&w.rules, &inboxes, cutoff)
                .expect("whole messages");
            table += w.owner.table_bytes();
            held += w.owner.level_bytes();
            keys.push(w.owner.keys.clone());
        }
        let progress = round.absorbed(&keys, counted, table, held);
        for (p, w) in self.workers.iter_mut().enumerate() {
            w.owner
                .assign(&w.rules, x.ids(p))
                .expect("as many increasing indices as new states");
        }
        if x.in_flight() < self.issued.len() {
            // Dropped by the exploration (a violation, the bound).
            self.issued.clear();
            self.workers.iter_mut().for_each(|w| w.owner.drop_rounds());
        }
        progress
    }
}
