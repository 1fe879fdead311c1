//! Same config + seed ⇒ same trace, on every run and every platform. The native side writes
//! `fixtures/trace_hashes.json` (with `QISIM_BLESS=1`, or when it is missing); the wasm tests read
//! the same file and must compute the same hashes in the browser.

use qisim_core::config::{SchedulerConfig, TimedCosts, TypeMix};
use qisim_core::{BatchDist, Config, HardwareMode, PolicyKind, Simulation, Workload};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    config: Config,
    trace_hash: String,
    steps: u64,
    replay_prefix: String,
}

fn cases() -> Vec<(String, Config)> {
    let mut v = Vec::new();
    let base = |policy, scheduler, seed| Config {
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
    };
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        for seed in [0u64, 1, 42, 9_007_199_254_740_991] {
            v.push((
                format!("{}-random-{seed}", policy.name()),
                base(policy, SchedulerConfig::Random { hw_weight: 1.0 }, seed),
            ));
        }
        v.push((
            format!("{}-random-hw0.3", policy.name()),
            base(policy, SchedulerConfig::Random { hw_weight: 0.3 }, 7),
        ));
        v.push((
            format!("{}-pct3", policy.name()),
            base(policy, SchedulerConfig::Pct { depth: 3, steps: 0 }, 5),
        ));
        v.push((
            format!("{}-timed", policy.name()),
            base(
                policy,
                SchedulerConfig::Timed {
                    costs: TimedCosts::default(),
                },
                11,
            ),
        ));
        let mut sync = base(policy, SchedulerConfig::Random { hw_weight: 1.0 }, 3);
        sync.hardware = HardwareMode::Sync;
        v.push((format!("{}-sync", policy.name()), sync));
    }
    v
}

fn run(cfg: &Config) -> (String, u64, String) {
    let r = Simulation::new(cfg.clone()).unwrap().run();
    let prefix: String = r.replay.chars().take(40).collect();
    (r.trace_hash.expect("trace on"), r.steps, prefix)
}

#[test]
fn same_config_and_seed_give_the_same_trace_hash() {
    for (name, cfg) in cases() {
        let a = run(&cfg);
        let b = run(&cfg);
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn different_seeds_give_different_traces() {
    let c = cases();
    let a = run(&c[0].1);
    let b = run(&c[1].1);
    assert_ne!(a.0, b.0);
}

#[test]
fn trace_hashes_match_the_committed_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/trace_hashes.json"
    );
    let computed: Vec<Case> = cases()
        .into_iter()
        .map(|(name, config)| {
            let (trace_hash, steps, replay_prefix) = run(&config);
            Case {
                name,
                config,
                trace_hash,
                steps,
                replay_prefix,
            }
        })
        .collect();
    let bless = std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1");
    match std::fs::read_to_string(path) {
        Ok(text) if !bless => {
            let expected: Vec<Case> = serde_json::from_str(&text).unwrap();
            assert_eq!(
                expected, computed,
                "trace format or model changed: rerun with QISIM_BLESS=1 if intended"
            );
        }
        _ => {
            let text = serde_json::to_string_pretty(&computed).unwrap();
            std::fs::write(path, text + "\n").unwrap();
        }
    }
}
