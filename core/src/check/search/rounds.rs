//! One breadth-first search as a loop over levels, each level in rounds of [`CHUNK`] records:
//! the search issues a round ([`Search::next_round`]), a driver expands it and absorbs the
//! successors into the partitions of the visited set (the two steps of `partition/`), then the
//! search merges the partitions' new states into the next level in generation order
//! ([`Search::merge`]), links each to its parent and checks the round ([`Search::absorbed`]). The
//! protocols (`slices.rs`, `owners.rs`) say what a driver reports.
//!
//! Rounds change nothing in the result (a round is absorbed before the next one is expanded,
//! or, expanded ahead, absorbed and merged oldest first, so the order in which each owner sees
//! its messages is still the generation order), and they bound the memory of the messages in
//! flight, make progress and cancellation points independent of the number of threads, and let
//! a violation stop the search soon.
//!
//! What one thread and N threads have in common, so that their results are identical: the
//! rounds (a constant size), the generation order, the first violation (the one of the lowest
//! slice or state that has one, what comes after it discarded), the `maxStates` check (after a
//! round: the count passes `maxStates` → `boundReached`, with the states of that round counted)
//! and the progress calls (after each round, from the coordinating thread).

use std::collections::{HashMap, VecDeque};

use super::cycles::Graph;
use super::links::Links;
use crate::check::partition::{Rules, Violation};
use crate::check::store::level::LevelStore;
use crate::check::wire::{key, write_blocks, Block, BLOCK};
use crate::check::{ExploreProgress, ExploreStats};

/// Records of the current level expanded per round of the two steps.
pub const CHUNK: usize = 1 << 13;

/// A round of the two steps: the roots, or a chunk of the level at `depth` whose first record
/// is state `first_id` (the records are the search's:
/// [`Exploration::chunk`](super::Exploration::chunk)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    Seed,
    Expand { depth: u64, first_id: u32 },
}

/// What the search asks of its driver next.
pub(super) enum Issue {
    /// Run this round (issued: its records are [`Search::chunk`]).
    Round(Round),
    /// Absorb the rounds in flight first (the level is fully issued).
    Wait,
    /// The level at this depth is complete and is expanded next: a checkpoint is due (only
    /// when [`Search::checkpoints`] is set).
    Checkpoint(u64),
    /// The search has ended ([`Search::end`]).
    Ended,
}

/// A round issued and not yet absorbed: its records and how many.
pub(super) struct InFlight {
    round: Round,
    chunk: Vec<Block>,
    records: u64,
}

/// How a search ended.
pub(super) enum End {
    Done,
    Bound,
    Violation(Violation),
}

/// One search: the levels, the links of every stored state, the counters.
pub(super) struct Search {
    pub(super) rules: Rules,
    /// Parent and actor of every stored state.
    pub(super) links: Links,
    /// Root config of each root state.
    pub(super) root_of: HashMap<u32, usize>,
    pub(super) transitions: u64,
    pub(super) max_depth: u64,
    /// Peak bytes of the levels and the buffers of the steps.
    pub(super) peak_transient: u64,
    pub(super) table_bytes: u64,
    pub(super) threads: usize,
    /// The state graph, kept for the fair-cycle analysis.
    pub(super) graph: Option<Graph>,
    /// Records per chunk ([`CHUNK`]) and per block ([`BLOCK`]); smaller in tests, to cross
    /// their boundaries.
    pub(super) chunk_size: usize,
    pub(super) block: usize,
    /// The level being expanded and the one being built (`store/level.rs`).
    pub(super) levels: Box<dyn LevelStore>,
    /// Records pushed to the level being built.
    pub(super) next_records: u64,
    /// Checkpoints are kept (`checkpoint.rs`): stop at each level boundary, and copy the
    /// blocks of each absorbed round into `tee` (for the level's file); the depth of the last
    /// boundary reported.
    pub(super) checkpoints: bool,
    pub(super) tee: Vec<u8>,
    pub(super) checkpointed: Option<u64>,
    /// The blocks of one round, before they go to `levels`.
    pub(super) blocks: Vec<Block>,
    /// The accepted entries of a round in generation order: (partition, byte offset).
    pub(super) order: Vec<(u32, u32)>,
    /// Stop after storing more states than this, and do not expand this level.
    max_states: u64,
    pub(super) depth_limit: u64,
    /// Where the search is: seeded, the level being expanded (its depth, first state index,
    /// records, whether it is open) and the next chunk's first state index.
    pub(super) seeded: bool,
    pub(super) depth: u64,
    pub(super) level_base: u32,
    level_len: u64,
    pub(super) level_open: bool,
    first_id: u32,
    /// The next chunk's first state index, and whether the level has no more to issue.
    issue_id: u32,
    level_drained: bool,
    /// Rounds issued and not yet absorbed, oldest first, and the violation the oldest one's
    /// expansion found.
    in_flight: VecDeque<InFlight>,
    pub(super) violation: Option<Violation>,
    /// How the search ended, once it has.
    pub(super) end: Option<End>,
}

