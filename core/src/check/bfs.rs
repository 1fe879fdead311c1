//! The breadth-first search: level by level over packed states, each state expanded by
//! [`System::apply`] of its enabled (or ample) actors, every successor fingerprinted and
//! checked for findings and for being stuck.

use std::collections::HashMap;

use super::ample::ample;
use super::cycles::{actor_bit, Graph};
use super::fingerprint::Fingerprinter;
use super::pack::Packed;
use super::table::FpTable;
use super::{ExploreProgress, ExploreStats};
use crate::config::{Config, Workload};
use crate::model::{FindingKind, System};
use crate::trace::NoTrace;
use crate::Actor;

/// A violation found by the BFS: a transition from stored state `parent` into a state with
/// fingerprint `fp` (a finding of `kind`, a stuck state, or a deadlock).
#[derive(Clone, Debug)]
pub(super) struct Violation {
    pub(super) parent: u32,
    pub(super) fp: u64,
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

pub(super) struct Explorer {
    pub(super) roots: Vec<Config>,
    pub(super) enc: Fingerprinter,
    pub(super) seen: FpTable,
    /// Parent index of each stored state (u32::MAX for roots) and its fingerprint.
    pub(super) parent: Vec<u32>,
    pub(super) fps: Vec<u64>,
    /// Root config of each root state.
    pub(super) root_of: HashMap<u32, usize>,
    pub(super) transitions: u64,
    pub(super) max_depth: u64,
    pub(super) peak_queue_bytes: u64,
    /// The state graph, kept for the fair-cycle analysis.
    pub(super) graph: Option<Graph>,
}

impl Explorer {
    pub(super) fn new(roots: Vec<Config>, symmetry: bool) -> Self {
        let mut table: Vec<Workload> = Vec::new();
        let mut wids = Vec::new();
        for c in &roots {
            let mut ids = Vec::new();
            for i in 0..c.submitters as usize {
                let w = c.workload_of(i);
                let id = match table.iter().position(|t| t == w) {
                    Some(p) => p,
                    None => {
                        table.push(w.clone());
                        table.len() - 1
                    }
                };
                ids.push(id as u32);
            }
            wids.push(ids);
        }
        Explorer {
            roots,
            enc: Fingerprinter::new(symmetry, wids),
            seen: FpTable::default(),
            parent: Vec::new(),
            fps: Vec::new(),
            root_of: HashMap::new(),
            transitions: 0,
            max_depth: 0,
            peak_queue_bytes: 0,
            graph: None,
        }
    }

    pub(super) fn stats(&self, por: bool) -> ExploreStats {
        let states = self.parent.len() as u64;
        let table = self.seen.capacity() as u64 * 12;
        let links = states * 12;
        let graph = self.graph.as_ref().map_or(0, |g| {
            (g.edges.capacity() * std::mem::size_of::<(u32, u32, u8)>() + g.masks.capacity() * 8)
                as u64
        });
        let bytes = table + links + self.peak_queue_bytes + graph;
        ExploreStats {
            states,
            transitions: self.transitions,
            max_depth: self.max_depth,
            roots: self.roots.len() as u64,
            seconds: None,
            states_per_second: None,
            bytes_per_state: if states > 0 {
                bytes as f64 / states as f64
            } else {
                0.0
            },
            por,
            symmetry: self.enc.symmetry,
        }
    }

