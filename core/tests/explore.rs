//! Exhaustive explorer: the fix is proved for a small family of workloads, the legacy policy
//! yields the canonical lockup as a shortest counterexample.

use qisim_core::config::SchedulerConfig;
use qisim_core::explore::{count_family, explore, explore_roots, ExploreOptions, Verdict};
use qisim_core::{BatchDist, Config, FindingKind, PolicyKind, Simulation, Workload};

fn one(count: u32) -> Workload {
    Workload {
        submissions: 1,
        batch: BatchDist::Fixed { count },
        ..Workload::default()
    }
}

/// DESIGN.md section 5: T1 submits one descriptor, T2 a wait descriptor alone; ring of 8.
fn seed(policy: PolicyKind) -> Config {
    Config {
        qi_length: 8,
        submitters: 2,
        per_submitter: vec![one(1), one(0)],
        policy,
        ..Config::default()
    }
}

fn opts() -> ExploreOptions {
    ExploreOptions::default()
}

#[test]
fn legacy_seed_counterexample_is_shortest_and_replays() {
    let v = explore(&seed(PolicyKind::Legacy), &opts()).unwrap();
    let Verdict::Counterexample {
        kind,
        replay,
        steps,
        config,
        reproduced,
        timeline,
        findings,
        ..
    } = v
    else {
        panic!("expected a counterexample, got {v:?}");
    };
    println!("{replay} ({steps} steps)\n{timeline}");
    assert_eq!(kind, FindingKind::Lockup);
    assert!(reproduced);
    assert!(steps <= 22, "{steps} steps, the seed timeline has 22");
    let kinds: Vec<_> = findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::LostCompletion, FindingKind::Lockup]
    );
    // The replay reproduces in the simulator.
    let mut c = config;
    c.scheduler = SchedulerConfig::Replay { choices: replay };
    let r = Simulation::new(c).unwrap().run();
    assert!(r.has(FindingKind::LostCompletion) && r.has(FindingKind::Lockup));
}

#[test]
fn fixed_seed_config_is_proved() {
    let v = explore(&seed(PolicyKind::Fixed), &opts()).unwrap();
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
}

#[test]
fn fixed_family_ring8_three_submitters() {
    let base = Config {
        qi_length: 8,
        submitters: 3,
        workload: Workload {
            submissions: 2,
            batch: BatchDist::Fixed { count: 1 },
            ..Workload::default()
        },
        policy: PolicyKind::Fixed,
        ..Config::default()
    };
    let fam = count_family(&base, &[0, 1, 2]).unwrap();
    let v = explore_roots(&fam, &opts(), |_| true).unwrap();
    println!("{}", serde_json::to_string(&v).unwrap());
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
}
