//! Same config + seed ⇒ same trace, on every run and every platform; same config ⇒ same
//! exploration. The native side checks `fixtures/trace_hashes.json` and
//! `fixtures/explore_verdicts.json` (rewritten only with `QISIM_BLESS=1`; a missing fixture
//! fails); the wasm tests read the same files and must compute the same results in the browser.
//! The trace hash covers findings by kind, not by message text, and each case also stores its
//! outcome and finding kinds, so a failure says what changed.

use qisim_core::check::{explore_roots, family, ExploreOptions, Verdict};
use qisim_core::config::kernel::Kernel;
use qisim_core::config::{FaultConfig, IteTiming, IteWalk, SchedulerConfig, TimedCosts, TypeMix};
use qisim_core::{BatchDist, Config, HardwareMode, PolicyKind, Simulation, Workload};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    config: Config,
    outcome: String,
    findings: Vec<String>,
    trace_hash: String,
    steps: u64,
    replay_prefix: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
struct ExploreCase {
    name: String,
    config: Config,
    verdict: String,
    kind: Option<String>,
    replay: Option<String>,
    states: u64,
}

fn base(policy: PolicyKind, scheduler: SchedulerConfig, seed: u64) -> Config {
    Config {
        qi_length: 16,
        submitters: 3,
        policy,
        scheduler,
        seed,
        trace: true,
        workload: Workload {
            submissions: 8,
            batch: BatchDist::Uniform { min: 0, max: 4 },
            zero_count_prob: 0.3,
            types: TypeMix {
                iotlb: 3.0,
                devtlb: 1.0,
                ..TypeMix::default()
            },
            ..Workload::default()
        },
        ..Config::default()
    }
}

fn cases() -> Vec<(String, Config)> {
    let mut v = Vec::new();
    let random = SchedulerConfig::Random { hw_weight: 1.0 };
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        let p = policy.name();
        for seed in [0u64, 1, 42, 9_007_199_254_740_991] {
            v.push((
                format!("{p}-random-{seed}"),
                base(policy, random.clone(), seed),
            ));
        }
        v.push((
            format!("{p}-random-hw0.3"),
            base(policy, SchedulerConfig::Random { hw_weight: 0.3 }, 7),
        ));
        v.push((
            format!("{p}-pct3"),
            base(policy, SchedulerConfig::Pct { depth: 3, steps: 0 }, 5),
        ));
        let timed = SchedulerConfig::Timed {
            costs: TimedCosts::default(),
        };
        v.push((format!("{p}-timed"), base(policy, timed, 11)));
        let mut sync = base(policy, random.clone(), 3);
        sync.hardware = HardwareMode::Sync;
        v.push((format!("{p}-sync"), sync));
        let mut serial = base(policy, random.clone(), 4);
        serial.fetch_depth = 1;
        v.push((format!("{p}-fetch-depth-1"), serial));
        for (walk, name) in [(IteWalk::Stride1, "stride1"), (IteWalk::Stride2, "stride2")] {
            let mut f = base(policy, random.clone(), 5);
            f.workload.types.devtlb = 3.0;
            f.faults = FaultConfig {
                iqe_rate: 0.01,
                ite_rate: 0.3,
                ice_rate: 0.3,
                device_gone_rate: 0.1,
                ite_walk: walk,
                ..FaultConfig::default()
            };
            v.push((format!("{p}-faults-{name}"), f));
        }
        let mut f = base(policy, random.clone(), 5);
        f.faults = FaultConfig {
            iqe_rate: 0.05,
            ..FaultConfig::default()
        };
        v.push((format!("{p}-faults-iqe"), f));
        let mut per = base(policy, random.clone(), 6);
        per.per_submitter = vec![
            Workload {
                submissions: 3,
                batch: BatchDist::Sequence {
                    counts: vec![1, 0, 2],
                },
                ..Workload::default()
            };
            3
        ];
        v.push((format!("{p}-per-submitter"), per));
    }
    for k in Kernel::MAINLINE {
        let mut c = base(PolicyKind::Fixed, random.clone(), 8);
        k.apply(&mut c);
        c.workload = k.realistic_workload(&c.workload, c.qi_length);
        v.push((format!("kernel-{}", k.name()), c));
    }
    v
}

