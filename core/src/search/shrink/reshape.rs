//! The workload and schedule edits the minimiser tries: freezing a workload to the counts it
//! drew, dropping a submitter, and renumbering submitters into canonical order.

use crate::config::{BatchDist, Config, Workload};
use crate::Actor;

/// `cfg` with every submitter's workload replaced by the counts it drew.
pub(super) fn frozen(cfg: &Config, counts: &[Vec<u32>]) -> Config {
    let mut c = cfg.clone();
    c.per_submitter = counts
        .iter()
        .enumerate()
        .map(|(i, cs)| seq_workload(cfg.workload_of(i), cs))
        .collect();
    c
}

pub(super) fn seq_workload(base: &Workload, counts: &[u32]) -> Workload {
    Workload {
        submissions: counts.len() as u64,
        batch: if counts.is_empty() {
            BatchDist::Fixed { count: 0 }
        } else {
            BatchDist::Sequence {
                counts: counts.to_vec(),
            }
        },
        zero_count_prob: 0.0,
        ..base.clone()
    }
}

pub(super) fn seq_of(w: &Workload) -> Vec<u32> {
    match &w.batch {
        BatchDist::Sequence { counts } => counts
            .iter()
            .take(w.submissions as usize)
            .copied()
            .collect(),
        BatchDist::Fixed { count } => vec![*count; w.submissions as usize],
        BatchDist::Uniform { min, .. } => vec![*min; w.submissions as usize],
    }
}

/// `cfg` without submitter `k`, and `choices` renumbered accordingly.
pub(super) fn without(cfg: &Config, choices: &[Actor], k: u32) -> (Config, Vec<Actor>) {
    let mut c = cfg.clone();
    c.per_submitter.remove(k as usize);
    c.submitters -= 1;
    let ch = choices
        .iter()
        .filter(|a| **a != Actor::Submitter(k))
        .map(|a| match a {
            Actor::Submitter(i) if *i > k => Actor::Submitter(i - 1),
            a => *a,
        })
        .collect();
    (c, ch)
}

/// Renumbers submitters in the order of their first step.
pub(super) fn canonical(cfg: &Config, choices: &[Actor]) -> (Config, Vec<Actor>) {
    let n = cfg.submitters as usize;
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for a in choices {
        if let Actor::Submitter(i) = a {
            if !order.contains(i) {
                order.push(*i);
            }
        }
    }
    for i in 0..n as u32 {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut new_of = vec![0u32; n];
    for (new, old) in order.iter().enumerate() {
        new_of[*old as usize] = new as u32;
    }
    let mut c = cfg.clone();
    c.per_submitter = order
        .iter()
        .map(|old| cfg.per_submitter[*old as usize].clone())
        .collect();
    let ch = choices
        .iter()
        .map(|a| match a {
            Actor::Submitter(i) => Actor::Submitter(new_of[*i as usize]),
            a => *a,
        })
        .collect();
    (c, ch)
}
