//! What the explorer's scenario tests share: a small config and a verdict without what varies
//! between runs.
#![allow(dead_code)] // each test file uses part of it

use qisim_core::check::Verdict;
use qisim_core::config::{FaultConfig, TypeMix};
use qisim_core::{BatchDist, Config, PolicyKind, Workload};

/// 2 CPUs × 2 calls of one descriptor on a ring of `qi_length`; with `faults`, device-TLB
/// invalidations and one IQE or ITE allowed.
pub fn base(qi_length: u32, policy: PolicyKind, faults: bool) -> Config {
    Config {
        qi_length,
        submitters: 2,
        policy,
        workload: Workload {
            submissions: 2,
            batch: BatchDist::Fixed { count: 1 },
            types: if faults {
                TypeMix {
                    iotlb: 0.0,
                    devtlb: 1.0,
                    ..TypeMix::default()
                }
            } else {
                TypeMix::default()
            },
            ..Workload::default()
        },
        faults: if faults {
            FaultConfig {
                iqe_rate: 0.5,
                ite_rate: 0.5,
                max_faults: 1,
                ..FaultConfig::default()
            }
        } else {
            FaultConfig::default()
        },
        ..Config::default()
    }
}

/// Everything of a verdict but the timing, the memory accounting and the thread count.
pub fn key(v: &Verdict) -> serde_json::Value {
    let mut j = serde_json::to_value(v).unwrap();
    let o = j.as_object_mut().unwrap();
    for k in [
        "seconds",
        "statesPerSecond",
        "bytesPerState",
        "peakBytes",
        "threads",
    ] {
        o.remove(k);
    }
    j
}
