//! The state-space estimate before Prove (`check::estimate`) against the real counts of the
//! explorer: within its stated factor on configs the playground offers, exact for small
//! families, and it costs a fraction of the exploration.

use qisim_core::check::estimate::{estimate, EstimateOptions, Method, FACTOR};
use qisim_core::check::{explore_roots, family, ExploreOptions, Verdict};
use qisim_core::config::FaultConfig;
use qisim_core::{BatchDist, Config, PolicyKind, Workload};

fn cfg(submitters: u32, submissions: u64, min: u32, max: u32, faults: FaultConfig) -> Config {
    Config {
        qi_length: 8,
        submitters,
        policy: PolicyKind::Fixed,
        faults,
        workload: Workload {
            submissions,
            batch: BatchDist::Uniform { min, max },
            ..Workload::default()
        },
        ..Config::default()
    }
}

fn real(c: &Config) -> u64 {
    let (roots, _) = family(c).unwrap();
    match explore_roots(&roots, &ExploreOptions::default(), |_| true).unwrap() {
        Verdict::Proved { stats } => stats.states,
        v => panic!("calibration configs are proved: {v:?}"),
    }
}

fn calibration() -> Vec<(&'static str, Config)> {
    let ice = FaultConfig {
        ice_rate: 0.5,
        max_faults: 1,
        ..FaultConfig::default()
    };
    vec![
        ("2x2 counts 0..2", cfg(2, 2, 0, 2, FaultConfig::default())),
        ("2x3 counts 0..1", cfg(2, 3, 0, 1, FaultConfig::default())),
        ("3x1 counts 0..2", cfg(3, 1, 0, 2, FaultConfig::default())),
        ("3x2 counts 0..1", cfg(3, 2, 0, 1, FaultConfig::default())),
        ("2x2 counts 1..2 ICE", cfg(2, 2, 1, 2, ice)),
        ("2x4 counts 0..1", cfg(2, 4, 0, 1, FaultConfig::default())),
    ]
}

#[test]
fn the_estimate_is_within_its_factor_of_the_real_count() {
    let mut worst: f64 = 1.0;
    for (name, c) in calibration() {
        let real = real(&c);
        let e = estimate(&c, &EstimateOptions::default()).unwrap();
        let ratio = e.states as f64 / real as f64;
        eprintln!(
            "{name}: real {real}, estimate {} ({:?}, {} of {} roots, explored {}), ratio {ratio:.2}",
            e.states, e.method, e.sampled, e.workloads, e.explored
        );
        worst = worst.max(ratio).max(1.0 / ratio);
        assert!(
            (1.0 / FACTOR..=FACTOR).contains(&ratio),
            "{name}: estimate {} vs real {real}",
            e.states
        );
        assert!(
            e.low <= real && e.high.unwrap() >= real,
            "{name}: {e:?} vs {real}"
        );
        if e.method == Method::Extrapolated {
            assert!(
                e.explored <= 3 * EstimateOptions::default().budget,
                "{name}: {e:?}"
            );
        }
    }
    eprintln!("worst factor {worst:.2}");
}

#[test]
fn a_small_family_is_counted_exactly_and_a_big_root_is_a_lower_bound() {
    let c = cfg(2, 1, 0, 2, FaultConfig::default());
    let e = estimate(&c, &EstimateOptions::default()).unwrap();
    assert_eq!(e.method, Method::Exact);
    assert_eq!(e.workloads, 9);
    assert_eq!(e.states, real(&c));
    let o = EstimateOptions {
        budget: 1000,
        ..EstimateOptions::default()
    };
    let e = estimate(&cfg(3, 3, 1, 1, FaultConfig::default()), &o).unwrap();
    assert_eq!((e.method, e.high), (Method::LowerBound, None));
    assert!(e.states >= 1000);
}
