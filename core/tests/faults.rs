//! Hardware faults and `qi_check_fault`: one regression test per finding of `docs/findings.md`,
//! each a shortest counterexample found by the exhaustive explorer (or, for the last one, a
//! random hunt shrunk by the minimiser), plus the configurations the explorer proves safe.

use qisim_core::config::{FaultConfig, IteWalk, SchedulerConfig, TypeMix};
use qisim_core::explore::{explore, ExploreOptions, Verdict};
use qisim_core::{
    BatchDist, Config, FindingKind, Outcome, PolicyKind, RunReport, Simulation, Workload,
};

/// Ring 8, device-TLB invalidations only, one submitter workload per entry of `counts`.
fn config(policy: PolicyKind, faults: FaultConfig, counts: &[&[u32]]) -> Config {
    Config {
        qi_length: 8,
        submitters: counts.len() as u32,
        policy,
        faults,
        per_submitter: counts
            .iter()
            .map(|c| Workload {
                submissions: c.len() as u64,
                batch: BatchDist::Sequence { counts: c.to_vec() },
                types: TypeMix {
                    iotlb: 0.0,
                    devtlb: 1.0,
                    ..TypeMix::default()
                },
                ..Workload::default()
            })
            .collect(),
        trace: true,
        ..Config::default()
    }
}

fn iqe(max_faults: u32) -> FaultConfig {
    FaultConfig {
        iqe_rate: 0.5,
        max_faults,
        ..FaultConfig::default()
    }
}

fn ite(walk: IteWalk) -> FaultConfig {
    FaultConfig {
        ite_rate: 0.5,
        ite_walk: walk,
        max_faults: 1,
        ..FaultConfig::default()
    }
}

fn replay(mut cfg: Config, choices: &str) -> (RunReport, String) {
    cfg.scheduler = SchedulerConfig::Replay {
        choices: choices.into(),
    };
    let mut sim = Simulation::new(cfg).unwrap();
    let r = sim.run();
    (r, sim.timeline())
}

fn kinds(r: &RunReport) -> Vec<FindingKind> {
    r.findings.iter().map(|f| f.kind).collect()
}

fn shortest(cfg: &Config, target: Option<FindingKind>) -> Verdict {
    let opts = ExploreOptions {
        target,
        ..ExploreOptions::default()
    };
    explore(cfg, &opts).unwrap()
}

fn assert_proved(cfg: &Config) {
    match shortest(cfg, None) {
        Verdict::Proved { .. } => {}
        v => panic!("expected a proof, got {v:?}"),
    }
}

/// F1. IQE on a descriptor that is not the first of its batch: `qi_check_fault` repairs an IQE
/// only when `IQH == index`, so nobody clears it; hardware stays stopped and the caller spins.
#[test]
fn f1_iqe_inside_a_batch_is_never_cleared() {
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        let cfg = config(policy, iqe(1), &[&[2]]);
        let (r, tl) = replay(cfg.clone(), "q1:a4HEa");
        assert_eq!(kinds(&r), vec![FindingKind::Lockup], "{tl}");
        assert!(tl.contains("ID1b: IQE, stop*"), "{tl}");
        match shortest(&cfg, None) {
            Verdict::Counterexample { kind, replay, .. } => {
                assert_eq!((kind, replay.as_str()), (FindingKind::Lockup, "q1:a4HEa"))
            }
            v => panic!("{v:?}"),
        }
        // One descriptor per call (the kernel's callers before batching): IQE is always at
        // `index`, repaired, and the call fails with -EINVAL: no lockup.
        assert_proved(&config(policy, iqe(1), &[&[1, 1], &[1, 1]]));
    }
}

/// F2. The IQE repair returns -EINVAL at once, while hardware still has the rest of the batch;
/// a second invalid descriptor in it stops the queue with nobody left to repair it.
#[test]
fn f2_iqe_repair_returns_before_the_batch_is_done() {
    let cfg = config(PolicyKind::Fixed, iqe(2), &[&[2]]);
    let (r, tl) = replay(cfg.clone(), "q1:a4Ea4HE");
    assert_eq!(kinds(&r), vec![FindingKind::Deadlock], "{tl}");
    assert_eq!(r.outcome, Outcome::Deadlock);
    assert!(tl.contains("return -EINVAL"), "{tl}");
    match shortest(&cfg, Some(FindingKind::Deadlock)) {
        Verdict::Counterexample { steps, .. } => assert_eq!(steps, 11),
        v => panic!("{v:?}"),
    }
}

/// F3. The stride-2 ITE walk (kernels before 7.0) steps from `(IQH - 1) | 1` by -2 until it
/// meets `IQT - 1`: with a batch of 2 or a wait-only call, `IQT - 1` is even and the walk never
/// ends — an endless loop in `qi_check_fault` with `q_lock` held.
#[test]
fn f3_stride2_walk_never_ends_with_batches_or_zero_counts() {
    for (counts, choices) in [
        (&[&[2u32][..]][..], "q1:a4Ta"),
        (&[&[1u32][..], &[0u32][..]][..], "q1:a6b4Tb"),
    ] {
        let cfg = config(PolicyKind::Fixed, ite(IteWalk::Stride2), counts);
        let (r, tl) = replay(cfg.clone(), choices);
        assert_eq!(kinds(&r), vec![FindingKind::WalkLoop], "{tl}");
        match shortest(&cfg, None) {
            Verdict::Counterexample { kind, replay, .. } => {
                assert_eq!((kind, replay.as_str()), (FindingKind::WalkLoop, choices))
            }
            v => panic!("{v:?}"),
        }
        // The stride-1 walk (7.0) handles the same schedule.
        let cfg1 = config(PolicyKind::Fixed, ite(IteWalk::Stride1), counts);
        let (r1, tl1) = replay(cfg1.clone(), choices);
        assert!(r1.findings.is_empty(), "{tl1}");
        assert_proved(&cfg1);
    }
    // One descriptor per call keeps IQT even: the stride-2 walk terminates.
    assert_proved(&config(
        PolicyKind::Fixed,
        ite(IteWalk::Stride2),
        &[&[1], &[1]],
    ));
    assert_proved(&config(
        PolicyKind::Legacy,
        ite(IteWalk::Stride2),
        &[&[1, 1], &[1, 1]],
    ));
}

