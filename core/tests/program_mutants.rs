//! Mutants of the shipped kernel programs: every comparison, constant, logical and arithmetic
//! operator and statement changed one at a time (the mutants that still compile).
//!
//! 1. **The reductions stay sound for any program**: for every mutant, the explorer with its
//!    reductions (partial order, CPU symmetry, ring rotation, as `program::analysis` allows them
//!    for the mutant) and without them give the same verdict and kind on small configs, with
//!    and without faults.
//! 2. **The oracles are strong**: every mutant changes at least one cell of the kernel matrix
//!    of its kernel (`qisim matrix`, 2 CPUs × 1 call, ring 8) or of a small extra grid (3 CPUs,
//!    2 calls, a serial engine), or is listed as equivalent in `EQUIVALENT` with the reason.
//!    The score is written to `bench/program-mutants.md` (`QISIM_BLESS=1` rewrites it; the test
//!    fails when it is stale).
//!
//! Both take minutes (the core is optimised in test builds): `scripts/test.sh` runs them as a
//! stage of their own (`cargo test -p qisim-core --test program_mutants -- --ignored`).

use qisim_core::check::tools::matrix::{self, Cell, MatrixSpec, Row};
use qisim_core::check::{explore_roots, family, ExploreOptions, Verdict};
use qisim_core::config::kernel::Kernel;
use qisim_core::config::{FaultConfig, IteTiming, TypeMix};
use qisim_core::program::library::kernel;
use qisim_core::{BatchDist, Config, FindingKind, Workload};

mod common;
use common::mutants::mutants;

/// A small config: ring 8, `cpus` CPUs × `calls` calls of counts 0..=2, device-TLB
/// invalidations, faults `faults` (at most one).
fn small(program: &str, cpus: u32, calls: u64, faults: FaultConfig) -> Config {
    Config {
        qi_length: 8,
        submitters: cpus,
        program: Some(program.to_string()),
        workload: Workload {
            submissions: calls,
            batch: BatchDist::Uniform { min: 0, max: 2 },
            types: TypeMix {
                iotlb: 0.0,
                devtlb: 1.0,
                ..TypeMix::default()
            },
            ..Workload::default()
        },
        faults: FaultConfig {
            max_faults: u32::from(faults != FaultConfig::default()),
            ..faults
        },
        ..Config::default()
    }
}

fn fault_grid() -> Vec<(&'static str, FaultConfig)> {
    vec![
        ("none", FaultConfig::default()),
        (
            "ITE",
            FaultConfig {
                ite_rate: 0.5,
                ..FaultConfig::default()
            },
        ),
        (
            "IQE",
            FaultConfig {
                iqe_rate: 0.5,
                ..FaultConfig::default()
            },
        ),
        (
            "gone",
            FaultConfig {
                device_gone_rate: 0.5,
                ..FaultConfig::default()
            },
        ),
    ]
}

/// Explores the family of `cfg` (every per-CPU sequence of the counts its range allows).
fn explore(cfg: &Config, opts: &ExploreOptions) -> Result<Verdict, qisim_core::ConfigError> {
    let (roots, _) = family(cfg)?;
    explore_roots(&roots, opts, |_| true)
}

fn verdict_kind(v: &Verdict) -> (String, Option<String>) {
    match v {
        Verdict::Counterexample { kind, .. } => (v.name().into(), Some(kind.name().into())),
        _ => (v.name().into(), None),
    }
}