impl Search {
    /// A search of `rules` that stops after storing more than `max_states` states and does
    /// not expand the level at `depth_limit`.
    pub(super) fn new(
        rules: Rules,
        levels: Box<dyn LevelStore>,
        max_states: u64,
        depth_limit: u64,
    ) -> Self {
        Search {
            graph: rules.cycles.then(Graph::default),
            rules,
            links: Links::default(),
            root_of: HashMap::new(),
            transitions: 0,
            max_depth: 0,
            peak_transient: 0,
            table_bytes: 0,
            threads: 1,
            chunk_size: CHUNK,
            block: BLOCK,
            levels,
            next_records: 0,
            checkpoints: false,
            tee: Vec::new(),
            checkpointed: None,
            blocks: Vec::new(),
            order: Vec::new(),
            max_states,
            depth_limit,
            seeded: false,
            depth: 0,
            level_base: 0,
            level_len: 0,
            level_open: false,
            first_id: 0,
            issue_id: 0,
            level_drained: false,
            in_flight: VecDeque::new(),
            violation: None,
            end: None,
        }
    }

    pub(super) fn states(&self) -> u64 {
        self.links.len() as u64
    }

    pub(super) fn stats(&self) -> ExploreStats {
        let states = self.states();
        let links = self.links.bytes();
        let graph = self.graph.as_ref().map_or(0, |g| {
            (g.edges.capacity() * std::mem::size_of::<(u32, u32, u8)>() + g.masks.capacity() * 8)
                as u64
        });
        let bytes = self.table_bytes + links + self.peak_transient + graph;
        let n = states as f64;
        ExploreStats {
            states,
            transitions: self.transitions,
            max_depth: self.max_depth,
            roots: self.rules.roots.len() as u64,
            seconds: None,
            states_per_second: None,
            bytes_per_state: if states > 0 { bytes as f64 / n } else { 0.0 },
            peak_bytes: bytes,
            collision_probability: ExploreStats::collision_bound(states),
            threads: self.threads as u32,
            por: self.rules.por && self.rules.root_sys[0].params.faults.is_off(),
            symmetry: self.rules.enc.symmetry,
            rotation: self.rules.enc.rotation
                && self.rules.enc.rotation_step() < self.rules.root_sys[0].ring.qi_length,
            dead_descriptors: !self.rules.root_sys[0].params.dead.any,
        }
    }

    /// Orders the new states of every partition by generation ([`key`]) into `self.order`
    /// (partition, byte offset), linking each to its parent: `acc` holds per partition its
    /// new states in generation order, as entries of `size` bytes that start with their
    /// merge key (accepted entries, or the keys alone).
    pub(super) fn merge(&mut self, acc: &[Vec<u8>], size: usize) {
        let mut at = vec![0usize; acc.len()];
        self.order.clear();
        loop {
            let mut best: Option<(usize, (u32, u8, u32))> = None;
            for (p, a) in acc.iter().enumerate() {
                if at[p] < a.len() {
                    let k = key(&a[at[p]..]);
                    if best.is_none_or(|(_, b)| k < b) {
                        best = Some((p, k));
                    }
                }
            }
            let Some((p, (parent, actor, root))) = best else {
                break;
            };
            self.order.push((p as u32, at[p] as u32));
            at[p] += size;
            if parent == u32::MAX {
                self.root_of.insert(self.links.len() as u32, root as usize);
            }
            self.links.push(parent, actor);
        }
    }

