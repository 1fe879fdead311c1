//! Hardware faults and `qi_check_fault`: one regression test per finding of `docs/findings.md`,
//! each pinned by the exhaustive explorer's shortest counterexample under the VT-d engine
//! (fetch and completion separate), plus the configurations the explorer proves safe. The
//! kernels are the shipped programs: clearing `ITE` is a `writel` after which hardware may
//! step before the walk, so the CPU that handles an `ITE` takes two steps (`...Ta2`: the poll
//! up to the `writel`, then the walk).

use qisim_core::check::{explore, ExploreOptions, Verdict};
use qisim_core::config::{FaultConfig, IteTiming, IteWalk, SchedulerConfig, TypeMix};
use qisim_core::{BatchDist, Config, FindingKind, PolicyKind, RunReport, Simulation, Workload};

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

/// `ite` with the time-out firing only once hardware fetched every published descriptor (the
/// kernel's assumption; default: as soon as its device-TLB invalidation is fetched).
fn ite_all_fetched(walk: IteWalk) -> FaultConfig {
    FaultConfig {
        ite_timing: IteTiming::AllFetched,
        ..ite(walk)
    }
}

fn gone(all_fetched: bool) -> FaultConfig {
    FaultConfig {
        device_gone_rate: 0.5,
        ite_timing: if all_fetched {
            IteTiming::AllFetched
        } else {
            IteTiming::AnyFetched
        },
        max_faults: 1,
        ..FaultConfig::default()
    }
}

/// The explorer's shortest counterexample is `kind` by `replay`, and it replays.
fn assert_shortest(cfg: &Config, kind: FindingKind, replay: &str) {
    match shortest(cfg, None) {
        Verdict::Counterexample {
            kind: k,
            replay: r,
            reproduced,
            ..
        } => {
            assert_eq!((k, r.as_str()), (kind, replay), "{cfg:?}");
            assert!(reproduced);
        }
        v => panic!("expected {kind:?} by {replay}, got {v:?}"),
    }
}

const POLICIES: [PolicyKind; 2] = [PolicyKind::Legacy, PolicyKind::Fixed];
const WALKS: [IteWalk; 2] = [IteWalk::Stride1, IteWalk::Stride2];

/// F1. IQE on a descriptor that is not the first of its batch: `qi_check_fault` repairs an IQE
/// only when `IQH == index`, so nobody clears it; hardware stays stopped and the caller spins.
#[test]
fn f1_iqe_inside_a_batch_is_never_cleared() {
    for policy in POLICIES {
        let cfg = config(policy, iqe(1), &[&[2]]);
        let (r, tl) = replay(cfg.clone(), "q1:a4HEa");
        assert_eq!(kinds(&r), vec![FindingKind::Lockup], "{tl}");
        assert!(tl.contains("ID1b: IQE, stop*"), "{tl}");
        assert_shortest(&cfg, FindingKind::Lockup, "q1:a4HEa");
    }
}

/// F2. The IQE repair returns -EINVAL at once and the caller frees its slots, while hardware
/// still holds the repaired batch: the copied wait descriptor later writes `QI_DONE` into a
/// slot its owner already freed — even with one descriptor per call (the old model let a
/// second `QI_DONE` for the same wait pass).
/// (Under the legacy reclaim that late QI_DONE is what frees the wait slot: benign.)
#[test]
fn f2_iqe_repair_frees_slots_hardware_still_completes() {
    {
        let (policy, choices, owner_at) = (
            PolicyKind::Fixed,
            "q1:a4Ea2H",
            "QI_FREE), but T1 already marked its slots and is at `reclaim`",
        );
        let cfg = config(policy, iqe(1), &[&[1, 1], &[1, 1]]);
        let (r, tl) = replay(cfg.clone(), choices);
        assert_eq!(kinds(&r), vec![FindingKind::StrayStatusWrite], "{tl}");
        // The slot still holds WD1, whose owner has moved on: the message says where it is.
        let msg = &r.findings[0].message;
        assert!(
            msg.starts_with("hardware wrote QI_DONE for WD1 into slot 1 (status "),
            "{msg}"
        );
        assert!(msg.contains(owner_at), "{msg}");
        assert!(tl.contains("qi_check_fault -> -EINVAL"), "{tl}");
        assert!(msg.contains("reclaim_free_desc() stops at slot 1"), "{msg}");
        assert_shortest(&cfg, FindingKind::StrayStatusWrite, choices);
    }
    // Under the legacy reclaim the late QI_DONE is what frees T1's wait slot: benign.
    let cfg = config(PolicyKind::Legacy, iqe(1), &[&[1, 1], &[1, 1]]);
    let (r, tl) = replay(cfg, "q1:a4Ea3H");
    assert!(tl.contains("qi_check_fault -> -EINVAL"), "{tl}");
    assert!(!r.has(FindingKind::StrayStatusWrite), "{tl}");
}

