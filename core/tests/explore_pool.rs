//! The exploration driven step by step as a pool of Web Workers drives it (`wasm` and
//! `web/pool.js`): each "worker" builds its own rules from the configs and options
//! (`Exploration::worker_rules`), and everything between coordinator and workers crosses as
//! bytes (blocks, successor messages, accepted entries) or JSON (the violation). The result
//! must be the one-call `explore_roots` result, on a sweep, for 1 to 3 workers.

mod common;

use common::{base, key};
use qisim_core::check::partition::{Expander, Outbox, Partition, Rules};
use qisim_core::check::{
    count_family, explore_roots, read_blocks, write_blocks, Exploration, ExploreOptions, MemLevels,
    Next, Round, Verdict, Violation,
};
use qisim_core::{Config, FindingKind, PolicyKind};

/// One worker: its rules, expander and partition for the current search.
struct Worker {
    search: u32,
    rules: Rules,
    expander: Expander,
    partition: Partition,
}

impl Worker {
    fn new(cfgs: &[Config], o: &ExploreOptions, parts: usize, search: u32) -> Self {
        let rules = Exploration::worker_rules(cfgs, o, parts, search).unwrap();
        Worker {
            search,
            expander: Expander::new(&rules),
            partition: Partition::new(&rules),
            rules,
        }
    }
}

/// What a worker posts back after expanding: its messages per owner, counters, violation.
struct Posted {
    bufs: Vec<Vec<u8>>,
    transitions: u64,
    violation: Option<String>,
}

/// An issued round: its search and what each worker posted.
type Issued = (u32, Vec<Posted>);

/// Drives `x` on `parts` workers, expanding up to `ahead` rounds ahead of the one absorbed.
fn drive(
    cfgs: &[Config],
    o: &ExploreOptions,
    parts: usize,
    ahead: usize,
    cancel_after: Option<usize>,
) -> Verdict {
    let mut x = Exploration::new(cfgs, o, parts, || Box::<MemLevels>::default()).unwrap();
    let mut workers: Vec<Worker> = (0..parts).map(|_| Worker::new(cfgs, o, parts, 0)).collect();
    let mut progress_calls = 0;
    let mut issued: std::collections::VecDeque<Issued> = Default::default();
    loop {
        while issued.len() <= ahead {
            match x.next_step() {
                Next::Done(v) => {
                    assert!(issued.is_empty(), "done with rounds in flight");
                    return v;
                }
                Next::Wait => {
                    assert!(!issued.is_empty(), "wait with nothing in flight");
                    break;
                }
                Next::Round { search, round } => {
                    let posted = expand(cfgs, o, &x, &mut workers, parts, search, round);
                    issued.push_back((search, posted));
                    assert_eq!(x.in_flight(), issued.len());
                }
            }
        }
        let (search, posted) = issued.pop_front().expect("a round in flight");
        absorb(
            &mut x,
            &mut workers,
            search,
            &posted,
            &mut progress_calls,
            cancel_after,
        );
        if x.in_flight() < issued.len() {
            // Dropped by the coordinator (violation, bound, cancel).
            assert_eq!(x.in_flight(), 0);
            issued.clear();
        }
    }
}

/// Every worker expands its slice of the round just issued (the seed: worker 0 the roots).
fn expand(
    cfgs: &[Config],
    o: &ExploreOptions,
    x: &Exploration,
    workers: &mut [Worker],
    parts: usize,
    search: u32,
    round: Round,
) -> Vec<Posted> {
    for w in workers.iter_mut() {
        if w.search != search {
            *w = Worker::new(cfgs, o, parts, search);
        }
    }
    // Expand: each worker its slice, sent as bytes.
    let slices: Vec<(u32, Vec<u8>)> = match round {
        Round::Seed => Vec::new(),
        Round::Expand { .. } => x
            .slices()
            .into_iter()
            .map(|(first, blocks)| {
                let mut buf = Vec::new();
                write_blocks(blocks, &mut buf);
                (first, buf)
            })
            .collect(),
    };
    workers
        .iter_mut()
        .enumerate()
        .map(|(i, w)| {
            let mut out = Outbox::default();
            match round {
                Round::Seed if i == 0 => w.expander.seed(&w.rules, &mut out),
                Round::Seed => out.clear(parts),
                Round::Expand { depth, first_id } => {
                    let (first, bytes) = &slices[i];
                    let blocks = read_blocks(bytes).unwrap();
                    w.expander
                        .expand(&w.rules, &blocks, first_id + first, depth, &mut out);
                }
            }
            Posted {
                bufs: std::mem::take(&mut out.bufs),
                transitions: out.transitions,
                violation: out
                    .violation
                    .as_ref()
                    .map(|v| serde_json::to_string(v).unwrap()),
            }
        })
        .collect()
}

