//! The canonical lockup of DESIGN.md section 5, replayed step by step.

use qisim_core::config::SchedulerConfig;
use qisim_core::{BatchDist, Config, FindingKind, Outcome, PolicyKind, Simulation, Workload};

/// T1 submits one descriptor, T2 a wait descriptor alone; ring of 8.
fn seed_config(policy: PolicyKind, choices: &str) -> Config {
    let one = |count| Workload {
        submissions: 1,
        batch: BatchDist::Fixed { count },
        ..Workload::default()
    };
    Config {
        qi_length: 8,
        submitters: 2,
        per_submitter: vec![one(1), one(0)],
        policy,
        scheduler: SchedulerConfig::Replay {
            choices: choices.into(),
        },
        trace: true,
        ..Config::default()
    }
}

/// The schedule of the commit message: T1 writes and polls, T2 writes and polls, hardware
/// completes all three descriptors, T1 finishes (and reclaims WD2), T2 polls again.
const SEED: &str = "q1:a6b6H3a5b2";

#[test]
fn legacy_loses_wd2_then_t2_locks_up() {
    let mut sim = Simulation::new(seed_config(PolicyKind::Legacy, SEED)).unwrap();
    let report = sim.run();
    let kinds: Vec<_> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::LostCompletion, FindingKind::Lockup]
    );
    assert_eq!(report.outcome, Outcome::Lockup);
    let lost = &report.findings[0];
    assert_eq!((lost.submitter, lost.slot), (Some(1), Some(2)));
    assert_eq!(lost.step, 18, "reported at T1's reclaim");
    let lockup = &report.findings[1];
    assert_eq!((lockup.submitter, lockup.slot), (Some(1), Some(2)));
    assert_eq!(report.replay, SEED);
    let timeline = sim.timeline();
    println!("{timeline}");
    let expected = "\
T1                                            T2                                            HW
lock; write ID1,WD1; IQT; poll: WD1 not done
unlock
                                              lock; write WD2; IQT; poll: WD2 not done
                                              unlock
                                                                                            ID1 done; WD1 = QI_DONE*; WD2 = QI_DONE*
lock; poll: WD1 done
mark ID1 QI_DONE
reclaim: ID1,WD1,WD2 -> QI_FREE
!! lostCompletion
unlock; return 0
                                              lock; poll: WD2 is QI_FREE
                                              !! lockup

!! step 19 lostCompletion: WD2 (T2's wait, slot 2) was QI_DONE but T1 set it QI_FREE before T2 saw it
!! step 22 lockup: T2 polls WD2 (slot 2), which is QI_FREE; hardware is idle and no other CPU can write it: hard lockup (the poll loop drops q_lock but keeps interrupts off, as raw_spin_lock_irqsave left them; the NMI watchdog reports it)
";
    assert_eq!(timeline, expected);
}

#[test]
fn fixed_completes_the_same_schedule() {
    // Same interleaving; under the fix T2's last steps see WD2 still QI_DONE and finish.
    let mut sim = Simulation::new(seed_config(PolicyKind::Fixed, "q1:a6b6H3a5b5")).unwrap();
    let report = sim.run();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(report.outcome, Outcome::Completed);
    assert_eq!(report.metrics.submissions, 2);
    let timeline = sim.timeline();
    println!("{timeline}");
    assert!(timeline.contains("mark ID1,WD1 QI_FREE"), "{timeline}");
    assert!(timeline.contains("lock; poll: WD2 done"), "{timeline}");
    assert!(!timeline.contains("!!"), "{timeline}");
}

#[test]
fn legacy_and_fixed_agree_up_to_the_reclaim() {
    // The policies differ only in mark/reclaim: the first 14 steps trace identically.
    let prefix = "q1:a6b6H2";
    let a = Simulation::new(seed_config(PolicyKind::Legacy, prefix))
        .unwrap()
        .run();
    let b = Simulation::new(seed_config(PolicyKind::Fixed, prefix))
        .unwrap()
        .run();
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.outcome, Outcome::ReplayEnded);
}