    pub(super) fn is_violation(
        kind: FindingKind,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> bool {
        if let Some(t) = target {
            return kind == t;
        }
        match kind {
            FindingKind::LostCompletion => stop_on_cause,
            FindingKind::SuspectedLockup => false,
            _ => true,
        }
    }

    /// Breadth-first search, level by level. The queue holds packed states ([`Packed`]) in one
    /// contiguous buffer per level. States at depth `max_depth` are not expanded.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn bfs(
        &mut self,
        por: bool,
        max_states: u64,
        max_depth: u64,
        stop_on_cause: bool,
        target: Option<FindingKind>,
        progress: &mut impl FnMut(&ExploreProgress) -> bool,
    ) -> BfsEnd {
        let cycles = self.graph.is_some();
        let mut root_sys: Vec<System> = self.roots.iter().map(System::new).collect();
        let pk = Packed::new(&root_sys[0]);
        let mut cur: Vec<u8> = Vec::new();
        let mut next: Vec<u8> = Vec::new();
        for (ri, sys) in root_sys.iter_mut().enumerate() {
            let fp = self.enc.fingerprint(ri, sys);
            let idx = self.parent.len() as u32;
            if self.seen.insert(fp, idx).is_some() {
                continue;
            }
            self.parent.push(u32::MAX);
            self.fps.push(fp);
            self.root_of.insert(idx, ri);
            pk.pack(sys, idx, ri as u32, &mut cur);
        }
        let mut enabled: Vec<Actor> = Vec::new();
        let mut next_report = 1u64 << 16;
        let mut sys = root_sys[0].clone();
        let mut scratch = root_sys[0].clone();
        let mut depth = 0u64;
        while !cur.is_empty() {
            self.max_depth = depth;
            let queued = (cur.len() + next.capacity()) as u64;
            self.peak_queue_bytes = self.peak_queue_bytes.max(queued + cur.capacity() as u64);
            if depth >= max_depth {
                break;
            }
            for rec in cur.chunks_exact(pk.size) {
                let (idx, root) = pk.unpack(rec, &root_sys, &mut sys);
                debug_assert_eq!(
                    self.enc.fingerprint(root as usize, &mut sys),
                    self.fps[idx as usize],
                    "a packed state unpacks to a different state"
                );
                if self.parent.len() as u64 >= next_report {
                    next_report += 1 << 16;
                    let p = ExploreProgress {
                        states: self.parent.len() as u64,
                        transitions: self.transitions,
                        depth,
                        queued: ((cur.len() + next.len()) / pk.size) as u64,
                    };
                    if !progress(&p) {
                        return BfsEnd::Bound;
                    }
                }
                match por.then(|| ample(&sys)).flatten() {
                    Some(a) => {
                        enabled.clear();
                        enabled.push(a);
                    }
                    None => sys.enabled_into(&mut enabled),
                }
                if let Some(g) = &mut self.graph {
                    let mask = enabled.iter().fold(0u64, |m, a| m | actor_bit(*a));
                    g.set_mask(idx, mask);
                }
                if enabled.is_empty() {
                    if !sys.all_done() && target.is_none_or(|t| t == FindingKind::Deadlock) {
                        return BfsEnd::Violation(Violation {
                            parent: idx,
                            fp: self.fps[idx as usize],
                            kind: FindingKind::Deadlock,
                            depth,
                            at_parent: true,
                        });
                    }
                    continue;
                }
                for &a in enabled.iter() {
                    scratch.clone_from(&sys);
                    scratch.apply(a, depth, 0, &mut NoTrace);
                    self.transitions += 1;
                    let fp = self.enc.fingerprint(root as usize, &mut scratch);
                    let kind = scratch
                        .found
                        .iter()
                        .map(|f| f.kind)
                        .find(|k| {
                            Self::is_violation(*k, stop_on_cause, target)
                                && !(cycles && *k == FindingKind::Lockup)
                        })
                        .or_else(|| {
                            (!cycles
                                && target.is_none_or(|t| t == FindingKind::Lockup)
                                && scratch.stuck())
                            .then_some(FindingKind::Lockup)
                        });
                    if let Some(kind) = kind {
                        return BfsEnd::Violation(Violation {
                            parent: idx,
                            fp,
                            kind,
                            depth: depth + 1,
                            at_parent: false,
                        });
                    }
                    let ni = self.parent.len() as u32;
                    if let Some(old) = self.seen.get(fp) {
                        if let Some(g) = &mut self.graph {
                            g.edges
                                .push((idx, old, actor_bit(a).trailing_zeros() as u8));
                        }
                        continue;
                    }
                    if let Some(g) = &mut self.graph {
                        g.edges.push((idx, ni, actor_bit(a).trailing_zeros() as u8));
                    }
                    if u64::from(ni) >= max_states {
                        return BfsEnd::Bound;
                    }
                    self.seen.insert(fp, ni);
                    self.parent.push(idx);
                    self.fps.push(fp);
                    pk.pack(&mut scratch, ni, root, &mut next);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            next.clear();
            depth += 1;
        }
        BfsEnd::Done
    }
}
