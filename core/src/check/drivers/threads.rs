//! The native thread driver (feature `threads`, off in the WebAssembly build): the slice
//! protocol with [`SLICES_PER_THREAD`] slices per partition, on a pool of threads kept for the
//! exploration, one job per slice, then one per partition, then one per run of blocks to
//! encode. Nothing here decides anything: the slices, the owners and the order in which each
//! owner reads its inboxes are those of the one-thread driver, so the result is the same.
//!
//! Why a pool: a round's step is a few milliseconds of work per thread, and a thread spawned
//! for it starts late (the scheduler first runs it beside its parent); measured on the 4-CPU
//! family, encoding on two fresh threads took as long as on one. The pool's threads wait for
//! the next step instead (rayon), and each job borrows its own expander, outbox, partition or
//! accepted buffer: no locks and no unsafe code here.

use super::slicing::{encode_block, Slicing};
use super::Driver;
use crate::check::checkpoint::{CheckpointReader, CheckpointWriter, PartRecord};
use crate::check::partition::{Partition, Rules};
use crate::check::search::{Exploration, Round};
use crate::check::wire::Block;
use crate::check::ExploreProgress;

/// Slices per thread: more, smaller expansion jobs than threads, so a thread that finishes its
/// slice early takes another (the cost of a state varies; one slice per thread left one
/// waiting, ≈ 10 % of the expansion on the 4-CPU family).
const SLICES_PER_THREAD: usize = 4;

/// Runs the steps on `n` threads, with `n` partitions of the visited set.
pub struct Threads {
    pool: rayon::ThreadPool,
    n: usize,
    /// The steps of the current search.
    steps: Option<Slicing>,
}

impl Threads {
    /// A driver of `n` threads (the exploration's partitions).
    pub fn new(n: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("qisim-explore-{i}"))
            .build()
            .expect("the explorer's threads start");
        Threads {
            pool,
            n,
            steps: None,
        }
    }
}

impl Driver for Threads {
    fn threads(&self) -> usize {
        self.n
    }

    fn start(&mut self, _search: u32, rules: &Rules) {
        self.steps = None;
        self.steps = Some(Slicing::new(rules, SLICES_PER_THREAD * rules.parts));
    }

    fn expand(&mut self, x: &Exploration, round: Round) {
        let s = self.steps.as_mut().expect("a search has started");
        let Round::Expand { depth, first_id } = round else {
            return s.seed();
        };
        // Slice `i` of the chunk as job `i`.
        let slices = Slicing::cut(x.chunk(), s.expanders.len());
        let rules = &s.rules;
        let jobs = s.expanders.iter_mut().zip(&mut s.outs).zip(slices);
        self.pool.scope(|sc| {
            for ((e, o), (a, slice)) in jobs {
                sc.spawn(move |_| e.expand(rules, slice, first_id + a, depth, o));
            }
        });
    }

    fn absorb(&mut self, x: &mut Exploration) -> Option<ExploreProgress> {
        let s = self.steps.as_mut().expect("a search has started");
        let mut round = x.slices();
        let upto = round.expanded(&s.outs);
        let (first_new, edges) = round.new_states();
        if edges.is_some() {
            s.absorb(upto, first_new, edges);
        } else {
            absorb(&self.pool, s, upto);
        }
        let (table, buffers) = (s.table_bytes(), s.buffer_bytes());
        let (pool, parts) = (&self.pool, s.parts.len());
        let (acc, rules) = (&s.acc, &s.rules);
        let encode = |order: &[(u32, u32)], block: usize, out: &mut Vec<Block>| {
            if order.len() > block {
                encode(pool, parts, acc, rules, order, block, out);
            } else {
                out.extend(order.chunks(block).map(|o| encode_block(acc, rules, o)));
            }
        };
        round.absorbed(acc, encode, table, buffers)
    }

    fn checkpoint(
        &mut self,
        search: u32,
        _depth: u64,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        self.steps
            .as_mut()
            .ok_or("no search started")?
            .checkpoint(search, w)
    }

    fn restore(
        &mut self,
        parts: &[PartRecord],
        r: &mut dyn CheckpointReader,
        _w: &mut dyn CheckpointWriter,
    ) -> Result<(), String> {
        self.steps
            .as_mut()
            .ok_or("no search started")?
            .restore(parts, r)
    }
}

/// Absorbs the outboxes of slices `..upto` into partition `p` as job `p`, each partition
/// reading its inboxes in slice order.
fn absorb(pool: &rayon::ThreadPool, s: &mut Slicing, upto: usize) {
    let outs = &s.outs[..upto];
    let rules = &s.rules;
    let run = move |p: usize, part: &mut Partition, acc: &mut Vec<u8>| {
        acc.clear();
        part.absorb(
            rules,
            outs.iter().map(|o| o.bufs[p].as_slice()),
            0,
            None,
            acc,
        );
    };
    let jobs = s.parts.iter_mut().zip(&mut s.acc).enumerate();
    pool.scope(|sc| {
        for (p, (part, acc)) in jobs {
            sc.spawn(move |_| run(p, part, acc));
        }
    });
}

/// Encodes the blocks of `order`, one job per contiguous run of blocks (as many runs as
/// threads), appending them to `out` in order.
fn encode(
    pool: &rayon::ThreadPool,
    threads: usize,
    acc: &[Vec<u8>],
    rules: &Rules,
    order: &[(u32, u32)],
    block: usize,
    out: &mut Vec<Block>,
) {
    let blocks: Vec<&[(u32, u32)]> = order.chunks(block).collect();
    let per = blocks.len().div_ceil(threads).max(1);
    let mut runs: Vec<Vec<Block>> = vec![Vec::new(); blocks.len().div_ceil(per)];
    pool.scope(|sc| {
        for (run, dst) in blocks.chunks(per).zip(&mut runs) {
            sc.spawn(move |_| dst.extend(run.iter().map(|o| encode_block(acc, rules, o))));
        }
    });
    out.extend(runs.into_iter().flatten());
}

/// Threads to use for `threads` = 0: every core the platform reports.
pub(crate) fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
