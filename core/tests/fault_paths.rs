//! The core labels each finding with its fault path of `docs/findings.md` (F1–F6): every
//! counterexample of that document, replayed, carries its path; the legacy reclaim's own lockup
//! carries none, with faults enabled or not.

use qisim_core::check::{explore_roots, family, ExploreOptions, Verdict};
use qisim_core::config::{FaultConfig, IteTiming, IteWalk, SchedulerConfig, TypeMix};
use qisim_core::model::FaultPath::{self, *};
use qisim_core::{BatchDist, Config, FindingKind, PolicyKind, RunReport, Simulation, Workload};

mod common;

/// Ring 8, device-TLB invalidations, one submitter per entry of `counts`; the atomic form of
/// the program (`common::atomic`), on which these schedules were pinned.
fn config(policy: PolicyKind, faults: FaultConfig, counts: &[&[u32]]) -> Config {
    common::atomic(Config {
        qi_length: 8,
        submitters: counts.len() as u32,
        policy,
        faults: FaultConfig {
            max_faults: 1,
            ..faults
        },
        per_submitter: counts
            .iter()
            .map(|c| Workload {
                submissions: c.len() as u64,
                batch: BatchDist::Sequence { counts: c.to_vec() },
                types: TypeMix {
                    iotlb: 0.0,
                    devtlb: 1.0,
                    ..TypeMix::default()
                },
                ..Workload::default()
            })
            .collect(),
        ..Config::default()
    })
}

fn replay(mut cfg: Config, choices: &str) -> RunReport {
    cfg.scheduler = SchedulerConfig::Replay {
        choices: choices.into(),
    };
    Simulation::new(cfg).unwrap().run()
}

/// `(kind, fault path)` of every finding of the run.
fn paths(r: &RunReport) -> Vec<(FindingKind, Option<FaultPath>)> {
    r.findings.iter().map(|f| (f.kind, f.fault_path)).collect()
}

fn ite(walk: IteWalk, all_fetched: bool) -> FaultConfig {
    FaultConfig {
        ite_rate: 0.5,
        ite_walk: walk,
        ite_timing: timing(all_fetched),
        ..FaultConfig::default()
    }
}

use FindingKind::*;
use PolicyKind::{Fixed, Legacy};

#[test]
fn f1_an_iqe_nobody_repairs_is_labelled_f1() {
    let f = FaultConfig {
        iqe_rate: 0.5,
        ..FaultConfig::default()
    };
    let r = replay(config(Fixed, f, &[&[2]]), "q1:a4HEa");
    assert_eq!(paths(&r), [(Lockup, Some(F1))]);
    let json = serde_json::to_value(&r.findings[0]).unwrap();
    assert_eq!(json["faultPath"], "F1");
}

#[test]
fn f2_a_stray_write_after_the_iqe_repair_is_labelled_f2() {
    let f = FaultConfig {
        iqe_rate: 0.5,
        ..FaultConfig::default()
    };
    let r = replay(config(Fixed, f, &[&[1, 1], &[1, 1]]), "q1:a4Ea2H");
    assert_eq!(paths(&r), [(StrayStatusWrite, Some(F2))]);
}

#[test]
fn f3_the_endless_stride2_walk_is_labelled_f3() {
    let cfg = config(Fixed, ite(IteWalk::Stride2, true), &[&[1], &[0]]);
    let r = replay(cfg, "q1:a6b3F2Tb2");
    assert_eq!(paths(&r), [(WalkLoop, Some(F3))]);
}

/// The lost completion of an aborted wait is F4, and so is the lockup it leads to.
#[test]
fn f4_the_lost_aborted_wait_and_its_lockup_are_labelled_f4() {
    let cfg = config(Legacy, ite(IteWalk::Stride1, true), &[&[1], &[1]]);
    let r = replay(cfg, "q1:a6b3F2Tb4H2b4a2");
    assert_eq!(
        paths(&r),
        [(LostCompletion, Some(F4)), (Lockup, Some(F4))],
        "{:?}",
        r.findings
    );
}

#[test]
fn f5_a_time_out_before_the_wait_is_fetched_is_labelled_f5_in_both_walks() {
    let cfg = config(Fixed, ite(IteWalk::Stride1, false), &[&[1], &[1]]);
    let r = replay(cfg, "q1:a4FTa3Ha4");
    assert_eq!(paths(&r), [(PrematureCompletion, Some(F5))]);
    let cfg = config(Fixed, ite(IteWalk::Stride2, false), &[&[1], &[1]]);
    let r = replay(cfg, "q1:a4FTa2H");
    assert_eq!(paths(&r), [(StrayStatusWrite, Some(F5))]);
}