/// F3. The stride-2 ITE walk (kernels before 7.0) steps from `(IQH - 1) | 1` by -2 until it
/// meets `IQT - 1`: with a batch of 2 or a wait-only call `IQT - 1` is even and the walk never
/// ends — an endless loop in `qi_check_fault` with `q_lock` held. Whenever the time-out fires.
#[test]
fn f3_stride2_walk_never_ends_with_batches_or_zero_counts() {
    for policy in POLICIES {
        let cfg = config(policy, ite(IteWalk::Stride2), &[&[2]]);
        let (r, tl) = replay(cfg.clone(), "q1:a4FTa2");
        assert_eq!(kinds(&r), vec![FindingKind::WalkLoop], "{tl}");
        assert_shortest(&cfg, FindingKind::WalkLoop, "q1:a4FTa2");
        let all = config(policy, ite_all_fetched(IteWalk::Stride2), &[&[2]]);
        assert_shortest(&all, FindingKind::WalkLoop, "q1:a4HF2Ta2");
        let zero = config(policy, ite_all_fetched(IteWalk::Stride2), &[&[1], &[0]]);
        assert_shortest(&zero, FindingKind::WalkLoop, "q1:a6b3F2Tb3");
        // The stride-1 walk (7.0) ends on the same schedule.
        let cfg1 = config(policy, ite(IteWalk::Stride1), &[&[2]]);
        let (r1, tl1) = replay(cfg1, "q1:a4FTa2");
        assert!(!r1.has(FindingKind::WalkLoop), "{tl1}");
    }
}

/// F4. Legacy reclaim with the stride-1 walk: the walk marks another CPU's completed (still
/// `QI_IN_USE`) invalidation descriptor `QI_ABORT`, and legacy reclaim frees `QI_ABORT` like
/// `QI_DONE` — so even with one descriptor per call, and with the time-out firing only after
/// everything was fetched, a completion is lost. The fix is needed with the 7.0 walk too.
#[test]
fn f4_legacy_reclaim_with_stride1_walk_loses_completions() {
    let cfg = config(
        PolicyKind::Legacy,
        ite_all_fetched(IteWalk::Stride1),
        &[&[1], &[1]],
    );
    let choices = "q1:a6b3F2Tb5H2b4a2";
    let (r, tl) = replay(cfg.clone(), choices);
    assert_eq!(
        kinds(&r),
        vec![FindingKind::LostCompletion, FindingKind::Lockup],
        "{tl}"
    );
    assert!(tl.contains("ID1 -> QI_ABORT"), "{tl}");
    assert_shortest(&cfg, FindingKind::Lockup, choices);
}