/// F4. Legacy reclaim with the stride-1 walk: the walk marks another CPU's completed (still
/// `QI_IN_USE`) invalidation descriptor `QI_ABORT`, and legacy reclaim frees `QI_ABORT` like
/// `QI_DONE` — so even with one descriptor per call a completion is lost. The fix is needed
/// with the 7.0 walk too.
#[test]
fn f4_legacy_reclaim_with_stride1_walk_loses_completions() {
    let choices = "q1:a6b4H2Tb3H2b4a2";
    let cfg = config(PolicyKind::Legacy, ite(IteWalk::Stride1), &[&[1], &[1]]);
    let (r, tl) = replay(cfg.clone(), choices);
    assert_eq!(
        kinds(&r),
        vec![FindingKind::LostCompletion, FindingKind::Lockup],
        "{tl}"
    );
    assert!(tl.contains("ID1 -> QI_ABORT"), "{tl}");
    match shortest(&cfg, None) {
        Verdict::Counterexample { kind, steps, .. } => {
            assert_eq!((kind, steps), (FindingKind::Lockup, 24))
        }
        v => panic!("{v:?}"),
    }
    // The fixed policy with the same walk is safe on this and a larger workload.
    assert_proved(&config(
        PolicyKind::Fixed,
        ite(IteWalk::Stride1),
        &[&[1], &[1]],
    ));
    assert_proved(&config(
        PolicyKind::Fixed,
        ite(IteWalk::Stride1),
        &[&[0, 1, 2], &[2, 1, 0]],
    ));
}

/// F5. Legacy reclaim with the stride-1 walk, three CPUs: after aborted slots are reclaimed
/// `free_cnt` no longer matches the pointers, and a stale legacy `mark` sets another CPU's wait
/// slot `QI_DONE` before hardware ran its batch: a premature completion (found by a random
/// hunt — legacy, stride-1, `iteRate` 0.3, 3 CPUs, counts 1–3 — and shrunk from 153 to 83 steps).
/// Premature completion is unreachable without faults (`core/tests/wrap.rs`).
#[test]
fn f5_legacy_stride1_walk_premature_completion() {
    let cfg = config(
        PolicyKind::Legacy,
        FaultConfig {
            ite_rate: 0.3,
            ite_walk: IteWalk::Stride1,
            ..FaultConfig::default()
        },
        &[&[1, 2], &[0, 0, 1], &[3]],
    );
    let (r, tl) = replay(cfg, F5);
    let k = kinds(&r);
    assert!(k.contains(&FindingKind::PrematureCompletion), "{k:?}\n{tl}");
    let first_fault = r.replay.find('T').expect("an ITE");
    assert!(first_fault > 0);
}

/// The schedule of F5 (also in docs/findings.md).
const F5: &str = "q1:a4HaHab4Hb4a5b5Hbc5Hca2Hab11cTc2aH4a2b5a6c5a5";

/// ICE is cleared and harmless.
#[test]
fn ice_is_harmless() {
    let faults = FaultConfig {
        ice_rate: 0.5,
        max_faults: 1,
        ..FaultConfig::default()
    };
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        assert_proved(&config(policy, faults.clone(), &[&[1, 2], &[2, 1]]));
    }
}

/// Random hunts with faults run under both policies and every scheduler without panicking, and
/// replaying a faulty run's schedule reproduces it (faults are recorded as `E`/`T`/`C`).
#[test]
fn random_fault_runs_replay_exactly() {
    for (policy, scheduler) in [
        (
            PolicyKind::Legacy,
            SchedulerConfig::Random { hw_weight: 1.0 },
        ),
        (
            PolicyKind::Fixed,
            SchedulerConfig::Pct { depth: 3, steps: 0 },
        ),
        (
            PolicyKind::Fixed,
            SchedulerConfig::Timed {
                costs: Default::default(),
            },
        ),
    ] {
        let mut faulty = 0;
        for seed in 0..200 {
            let cfg = Config {
                qi_length: 16,
                submitters: 3,
                policy,
                seed,
                scheduler: scheduler.clone(),
                faults: FaultConfig {
                    iqe_rate: 0.02,
                    ite_rate: 0.05,
                    ice_rate: 0.05,
                    ..FaultConfig::default()
                },
                workload: Workload {
                    submissions: 4,
                    batch: BatchDist::Uniform { min: 1, max: 1 },
                    types: TypeMix {
                        iotlb: 1.0,
                        devtlb: 1.0,
                        ..TypeMix::default()
                    },
                    ..Workload::default()
                },
                ..Config::default()
            };
            let a = Simulation::new(cfg.clone()).unwrap().run();
            if a.replay.contains(['E', 'T', 'C']) {
                faulty += 1;
            }
            let b = Simulation::new(Config {
                scheduler: SchedulerConfig::Replay {
                    choices: a.replay.clone(),
                },
                ..cfg
            })
            .unwrap()
            .run();
            assert_eq!(a.findings, b.findings, "seed {seed}");
            assert_eq!(a.steps, b.steps);
        }
        assert!(faulty > 10, "faults were injected in {faulty} runs");
    }
}