    /// The next round of the search ([`Issue`]): the seed round first, then the chunks of
    /// each level in order. A driver may ask for the next chunks of a level before the earlier
    /// ones are absorbed (a pool expands ahead while the coordinator merges); a new level
    /// waits until every round of the previous one is absorbed.
    pub(super) fn next_round(&mut self) -> Issue {
        if self.end.is_some() {
            return Issue::Ended;
        }
        if !self.seeded {
            self.seeded = true;
            return self.issue(Round::Seed, Vec::new(), 0);
        }
        loop {
            if !self.level_open {
                if !self.in_flight.is_empty() {
                    return Issue::Wait;
                }
                if self.checkpoints
                    && self.next_records > 0
                    && self.depth < self.depth_limit
                    && self.checkpointed != Some(self.depth)
                {
                    self.checkpointed = Some(self.depth);
                    return Issue::Checkpoint(self.depth);
                }
                self.levels.advance();
                self.level_len = std::mem::take(&mut self.next_records);
                if self.level_len == 0 {
                    self.end = Some(End::Done);
                    return Issue::Ended;
                }
                self.max_depth = self.depth;
                if self.depth >= self.depth_limit {
                    self.end = Some(End::Done);
                    return Issue::Ended;
                }
                self.level_open = true;
                self.level_drained = false;
                self.first_id = self.level_base;
                self.issue_id = self.level_base;
            }
            // Whole blocks, at least `chunk` records (or the rest of the level).
            let mut chunk = Vec::new();
            let mut records = 0u64;
            while !self.level_drained && records < self.chunk_size as u64 {
                match self.levels.pop() {
                    Some(b) => {
                        records += u64::from(b.records);
                        chunk.push(b);
                    }
                    None => self.level_drained = true,
                }
            }
            if !chunk.is_empty() {
                let round = Round::Expand {
                    depth: self.depth,
                    first_id: self.issue_id,
                };
                self.issue_id += records as u32;
                return self.issue(round, chunk, records);
            }
            if !self.in_flight.is_empty() {
                return Issue::Wait;
            }
            self.level_base += self.level_len as u32;
            self.depth += 1;
            self.level_open = false;
        }
    }

    fn issue(&mut self, round: Round, chunk: Vec<Block>, records: u64) -> Issue {
        self.in_flight.push_back(InFlight {
            round,
            chunk,
            records,
        });
        Issue::Round(round)
    }

    /// The records of the round issued last.
    pub(super) fn chunk(&self) -> &[Block] {
        self.in_flight.back().map_or(&[], |r| &r.chunk)
    }

    /// The round issued last.
    pub(super) fn in_flight_back(&self) -> Option<Round> {
        self.in_flight.back().map(|r| r.round)
    }

    /// Records of the round issued last.
    pub(super) fn issued_records(&self) -> u64 {
        self.in_flight.back().map_or(0, |r| r.records)
    }

    /// Rounds issued and not yet absorbed.
    pub(super) fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The absorption of the oldest round in flight is done, its violation (if any) in
    /// [`Self::violation`] and its new states merged ([`Self::merge`]) and in [`Self::blocks`]
    /// (encoded, or only their shape): `table_bytes` and `buffer_bytes` are the driver's
    /// visited set and buffers. Appends the blocks to the next level, then checks the
    /// violation and `maxStates` and returns the progress to report (none after the seed round
    /// or once the search has ended).
    pub(super) fn absorbed(
        &mut self,
        table_bytes: u64,
        buffer_bytes: u64,
    ) -> Option<ExploreProgress> {
        let done = self.in_flight.pop_front().expect("a round was expanded");
        if self.checkpoints {
            write_blocks(&self.blocks, &mut self.tee);
        }
        for b in self.blocks.drain(..) {
            self.next_records += u64::from(b.records);
            self.levels.push(b);
        }
        self.table_bytes = table_bytes;
        let Round::Expand { depth, .. } = done.round else {
            return None;
        };
        if let Some(v) = self.violation.take() {
            self.end = Some(End::Violation(v));
            self.in_flight.clear();
            return None;
        }
        self.first_id += done.records as u32;
        let chunk_bytes: u64 = std::iter::once(&done)
            .chain(&self.in_flight)
            .flat_map(|r| &r.chunk)
            .map(|b| b.bytes.capacity() as u64)
            .sum();
        let transient =
            self.levels.ram_bytes() + chunk_bytes + self.order.capacity() as u64 * 8 + buffer_bytes;
        self.peak_transient = self.peak_transient.max(transient);
        if self.states() > self.max_states {
            self.end = Some(End::Bound);
            self.in_flight.clear();
            return None;
        }
        Some(ExploreProgress {
            states: self.states(),
            transitions: self.transitions,
            depth,
            queued: self.level_len - u64::from(self.first_id - self.level_base) + self.next_records,
        })
    }

    /// Stops the search with `boundReached` (a cancelled search keeps its statistics); the
    /// rounds in flight are dropped.
    pub(super) fn cancel(&mut self) {
        if self.end.is_none() {
            self.end = Some(End::Bound);
        }
        self.in_flight.clear();
    }
}