fn explore_cases() -> Vec<(String, Config)> {
    let mut v = Vec::new();
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        let c = Config {
            qi_length: 8,
            submitters: 2,
            policy,
            workload: Workload {
                submissions: 2,
                batch: BatchDist::Uniform { min: 0, max: 1 },
                ..Workload::default()
            },
            ..Config::default()
        };
        v.push((format!("{}-counts-0-1", policy.name()), c.clone()));
        let mut f = c.clone();
        f.workload.batch = BatchDist::Fixed { count: 1 };
        f.workload.types = TypeMix {
            iotlb: 0.0,
            devtlb: 1.0,
            ..TypeMix::default()
        };
        f.faults = FaultConfig {
            ite_rate: 0.5,
            device_gone_rate: 0.5,
            max_faults: 1,
            ite_timing: IteTiming::AllFetched,
            ..FaultConfig::default()
        };
        v.push((format!("{}-ite-gone-all-fetched", policy.name()), f));
    }
    v
}

fn run(name: String, config: Config) -> Case {
    let r = Simulation::new(config.clone()).unwrap().run();
    let outcome = serde_json::to_value(&r.outcome).unwrap()["kind"]
        .as_str()
        .unwrap()
        .to_string();
    Case {
        name,
        outcome,
        findings: r
            .findings
            .iter()
            .map(|f| f.kind.name().to_string())
            .collect(),
        trace_hash: r.trace_hash.expect("trace on"),
        steps: r.steps,
        replay_prefix: r.replay.chars().take(40).collect(),
        config,
    }
}

fn explore_case(name: String, config: Config) -> ExploreCase {
    let (roots, _) = family(&config).unwrap();
    let v = explore_roots(&roots, &ExploreOptions::default(), |_| true).unwrap();
    let (kind, replay) = match &v {
        Verdict::Counterexample { kind, replay, .. } => {
            (Some(kind.name().to_string()), Some(replay.clone()))
        }
        _ => (None, None),
    };
    ExploreCase {
        name,
        verdict: v.name().to_string(),
        kind,
        replay,
        states: v.stats().states,
        config,
    }
}

/// Compares `computed` with the committed fixture `file` (or writes it with QISIM_BLESS=1).
fn check_fixture<T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(
    file: &str,
    computed: Vec<T>,
) {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&computed).unwrap();
        std::fs::write(&path, text + "\n").unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (write it with QISIM_BLESS=1)"));
    let expected: Vec<T> = serde_json::from_str(&text).unwrap();
    assert_eq!(expected.len(), computed.len(), "{file}: number of cases");
    for (e, c) in expected.iter().zip(&computed) {
        assert_eq!(
            e, c,
            "{file}: the model or trace format changed; rerun with QISIM_BLESS=1 if intended"
        );
    }
}

#[test]
fn same_config_and_seed_give_the_same_trace_hash() {
    for (name, cfg) in cases() {
        let a = run(name.clone(), cfg.clone());
        let b = run(name, cfg);
        assert_eq!(a, b);
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let c = cases();
    let a = run(c[0].0.clone(), c[0].1.clone());
    let b = run(c[1].0.clone(), c[1].1.clone());
    assert_ne!(a.trace_hash, b.trace_hash);
}

#[test]
fn the_cases_cover_findings_faults_and_completions() {
    let all: Vec<Case> = cases().into_iter().map(|(n, c)| run(n, c)).collect();
    assert!(all.iter().any(|c| c.outcome == "completed"));
    assert!(all.iter().any(|c| c.outcome == "lockup"));
    let replays: Vec<String> = cases()
        .into_iter()
        .map(|(_, c)| Simulation::new(c).unwrap().run().replay)
        .collect();
    for token in ['E', 'T', 'C', 'G', 'F'] {
        assert!(
            replays.iter().any(|r| r.contains(token)),
            "no case takes a `{token}` step"
        );
    }
}

#[test]
fn trace_hashes_match_the_committed_fixture() {
    let computed = cases().into_iter().map(|(n, c)| run(n, c)).collect();
    check_fixture("trace_hashes.json", computed);
}

#[test]
fn explorations_match_the_committed_fixture() {
    let computed = explore_cases()
        .into_iter()
        .map(|(n, c)| explore_case(n, c))
        .collect();
    check_fixture::<ExploreCase>("explore_verdicts.json", computed);
}
