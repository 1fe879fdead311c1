//! The breadth-first search as a loop over levels, each level in chunks of [`CHUNK`] records:
//! a driver ([`Driver`]) expands a chunk in contiguous slices and absorbs the successors into
//! the partitions of the visited set (the two steps of `partition.rs`), then this coordinator
//! merges the partitions' new states into the next level in generation order and links each
//! to its parent.
//!
//! Chunks change nothing in the result (a chunk is absorbed before the next one is expanded,
//! so the order in which each owner sees its messages is still the generation order), and they
//! bound the memory of the messages in flight, make progress and cancellation points
//! independent of the number of threads, and let a violation stop the search soon.
//!
//! What one thread and N threads have in common, so that their results are identical: the
//! chunks (a constant size), the generation order, the first violation (the one of the lowest
//! slice that has one, the slices after it discarded), the `maxStates` check (after a chunk:
//! the count passes `maxStates` → `boundReached`, with the states of that chunk counted) and
//! the progress calls (after each chunk, from the coordinating thread).

use std::collections::{HashMap, VecDeque};

use super::cycles::Graph;
use super::level::{Block, Encoder, LevelStore, BLOCK};
use super::partition::ENTRY_HEAD as HEAD;
use super::partition::{key, Expander, Outbox, Partition, Rules, ENTRY_HEAD};
use super::{ExploreProgress, ExploreStats};
use crate::model::FindingKind;

/// Records of the current level expanded per round of the two steps.
pub const CHUNK: usize = 1 << 13;

/// A violation found by the BFS: a transition by `actor` from stored state `parent` (a finding
/// of `kind` or a stuck state), or a deadlock at `parent` itself.
/// Plain data: a Web Worker sends it back with its outbox.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub parent: u32,
    /// The actor byte of the violating transition (`partition::actor_code`).
    pub actor: u8,
    pub kind: FindingKind,
    /// Depth of the violating state (transitions from the root).
    pub depth: u64,
    /// The violating state has no transition (deadlock at a stored state: `parent` itself).
    pub at_parent: bool,
}

/// A round of the two steps: the roots, or a chunk of the level at `depth` whose first record
/// is state `first_id` (the records are the coordinator's: `Exploration::slices`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Round {
    Seed,
    Expand { depth: u64, first_id: u32 },
}

/// What the search asks of its driver next.
pub(super) enum Issue {
    /// Run this round (issued: its records are [`Explorer::chunk`]).
    Round(Round),
    /// Absorb the rounds in flight first (the level is fully issued).
    Wait,
    /// The search has ended ([`Explorer::end`]).
    Ended,
}

/// A round issued and not yet absorbed: its records and how many.
pub(super) struct InFlight {
    round: Round,
    chunk: Vec<Block>,
    records: u64,
}

pub(super) enum BfsEnd {
    Done,
    Bound,
    Violation(Violation),
}

/// Runs the two steps of a chunk. [`Local`] runs them on this thread or, with the `threads`
/// feature, on a scoped thread per slice and partition; a Web Worker pool is the same
/// protocol over `postMessage`.
pub(super) trait Driver {
    /// Seeds the roots (as the outbox of one slice).
    fn seed(&mut self, rules: &Rules);
    /// Expands `chunk` (blocks of the level at `depth`, the first record state `first_id`) in
    /// contiguous slices, in order, into [`Driver::outboxes`].
    fn expand(&mut self, rules: &Rules, chunk: &[Block], first_id: u32, depth: u64);
    /// The outboxes of the last expansion, in slice order.
    fn outboxes(&self) -> &[Outbox];
    /// Absorbs the outboxes of slices `..upto` into their owners; the new states of each
    /// partition in [`Driver::accepted`]. `edges` only with `cycles` (one partition).
    fn absorb(
        &mut self,
        rules: &Rules,
        upto: usize,
        first_new_id: u32,
        edges: Option<&mut Vec<(u32, u32, u8)>>,
    );
    /// The accepted entries of each partition after [`Driver::absorb`].
    fn accepted(&self) -> &[Vec<u8>];
    /// Encodes the accepted records in `order` into blocks of `block` records, appended to
    /// `out` (blocks encode independently, so in parallel).
    fn encode(&mut self, rules: &Rules, order: &[(u32, u32)], block: usize, out: &mut Vec<Block>);
    /// Bytes of the visited set.
    fn table_bytes(&self) -> u64;
    /// Bytes of the buffers (outboxes, accepted entries).
    fn buffer_bytes(&self) -> u64;
    /// Threads the driver runs on.
    fn threads(&self) -> usize;
}

