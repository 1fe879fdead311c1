//! Bytes → `&str` → `replay::parse_limited(s, 10_000)`.
//!
//! Properties: the parser never panics and its error positions lie inside the input; an
//! accepted string's choices encode to the canonical form, which parses back to the same
//! choices and is a fixed point of encode ∘ parse; the run-length parser agrees. The choices are
//! then replayed against small fixed configs (both policies, fault injection on): never a
//! panic, and the schedule the simulation records is the prefix of the replay it followed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qisim_core::config::{FaultConfig, SchedulerConfig, TypeMix};
use qisim_core::replay;
use qisim_core::{Actor, BatchDist, Config, Outcome, PolicyKind, Simulation, Workload};

const LIMIT: u64 = 10_000;
const SUBMITTERS: u32 = 4;

fn fixed_config(policy: PolicyKind, choices: &str) -> Config {
    Config {
        qi_length: 8,
        submitters: SUBMITTERS,
        policy,
        workload: Workload {
            submissions: 4,
            batch: BatchDist::Uniform { min: 0, max: 3 },
            types: TypeMix {
                iotlb: 1.0,
                devtlb: 1.0,
                ..TypeMix::default()
            },
            ..Workload::default()
        },
        faults: FaultConfig {
            iqe_rate: 0.1,
            ite_rate: 0.1,
            ice_rate: 0.1,
            ..FaultConfig::default()
        },
        scheduler: SchedulerConfig::Replay {
            choices: choices.to_string(),
        },
        step_limit: 2 * LIMIT,
        watchdog: 64,
        trace: true,
        trace_capacity: 256,
        ..Config::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let choices = match replay::parse_limited(s, LIMIT) {
        Ok(c) => c,
        Err(e) => {
            assert!(
                e.position <= s.len(),
                "error position {} past the end: {e}",
                e.position
            );
            assert!(!e.message.is_empty());
            return;
        }
    };
    assert!(choices.len() as u64 <= LIMIT);
    let canonical = replay::encode(&choices);
    let again = replay::parse_limited(&canonical, LIMIT)
        .unwrap_or_else(|e| panic!("canonical {canonical:?} of {s:?} does not parse: {e}"));
    assert_eq!(again, choices, "{s:?} -> {canonical:?} does not round-trip");
    assert_eq!(
        replay::encode(&again),
        canonical,
        "canonical form is not a fixed point"
    );
    let sched = replay::parse_schedule(s).expect("parse_limited accepted it");
    assert_eq!(sched.len(), choices.len() as u64);
    assert_eq!(sched.encode(), canonical);
    assert_eq!(sched.to_vec(), choices);

    let in_range = choices
        .iter()
        .all(|a| !matches!(a, Actor::Submitter(i) if *i >= SUBMITTERS));
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        let cfg = fixed_config(policy, s);
        let mut sim = match Simulation::new(cfg) {
            Ok(sim) => sim,
            Err(e) => {
                assert!(!in_range, "{s:?} rejected: {e}");
                assert_eq!(e.field, "scheduler.choices", "{e}");
                return;
            }
        };
        assert!(
            in_range,
            "{s:?} names a submitter >= {SUBMITTERS} but was accepted"
        );
        let report = sim.run();
        let taken = replay::parse(&report.replay).expect("the recorded schedule parses");
        assert_eq!(taken.len() as u64, report.steps);
        assert_eq!(
            &choices[..taken.len()],
            &taken[..],
            "the run did not follow the replay"
        );
        match report.outcome {
            Outcome::ReplayEnded => assert_eq!(taken.len(), choices.len()),
            Outcome::ReplayDiverged { step, actor } => {
                assert_eq!(step, report.steps);
                assert_eq!(choices[step as usize], actor);
            }
            _ => {}
        }
        let _ = sim.timeline();
    }
});
