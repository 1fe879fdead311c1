//! The parallel search gives the one-thread result: on a sweep of small configurations (both
//! policies, rings 5 to 8, faults off and on, several count families, a target and a bound),
//! 2, 3 and 4 threads give the same verdict, states, transitions, depth and counterexample
//! (replay string) as 1. Needs the `threads` feature (on in `cargo test --workspace`, which
//! builds the CLI with it).
#![cfg(feature = "threads")]

mod common;

use common::{base, key};
use qisim_core::check::{count_family, explore_roots, ExploreOptions, Verdict};
use qisim_core::{Config, FindingKind, PolicyKind};

#[test]
fn threads_give_the_one_thread_result() {
    let mut cases: Vec<(String, Vec<Config>, ExploreOptions)> = Vec::new();
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for ring in [5, 6, 8] {
            for faults in [false, true] {
                for counts in [&[0, 1][..], &[1, 2], &[0, 1, 2]] {
                    if faults && counts.len() > 2 {
                        continue;
                    }
                    let fam = count_family(&base(ring, policy, faults), counts).unwrap();
                    let at = format!("{policy:?} ring {ring} faults {faults} counts {counts:?}");
                    cases.push((at, fam, ExploreOptions::default()));
                }
            }
        }
    }
    let fam = count_family(&base(6, PolicyKind::Legacy, false), &[0, 1]).unwrap();
    for (what, o) in [
        (
            "target deadlock",
            ExploreOptions {
                target: Some(FindingKind::Deadlock),
                ..ExploreOptions::default()
            },
        ),
        (
            "stop on cause, no POR",
            ExploreOptions {
                stop_on_cause: true,
                por: false,
                ..ExploreOptions::default()
            },
        ),
        (
            "bound",
            ExploreOptions {
                max_states: 50,
                ..ExploreOptions::default()
            },
        ),
    ] {
        cases.push((what.into(), fam.clone(), o));
    }
    let (mut proofs, mut counterexamples) = (0, 0);
    for (at, fam, o) in &cases {
        let one = explore_roots(fam, o, |_| true).unwrap();
        assert_eq!(one.stats().threads, 1, "{at}");
        match &one {
            Verdict::Proved { .. } => proofs += 1,
            Verdict::Counterexample { reproduced, .. } => {
                assert!(reproduced, "{at}");
                counterexamples += 1;
            }
            Verdict::BoundReached { .. } => {}
        }
        for threads in [2, 3, 4] {
            let o = ExploreOptions {
                threads,
                ..o.clone()
            };
            let n = explore_roots(fam, &o, |_| true).unwrap();
            assert_eq!(n.stats().threads, threads, "{at}");
            assert_eq!(key(&n), key(&one), "{at}: {threads} threads");
        }
    }
    assert!(
        proofs >= 8 && counterexamples >= 8,
        "{proofs} proofs, {counterexamples} counterexamples"
    );
}

/// The partial-order reduction keeps verdicts and shortest lengths with threads too.
#[test]
fn reduced_and_parallel_searches_agree() {
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        for ring in [5, 8] {
            let fam = count_family(&base(ring, policy, false), &[0, 1, 2]).unwrap();
            let run = |por, threads| {
                let v = explore_roots(
                    &fam,
                    &ExploreOptions {
                        por,
                        threads,
                        ..ExploreOptions::default()
                    },
                    |_| true,
                )
                .unwrap();
                let kind = match &v {
                    Verdict::Counterexample { kind, steps, .. } => Some((*kind, *steps)),
                    _ => None,
                };
                (v.name(), kind)
            };
            let plain = run(false, 1);
            for threads in [1, 2, 3] {
                assert_eq!(
                    run(true, threads),
                    plain,
                    "{policy:?} ring {ring} {threads} threads"
                );
            }
        }
    }
}

#[test]
fn thread_options_are_checked() {
    let cfg = base(5, PolicyKind::Fixed, false);
    let err = |o: ExploreOptions| explore_roots(std::slice::from_ref(&cfg), &o, |_| true);
    let e = err(ExploreOptions {
        threads: 300,
        ..ExploreOptions::default()
    })
    .unwrap_err();
    assert_eq!(e.field, "threads");
    let e = err(ExploreOptions {
        threads: 2,
        cycles: true,
        ..ExploreOptions::default()
    })
    .unwrap_err();
    assert_eq!(e.field, "threads");
    assert!(e.to_string().contains("cycles"), "{e}");
    // 0: every core (here at least one); with `cycles`, one.
    let v = err(ExploreOptions {
        threads: 0,
        ..ExploreOptions::default()
    })
    .unwrap();
    assert!(v.stats().threads >= 1);
    let v = err(ExploreOptions {
        threads: 0,
        cycles: true,
        ..ExploreOptions::default()
    })
    .unwrap();
    assert_eq!(v.stats().threads, 1);
    // The options parse from camelCase JSON; unknown fields are rejected.
    let o: ExploreOptions = serde_json::from_str(r#"{"threads": 3}"#).unwrap();
    assert_eq!(o.threads, 3);
}

/// Every `proved` carries the birthday bound on a fingerprint collision.
#[test]
fn proofs_report_the_collision_bound() {
    let fam = count_family(&base(6, PolicyKind::Fixed, false), &[0, 1]).unwrap();
    let v = explore_roots(&fam, &ExploreOptions::default(), |_| true).unwrap();
    let s = v.stats();
    let n = s.states as f64;
    assert!(matches!(v, Verdict::Proved { .. }), "{v:?}");
    assert!((s.collision_probability - n * (n - 1.0) / 2.0 / 2f64.powi(64)).abs() < 1e-30);
    let j = serde_json::to_value(&v).unwrap();
    assert!(j["collisionProbability"].as_f64().unwrap() > 0.0);
}