/// Slices per thread of a parallel search: more, smaller expansion jobs than threads, so a
/// thread that finishes its slice early takes another (the cost of a state varies; one slice
/// per thread left one waiting, ≈ 10 % of the expansion on the 4-CPU family).
const SLICES_PER_THREAD: usize = 4;

/// Slices and partitions of this process: `n` partitions and `n` expanders (one slice each),
/// or [`SLICES_PER_THREAD`]` · n` when parallel; the slices run in parallel if `threads` (see
/// `threads.rs`), else one after the other. The slicing changes no result: each owner reads
/// its inboxes in slice order, which is generation order.
pub(super) struct Local {
    pub(super) expanders: Vec<Expander>,
    pub(super) parts: Vec<Partition>,
    pub(super) outs: Vec<Outbox>,
    pub(super) acc: Vec<Vec<u8>>,
    pub(super) parallel: bool,
    /// The threads of a parallel search, kept for the whole search (`threads.rs`).
    #[cfg(feature = "threads")]
    pub(super) pool: Option<super::threads::Pool>,
}

impl Local {
    pub(super) fn new(rules: &Rules, parallel: bool) -> Self {
        let n = rules.parts;
        let parallel = parallel && n > 1;
        let slices = if parallel { SLICES_PER_THREAD * n } else { n };
        Local {
            expanders: (0..slices).map(|_| Expander::new(rules)).collect(),
            parts: (0..n).map(|_| Partition::new(rules)).collect(),
            outs: (0..slices).map(|_| Outbox::default()).collect(),
            acc: vec![Vec::new(); n],
            parallel,
            #[cfg(feature = "threads")]
            pool: parallel.then(|| super::threads::Pool::new(n)),
        }
    }

    /// `chunk` cut into `n` contiguous slices of whole blocks, about as many records each:
    /// (first record of the slice within the chunk, its blocks).
    pub(super) fn slices(chunk: &[Block], n: usize) -> Vec<(u32, &[Block])> {
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
}

impl Driver for Local {
    fn seed(&mut self, rules: &Rules) {
        for o in &mut self.outs {
            o.clear(rules.parts);
        }
        self.expanders[0].seed(rules, &mut self.outs[0]);
    }

    fn expand(&mut self, rules: &Rules, chunk: &[Block], first_id: u32, depth: u64) {
        #[cfg(feature = "threads")]
        if self.parallel {
            return super::threads::expand(self, rules, chunk, first_id, depth);
        }
        let slices = Self::slices(chunk, self.expanders.len());
        for ((e, o), (a, slice)) in self.expanders.iter_mut().zip(&mut self.outs).zip(slices) {
            e.expand(rules, slice, first_id + a, depth, o);
        }
    }

    fn outboxes(&self) -> &[Outbox] {
        &self.outs
    }

    fn absorb(
        &mut self,
        rules: &Rules,
        upto: usize,
        first_new_id: u32,
        mut edges: Option<&mut Vec<(u32, u32, u8)>>,
    ) {
        #[cfg(feature = "threads")]
        if self.parallel && edges.is_none() {
            return super::threads::absorb(self, rules, upto);
        }
        let outs = &self.outs[..upto];
        for (p, (part, acc)) in self.parts.iter_mut().zip(&mut self.acc).enumerate() {
            acc.clear();
            let inboxes = outs.iter().map(|o| o.bufs[p].as_slice());
            part.absorb(rules, inboxes, first_new_id, edges.as_deref_mut(), acc);
        }
    }