#[test]
fn f6_a_stray_write_after_etimedout_is_labelled_f6() {
    let f = FaultConfig {
        device_gone_rate: 0.5,
        ite_timing: IteTiming::AllFetched,
        ..FaultConfig::default()
    };
    let r = replay(config(Fixed, f, &[&[1], &[1]]), "q1:a6b3F2Gb3H2");
    assert_eq!(paths(&r), [(StrayStatusWrite, Some(F6))]);
}

/// The legacy reclaim's own lockup (counts 0 and 1, no fault) has no fault path — also when
/// faults are enabled but the schedule takes none — and neither has its lost completion.
#[test]
fn the_legacy_lockup_without_a_fault_has_no_fault_path() {
    let base = Config {
        qi_length: 8,
        submitters: 2,
        policy: Legacy,
        workload: Workload {
            submissions: 2,
            batch: BatchDist::Uniform { min: 0, max: 1 },
            ..Workload::default()
        },
        ..Config::default()
    };
    let (roots, _) = family(&base).unwrap();
    let v = explore_roots(&roots, &ExploreOptions::default(), |_| true).unwrap();
    let Verdict::Counterexample {
        kind,
        config,
        replay: choices,
        findings,
        ..
    } = v
    else {
        panic!("expected the legacy lockup, got {v:?}");
    };
    assert_eq!(kind, Lockup);
    assert!(
        findings.iter().all(|f| f.fault_path.is_none()),
        "{findings:?}"
    );
    for faults in [
        ite(IteWalk::Stride2, false),
        FaultConfig {
            iqe_rate: 0.5,
            device_gone_rate: 0.5,
            ..FaultConfig::default()
        },
    ] {
        let cfg = Config {
            faults: FaultConfig {
                max_faults: 1,
                ..faults
            },
            ..config.clone()
        };
        let r = replay(cfg, &choices);
        assert!(r.findings.iter().any(|f| f.kind == Lockup));
        assert!(
            r.findings.iter().all(|f| f.fault_path.is_none()),
            "{:?}",
            r.findings
        );
    }
}

/// Findings written before the field existed still read (it defaults to none).
#[test]
fn a_finding_without_the_field_reads_as_none() {
    let f: qisim_core::Finding = serde_json::from_str(
        r#"{"kind":"lockup","step":3,"actor":"T1","submitter":0,"slot":1,"message":"m"}"#,
    )
    .unwrap();
    assert_eq!(f.fault_path, None);
}

/// The per-step rows say what the column timeline says (one wording), one row per step, and
/// carry each finding with the submitter it concerns and its fault path.
#[test]
fn timeline_rows_word_every_step_as_the_column_timeline_does() {
    use qisim_core::trace::PartKind;
    let cfg = Config {
        trace: true,
        ..config(Legacy, ite(IteWalk::Stride1, true), &[&[1], &[1]])
    };
    let mut c = cfg.clone();
    c.scheduler = SchedulerConfig::Replay {
        choices: "q1:a6b3F2Tb4H2b4a2".into(),
    };
    let mut sim = Simulation::new(c).unwrap();
    let r = sim.run();
    let rows = sim.timeline_rows();
    assert_eq!(rows.len() as u64, r.steps);
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row.step, k as u64);
        assert!(!row.parts.is_empty(), "step {k} says nothing");
    }
    // Every text of the rows is the column timeline's, but for the steps it folds away (a
    // successful space check) and a finding named by its actor.
    let timeline = sim.timeline();
    for p in rows.iter().flat_map(|r| &r.parts) {
        let t = p.text.split(" (by ").next().unwrap();
        assert!(
            timeline.contains(t) || t.starts_with("check space: "),
            "`{t}` is not in the timeline:\n{timeline}"
        );
    }
    let hw = rows
        .iter()
        .flat_map(|r| &r.parts)
        .find(|p| p.kind == PartKind::Hw)
        .unwrap();
    assert_eq!(hw.text, "WD2 = QI_DONE*");
    let found: Vec<_> = rows
        .iter()
        .flat_map(|r| &r.parts)
        .filter(|p| p.kind == PartKind::Finding)
        .map(|p| (p.finding.unwrap(), p.submitter, p.fault_path))
        .collect();
    assert_eq!(
        found,
        [
            (LostCompletion, Some(0), Some(F4)),
            (Lockup, Some(0), Some(F4))
        ]
    );
    let json = serde_json::to_value(&rows[20]).unwrap();
    assert!(json["hwSlots"].is_array() && json["parts"][0]["kind"].is_string());
}

fn timing(all_fetched: bool) -> IteTiming {
    if all_fetched {
        IteTiming::AllFetched
    } else {
        IteTiming::AnyFetched
    }
}
