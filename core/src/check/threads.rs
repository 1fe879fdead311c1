//! The native thread driver (feature `threads`, off in the WebAssembly build): the two steps of
//! a chunk (`partition.rs`) on one scoped thread per slice, then one per partition. Nothing
//! here decides anything: the slices, the owners and the order in which each owner reads its
//! inboxes are those of the one-thread loop, so the result is the same (`bfs.rs`).
//!
//! A scoped thread per step and chunk costs tens of microseconds against tens of milliseconds
//! of work per chunk ([`super::bfs::CHUNK`] records); it needs no pool, no locks and no
//! unsafe code: each thread borrows its own expander, outbox, partition and accepted buffer.

use super::bfs::{encode_block, Local};
use super::level::Block;
use super::partition::Rules;

/// Expands slice `i` of `chunk` on thread `i` (slice 0 on the calling thread).
pub(super) fn expand(l: &mut Local, rules: &Rules, chunk: &[Block], first_id: u32, depth: u64) {
    let slices = Local::slices(chunk, l.expanders.len());
    std::thread::scope(|s| {
        let mut jobs = l.expanders.iter_mut().zip(&mut l.outs).zip(slices);
        let here = jobs.next();
        for ((e, o), (a, slice)) in jobs {
            s.spawn(move || e.expand(rules, slice, first_id + a, depth, o));
        }
        if let Some(((e, o), (a, slice))) = here {
            e.expand(rules, slice, first_id + a, depth, o);
        }
    });
}

/// Absorbs the outboxes of slices `..upto` into partition `p` on thread `p` (partition 0 on
/// the calling thread), each partition reading its inboxes in slice order.
pub(super) fn absorb(l: &mut Local, rules: &Rules, upto: usize) {
    let outs = &l.outs[..upto];
    std::thread::scope(|s| {
        let mut jobs = l.parts.iter_mut().zip(&mut l.acc).enumerate();
        let here = jobs.next();
        let run = move |p: usize, part: &mut super::partition::Partition, acc: &mut Vec<u8>| {
            acc.clear();
            part.absorb(
                rules,
                outs.iter().map(|o| o.bufs[p].as_slice()),
                0,
                None,
                acc,
            );
        };
        for (p, (part, acc)) in jobs {
            s.spawn(move || run(p, part, acc));
        }
        if let Some((p, (part, acc))) = here {
            run(p, part, acc);
        }
    });
}

/// Encodes the blocks of `order` on `n` threads, each a contiguous run of blocks.
pub(super) fn encode(
    l: &mut Local,
    rules: &Rules,
    order: &[(u32, u32)],
    block: usize,
    out: &mut Vec<Block>,
) {
    let blocks: Vec<&[(u32, u32)]> = order.chunks(block).collect();
    let n = l.parts.len();
    let per = blocks.len().div_ceil(n);
    let acc = &l.acc;
    let runs: Vec<Vec<Block>> = std::thread::scope(|s| {
        let handles: Vec<_> = blocks
            .chunks(per.max(1))
            .map(|run| s.spawn(move || run.iter().map(|o| encode_block(acc, rules, o)).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an encoding thread"))
            .collect()
    });
    out.extend(runs.into_iter().flatten());
}

/// Threads to use for `threads` = 0: every core the platform reports.
pub(super) fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