/// The coordinator takes the oldest round's counters, then each partition absorbs it.
fn absorb(
    x: &mut Exploration,
    workers: &mut [Worker],
    search: u32,
    posted: &[Posted],
    progress_calls: &mut usize,
    cancel_after: Option<usize>,
) {
    assert!(workers.iter().all(|w| w.search == search));
    // The coordinator sees only the counters and the violation.
    let summaries: Vec<Outbox> = posted
        .iter()
        .map(|p| {
            let mut s = Outbox::default();
            s.transitions = p.transitions;
            s.violation = p
                .violation
                .as_ref()
                .map(|j| serde_json::from_str::<Violation>(j).unwrap());
            s
        })
        .collect();
    let upto = x.expanded(&summaries);
    // Absorb: partition p reads slice s's messages for p, s < upto, in order.
    let mut accepted = Vec::new();
    let mut table = 0;
    for (p, w) in workers.iter_mut().enumerate() {
        let mut acc = Vec::new();
        let inboxes = posted[..upto].iter().map(|s| s.bufs[p].as_slice());
        w.partition.absorb(&w.rules, inboxes, 0, None, &mut acc);
        table += w.partition.bytes();
        accepted.push(acc);
    }
    if x.absorbed(&accepted, table, 0).is_some() {
        *progress_calls += 1;
        if Some(*progress_calls) == cancel_after {
            x.cancel();
        }
    }
}

#[test]
fn a_pool_driven_step_by_step_gives_the_one_call_result() {
    let (mut proofs, mut counterexamples) = (0, 0);
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for ring in [5, 6, 8] {
            for counts in [&[0, 1][..], &[0, 1, 2]] {
                let fam = count_family(&base(ring, policy, false), counts).unwrap();
                for o in [
                    ExploreOptions::default(),
                    ExploreOptions {
                        por: false,
                        stop_on_cause: true,
                        ..ExploreOptions::default()
                    },
                    ExploreOptions {
                        target: Some(FindingKind::Deadlock),
                        ..ExploreOptions::default()
                    },
                ] {
                    let one = explore_roots(&fam, &o, |_| true).unwrap();
                    match &one {
                        Verdict::Proved { .. } => proofs += 1,
                        Verdict::Counterexample { .. } => counterexamples += 1,
                        Verdict::BoundReached { .. } => {}
                    }
                    for (parts, ahead) in [(1, 0), (2, 0), (3, 0), (2, 1), (3, 3)] {
                        let pooled = drive(&fam, &o, parts, ahead, None);
                        assert_eq!(pooled.stats().threads as usize, parts);
                        assert_eq!(
                            key(&pooled),
                            key(&one),
                            "{policy:?} ring {ring} counts {counts:?} {o:?}: {parts} workers, \
                             {ahead} ahead"
                        );
                    }
                }
            }
        }
    }
    assert!(
        proofs >= 4 && counterexamples >= 4,
        "{proofs} proofs, {counterexamples} counterexamples"
    );
}

/// Cancelling keeps what was explored: a `boundReached` verdict with the states so far.
#[test]
fn a_cancelled_pool_exploration_keeps_its_partial_statistics() {
    let fam = count_family(&base(8, PolicyKind::Fixed, false), &[0, 1, 2]).unwrap();
    let full = drive(&fam, &ExploreOptions::default(), 2, 2, None);
    let part = drive(&fam, &ExploreOptions::default(), 2, 2, Some(2));
    assert_eq!(full.name(), "proved");
    assert_eq!(part.name(), "boundReached");
    assert!(part.stats().states > 0 && part.stats().states < full.stats().states);
}

#[test]
fn worker_rules_check_the_partitions_and_search() {
    let cfg = [base(5, PolicyKind::Fixed, false)];
    let o = ExploreOptions::default();
    assert_eq!(
        Exploration::worker_rules(&cfg, &o, 0, 0)
            .err()
            .unwrap()
            .field,
        "threads"
    );
    assert_eq!(
        Exploration::worker_rules(&cfg, &o, 1, 2)
            .err()
            .unwrap()
            .field,
        "search"
    );
    let cycles = ExploreOptions {
        cycles: true,
        ..o.clone()
    };
    assert!(Exploration::new(&cfg, &cycles, 2, || Box::<MemLevels>::default()).is_err());
}
