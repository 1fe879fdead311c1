//! Exhaustive explorer: the fix is proved for a small family of workloads, the legacy policy
//! yields the canonical lockup as a shortest counterexample.

use qisim_core::check::{count_family, explore, explore_roots, ExploreOptions, Verdict};
use qisim_core::config::{FaultConfig, IteWalk, SchedulerConfig, TypeMix};
use qisim_core::{BatchDist, Config, FindingKind, PolicyKind, Simulation, Workload};

fn one(count: u32) -> Workload {
    Workload {
        submissions: 1,
        batch: BatchDist::Fixed { count },
        ..Workload::default()
    }
}

/// DESIGN.md section 5: T1 submits one descriptor, T2 a wait descriptor alone; ring of 8.
fn seed(policy: PolicyKind) -> Config {
    Config {
        qi_length: 8,
        submitters: 2,
        per_submitter: vec![one(1), one(0)],
        policy,
        ..Config::default()
    }
}

/// A family's base: `submitters` CPUs × 2 calls of count 1 on a ring of `qi_length`.
fn family_base(qi_length: u32, submitters: u32, policy: PolicyKind) -> Config {
    Config {
        qi_length,
        submitters,
        workload: Workload {
            submissions: 2,
            batch: BatchDist::Fixed { count: 1 },
            ..Workload::default()
        },
        policy,
        ..Config::default()
    }
}

fn opts() -> ExploreOptions {
    ExploreOptions::default()
}

#[test]
fn legacy_seed_counterexample_is_shortest_and_replays() {
    let v = explore(&seed(PolicyKind::Legacy), &opts()).unwrap();
    let Verdict::Counterexample {
        kind,
        replay,
        steps,
        config,
        reproduced,
        timeline,
        findings,
        ..
    } = v
    else {
        panic!("expected a counterexample, got {v:?}");
    };
    println!("{replay} ({steps} steps)\n{timeline}");
    assert_eq!(kind, FindingKind::Lockup);
    assert!(reproduced);
    assert!(steps <= 22, "{steps} steps, the seed timeline has 22");
    let kinds: Vec<_> = findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![FindingKind::LostCompletion, FindingKind::Lockup]
    );
    // The replay reproduces in the simulator.
    let mut c = config;
    c.scheduler = SchedulerConfig::Replay { choices: replay };
    let r = Simulation::new(c).unwrap().run();
    assert!(r.has(FindingKind::LostCompletion) && r.has(FindingKind::Lockup));
}

#[test]
fn fixed_seed_config_is_proved() {
    let v = explore(&seed(PolicyKind::Fixed), &opts()).unwrap();
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
}

#[test]
fn fixed_family_ring8_three_submitters() {
    let base = family_base(8, 3, PolicyKind::Fixed);
    let fam = count_family(&base, &[0, 1, 2]).unwrap();
    let v = explore_roots(&fam, &opts(), |_| true).unwrap();
    println!("{}", serde_json::to_string(&v).unwrap());
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
}

/// The verdict of `fam` under `o`, as (name, counterexample length, kind), and the states
/// stored.
fn verdict(fam: &[Config], o: &ExploreOptions) -> ((&'static str, u64, Option<FindingKind>), u64) {
    let v = explore_roots(fam, o, |_| true).unwrap();
    let states = v.stats().states;
    let key = match &v {
        Verdict::Proved { .. } => (v.name(), 0, None),
        Verdict::Counterexample {
            steps,
            kind,
            reproduced,
            ..
        } => {
            assert!(reproduced, "{v:?}");
            (v.name(), *steps, Some(*kind))
        }
        other => panic!("{other:?}"),
    };
    (key, states)
}

/// The reductions are on and reduce: on a sweep of rings, fetch depths and policies, every
/// combination agrees with the plain search, and where the whole graph is searched (a proof)
/// each reduction alone stores fewer states than the plain search and all together fewer
/// than any one. A reduction that silently turned itself off would keep every verdict and fail
/// here.
#[test]
fn reductions_shrink_the_graph_and_keep_the_verdicts() {
    let mut proofs = 0;
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for qi_length in [5, 6, 8] {
            for fetch_depth in [0, 1] {
                let base = Config {
                    fetch_depth,
                    ..family_base(qi_length, 2, policy)
                };
                let fam = count_family(&base, &[0, 1, 2]).unwrap();
                let run = |por, symmetry, rotation| {
                    verdict(
                        &fam,
                        &ExploreOptions {
                            por,
                            symmetry,
                            rotation,
                            ..opts()
                        },
                    )
                };
                let (plain, n_plain) = run(false, false, false);
                let (por, n_por) = run(true, false, false);
                let (sym, n_sym) = run(false, true, false);
                let (rot, n_rot) = run(false, false, true);
                let (all, n_all) = run(true, true, true);
                let at = format!("{policy:?} ring {qi_length} fetchDepth {fetch_depth}");
                assert_eq!(por, plain, "{at}: partial-order reduction");
                assert_eq!(sym, plain, "{at}: symmetry");
                assert_eq!(rot, plain, "{at}: rotation");
                assert_eq!(all, plain, "{at}: all");
                if plain.0 == "proved" {
                    proofs += 1;
                    assert!(n_por < n_plain, "{at}: {n_por} >= {n_plain}");
                    assert!(n_sym < n_plain, "{at}: {n_sym} >= {n_plain}");
                    assert!(n_rot < n_plain, "{at}: {n_rot} >= {n_plain}");
                    assert!(n_all < n_por.min(n_sym).min(n_rot), "{at}: {n_all}");
                }
            }
        }
    }
    assert!(
        proofs >= 6,
        "the fixed policy is proved on every ring of the sweep"
    );
}

