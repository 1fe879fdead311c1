//! Minimisation: random-schedule findings shrink to the size of the canonical seed timeline,
//! still reproduce, and shrink the same way every time.

use qisim_core::config::{IteTiming, SchedulerConfig};
use qisim_core::search::hunt::{hunt, HuntOptions};
use qisim_core::search::shrink::{minimize, reproduces};
use qisim_core::{BatchDist, Config, FindingKind, PolicyKind, Simulation, Workload};

/// 4 submitters, zero-count probability 0.5, ring 16, random scheduler.
fn legacy_random() -> Config {
    Config {
        qi_length: 16,
        submitters: 4,
        workload: Workload {
            submissions: 30,
            batch: BatchDist::Uniform { min: 1, max: 3 },
            zero_count_prob: 0.5,
            ..Workload::default()
        },
        policy: PolicyKind::Legacy,
        ..Config::default()
    }
}

/// The canonical schedule of DESIGN.md section 5 has 22 steps.
const SEED_STEPS: u64 = 22;

#[test]
fn random_legacy_lockups_shrink_to_the_seed_size_and_reproduce() {
    let cfg = legacy_random();
    let res = hunt(
        &cfg,
        0,
        30,
        &HuntOptions {
            max_findings: 5,
            minimize: false,
        },
    )
    .unwrap();
    let with_lockup: Vec<_> = res
        .findings
        .iter()
        .filter(|f| f.kinds.contains(&FindingKind::Lockup))
        .take(3)
        .collect();
    assert!(!with_lockup.is_empty(), "the hunt should find lockups");
    for f in with_lockup {
        let mut c = cfg.clone();
        c.seed = f.seed;
        let m = minimize(&c, &f.replay, &FindingKind::Lockup).expect("minimises");
        println!(
            "seed {}: {} steps -> {} ({} steps)\n{}",
            f.seed, f.steps, m.replay, m.steps, m.timeline
        );
        assert!(m.steps <= SEED_STEPS, "seed {}: {} steps", f.seed, m.steps);
        assert!(m.steps < f.steps);
        // The minimised config carries its replay: running it reproduces the lockup.
        let r = Simulation::new(m.config.clone()).unwrap().run();
        assert!(r.has(FindingKind::Lockup), "{:?}", r.findings);
        assert!(reproduces(&m.config, &m.replay, FindingKind::Lockup).is_some());
        assert!(m.timeline.contains("!! lockup"));
        // Deterministic.
        assert_eq!(minimize(&c, &f.replay, &FindingKind::Lockup), Some(m));
    }
}

#[test]
fn hunt_findings_carry_original_and_minimised_replays() {
    let cfg = legacy_random();
    let res = hunt(
        &cfg,
        100,
        5,
        &HuntOptions {
            max_findings: 2,
            minimize: true,
        },
    )
    .unwrap();
    assert!(!res.findings.is_empty());
    for f in &res.findings {
        let m = f.minimized.as_ref().expect("minimised");
        assert!(m.steps <= f.steps);
        assert!(m.replay.starts_with("q1:") && f.replay.starts_with("q1:"));
        // The minimised replay, run against its config, shows the worst kind the seed found,
        // in exactly the minimised number of steps (the config alone would rerun the seed).
        let worst = f
            .kinds
            .iter()
            .copied()
            .max_by_key(|k| k.severity())
            .unwrap();
        let (steps, sim) = reproduces(&m.config, &m.replay, worst)
            .unwrap_or_else(|| panic!("{} does not show {worst:?}", m.replay));
        assert_eq!(steps, m.steps, "{}", m.replay);
        assert_eq!(sim.replay(), m.replay);
    }
}

#[test]
fn the_seed_schedule_is_already_minimal() {
    let one = |count| Workload {
        submissions: 1,
        batch: BatchDist::Fixed { count },
        ..Workload::default()
    };
    let cfg = Config {
        qi_length: 8,
        submitters: 2,
        per_submitter: vec![one(1), one(0)],
        policy: PolicyKind::Legacy,
        scheduler: SchedulerConfig::Replay {
            choices: "q1:a6b6H3a5b2".into(),
        },
        ..Config::default()
    };
    let m = minimize(&cfg, "q1:a6b6H3a5b2", &FindingKind::Lockup).unwrap();
    assert!(m.steps <= SEED_STEPS);
    assert!(minimize(&cfg, "q1:a6b6H3", &FindingKind::Lockup).is_none());
}

