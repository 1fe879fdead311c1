//! Scheduler, metrics and inspection scenarios.

use qisim_core::config::{SchedulerConfig, TimedCosts, TypeMix};
use qisim_core::model::Pc;
use qisim_core::model::Status;
use qisim_core::{Actor, BatchDist, Config, Outcome, PolicyKind, Simulation, Workload};

fn timed(types: TypeMix, seed: u64) -> Config {
    Config {
        qi_length: 64,
        submitters: 4,
        policy: PolicyKind::Fixed,
        seed,
        scheduler: SchedulerConfig::Timed {
            costs: TimedCosts::default(),
        },
        workload: Workload {
            submissions: 50,
            batch: BatchDist::Uniform { min: 1, max: 8 },
            types,
            ..Workload::default()
        },
        ..Config::default()
    }
}

#[test]
fn timed_reports_simulated_time_latency_and_throughput() {
    let r = Simulation::new(timed(TypeMix::default(), 1)).unwrap().run();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.metrics.submissions, 200);
    assert!(r.time_ns > 0);
    assert_eq!(r.metrics.series.unit, "ns");
    assert_eq!(r.latency_ns.count, 200);
    assert!(
        r.latency_ns.p50 >= 500,
        "an IOTLB flush takes >= 500 ns: {:?}",
        r.latency_ns
    );
    assert!(r.latency_ns.p50 <= r.latency_ns.p99 && r.latency_ns.p99 <= r.latency_ns.max);
    // Throughput (invalidations per µs) is consistent with the totals.
    let expect = r.metrics.descriptors as f64 * 1000.0 / r.time_ns as f64;
    assert!((r.throughput - expect).abs() < 1e-9);
    let series_total: u64 = r.metrics.series.descriptors.iter().sum();
    assert_eq!(series_total, r.metrics.descriptors);
    // Per-submitter series add up to the total.
    let per: u64 = r
        .metrics
        .series
        .per_submitter
        .iter()
        .map(|s| s.iter().sum::<u64>())
        .sum();
    assert_eq!(per, series_total);
}

#[test]
fn device_tlb_invalidations_are_slower_than_iotlb() {
    let iotlb = Simulation::new(timed(TypeMix::default(), 2)).unwrap().run();
    let devtlb = Simulation::new(timed(
        TypeMix {
            iotlb: 0.0,
            devtlb: 1.0,
            ..TypeMix::default()
        },
        2,
    ))
    .unwrap()
    .run();
    assert!(devtlb.latency_ns.p50 > 2 * iotlb.latency_ns.p50);
    assert!(devtlb.throughput < iotlb.throughput);
}

#[test]
fn timed_is_deterministic_and_seed_dependent() {
    let a = Simulation::new(timed(TypeMix::default(), 3)).unwrap().run();
    let b = Simulation::new(timed(TypeMix::default(), 3)).unwrap().run();
    let c = Simulation::new(timed(TypeMix::default(), 4)).unwrap().run();
    assert_eq!(a.run_hash, b.run_hash);
    assert_eq!(a.time_ns, b.time_ns);
    assert_ne!(a.run_hash, c.run_hash);
}

#[test]
fn inspection_shows_pointers_lock_and_steps() {
    let cfg = Config {
        qi_length: 8,
        submitters: 2,
        per_submitter: vec![
            Workload {
                submissions: 1,
                batch: BatchDist::Fixed { count: 2 },
                ..Workload::default()
            },
            Workload {
                submissions: 1,
                batch: BatchDist::Fixed { count: 0 },
                ..Workload::default()
            },
        ],
        ..Config::default()
    };
    let mut sim = Simulation::new(cfg).unwrap();
    for _ in 0..4 {
        sim.step_actor(Actor::Submitter(0)).unwrap(); // lock, check_space, write, doorbell
    }
    let s = sim.state();
    assert_eq!(s.step, 4);
    assert_eq!((s.free_head, s.free_tail, s.free_cnt), (3, 0, 5));
    assert_eq!((s.iqh, s.iqt), (0, 3));
    assert_eq!(s.q_lock, Some(0));
    assert_eq!(
        &s.desc_status[..4],
        &[Status::InUse, Status::InUse, Status::InUse, Status::Free]
    );
    assert_eq!(s.submitters[0].pc, Pc::Poll);
    assert!(s.submitters[0].holds_lock);
    assert_eq!(s.submitters[1].pc, Pc::Lock);
    assert!(!s.submitters[1].enabled, "T2 waits for q_lock");
    assert!(s.hw_enabled);
    // Hardware can complete (fetching first) or fetch ahead.
    assert_eq!(
        sim.enabled(),
        vec![Actor::Submitter(0), Actor::Hardware, Actor::Fetch]
    );
    // A blocked actor cannot be forced.
    assert!(sim.step_actor(Actor::Submitter(1)).is_err());
    sim.step_actor(Actor::Fetch).unwrap();
    assert_eq!((sim.state().iqh, sim.state().pending_from), (1, 0));
    sim.step_actor(Actor::Hardware).unwrap();
    assert_eq!((sim.state().iqh, sim.state().pending_from), (1, 1));
    // The JSON view is plain data.
    let json = serde_json::to_value(sim.state()).unwrap();
    assert_eq!(json["descStatus"][0], "QI_IN_USE");
    assert_eq!(json["submitters"][0]["stepName"], "poll");
}

#[test]
fn watchdog_flags_a_long_spin_as_suspected() {
    // Legacy lockup where T3 keeps working: T2 spins on a lost slot; the watchdog fires first.
    let cfg = Config {
        qi_length: 16,
        submitters: 4,
        policy: PolicyKind::Legacy,
        watchdog: 200,
        workload: Workload {
            submissions: 40,
            batch: BatchDist::Uniform { min: 0, max: 2 },
            zero_count_prob: 0.5,
            ..Workload::default()
        },
        ..Config::default()
    };
    let hit = (0..100).any(|seed| {
        let r = Simulation::new(Config {
            seed,
            ..cfg.clone()
        })
        .unwrap()
        .run();
        r.has(qisim_core::FindingKind::SuspectedLockup)
    });
    assert!(hit);
}

#[test]
fn step_limit_ends_the_run() {
    let cfg = Config {
        step_limit: 100,
        ..Config::default()
    };
    let r = Simulation::new(cfg).unwrap().run();
    assert_eq!(r.outcome, Outcome::StepLimit);
    assert_eq!(r.steps, 100);
}

#[test]
fn replay_divergence_is_reported_not_panicked() {
    let cfg = Config {
        scheduler: SchedulerConfig::Replay {
            choices: "q1:H".into(),
        },
        ..Config::default()
    };
    let r = Simulation::new(cfg).unwrap().run();
    assert_eq!(
        r.outcome,
        Outcome::ReplayDiverged {
            step: 0,
            actor: Actor::Hardware
        }
    );
}
