//! The native thread driver (feature `threads`, off in the WebAssembly build): the steps of a
//! chunk (`partition.rs`) on a pool of threads kept for the whole search, one job per slice,
//! then one per partition, then one per run of blocks to encode. Nothing here decides
//! anything: the slices, the owners and the order in which each owner reads its inboxes are
//! those of the one-thread loop, so the result is the same (`bfs.rs`).
//!
//! Why a pool: a chunk's step is a few milliseconds of work per thread, and a thread spawned
//! for it starts late (the scheduler first runs it beside its parent); measured on the 4-CPU
//! family, encoding on two fresh threads took as long as on one. The pool's threads wait for
//! the next step instead (rayon), and each job borrows its own expander, outbox, partition or
//! accepted buffer: no locks and no unsafe code here.

use super::bfs::{encode_block, Local};
use super::level::Block;
use super::partition::{Partition, Rules};

/// The threads of one search.
pub(super) struct Pool(rayon::ThreadPool);

impl Pool {
    pub(super) fn new(n: usize) -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .thread_name(|i| format!("qisim-explore-{i}"))
            .build()
            .expect("the explorer's threads start");
        Pool(pool)
    }
}

/// Expands slice `i` of `chunk` as job `i`.
pub(super) fn expand(l: &mut Local, rules: &Rules, chunk: &[Block], first_id: u32, depth: u64) {
    let slices = Local::slices(chunk, l.expanders.len());
    let pool = &l.pool.as_ref().expect("a parallel driver has a pool").0;
    let jobs = l.expanders.iter_mut().zip(&mut l.outs).zip(slices);
    pool.scope(|s| {
        for ((e, o), (a, slice)) in jobs {
            s.spawn(move |_| e.expand(rules, slice, first_id + a, depth, o));
        }
    });
}

/// Absorbs the outboxes of slices `..upto` into partition `p` as job `p`, each partition
/// reading its inboxes in slice order.
pub(super) fn absorb(l: &mut Local, rules: &Rules, upto: usize) {
    let outs = &l.outs[..upto];
    let pool = &l.pool.as_ref().expect("a parallel driver has a pool").0;
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
    let jobs = l.parts.iter_mut().zip(&mut l.acc).enumerate();
    pool.scope(|s| {
        for (p, (part, acc)) in jobs {
            s.spawn(move |_| run(p, part, acc));
        }
    });
}

/// Encodes the blocks of `order`, one job per contiguous run of blocks (as many runs as
/// threads), appending them to `out` in order.
pub(super) fn encode(
    l: &mut Local,
    rules: &Rules,
    order: &[(u32, u32)],
    block: usize,
    out: &mut Vec<Block>,
) {
    let blocks: Vec<&[(u32, u32)]> = order.chunks(block).collect();
    let per = blocks.len().div_ceil(l.parts.len()).max(1);
    let acc = &l.acc;
    let pool = &l.pool.as_ref().expect("a parallel driver has a pool").0;
    let mut runs: Vec<Vec<Block>> = vec![Vec::new(); blocks.len().div_ceil(per)];
    pool.scope(|s| {
        for (run, dst) in blocks.chunks(per).zip(&mut runs) {
            s.spawn(move |_| dst.extend(run.iter().map(|o| encode_block(acc, rules, o))));
        }
    });
    out.extend(runs.into_iter().flatten());
}

/// Threads to use for `threads` = 0: every core the platform reports.
pub(super) fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
