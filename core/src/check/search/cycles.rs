//! The fair-cycle analysis
//! ([`ExploreOptions::cycles`](crate::check::ExploreOptions::cycles)): a direct check of the
//! liveness argument on the whole state graph. Its edges and enabled masks hold actors as bits
//! ([`actor_bit`](crate::check::wire::actor_bit)).

/// The explored state graph, for the fair-cycle analysis ([`ExploreOptions::cycles`](crate::check::ExploreOptions::cycles)).
///
/// A state lies on a *fair non-progress cycle* if it is in a strongly connected set C of the
/// graph in which every actor enabled somewhere in C also takes a step inside C (strong
/// fairness for the lock hand-off and for hardware). No cycle contains a return (it increments
/// `submissions_done`), a `write` or a hardware step (both move pointers forward for good), so
/// every cycle is a non-progress cycle of spins, and hardware's enabledness is constant on it
/// (weak and strong fairness coincide for it). Found by the usual refinement: compute SCCs;
/// an SCC with an actor enabled but never taken inside drops the states where that actor is
/// enabled and is decomposed again.
#[derive(Default)]
pub(super) struct Graph {
    /// (from, to, actor bit index).
    pub(super) edges: Vec<(u32, u32, u8)>,
    /// Enabled actors per expanded state.
    pub(super) masks: Vec<u64>,
}

impl Graph {
    pub(super) fn set_mask(&mut self, idx: u32, mask: u64) {
        let i = idx as usize;
        if self.masks.len() <= i {
            self.masks.resize(i + 1, 0);
        }
        self.masks[i] = mask;
    }

    /// A state on a fair non-progress cycle, if any.
    pub(super) fn fair_cycle(&self) -> Option<u32> {
        let n = self.masks.len();
        // Adjacency in CSR form (edges between expanded states only).
        let mut start = vec![0usize; n + 1];
        for &(f, t, _) in &self.edges {
            if (t as usize) < n {
                start[f as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut adj = vec![(0u32, 0u8); start[n]];
        for &(f, t, a) in &self.edges {
            if (t as usize) < n {
                adj[fill[f as usize]] = (t, a);
                fill[f as usize] += 1;
            }
        }
        let mut stamp = vec![0u32; n];
        let mut comp = vec![u32::MAX; n];
        let mut index = vec![u32::MAX; n];
        let mut low = vec![0u32; n];
        let mut gen = 0u32;
        let mut work: Vec<Vec<u32>> = vec![(0..n as u32).collect()];
        while let Some(set) = work.pop() {
            gen += 1;
            for &v in &set {
                stamp[v as usize] = gen;
                index[v as usize] = u32::MAX;
            }
            let ncomp = tarjan(
                &set, gen, &stamp, &start, &adj, &mut comp, &mut index, &mut low,
            );
            let mut enabled = vec![0u64; ncomp];
            let mut taken = vec![0u64; ncomp];
            let mut cyclic = vec![false; ncomp];
            for &v in &set {
                let c = comp[v as usize] as usize;
                enabled[c] |= self.masks[v as usize];
                for &(t, a) in &adj[start[v as usize]..start[v as usize + 1]] {
                    if stamp[t as usize] == gen && comp[t as usize] as usize == c {
                        taken[c] |= 1u64 << a;
                        cyclic[c] = true;
                    }
                }
            }
            let mut subs: Vec<Vec<u32>> = vec![Vec::new(); ncomp];
            for &v in &set {
                let c = comp[v as usize] as usize;
                if !cyclic[c] {
                    continue;
                }
                let bad = enabled[c] & !taken[c];
                if bad == 0 {
                    return Some(v);
                }
                if self.masks[v as usize] & bad == 0 {
                    subs[c].push(v);
                }
            }
            work.extend(subs.into_iter().filter(|s| !s.is_empty()));
        }
        None
    }
}

/// Iterative Tarjan over the states of `set` (those with `stamp == gen`); fills `comp` and
/// returns the number of components.
#[allow(clippy::too_many_arguments)]
fn tarjan(
    set: &[u32],
    gen: u32,
    stamp: &[u32],
    start: &[usize],
    adj: &[(u32, u8)],
    comp: &mut [u32],
    index: &mut [u32],
    low: &mut [u32],
) -> usize {
    let mut next = 0u32;
    let mut ncomp = 0usize;
    let mut stack: Vec<u32> = Vec::new();
    let mut on = vec![false; 0];
    on.resize(index.len(), false);
    let mut call: Vec<(u32, usize)> = Vec::new();
    for &root in set {
        if index[root as usize] != u32::MAX {
            continue;
        }
        call.push((root, start[root as usize]));
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let vu = v as usize;
            if *pos < start[vu + 1] {
                let (w, _) = adj[*pos];
                *pos += 1;
                let wu = w as usize;
                if stamp[wu] != gen {
                    continue;
                }
                if index[wu] == u32::MAX {
                    index[wu] = next;
                    low[wu] = next;
                    next += 1;
                    stack.push(w);
                    on[wu] = true;
                    call.push((w, start[wu]));
                } else if on[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p as usize] = low[p as usize].min(low[vu]);
                }
                if low[vu] == index[vu] {
                    while let Some(w) = stack.pop() {
                        on[w as usize] = false;
                        comp[w as usize] = ncomp as u32;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    ncomp
}
