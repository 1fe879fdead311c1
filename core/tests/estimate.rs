//! The state-space estimate before Prove (`check::tools::estimate`) against the real counts of the
//! explorer: within its stated factor on configs the playground offers, exact for small
//! families, and it costs a fraction of the exploration.

use qisim_core::check::tools::estimate::{estimate, EstimateOptions, Method, FACTOR};
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
        ("2x3 counts 0..2", cfg(2, 3, 0, 2, FaultConfig::default())),
        ("4x1 counts 0..2", cfg(4, 1, 0, 2, FaultConfig::default())),
        ("5x1 counts 0..2", cfg(5, 1, 0, 2, FaultConfig::default())),
    ]
}

/// The explorer may store up to a chunk's new states past its bound (`check` module docs).
const OVERSHOOT: u64 = 50_000;

/// On every calibration family and budget: `low` is a true lower bound and `high` held; with
/// the default budget and with a budget that makes the small families extrapolate from a few
/// roots, the estimate is within `FACTOR`; the samples store at most three budgets.
#[test]
fn the_estimate_is_within_its_factor_of_the_real_count() {
    let mut worst: f64 = 1.0;
    let mut extrapolated = 0;
    for (name, c) in calibration() {
        let real = real(&c);
        for budget in [EstimateOptions::default().budget, 30_000, 5_000] {
            let o = EstimateOptions {
                budget,
                ..EstimateOptions::default()
            };
            let e = estimate(&c, &o).unwrap();
            let ratio = e.states as f64 / real as f64;
            eprintln!(
                "{name}, budget {budget}: real {real}, estimate {} [{}, {:?}] ({:?}, {} of {} roots, explored {}), ratio {ratio:.2}",
                e.states, e.low, e.high, e.method, e.sampled, e.workloads, e.explored
            );
            assert!(e.low <= real, "{name}, budget {budget}: {e:?} vs {real}");
            assert!(e.explored <= 3 * budget + OVERSHOOT, "{name}: {e:?}");
            match e.method {
                Method::LowerBound => assert_eq!(e.high, None),
                Method::Exact => assert_eq!((e.states, e.high), (real, Some(real))),
                Method::Extrapolated => {
                    extrapolated += 1;
                    assert!(
                        e.high.unwrap() >= real,
                        "{name}, budget {budget}: {e:?} vs {real}"
                    );
                    if budget >= 30_000 {
                        worst = worst.max(ratio).max(1.0 / ratio);
                        assert!(
                            (1.0 / FACTOR..=FACTOR).contains(&ratio),
                            "{name}, budget {budget}: estimate {} vs real {real}",
                            e.states
                        );
                    }
                }
            }
        }
    }
    assert!(
        extrapolated >= 6,
        "the calibration must exercise the extrapolation"
    );
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
