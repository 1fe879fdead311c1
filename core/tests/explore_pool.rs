//! The exploration driven step by step as a pool of Web Workers drives it (`wasm` and
//! `web/pool.js`): each "worker" is an `Owner` with its own rules built from the configs and
//! options (`Exploration::worker_rules`), keeping the states it owns; everything between
//! coordinator and workers crosses as bytes (successor messages, merge keys), numbers (the
//! round's end, the cut-off, the indices) or JSON (the violation). The result must be the
//! one-call `explore_roots` result, on a sweep, for 1 to 3 workers.

mod common;

use common::{base, key};
use qisim_core::check::owned::Owner;
use qisim_core::check::partition::{Outbox, Rules};
use qisim_core::check::{
    count_family, explore_roots, Exploration, ExploreOptions, MemLevels, Next, Round, Verdict,
    Violation,
};
use qisim_core::{Config, FindingKind, PolicyKind};

/// One worker: its rules and owner for the current search.
struct Worker {
    search: u32,
    /// Levels encoded past a few records.
    small: bool,
    rules: Rules,
    owner: Owner,
}

impl Worker {
    fn new(
        cfgs: &[Config],
        o: &ExploreOptions,
        parts: usize,
        index: usize,
        search: u32,
        small: bool,
    ) -> Self {
        let rules = Exploration::worker_rules(cfgs, o, parts, search).unwrap();
        let mut owner = Owner::new(&rules, index);
        if small {
            owner.set_raw_bytes(rules.record_size() * 30);
        }
        Worker {
            search,
            small,
            owner,
            rules,
        }
    }
}

/// What a worker posts back after expanding: its messages per owner and its violation.
struct Posted {
    bufs: Vec<Vec<u8>>,
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
    small_rounds: bool,
) -> Verdict {
    let mut x = Exploration::new(cfgs, o, parts, || Box::<MemLevels>::default()).unwrap();
    let mut workers: Vec<Worker> = (0..parts)
        .map(|i| Worker::new(cfgs, o, parts, i, 0, small_rounds))
        .collect();
    if small_rounds {
        // Rounds and blocks that cross each other (and levels encoded past a few records).
        x.set_round_size(40, 16);
    }
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
                    let end = x.round_end();
                    let posted = expand(cfgs, o, &mut workers, parts, search, round, end);
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
            workers.iter_mut().for_each(|w| w.owner.drop_rounds());
        }
    }
}

/// Every worker expands its states of the round just issued (the seed: worker 0 the roots).
fn expand(
    cfgs: &[Config],
    o: &ExploreOptions,
    workers: &mut [Worker],
    parts: usize,
    search: u32,
    round: Round,
    end: u32,
) -> Vec<Posted> {
    for (i, w) in workers.iter_mut().enumerate() {
        if w.search != search {
            *w = Worker::new(cfgs, o, parts, i, search, w.small);
        }
    }
    workers
        .iter_mut()
        .map(|w| {
            match round {
                Round::Seed => w.owner.seed(&w.rules),
                Round::Expand { depth, .. } => w.owner.expand(&w.rules, depth, end).unwrap(),
            }
            let out = &mut w.owner.out;
            Posted {
                bufs: std::mem::take(&mut out.bufs),
                violation: out
                    .violation
                    .as_ref()
                    .map(|v| serde_json::to_string(v).unwrap()),
            }
        })
        .collect()
}

/// The coordinator takes the oldest round's violations, then each owner absorbs it and gets
/// its indices.
fn absorb(
    x: &mut Exploration,
    workers: &mut [Worker],
    search: u32,
    posted: &[Posted],
    progress_calls: &mut usize,
    cancel_after: Option<usize>,
) {
    assert!(workers.iter().all(|w| w.search == search));
    // The coordinator sees only the violations.
    let summaries: Vec<Outbox> = posted
        .iter()
        .map(|p| {
            let mut s = Outbox::default();
            s.violation = p
                .violation
                .as_ref()
                .map(|j| serde_json::from_str::<Violation>(j).unwrap());
            s
        })
        .collect();
    let cutoff = x.expanded(&summaries);
    let (mut keys, mut counted, mut table, mut held) = (Vec::new(), 0, 0, 0);
    for (p, w) in workers.iter_mut().enumerate() {
        let inboxes: Vec<&[u8]> = posted.iter().map(|s| s.bufs[p].as_slice()).collect();
        counted += w.owner.absorb(&w.rules, &inboxes, cutoff).unwrap();
        table += w.owner.table_bytes();
        held += w.owner.level_bytes();
        keys.push(w.owner.keys.clone());
    }
    let progress = x.absorbed(&keys, counted, table, held);
    for (p, w) in workers.iter_mut().enumerate() {
        w.owner.assign(&w.rules, x.ids(p)).unwrap();
    }
    if progress.is_some() {
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
                    ExploreOptions {
                        max_states: 300,
                        ..ExploreOptions::default()
                    },
                ] {
                    let one = explore_roots(&fam, &o, |_| true).unwrap();
                    // The one-thread search with the small rounds (where a violation or the
                    // bound stops depends on where rounds end).
                    let mut x =
                        Exploration::new(&fam, &o, 1, || Box::<MemLevels>::default()).unwrap();
                    x.set_round_size(40, 16);
                    let one_small = x.run(|_| true);
                    match &one {
                        Verdict::Proved { .. } => proofs += 1,
                        Verdict::Counterexample { .. } => counterexamples += 1,
                        Verdict::BoundReached { .. } => {}
                    }
                    for (parts, ahead, small) in [
                        (1, 0, false),
                        (2, 0, false),
                        (3, 0, true),
                        (2, 1, true),
                        (3, 3, false),
                    ] {
                        let pooled = drive(&fam, &o, parts, ahead, None, small);
                        assert_eq!(pooled.stats().threads as usize, parts);
                        assert_eq!(
                            key(&pooled),
                            key(if small { &one_small } else { &one }),
                            "{policy:?} ring {ring} counts {counts:?} {o:?}: {parts} workers, \
                             {ahead} ahead, small rounds {small}"
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
    let full = drive(&fam, &ExploreOptions::default(), 2, 2, None, true);
    let part = drive(&fam, &ExploreOptions::default(), 2, 2, Some(2), true);
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
    // Nor on one: the owners' protocol carries no graph.
    assert_eq!(
        Exploration::worker_rules(&cfg, &cycles, 1, 0)
            .err()
            .unwrap()
            .field,
        "cycles"
    );
}