/// F5. A time-out before hardware fetched the batch's wait descriptor (the VT-d spec allows
/// it; a serial engine, fetch depth 1, always does it): no wait is pending, so none is
/// aborted. Stride-1: the caller's wait completes after the clear and it returns 0 for a batch
/// whose device-TLB invalidation timed out (premature completion). Stride-2: the walk starts at
/// `(IQH - 1) | 1` = `IQH`, marks the *unfetched* wait `QI_ABORT`, the caller restarts and
/// frees its slots, and hardware later completes that wait into a freed slot.
#[test]
fn f5_time_out_before_the_wait_is_fetched() {
    for policy in POLICIES {
        let s1 = config(policy, ite(IteWalk::Stride1), &[&[1], &[1]]);
        assert_shortest(&s1, FindingKind::PrematureCompletion, "q1:a4FTa4Ha4");
    }
    // Stride-2, fixed: the late QI_DONE stops the reclaim for good.
    let s2 = config(PolicyKind::Fixed, ite(IteWalk::Stride2), &[&[1], &[1]]);
    assert_shortest(&s2, FindingKind::StrayStatusWrite, "q1:a4FTa3H");
    let (r, tl) = replay(s2, "q1:a4FTa3H");
    assert!(tl.contains("WD1 -> QI_ABORT"), "{tl}");
    assert!(r.has(FindingKind::StrayStatusWrite));
    // Stride-2, legacy: the late QI_DONE is reclaimed (benign); the batch that timed out
    // still returns 0 in the end: a premature completion.
    let s2 = config(PolicyKind::Legacy, ite(IteWalk::Stride2), &[&[1], &[1]]);
    assert_shortest(&s2, FindingKind::PrematureCompletion, "q1:a4FTaHa7");
}

/// F6. The device-gone branch: after an `ITE` whose device is gone, *the first CPU to run
/// `qi_check_fault`* gets `-ETIMEDOUT` — not necessarily the owner of the timed-out
/// invalidation — and marks and frees its slots while hardware still holds its batch, which
/// then completes into freed slots. In every version, whenever the time-out fires.
#[test]
fn f6_device_gone_frees_slots_hardware_still_completes() {
    for policy in POLICIES {
        for walk in WALKS {
            for timing in IteTiming::ALL {
                let mut cfg = config(policy, gone(true), &[&[1], &[1]]);
                cfg.faults.ite_walk = walk;
                cfg.faults.ite_timing = timing;
                let Verdict::Counterexample {
                    kind,
                    replay: choices,
                    reproduced,
                    ..
                } = shortest(&cfg, None)
                else {
                    panic!("{policy:?} {walk:?} {timing:?}: no counterexample");
                };
                assert!(reproduced);
                let (r, tl) = replay(cfg.clone(), &choices);
                assert!(tl.contains("qi_check_fault -> -ETIMEDOUT"), "{tl}");
                // Whoever handles the ITE returns -ETIMEDOUT; under the fixed reclaim the
                // batch hardware still holds may first complete into a freed slot.
                match kind {
                    FindingKind::MisattributedError => {
                        let f = r.findings.iter().find(|f| f.kind == kind).unwrap();
                        assert!(f
                            .message
                            .contains("none of its 1 invalidation(s) timed out"));
                    }
                    FindingKind::StrayStatusWrite => assert_eq!(policy, PolicyKind::Fixed),
                    k => panic!("{policy:?} {walk:?} {timing:?}: {k:?}\n{tl}"),
                }
            }
        }
    }
}

/// What holds under the kernel's timing assumption (a time-out only after hardware fetched
/// everything published): the 7.0 combination (fixed, stride-1) on batches with count 0, and
/// the historical one (stride-2 walk, one descriptor per call) under both policies.
#[test]
fn proofs_under_the_kernels_timing() {
    assert_proved(&config(
        PolicyKind::Fixed,
        ite_all_fetched(IteWalk::Stride1),
        &[&[0, 1, 2], &[2, 1, 0]],
    ));
    for policy in POLICIES {
        assert_proved(&config(
            policy,
            ite_all_fetched(IteWalk::Stride2),
            &[&[1, 1], &[1, 1]],
        ));
    }
}

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
/// replaying a faulty run's schedule reproduces it (faults are recorded as `E`/`T`/`C`/`G`).
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
                    device_gone_rate: 0.02,
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
            if a.replay.contains(['E', 'T', 'C', 'G']) {
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