/// Minutes: a stage of its own in `scripts/test.sh` (`-- --ignored`).
#[test]
#[ignore = "minutes; scripts/test.sh runs it as a stage of its own"]
fn reductions_agree_with_the_unreduced_search_on_every_mutant() {
    let reduced = ExploreOptions {
        max_states: 400_000,
        ..ExploreOptions::default()
    };
    let plain = ExploreOptions {
        por: false,
        symmetry: false,
        rotation: false,
        ..reduced.clone()
    };
    let mut compared = 0;
    for k in Kernel::MAINLINE {
        for m in mutants(k) {
            for (name, f) in fault_grid() {
                let cfg = small(&m.text, 2, 1, f);
                let a = explore(&cfg, &reduced).unwrap();
                let b = explore(&cfg, &plain).unwrap();
                if a.name() == "boundReached" || b.name() == "boundReached" {
                    continue;
                }
                assert_eq!(
                    verdict_kind(&a),
                    verdict_kind(&b),
                    "{} mutant {} (line {}), faults {name}: reduced {} states, unreduced {}",
                    k.name(),
                    m.what,
                    m.line,
                    a.stats().states,
                    b.stats().states
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "{compared} comparisons");
}

/// Mutants no cell can tell from the kernel, and why.
const EQUIVALENT: &[(&str, &str, &str)] = &[
    // ICE is cleared only to stop qi_check_fault from running again for it: hardware goes on
    // after an ICE whether or not the bit is clear, so leaving it set changes nothing but
    // the number of times qi_check_fault runs (it returns 0 each time).
    (
        "6.9",
        "`DMA_FSTS_ICE` -> `DMA_FSTS_ITE`",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    (
        "6.12",
        "`DMA_FSTS_ICE` -> `DMA_FSTS_ITE`",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    (
        "7.0",
        "`DMA_FSTS_ICE` -> `DMA_FSTS_ITE`",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    (
        "6.9",
        "`writel(FSTS, DMA_FSTS_ICE);` deleted",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    (
        "6.12",
        "`writel(FSTS, DMA_FSTS_ICE);` deleted",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    (
        "7.0",
        "`writel(FSTS, DMA_FSTS_ICE);` deleted",
        "leaving ICE set: hardware goes on after an ICE whatever FSTS holds",
    ),
    // Not restarting at once after the walk aborted the caller's own wait: the next poll's
    // first test (`desc_status[wait_index] == QI_ABORT`) restarts it one poll later, and
    // under the fixed reclaim nobody else frees a QI_ABORT slot in between.
    (
        "7.0",
        "`QI_ABORT` -> `QI_DONE`",
        "the restart comes one poll later, from the first test of qi_check_fault",
    ),
    (
        "7.0",
        "`return -EAGAIN;` deleted",
        "the restart comes one poll later, from the first test of qi_check_fault",
    ),
];

/// Surviving mutants that are real changes no oracle names yet, and why (not counted as
/// killed).
const GAPS: &[(&str, &str)] = &[
    ("`EINVAL` -> `EAGAIN`", "restarting after the IQE repair resubmits the batch; the model's invalid descriptor is the fault's, not the batch content's, so the resubmitted batch is valid"),
];

/// The cells of a row of the kernel matrix, and of the extra grid.
fn grid(k: Kernel, text: Option<&str>) -> Vec<(String, String)> {
    let row = Row {
        callers: k,
        program: text.map(|t| ("mutant".to_string(), t.to_string())),
        presets: vec![k],
    };
    let key = |c: &Cell| {
        (
            format!("{:?}/{:?}", c.mix, c.fault),
            format!("{} {:?} {:?}", c.verdict, c.kind, c.steps),
        )
    };
    // A mutant is killed by a cell's first finding; following it further costs time only.
    let spec = MatrixSpec {
        consequences: false,
        ..MatrixSpec::default()
    };
    let mut v: Vec<(String, String)> = matrix::run_rows(&spec, &[row], |_| {})
        .unwrap()
        .iter()
        .map(key)
        .collect();
    // The extra grid: 2 CPUs × 2 calls of one descriptor (the stride-2 walk ends there), with
    // each fault; then 3 CPUs × 2 calls on a serial engine (fetch depth 1), no fault and ITE.
    let src = text.unwrap_or(kernel(k.name()).unwrap().source);
    for (name, f) in fault_grid().into_iter().skip(1) {
        for all_fetched in [false, true] {
            let mut cfg = small(src, 2, 2, f.clone());
            cfg.workload.batch = BatchDist::Fixed { count: 1 };
            cfg.faults.ite_timing = if all_fetched && name != "IQE" {
                IteTiming::AllFetched
            } else {
                IteTiming::AnyFetched
            };
            // Each consequence looked for by itself: which are reachable, and how soon.
            for target in [
                None,
                Some(FindingKind::Lockup),
                Some(FindingKind::PrematureCompletion),
                Some(FindingKind::StrayStatusWrite),
                Some(FindingKind::LostCompletion),
            ] {
                let opts = ExploreOptions {
                    max_states: 300_000,
                    target,
                    stop_on_cause: target == Some(FindingKind::LostCompletion),
                    ..ExploreOptions::default()
                };
                let v2 = explore(&cfg, &opts).unwrap();
                let (verdict, kind) = verdict_kind(&v2);
                let steps = match &v2 {
                    Verdict::Counterexample { steps, .. } => Some(*steps),
                    _ => None,
                };
                v.push((
                    format!("count1/{name}/{all_fetched}/{target:?}"),
                    format!("{verdict} {kind:?} {steps:?}"),
                ));
            }
        }
    }
    for (name, f) in fault_grid().into_iter().take(2) {
        let mut cfg = small(src, 3, 2, f);
        cfg.workload.batch = BatchDist::Uniform { min: 0, max: 1 };
        cfg.fetch_depth = 1;
        let opts = ExploreOptions {
            max_states: 300_000,
            ..ExploreOptions::default()
        };
        let v2 = explore(&cfg, &opts).unwrap();
        let (verdict, kind) = verdict_kind(&v2);
        v.push((format!("3cpus/{name}"), format!("{verdict} {kind:?}")));
    }
    v
}

/// Minutes: a stage of its own in `scripts/test.sh` (`-- --ignored`).
#[test]
#[ignore = "minutes; scripts/test.sh runs it as a stage of its own"]
fn every_mutant_changes_a_cell() {
    let mut lines = Vec::new();
    let (mut killed, mut total, mut equivalent) = (0, 0, 0);
    for k in Kernel::MAINLINE {
        let base = grid(k, None);
        let (mut kk, mut tt) = (0, 0);
        let mut survivors = Vec::new();
        for m in mutants(k) {
            tt += 1;
            let g = grid(k, Some(&m.text));
            if g != base {
                kk += 1;
            } else if let Some((_, _, why)) = EQUIVALENT
                .iter()
                .find(|(kn, what, _)| *kn == k.name() && *what == m.what)
            {
                equivalent += 1;
                survivors.push(format!(
                    "  - line {}: {} — equivalent: {why}",
                    m.line, m.what
                ));
            } else if let Some((_, why)) = GAPS.iter().find(|(what, _)| *what == m.what) {
                survivors.push(format!("  - line {}: {} — survives: {why}", m.line, m.what));
            } else {
                survivors.push(format!("  - line {}: {} — **survives**", m.line, m.what));
            }
        }
        lines.push(format!("| {} | {tt} | {kk} | {} |", k.name(), tt - kk));
        if !survivors.is_empty() {
            lines.push(format!("<!-- {} -->", k.name()));
            lines.extend(survivors.into_iter().map(|s| format!("<!--{s} -->")));
        }
        killed += kk;
        total += tt;
    }
    let score = 100.0 * f64::from(killed) / f64::from(total - equivalent);
    let mut page = String::from(
        "# Mutation score of the findings (kernel programs)\n\n\
         Generated by `core/tests/program_mutants.rs` (`QISIM_BLESS=1 cargo test --release -p \
         qisim-core --test program_mutants` rewrites it; the test fails when it is stale). Each \
         mutant changes one comparison, constant, operator, name or statement of a shipped \
         kernel program (those that still compile); it is *killed* when at least one cell of \
         its kernel's row of `qisim matrix` (2 CPUs × 1 call, ring 8, every caller mix × fault) \
         or of an extra grid changes: verdict, kind or counterexample length. The extra grid: \
         2 CPUs × 2 calls of one descriptor under each fault (`ITE`, `IQE`, device gone; the \
         time-outs also once everything is fetched), with the first violation and each of \
         `lockup`, `prematureCompletion`, `strayStatusWrite` and `lostCompletion` looked for \
         by itself; and 3 CPUs × 2 calls of 0–1 descriptors on a serial engine, without a \
         fault and with `ITE`.\n\n\
         | kernel | mutants | killed | surviving |\n|---|---|---|---|\n",
    );
    let mut survivors = Vec::new();
    for l in &lines {
        if l.starts_with('|') {
            page.push_str(l);
            page.push('\n');
        } else if let Some(s) = l.strip_prefix("<!--").and_then(|s| s.strip_suffix(" -->")) {
            survivors.push(s.to_string());
        }
    }
    page.push_str(&format!(
        "\n**Score: {killed} of {} killed ({score:.1} %)**; {equivalent} shown equivalent. \
         Goal: at least 95 %.\n",
        total - equivalent
    ));
    if !survivors.is_empty() {
        page.push_str("\nSurviving mutants, by kernel:\n\n");
        for s in survivors {
            page.push_str(&s);
            page.push('\n');
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/program-mutants.md");
    if std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &page).unwrap();
    } else {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == page,
            "bench/program-mutants.md is stale: run `QISIM_BLESS=1 cargo test --release -p qisim-core --test program_mutants`\n{page}"
        );
    }
    assert!(score >= 95.0, "mutation score {score:.1} %\n{page}");
}