/// With fault injection the ring rotation is a symmetry only by multiples of its step (the
/// stride-2 `ITE` walk reads a slot's parity): on a sweep of faults, walks, rings and
/// policies, the verdict (kind and shortest length) is the same with and without it.
#[test]
fn rotation_keeps_the_verdicts_under_faults() {
    let devtlb = TypeMix {
        iotlb: 0.0,
        devtlb: 1.0,
        ..TypeMix::default()
    };
    let mut reduced = 0;
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for qi_length in [5, 6, 8] {
            for (fault, walk) in [
                ("iqe", IteWalk::Stride1),
                ("ite", IteWalk::Stride1),
                ("ite", IteWalk::Stride2),
                ("gone", IteWalk::Stride2),
                ("ice", IteWalk::Stride1),
            ] {
                if walk == IteWalk::Stride2 && qi_length % 2 == 1 {
                    continue;
                }
                let mut faults = FaultConfig {
                    ite_walk: walk,
                    max_faults: 1,
                    ..FaultConfig::default()
                };
                match fault {
                    "iqe" => faults.iqe_rate = 0.5,
                    "ite" => faults.ite_rate = 0.5,
                    "gone" => faults.device_gone_rate = 0.5,
                    _ => faults.ice_rate = 0.5,
                }
                let mut base = family_base(qi_length, 2, policy);
                base.workload.types = devtlb.clone();
                base.faults = faults;
                let fam = count_family(&base, &[0, 1]).unwrap();
                let run = |rotation| verdict(&fam, &ExploreOptions { rotation, ..opts() });
                let ((off, n_off), (on, n_on)) = (run(false), run(true));
                let at = format!("{policy:?} ring {qi_length} {fault} {walk:?}");
                assert_eq!(on, off, "{at}");
                assert!(n_on <= n_off, "{at}: {n_on} > {n_off}");
                reduced += usize::from(n_on < n_off);
            }
        }
    }
    assert!(reduced >= 10, "rotation reduced {reduced} explorations");
}

#[test]
fn bound_reached_and_config_errors() {
    let base = family_base(8, 3, PolicyKind::default());
    let o = ExploreOptions {
        max_states: 100,
        ..opts()
    };
    let v = explore(&base, &o).unwrap();
    assert!(
        matches!(
            v,
            Verdict::BoundReached {
                max_states: 100,
                ..
            }
        ),
        "{v:?}"
    );
    let json = serde_json::to_value(v.with_elapsed(0.5)).unwrap();
    assert_eq!(json["verdict"], "boundReached");
    assert_eq!(json["seconds"], 0.5);
    assert!(json["bytesPerState"].as_f64().unwrap() > 0.0);
    assert!(json["maxDepth"].is_u64() && json["transitions"].is_u64());

    let mut c = base.clone();
    c.workload.batch = BatchDist::Uniform { min: 0, max: 2 };
    assert_eq!(explore(&c, &opts()).unwrap_err().field, "workload.batch");
    let mut c = base.clone();
    c.workload.zero_count_prob = 0.5;
    assert_eq!(
        explore(&c, &opts()).unwrap_err().field,
        "workload.zeroCountProb"
    );
    let mut c = base.clone();
    c.workload.types.devtlb = 1.0;
    assert_eq!(explore(&c, &opts()).unwrap_err().field, "workload.types");
    let mut c = base;
    c.per_submitter = vec![c.workload.clone(), c.workload.clone(), c.workload.clone()];
    c.per_submitter[2].zero_count_prob = 0.3;
    assert_eq!(
        explore(&c, &opts()).unwrap_err().field,
        "perSubmitter[2].zeroCountProb"
    );
}

#[test]
fn legacy_with_counts_of_at_least_one_is_proved() {
    // DESIGN.md section 5: an in-use invalidation descriptor before each wait descriptor stops
    // the legacy reclaim walk, so the lockup needs a count-0 submission.
    let base = family_base(8, 3, PolicyKind::Legacy);
    let fam = count_family(&base, &[1, 2]).unwrap();
    let v = explore_roots(&fam, &opts(), |_| true).unwrap();
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
}

#[test]
fn fair_cycle_analysis_agrees_with_the_stuck_predicate() {
    // The module docs argue that a fair non-progress cycle exists iff a stuck state is
    // reachable; the SCC analysis checks it independently on small configs.
    let seq = |counts: &[u32]| Workload {
        submissions: counts.len() as u64,
        batch: BatchDist::Sequence {
            counts: counts.to_vec(),
        },
        ..Workload::default()
    };
    let cases: Vec<(u32, Vec<Workload>)> = vec![
        (8, vec![seq(&[1]), seq(&[0])]),
        (4, vec![seq(&[0]), seq(&[1])]),
        (6, vec![seq(&[1, 0]), seq(&[0, 1])]),
        (6, vec![seq(&[1, 1]), seq(&[1, 2])]),
        (6, vec![seq(&[0, 2]), seq(&[2, 0]), seq(&[1])]),
    ];
    for (ring, ws) in cases {
        for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
            let cfg = Config {
                qi_length: ring,
                submitters: ws.len() as u32,
                per_submitter: ws.clone(),
                policy,
                ..Config::default()
            };
            let a = explore(&cfg, &opts()).unwrap();
            let o = ExploreOptions {
                cycles: true,
                ..opts()
            };
            let b = explore(&cfg, &o).unwrap();
            let kind = |v: &Verdict| match v {
                Verdict::Counterexample { kind, .. } => Some(*kind),
                _ => None,
            };
            assert_eq!(
                (a.name(), kind(&a)),
                (b.name(), kind(&b)),
                "ring {ring} {policy:?} {ws:?}"
            );
            if let Verdict::Counterexample { reproduced, .. } = &b {
                assert!(reproduced, "ring {ring} {policy:?}");
            }
        }
    }
}
