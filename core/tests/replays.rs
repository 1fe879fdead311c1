//! Every counterexample replays: the explorer and the simulator decide findings with the same
//! code, so the simulator's first violation on the explorer's schedule is the explorer's
//! finding. A sweep of small configurations, both policies, faults off and on (every fault
//! kind, both ITE walks, both ITE timings, fetch depths 1 and unbounded).

use qisim_core::check::{explore_roots, family, ExploreOptions, Verdict};
use qisim_core::config::{FaultConfig, IteTiming, IteWalk, TypeMix};
use qisim_core::{BatchDist, Config, PolicyKind, Workload};

fn faults() -> Vec<FaultConfig> {
    let one = |f: fn(&mut FaultConfig)| {
        let mut c = FaultConfig {
            max_faults: 1,
            ..FaultConfig::default()
        };
        f(&mut c);
        c
    };
    let mut v = vec![FaultConfig::default()];
    for walk in [IteWalk::Stride1, IteWalk::Stride2] {
        for all in [IteTiming::AnyFetched, IteTiming::AllFetched] {
            v.push(one(|c| c.ite_rate = 0.5));
            v.push(one(|c| c.device_gone_rate = 0.5));
            for c in v.iter_mut().rev().take(2) {
                c.ite_walk = walk;
                c.ite_timing = all;
            }
        }
    }
    v.push(one(|c| c.iqe_rate = 0.5));
    v.push(one(|c| c.ice_rate = 0.5));
    v
}

#[test]
fn every_counterexample_of_a_sweep_replays_with_the_same_first_finding() {
    let mut counterexamples = 0;
    let mut proofs = 0;
    for policy in [PolicyKind::Legacy, PolicyKind::Fixed] {
        for faults in faults() {
            for fetch_depth in [0, 1] {
                for (submitters, counts) in [(1, (1, 2)), (2, (0, 1)), (2, (1, 2))] {
                    let cfg = Config {
                        qi_length: 8,
                        submitters,
                        policy,
                        fetch_depth,
                        faults: faults.clone(),
                        workload: Workload {
                            submissions: 1,
                            batch: BatchDist::Uniform {
                                min: counts.0,
                                max: counts.1,
                            },
                            types: TypeMix {
                                iotlb: 0.0,
                                devtlb: 1.0,
                                ..TypeMix::default()
                            },
                            ..Workload::default()
                        },
                        ..Config::default()
                    };
                    let (roots, _) = family(&cfg).unwrap();
                    let v = explore_roots(&roots, &ExploreOptions::default(), |_| true).unwrap();
                    match v {
                        Verdict::Counterexample {
                            kind,
                            reproduced,
                            findings,
                            replay,
                            ..
                        } => {
                            counterexamples += 1;
                            assert!(
                                reproduced,
                                "{kind:?} not reproduced by {replay} ({findings:?}) for {cfg:?}"
                            );
                        }
                        Verdict::Proved { .. } => proofs += 1,
                        Verdict::BoundReached { .. } => panic!("bound reached for {cfg:?}"),
                    }
                }
            }
        }
    }
    // The sweep must exercise both outcomes, or it proves nothing about replays.
    assert!(
        counterexamples > 50 && proofs > 10,
        "{counterexamples} / {proofs}"
    );
}
