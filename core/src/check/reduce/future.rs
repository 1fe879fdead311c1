//! What a submitter still has to do: the calls after its current one. A state's fingerprint
//! names each submitter's workload by its *future* instead of the whole workload, so states of
//! different roots merge once their submitters have the same calls left (the calls already
//! made leave only what the state holds: counters, labels in the ring). A submitter's future
//! is the counts of its later calls, drawn by the model's own [`WorkloadGen::count`], and the
//! rest of its workload (types, drain); no step reads anything else of it (the explorer's
//! workloads are deterministic, so the generator's random stream is never used).
//!
//! Futures are hash-consed from the last call back (a future is its next call's count and the
//! future after that), so equal futures get equal ids and the ids are injective. Workloads with
//! more calls than [`MAX_INTERNED_CALLS`] are not interned: their submitters are named by their
//! whole workload, as before (states of different roots then do not merge).

use std::collections::HashMap;

use crate::config::{BatchDist, Workload};
use crate::model::{System, WorkloadGen};

/// Most calls of a workload whose futures are interned (the table has one entry per call).
pub(crate) const MAX_INTERNED_CALLS: u64 = 1 << 12;

/// An interned future: no call left (with the rest of the workload), or one call and then
/// another future.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Node {
    End { rest: u32 },
    Call { count: u32, then: u32 },
}

/// The futures of an exploration's workloads.
#[derive(Clone)]
pub(crate) struct Futures {
    /// Per root, per submitter: the index of its workload in `ids`.
    wids: Vec<Vec<u32>>,
    /// Per distinct workload: the future after call `done`, for `done` in `0..=submissions`
    /// (`None`: not interned, the workload index names it).
    ids: Vec<Option<Vec<u32>>>,
}

impl Futures {
    /// The futures of the submitters of `roots`.
    pub(crate) fn new(roots: &[System]) -> Self {
        let mut table: Vec<&Workload> = Vec::new();
        let mut wids = Vec::with_capacity(roots.len());
        for r in roots {
            let ids = r
                .params
                .workloads
                .iter()
                .map(|w| match table.iter().position(|t| *t == w) {
                    Some(p) => p as u32,
                    None => {
                        table.push(w);
                        table.len() as u32 - 1
                    }
                })
                .collect();
            wids.push(ids);
        }
        let mut rests: Vec<Workload> = Vec::new();
        let mut nodes: HashMap<Node, u32> = HashMap::new();
        // Ids above the workload indices, so an interned future never equals a whole workload.
        let base = table.len() as u32;
        let ids = table
            .iter()
            .map(|w| {
                (w.submissions <= MAX_INTERNED_CALLS).then(|| {
                    let rest = Workload {
                        submissions: 0,
                        batch: BatchDist::Fixed { count: 0 },
                        zero_count_prob: 0.0,
                        ..(*w).clone()
                    };
                    let rest = match rests.iter().position(|r| *r == rest) {
                        Some(p) => p as u32,
                        None => {
                            rests.push(rest);
                            rests.len() as u32 - 1
                        }
                    };
                    let mut intern = |n: Node| {
                        let next = base + nodes.len() as u32;
                        *nodes.entry(n).or_insert(next)
                    };
                    let n = w.submissions as usize;
                    let mut gen = WorkloadGen::new(0, 0);
                    let mut out = vec![0; n + 1];
                    // After the last call (and once finished): nothing but the rest.
                    let mut then = intern(Node::End { rest });
                    out[n] = then;
                    for done in (0..n).rev() {
                        out[done] = then;
                        // The future after call `done - 1` starts with call `done`.
                        let count = gen.count(w, done as u64);
                        then = intern(Node::Call { count, then });
                    }
                    out
                })
            })
            .collect();
        Futures { wids, ids }
    }

    /// The name of submitter `i`'s workload, from root `root`, after `done` calls: equal for
    /// two submitters (of any roots) exactly when their futures are equal, if interned.
    #[inline]
    pub(crate) fn id(&self, root: usize, i: usize, done: u64) -> u32 {
        let w = self.wids[root][i];
        match &self.ids[w as usize] {
            Some(f) => f[(done as usize).min(f.len() - 1)],
            None => w,
        }
    }

    /// Whether two submitters can ever have the same name: the symmetry reduction has
    /// something to permute (else it can skip its sort). Always true for several roots (a state
    /// may be a permutation of another root's).
    pub(crate) fn may_share(&self, root: usize) -> bool {
        if self.wids.len() > 1 {
            return true;
        }
        let mut seen: HashMap<u32, usize> = HashMap::new();
        for (i, w) in self.wids[root].iter().enumerate() {
            let names = match &self.ids[*w as usize] {
                Some(f) => f.as_slice(),
                None => std::slice::from_ref(w),
            };
            for n in names {
                if *seen.entry(*n).or_insert(i) != i {
                    return true;
                }
            }
        }
        false
    }
}
