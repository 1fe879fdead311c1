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

use std::collections::HashMap;

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
#[derive(Clone, Debug)]
pub struct Violation {
    pub(super) parent: u32,
    /// The actor byte of the violating transition (`partition::actor_code`).
    pub(super) actor: u8,
    pub(super) kind: FindingKind,
    /// Depth of the violating state (transitions from the root).
    pub(super) depth: u64,
    /// The violating state has no transition (deadlock at a stored state: `parent` itself).
    pub(super) at_parent: bool,
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

/// Slices and partitions of this process: `n` expanders, `n` partitions; the slices run in
/// parallel if `threads` (see `threads.rs`), else one after the other.
pub(super) struct Local {
    pub(super) expanders: Vec<Expander>,
    pub(super) parts: Vec<Partition>,
    pub(super) outs: Vec<Outbox>,
    pub(super) acc: Vec<Vec<u8>>,
    pub(super) parallel: bool,
}

impl Local {
    pub(super) fn new(rules: &Rules, parallel: bool) -> Self {
        let n = rules.parts;
        Local {
            expanders: (0..n).map(|_| Expander::new(rules)).collect(),
            parts: (0..n).map(|_| Partition::new(rules)).collect(),
            outs: (0..n).map(|_| Outbox::default()).collect(),
            acc: vec![Vec::new(); n],
            parallel: parallel && n > 1,
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
    pub(super) chunk: usize,
    pub(super) block: usize,
    /// The level being expanded and the one being built (`level.rs`).
    levels: Box<dyn LevelStore>,
    /// Records pushed to the level being built.
    next_records: u64,
    /// The blocks of one round, before they go to `levels`.
    blocks: Vec<Block>,
    /// The accepted entries of a round in generation order: (partition, byte offset).
    order: Vec<(u32, u32)>,
}

impl Explorer {
    pub(super) fn new(rules: Rules, levels: Box<dyn LevelStore>) -> Self {
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
            chunk: CHUNK,
            block: BLOCK,
            levels,
            next_records: 0,
            blocks: Vec::new(),
            order: Vec::new(),
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
            por: self.rules.por,
            symmetry: self.rules.enc.symmetry,
        }
    }

    /// Orders the accepted entries of every partition by generation ([`key`]) into
    /// `self.order` (partition, byte offset), linking each new state to its parent.
    fn merge(&mut self, acc: &[Vec<u8>]) {
        let size = ENTRY_HEAD + self.rules.pk.size;
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

    /// One round of the two steps on `chunk` (or on the roots): returns the first violation.
    fn round(
        &mut self,
        drv: &mut impl Driver,
        chunk: Option<(&[Block], u32, u64)>,
    ) -> Option<Violation> {
        match chunk {
            Some((records, first_id, depth)) => drv.expand(&self.rules, records, first_id, depth),
            None => drv.seed(&self.rules),
        }
        let outs = drv.outboxes();
        let first = outs.iter().position(|o| o.violation.is_some());
        let upto = first.map_or(outs.len(), |s| s + 1);
        self.transitions += outs[..upto].iter().map(|o| o.transitions).sum::<u64>();
        let violation = first.and_then(|s| outs[s].violation.clone());
        if let Some(g) = &mut self.graph {
            for &(id, mask) in outs[..upto].iter().flat_map(|o| &o.masks) {
                g.set_mask(id, mask);
            }
        }
        let first_new = self.states() as u32;
        drv.absorb(
            &self.rules,
            upto,
            first_new,
            self.graph.as_mut().map(|g| &mut g.edges),
        );
        self.merge(drv.accepted());
        drv.encode(&self.rules, &self.order, self.block, &mut self.blocks);
        for b in self.blocks.drain(..) {
            self.next_records += u64::from(b.records);
            self.levels.push(b);
        }
        violation
    }

    /// Breadth-first search, level by level, chunk by chunk. States at depth `max_depth` are
    /// not expanded.
    pub(super) fn bfs(
        &mut self,
        drv: &mut impl Driver,
        max_states: u64,
        max_depth: u64,
        progress: &mut impl FnMut(&ExploreProgress) -> bool,
    ) -> BfsEnd {
        self.threads = drv.threads();
        self.round(drv, None);
        let mut depth = 0u64;
        let mut level_base = 0u32;
        let mut chunk: Vec<Block> = Vec::new();
        let end = loop {
            self.levels.advance();
            let level_len = std::mem::take(&mut self.next_records);
            if level_len == 0 {
                break BfsEnd::Done;
            }
            self.max_depth = depth;
            if depth >= max_depth {
                break BfsEnd::Done;
            }
            let mut stop = None;
            let mut first_id = level_base;
            loop {
                // Whole blocks, at least `chunk` records (or the rest of the level).
                chunk.clear();
                let mut n = 0u64;
                while n < self.chunk as u64 {
                    let Some(b) = self.levels.pop() else { break };
                    n += u64::from(b.records);
                    chunk.push(b);
                }
                if chunk.is_empty() {
                    break;
                }
                if let Some(v) = self.round(drv, Some((&chunk, first_id, depth))) {
                    stop = Some(BfsEnd::Violation(v));
                    break;
                }
                first_id += n as u32;
                let chunk_bytes: u64 = chunk.iter().map(|b| b.bytes.capacity() as u64).sum();
                let transient = self.levels.ram_bytes()
                    + chunk_bytes
                    + self.order.capacity() as u64 * 8
                    + drv.buffer_bytes();
                self.peak_transient = self.peak_transient.max(transient);
                if self.states() > max_states {
                    stop = Some(BfsEnd::Bound);
                    break;
                }
                let p = ExploreProgress {
                    states: self.states(),
                    transitions: self.transitions,
                    depth,
                    queued: level_len - u64::from(first_id - level_base) + self.next_records,
                };
                if !progress(&p) {
                    stop = Some(BfsEnd::Bound);
                    break;
                }
            }
            level_base += level_len as u32;
            if let Some(end) = stop {
                break end;
            }
            depth += 1;
        };
        self.table_bytes = drv.table_bytes();
        end
    }
}

#[cfg(test)]
mod tests {
    use super::{BfsEnd, Explorer, Local};
    use crate::check::family::count_family;
    use crate::check::partition::Rules;
    use crate::config::{BatchDist, Config, Workload};
    use crate::PolicyKind;

    /// What a search leaves: its end, counters and every link.
    fn search(
        roots: &[Config],
        por: bool,
        parts: usize,
        (chunk, block): (usize, usize),
    ) -> (String, u64, u64, Vec<(u32, u8)>) {
        let rules = Rules::new(roots.to_vec(), true, por, false, None, false, parts);
        let mut ex = Explorer::new(rules, Box::<crate::check::level::MemLevels>::default());
        ex.chunk = chunk;
        ex.block = block;
        let mut drv = Local::new(&ex.rules, false);
        let end = match ex.bfs(&mut drv, u64::MAX, u64::MAX, &mut |_| true) {
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