    fn accepted(&self) -> &[Vec<u8>] {
        &self.acc
    }

    fn encode(&mut self, rules: &Rules, order: &[(u32, u32)], block: usize, out: &mut Vec<Block>) {
        #[cfg(feature = "threads")]
        if self.parallel && order.len() > block {
            return super::threads::encode(self, rules, order, block, out);
        }
        out.extend(
            order
                .chunks(block)
                .map(|o| encode_block(&self.acc, rules, o)),
        );
    }

    fn table_bytes(&self) -> u64 {
        self.parts.iter().map(Partition::bytes).sum()
    }

    fn buffer_bytes(&self) -> u64 {
        let acc: u64 = self.acc.iter().map(|a| a.capacity() as u64).sum();
        acc + self.outs.iter().map(Outbox::bytes).sum::<u64>()
    }

    fn threads(&self) -> usize {
        if self.parallel {
            self.parts.len()
        } else {
            1
        }
    }
}

/// The block of the accepted records at `order` (partition, byte offset of the entry).
pub(super) fn encode_block(acc: &[Vec<u8>], rules: &Rules, order: &[(u32, u32)]) -> Block {
    let size = rules.pk.size;
    let mut e = Encoder::new(size);
    for &(p, at) in order {
        let at = at as usize + HEAD;
        e.push(&acc[p as usize][at..at + size]);
    }
    e.take()
}

/// The parent index (`u32::MAX` for a root) and the actor byte of the transition from it, of
/// every stored state: 5 bytes a state. Paths are rebuilt by replaying the actors (`path.rs`).
/// In pages of 2^20 states: a growing `Vec` would hold up to twice its length, and copy it.
#[derive(Default)]
pub(super) struct Links {
    parent: Vec<Vec<u32>>,
    actor: Vec<Vec<u8>>,
    len: usize,
}

impl Links {
    const PAGE: usize = 1 << 20;

    pub(super) fn push(&mut self, parent: u32, actor: u8) {
        if self.len % Self::PAGE == 0 {
            self.parent.push(Vec::with_capacity(Self::PAGE));
            self.actor.push(Vec::with_capacity(Self::PAGE));
        }
        self.parent.last_mut().expect("a page").push(parent);
        self.actor.last_mut().expect("a page").push(actor);
        self.len += 1;
    }

    /// (parent, actor) of state `i`.
    pub(super) fn get(&self, i: u32) -> (u32, u8) {
        let (p, o) = (i as usize / Self::PAGE, i as usize % Self::PAGE);
        (self.parent[p][o], self.actor[p][o])
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn bytes(&self) -> u64 {
        (self.parent.len() * Self::PAGE * 5) as u64
    }
}

/// The coordinator: the levels, the links of every stored state, the counters.
pub(super) struct Explorer {
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
    /// The level being expanded and the one being built (`level.rs`).
    levels: Box<dyn LevelStore>,
    /// Records pushed to the level being built.
    next_records: u64,
    /// The blocks of one round, before they go to `levels`.
    pub(super) blocks: Vec<Block>,
    /// The accepted entries of a round in generation order: (partition, byte offset).
    pub(super) order: Vec<(u32, u32)>,
    /// Stop after storing more states than this, and do not expand this level.
    max_states: u64,
    depth_limit: u64,
    /// Where the search is: seeded, the level being expanded (its depth, first state index,
    /// records, whether it is open) and the next chunk's first state index.
    seeded: bool,
    depth: u64,
    level_base: u32,
    level_len: u64,
    level_open: bool,
    first_id: u32,
    /// The next chunk's first state index, and whether the level has no more to issue.
    issue_id: u32,
    level_drained: bool,
    /// Rounds issued and not yet absorbed, oldest first, and the violation the oldest one's
    /// expansion found.
    in_flight: VecDeque<InFlight>,
    violation: Option<Violation>,
    /// How the search ended, once it has.
    pub(super) end: Option<BfsEnd>,
}

impl Explorer {
    /// A search of `rules` that stops after storing more than `max_states` states and does
    /// not expand the level at `depth_limit`.
    pub(super) fn new(
        rules: Rules,
        levels: Box<dyn LevelStore>,
        max_states: u64,
        depth_limit: u64,
    ) -> Self {
        Explorer {
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
        // Birthday bound: some pair of the n stored states shares a 64-bit fingerprint.
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
            collision_probability: (n * (n - 1.0) / 2.0 * 2f64.powi(-64)).clamp(0.0, 1.0),
            threads: self.threads as u32,
            por: self.rules.por && self.rules.root_sys[0].params.faults.is_off(),
            symmetry: self.rules.enc.symmetry,
            rotation: self.rules.enc.rotation
                && self.rules.enc.rotation_step() < self.rules.root_sys[0].ring.qi_length,
            dead_descriptors: !self.rules.root_sys[0].params.dead.any,
        }
    }

