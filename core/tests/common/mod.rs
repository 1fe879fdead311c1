//! What the explorer's scenario tests share: a small config and a verdict without what varies
//! between runs.
#![allow(dead_code)] // each test file uses part of it

pub mod mutants;

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

/// `text` with `writel(FSTS, DMA_FSTS_ITE)` moved after the `ITE` walk and the read of the
/// caller's own wait: no hardware step fits between clearing `ITE` and the walk, as in the
/// Rust-coded model before the programs (`tests/programs/*-atomic.qi` are the shipped kernels
/// so changed; `tests/programs.rs` pins that they give that model's matrix).
pub fn atomic_text(text: &str) -> String {
    let out = text
        .replace(
            "int fault, head, tail, ite_sid;",
            "int fault, head, tail, ite_sid, aborted;",
        )
        .replace("\t\twritel(FSTS, DMA_FSTS_ITE);\n\n", "")
        .replace(
            "\t\t// The device that timed out is gone: no retry.\n\t\tif (ite_sid && !pci_device_is_present(ite_sid))\n\t\t\treturn -ETIMEDOUT;\n\t\tif (desc_status[wait_index] == QI_ABORT)\n\t\t\treturn -EAGAIN;",
            "\t\taborted = desc_status[wait_index] == QI_ABORT;\n\t\twritel(FSTS, DMA_FSTS_ITE);\n\t\tif (ite_sid && !pci_device_is_present(ite_sid))\n\t\t\treturn -ETIMEDOUT;\n\t\tif (aborted)\n\t\t\treturn -EAGAIN;",
        );
    assert!(
        out.contains("aborted = desc_status"),
        "not a shipped qi_check_fault"
    );
    out
}

/// `cfg` running the atomic form ([`atomic_text`]) of its program: what the schedules pinned
/// before the programs (replay strings with no step between clearing `ITE` and the walk)
/// replay on.
pub fn atomic(mut cfg: Config) -> Config {
    let text = atomic_text(&cfg.program_text());
    cfg.kernel = None;
    cfg.policy = PolicyKind::default();
    cfg.faults.ite_walk = Default::default();
    cfg.program = Some(text);
    cfg
}
