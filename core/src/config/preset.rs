//! Named scenarios: the one preset table the CLI (`--preset`), the playground and the `<qi-sim>`
//! embed all read, so a preset means the same configuration everywhere.

use serde::{Deserialize, Serialize};

use crate::config::kernel::Kernel;
use crate::config::{
    BatchDist, Config, FaultConfig, PolicyKind, SchedulerConfig, TimedCosts, TypeMix, Workload,
};

/// The canonical lockup schedule of DESIGN.md section 5 under `policy` (T1: one descriptor,
/// T2: a wait descriptor alone, ring of 8). Under the fix the same interleaving completes.
pub fn canonical_replay(policy: PolicyKind) -> &'static str {
    match policy {
        PolicyKind::Legacy => "q1:a6b6H3a5b2",
        PolicyKind::Fixed => "q1:a6b6H3a5b5",
    }
}

/// A named scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    /// Name on the command line and in URLs.
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What it shows, in a sentence or two.
    pub note: String,
    /// The configuration (policy as given; seed 0).
    pub config: Config,
    /// Seeds a hunt of this preset runs by default.
    pub seeds: u64,
}

/// Every preset name, in display order.
pub const NAMES: [&str; 7] = [
    "commit",
    "seed",
    "mix8",
    "faultStorm",
    "kernel-6.9",
    "kernel-6.12",
    "kernel-7.0",
];

fn devtlb(share: f64) -> TypeMix {
    TypeMix {
        iotlb: 1.0 - share,
        devtlb: share,
        ..TypeMix::default()
    }
}

/// The preset `name` under `policy` (kernel presets keep their version's policy), or an error
/// listing the names.
pub fn preset(name: &str, policy: PolicyKind) -> Result<Preset, String> {
    let base = Config {
        policy,
        ..Config::default()
    };
    let p = |title: &str, note: &str, config: Config, seeds: u64| Preset {
        name: name.to_string(),
        title: title.to_string(),
        note: note.to_string(),
        config,
        seeds,
    };
    Ok(match name {
        "commit" => p(
            "The commit message's schedule",
            "T1 submits one descriptor, T2 a wait descriptor alone; hardware completes both; T1's legacy reclaim frees T2's completed wait before T2 sees it, and T2 polls forever. Under the fix the same interleaving completes.",
            Config {
                qi_length: 8,
                submitters: 2,
                per_submitter: vec![
                    Workload {
                        submissions: 1,
                        batch: BatchDist::Fixed { count: 1 },
                        ..Workload::default()
                    },
                    Workload {
                        submissions: 1,
                        batch: BatchDist::Fixed { count: 0 },
                        ..Workload::default()
                    },
                ],
                scheduler: SchedulerConfig::Replay {
                    choices: canonical_replay(policy).to_string(),
                },
                watchdog: 0,
                ..base
            },
            1,
        ),
        "seed" => p(
            "The seed's scenario, generalised (lockup in seconds)",
            "Three CPUs on a ring of 8, batches of 1–2, half the calls wait-only: random schedules find the legacy lockup within the first seeds.",
            Config {
                qi_length: 8,
                submitters: 3,
                workload: Workload {
                    submissions: 3,
                    batch: BatchDist::Uniform { min: 1, max: 2 },
                    zero_count_prob: 0.5,
                    ..Workload::default()
                },
                step_limit: 100_000,
                watchdog: 10_000,
                ..base
            },
            2000,
        ),
        "mix8" => p(
            "8 CPUs, realistic mix",
            "The kernel's 256-slot ring, timed: IOTLB and device-TLB invalidations, batches of 1–16, a few wait-only calls; throughput and latency per policy.",
            Config {
                qi_length: 256,
                submitters: 8,
                workload: Workload {
                    submissions: 40,
                    batch: BatchDist::Uniform { min: 1, max: 16 },
                    zero_count_prob: 0.1,
                    types: devtlb(0.25),
                    ..Workload::default()
                },
                scheduler: SchedulerConfig::Timed {
                    costs: TimedCosts::default(),
                },
                step_limit: 2_000_000,
                ..base
            },
            200,
        ),
        "faultStorm" => p(
            "Fault storm",
            "Hardware faults on a busy ring with device-TLB invalidations: IQE, ITE, ICE and a device that is gone — the fault paths of qi_check_fault under both policies (docs/findings.md).",
            Config {
                qi_length: 16,
                submitters: 4,
                workload: Workload {
                    submissions: 8,
                    batch: BatchDist::Uniform { min: 1, max: 4 },
                    zero_count_prob: 0.25,
                    types: devtlb(0.5),
                    ..Workload::default()
                },
                faults: FaultConfig {
                    iqe_rate: 0.02,
                    ite_rate: 0.05,
                    ice_rate: 0.02,
                    device_gone_rate: 0.01,
                    ..FaultConfig::default()
                },
                step_limit: 100_000,
                ..base
            },
            2000,
        ),
        _ => {
            let k = name
                .strip_prefix("kernel-")
                .and_then(|v| Kernel::parse(v).ok())
                .ok_or_else(|| {
                    format!("`{name}` is not a preset; allowed: {}", NAMES.join(", "))
                })?;
            let mut c = Config {
                qi_length: 16,
                submitters: 4,
                workload: Workload {
                    submissions: 8,
                    types: devtlb(0.5),
                    ..Workload::default()
                },
                faults: FaultConfig {
                    ite_rate: 0.05,
                    device_gone_rate: 0.01,
                    ..FaultConfig::default()
                },
                step_limit: 100_000,
                ..base
            };
            k.apply(&mut c);
            c.workload = k.realistic_workload(&c.workload, c.qi_length);
            p(
                &format!("Linux {}", k.range()),
                &format!(
                    "Kernel {} as it is: {} reclaim, {} ITE walk, its callers' batch sizes (no count 0: that caller is hypothetical), device-TLB time-outs. docs/kernels.md has the proofs.",
                    k.name(),
                    k.policy().name(),
                    crate::config::kernel::walk_name(k.ite_walk())
                ),
                c,
                2000,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_under_both_policies() {
        for name in NAMES {
            for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
                let p = preset(name, policy).unwrap();
                assert_eq!(p.name, name);
                p.config
                    .validate()
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                if !name.starts_with("kernel-") {
                    assert_eq!(p.config.policy, policy);
                }
            }
        }
        assert!(preset("nope", PolicyKind::Fixed)
            .unwrap_err()
            .contains("faultStorm"));
    }

    #[test]
    fn the_commit_preset_is_the_canonical_lockup() {
        let r = crate::Simulation::new(preset("commit", PolicyKind::Legacy).unwrap().config)
            .unwrap()
            .run();
        assert_eq!(r.outcome, crate::Outcome::Lockup);
        let r = crate::Simulation::new(preset("commit", PolicyKind::Fixed).unwrap().config)
            .unwrap()
            .run();
        assert_eq!(r.outcome, crate::Outcome::Completed);
    }
}