    /// Orders the accepted entries of every partition by generation ([`key`]) into
    /// `self.order` (partition, byte offset), linking each new state to its parent.
    pub(super) fn merge(&mut self, acc: &[Vec<u8>]) {
        self.merge_entries(acc, ENTRY_HEAD + self.rules.pk.size);
    }

    /// [`Self::merge`] of entries of `size` bytes (accepted entries, or merge keys).
    pub(super) fn merge_entries(&mut self, acc: &[Vec<u8>], size: usize) {
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
                self.levels.advance();
                self.level_len = std::mem::take(&mut self.next_records);
                if self.level_len == 0 {
                    self.end = Some(BfsEnd::Done);
                    return Issue::Ended;
                }
                self.max_depth = self.depth;
                if self.depth >= self.depth_limit {
                    self.end = Some(BfsEnd::Done);
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

    /// The transition of the violation the oldest round found (1 unless it is a state's own).
    pub(super) fn violation_transition(&self) -> u64 {
        self.violation
            .as_ref()
            .map_or(0, |v| u64::from(!v.at_parent))
    }

    /// Records of the round issued last.
    pub(super) fn issued_records(&self) -> u64 {
        self.in_flight.back().map_or(0, |r| r.records)
    }

    /// Rounds issued and not yet absorbed.
    pub(super) fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// The expansion of the oldest round in flight is done: `outs` are its slices' outboxes in
    /// order (only their counters, violation and masks are read). Returns how many slices count:
    /// those up to and including the first with a violation, whose messages are to be absorbed.
    pub(super) fn expanded(&mut self, outs: &[Outbox]) -> usize {
        let first = outs.iter().position(|o| o.violation.is_some());
        let upto = first.map_or(outs.len(), |s| s + 1);
        self.transitions += outs[..upto].iter().map(|o| o.transitions).sum::<u64>();
        self.violation = first.and_then(|s| outs[s].violation.clone());
        if let Some(g) = &mut self.graph {
            for &(id, mask) in outs[..upto].iter().flat_map(|o| &o.masks) {
                g.set_mask(id, mask);
            }
        }
        upto
    }

    /// The expansion of the oldest round in flight by owners (`owned.rs`) is done: `outs` are
    /// their outboxes (only the violations are read). Returns the cut-off: the first
    /// violation's state, `u32::MAX` without one.
    pub(super) fn owned_expanded(&mut self, outs: &[Outbox]) -> u32 {
        self.violation = outs
            .iter()
            .filter_map(|o| o.violation.as_ref())
            .min_by_key(|v| v.parent)
            .cloned();
        self.violation.as_ref().map_or(u32::MAX, |v| v.parent)
    }

    /// The absorption of the oldest round in flight is done and its new states merged
    /// ([`Self::merge`]) and encoded into [`Self::blocks`]: `table_bytes` and `buffer_bytes` are the driver's
    /// visited set and buffers. Appends the blocks to the next level, then checks the
    /// violation and `maxStates` and returns the progress to report (none after the seed round
    /// or once the search has ended).
    pub(super) fn absorbed(
        &mut self,
        table_bytes: u64,
        buffer_bytes: u64,
    ) -> Option<ExploreProgress> {
        let done = self.in_flight.pop_front().expect("a round was expanded");
        for b in self.blocks.drain(..) {
            self.next_records += u64::from(b.records);
            self.levels.push(b);
        }
        self.table_bytes = table_bytes;
        let Round::Expand { depth, .. } = done.round else {
            return None;
        };
        if let Some(v) = self.violation.take() {
            self.end = Some(BfsEnd::Violation(v));
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
            self.end = Some(BfsEnd::Bound);
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
            self.end = Some(BfsEnd::Bound);
        }
        self.in_flight.clear();
    }

    /// Runs the whole search on `drv`, calling `progress` after every chunk (false cancels);
    /// how it ended is in [`Explorer::end`].
    pub(super) fn bfs(
        &mut self,
        drv: &mut impl Driver,
        progress: &mut impl FnMut(&ExploreProgress) -> bool,
    ) {
        self.threads = drv.threads();
        while let Issue::Round(round) = self.next_round() {
            match round {
                Round::Seed => drv.seed(&self.rules),
                Round::Expand { depth, first_id } => {
                    drv.expand(&self.rules, self.chunk(), first_id, depth)
                }
            }
            let upto = self.expanded(drv.outboxes());
            let first_new = self.states() as u32;
            let edges = self.graph.as_mut().map(|g| &mut g.edges);
            drv.absorb(&self.rules, upto, first_new, edges);
            self.merge(drv.accepted());
            drv.encode(&self.rules, &self.order, self.block, &mut self.blocks);
            let p = self.absorbed(drv.table_bytes(), drv.buffer_bytes());
            if let Some(p) = p {
                if !progress(&p) {
                    self.cancel();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BfsEnd, Explorer, Local};
    use crate::check::partition::Rules;
    use crate::check::tools::family::count_family;
    use crate::config::{BatchDist, Config, Workload};
    use crate::PolicyKind;

    /// What a search leaves: its end, counters and every link.
    fn search(
        roots: &[Config],
        por: bool,
        parts: usize,
        (chunk, block): (usize, usize),
    ) -> (String, u64, u64, Vec<(u32, u8)>) {
        let rules = Rules::new(roots.to_vec(), true, true, por, false, None, false, parts);
        let levels = Box::<crate::check::level::MemLevels>::default();
        let mut ex = Explorer::new(rules, levels, u64::MAX, u64::MAX);
        ex.chunk_size = chunk;
        ex.block = block;
        let mut drv = Local::new(&ex.rules, false);
        ex.bfs(&mut drv, &mut |_| true);
        let end = match ex.end.take().expect("ended") {
            BfsEnd::Done => "done".to_string(),
            BfsEnd::Bound => "bound".to_string(),
            BfsEnd::Violation(v) => format!("{v:?}"),
        };
        let links = (0..ex.links.len() as u32)
            .map(|i| ex.links.get(i))
            .collect();
        (end, ex.states(), ex.transitions, links)
    }

    /// Partitions, chunk and block boundaries change nothing, link for link: 1 partition and
    /// whole levels against 2 and 3 partitions (run one after the other here) and chunks and
    /// blocks of a few records, on a proof and on a counterexample.
    #[test]
    fn partitions_and_chunks_keep_every_link() {
        for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
            let base = Config {
                qi_length: 6,
                submitters: 2,
                policy,
                workload: Workload {
                    submissions: 2,
                    batch: BatchDist::Fixed { count: 1 },
                    ..Workload::default()
                },
                ..Config::default()
            };
            let roots = count_family(&base, &[0, 1, 2]).unwrap();
            for por in [true, false] {
                let one = search(&roots, por, 1, (super::CHUNK, super::BLOCK));
                assert!(one.1 > 100, "{policy:?}: {} states", one.1);
                for (parts, sizes) in [(2, (7, 3)), (3, (1, 1)), (3, (50, 7)), (1, (9, 2))] {
                    let other = search(&roots, por, parts, sizes);
                    assert!(
                        other == one,
                        "{policy:?} por {por}, {parts} partitions, {sizes:?}: {} vs {}",
                        other.0,
                        one.0
                    );
                }
            }
        }
    }
}
