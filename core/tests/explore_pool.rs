//! The exploration driven step by step as a pool of Web Workers drives it (`wasm` and
//! `web/pool.js`), by the core's `OwnerPool` driver: each "worker" is an `Owner` with its own
//! rules built from the configs and options (`Exploration::worker_rules`), keeping the states
//! it owns; everything between coordinator and workers crosses as bytes (successor messages,
//! merge keys), numbers (the round's end, the cut-off, the indices) or JSON (the violation).
//! The result must be the one-call `explore_roots` result, on a sweep, for 1 to 3 workers, 0
//! to 3 rounds ahead, with rounds of the default size and of a few records.

mod common;

use common::{base, key};
use qisim_core::check::pool::OwnerPool;
use qisim_core::check::Local;
use qisim_core::check::{
    count_family, explore_roots, Exploration, ExploreOptions, MemLevels, Verdict,
};
use qisim_core::{Config, FindingKind, PolicyKind};

/// Drives an exploration on `parts` owners (the core's in-process pool driver), expanding up
/// to `ahead` rounds ahead of the one absorbed; cancels after `cancel_after` progress calls.
fn drive(
    cfgs: &[Config],
    o: &ExploreOptions,
    parts: usize,
    ahead: usize,
    cancel_after: Option<usize>,
    small_rounds: bool,
) -> Verdict {
    let mut x = Exploration::new(cfgs, o, parts, || Box::<MemLevels>::default()).unwrap();
    let mut pool = OwnerPool::new(cfgs, o, parts).ahead(ahead);
    if small_rounds {
        // Rounds and blocks that cross each other (and levels encoded past a few records).
        x.set_round_size(40, 16);
        pool = pool.raw_records(30);
    }
    let mut progress_calls = 0;
    x.run(&mut pool, |_| {
        progress_calls += 1;
        Some(progress_calls) != cancel_after
    })
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
                    let one_small = x.run(&mut Local::default(), |_| true);
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
