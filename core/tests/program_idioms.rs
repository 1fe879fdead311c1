//! The fused instructions and loop idioms (`program/fuse.rs`, `program/idiom.rs`) are a speed
//! trick: every shipped program and every mutant of one runs in lockstep compiled with and
//! without them, on random schedules with and without faults, and the two runs must be the
//! same step for step: ring, CPUs (their frames included), findings and trace.

use std::sync::Arc;

use qisim_core::config::kernel::Kernel;
use qisim_core::config::{FaultConfig, TypeMix};
use qisim_core::model::System;
use qisim_core::program::analysis::fault_bits;
use qisim_core::program::library::kernel;
use qisim_core::program::Program;
use qisim_core::trace::Trace;
use qisim_core::{Actor, BatchDist, Config, Workload};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

mod common;

fn configs(text: &str) -> Vec<Config> {
    let faults = [
        FaultConfig::default(),
        FaultConfig {
            ite_rate: 0.3,
            ..FaultConfig::default()
        },
        FaultConfig {
            iqe_rate: 0.3,
            ..FaultConfig::default()
        },
        FaultConfig {
            device_gone_rate: 0.3,
            ice_rate: 0.2,
            ..FaultConfig::default()
        },
    ];
    faults
        .into_iter()
        .map(|f| Config {
            qi_length: 8,
            submitters: 3,
            program: Some(text.to_string()),
            workload: Workload {
                submissions: 3,
                batch: BatchDist::Uniform { min: 0, max: 3 },
                types: TypeMix {
                    iotlb: 0.5,
                    devtlb: 0.5,
                    ..TypeMix::default()
                },
                ..Workload::default()
            },
            faults: FaultConfig { max_faults: 2, ..f },
            trace: true,
            ..Config::default()
        })
        .collect()
}

/// Runs `cfg` twice in lockstep, fused and plain, for `walks` random schedules.
fn lockstep(cfg: &Config, seed: u64, walks: u32, what: &str) -> u64 {
    let text = cfg.program.as_deref().unwrap();
    let plain = Program::parse(text)
        .unwrap()
        .compile_with(cfg.qi_length, fault_bits(&cfg.faults), false)
        .unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut steps = 0;
    let mut enabled = Vec::new();
    for w in 0..walks {
        let mut a = System::new(cfg);
        let mut b = System::new(cfg);
        Arc::make_mut(&mut b.params).program = Arc::new(plain.clone());
        let (mut ta, mut tb) = (Trace::new(1 << 16), Trace::new(1 << 16));
        for k in 0..400u64 {
            a.enabled_into(&mut enabled);
            if enabled.is_empty() || a.halted {
                break;
            }
            let actor: Actor = enabled[rng.random_range(0..enabled.len())];
            a.apply(actor, k, 0, &mut ta);
            b.apply(actor, k, 0, &mut tb);
            steps += 1;
            assert_eq!(a.ring, b.ring, "{what}: walk {w}, step {k} ({actor}): ring");
            // A suspended frame's position is an index into each code; compare its line.
            let (sa, sb) = (at_lines(&a), at_lines(&b));
            assert_eq!(sa, sb, "{what}: walk {w}, step {k} ({actor}): CPUs");
            assert_eq!(
                a.found, b.found,
                "{what}: walk {w}, step {k} ({actor}): findings"
            );
            assert_eq!(a.halted, b.halted, "{what}: walk {w}, step {k}");
            a.found.clear();
            b.found.clear();
        }
        assert!(ta.events().eq(tb.events()), "{what}: walk {w}: trace");
    }
    steps
}

/// The CPUs with each suspended frame's instruction index replaced by its source line.
fn at_lines(sys: &System) -> Vec<qisim_core::model::Submitter> {
    let mut subs = sys.subs.clone();
    for s in &mut subs {
        if let Some(e) = s.pc.suspended() {
            s.frame.ip = sys.params.program.code(e).lines[s.frame.ip as usize];
        }
    }
    subs
}

#[test]
fn shipped_programs_run_the_same_fused_and_plain() {
    let mut steps = 0;
    for k in Kernel::ALL {
        for (n, cfg) in configs(kernel(k.name()).unwrap().source).iter().enumerate() {
            steps += lockstep(cfg, n as u64, 60, &format!("{} config {n}", k.name()));
        }
    }
    assert!(steps > 10_000, "{steps} steps");
}

#[test]
fn every_mutant_runs_the_same_fused_and_plain() {
    for k in Kernel::MAINLINE {
        for m in common::mutants::mutants(k) {
            for (n, cfg) in configs(&m.text).iter().enumerate() {
                let what = format!(
                    "{} mutant {} (line {}), config {n}",
                    k.name(),
                    m.what,
                    m.line
                );
                lockstep(cfg, n as u64, 6, &what);
            }
        }
    }
}