/// The viewer's "continue to the consequence" is the core's completion: F4 of docs/findings.md
/// cut right after its lost completion continues to its lockup; the completion starts with the
/// given choices, is deterministic, replays, and bad input names its field.
#[test]
fn complete_continues_a_cut_schedule_to_its_consequence() {
    use qisim_core::config::{FaultConfig, IteWalk, TypeMix};
    use qisim_core::search::shrink::{complete, MAX_COMPLETION_STEPS};
    let w = Workload {
        submissions: 1,
        batch: BatchDist::Fixed { count: 1 },
        types: TypeMix {
            iotlb: 0.0,
            devtlb: 1.0,
            ..TypeMix::default()
        },
        ..Workload::default()
    };
    let c = Config {
        qi_length: 8,
        submitters: 2,
        policy: PolicyKind::Legacy,
        workload: w,
        faults: FaultConfig {
            ite_rate: 0.5,
            ite_walk: IteWalk::Stride1,
            ite_timing: IteTiming::AllFetched,
            max_faults: 1,
            ..FaultConfig::default()
        },
        ..Config::default()
    };
    let full = qisim_core::replay::parse("q1:a6b3F2Tb5H2b4a2").unwrap();
    // The lost completion is found at step 21: cut after it.
    let given = &full[..22];
    let prefix = qisim_core::replay::encode(given);
    let done = complete(&c, &prefix, 5000).unwrap();
    assert!(done.ended, "{done:?}");
    assert_eq!(
        done.kinds,
        [FindingKind::LostCompletion, FindingKind::Lockup],
        "{done:?}"
    );
    assert!(done.steps > 22 && done.steps < 100, "{done:?}");
    let all = qisim_core::replay::parse(&done.replay).unwrap();
    assert_eq!(&all[..given.len()], given);
    assert_eq!(complete(&c, &prefix, 5000).unwrap(), done);
    // It replays: the same lockup at the same step under the replay scheduler.
    let (steps, _) = reproduces(&c, &done.replay, FindingKind::Lockup).expect("replays");
    assert_eq!(steps, done.steps);
    // A limit of 0 stops right after the choices.
    let none = complete(&c, &prefix, 0).unwrap();
    assert_eq!((none.steps, none.ended), (22, false));
    assert_eq!(none.kinds, [FindingKind::LostCompletion]);
    // A schedule that completes ends as completed (it used to say `ended: false`: nothing was
    // left to move, and nobody asked the driver to call it).
    let fixed = Config {
        policy: PolicyKind::Fixed,
        faults: FaultConfig::default(),
        ..c.clone()
    };
    let ok = complete(&fixed, "q1:a", 5000).unwrap();
    assert!(ok.kinds.is_empty(), "{ok:?}");
    assert!(ok.ended, "{ok:?}");
    let mut sim = qisim_core::Simulation::new(Config {
        scheduler: qisim_core::SchedulerConfig::Replay {
            choices: ok.replay.clone(),
        },
        ..fixed
    })
    .unwrap();
    assert!(matches!(sim.run().outcome, qisim_core::Outcome::Completed));
    for (replay, limit, field) in [
        ("q1:zz", 10, "replay"),
        ("q1:H", 10, "replay"),
        (prefix.as_str(), MAX_COMPLETION_STEPS + 1, "limit"),
    ] {
        let e = complete(&c, replay, limit).unwrap_err();
        assert_eq!(e.field, field, "{replay} {limit}: {e}");
        // The limit's error is its range, as data.
        if field == "limit" {
            assert!(
                matches!(e.kind, qisim_core::ErrorKind::Range { max, .. }
                    if max == MAX_COMPLETION_STEPS as f64),
                "{e}"
            );
        }
    }
}
