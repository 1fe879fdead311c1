//! `docs/kernels.md` and `docs/patches.md` are the output of the kernel matrix (`qisim matrix
//! --markdown`, `--patches --markdown`): these tests recompute them and fail when a page is
//! stale (`QISIM_BLESS=1` rewrites it). They also check that every counterexample replays and
//! what the matrix must show.

use qisim_core::check::tools::matrix::{self, Cell, Fault, MatrixSpec, Mix, Row};
use qisim_core::check::tools::{matrix_doc, patch_checks};
use qisim_core::config::kernel::Kernel;
use qisim_core::program::patches::PATCHES;

#[test]
fn docs_kernels_md_is_the_matrix_output() {
    let spec = MatrixSpec::default();
    let cells = matrix::run(&spec, |_| {}).unwrap();
    assert!(cells.iter().all(|c| c.verdict != "boundReached"));
    assert!(cells.iter().all(|c| c.reproduced != Some(false)));
    let cell = |k: &str, mix: Mix, fault: Fault| {
        cells
            .iter()
            .find(|c| c.row.split(" · ").any(|n| n == k) && c.mix == mix && c.fault == fault)
            .unwrap()
    };
    // The fix's purpose: legacy (6.9) locks up with count-0 calls, the fix does not.
    assert_eq!(
        cell("6.9", Mix::WithDrain, Fault::None).kind.as_deref(),
        Some("lockup")
    );
    assert_eq!(cell("6.9", Mix::Realistic, Fault::None).verdict, "proved");
    for k in ["6.12", "7.0"] {
        assert_eq!(
            cell(k, Mix::WithDrain, Fault::None).verdict,
            "proved",
            "{k}"
        );
    }
    // The headline question: 5.15.203+ / 6.6.130+ (the reclaim fix and the stride-1 walk
    // backported, no device-gone branch) retry forever when the device is gone.
    let row = |k: &str| Kernel::parse(k).unwrap();
    let c = cell_of(&cells, row("5.15.203"), Mix::Realistic, Fault::Gone);
    assert_eq!(c.kind.as_deref(), Some("retryForever"));
    // The device-gone branch (6.9 and later) turns that into -ETIMEDOUT, for whoever handles it.
    let c = cell_of(&cells, row("6.9"), Mix::Realistic, Fault::GoneWaitFetched);
    assert_eq!(c.kind.as_deref(), Some("misattributedError"));
    compare("kernels.md", &matrix_doc::render_kernels(&spec, &cells));
}

fn cell_of(cells: &[Cell], k: Kernel, mix: Mix, fault: Fault) -> &Cell {
    cells
        .iter()
        .find(|c| c.program.is_none() && c.kernel == k && c.mix == mix && c.fault == fault)
        .unwrap()
}

/// `docs/patches.md` is `qisim matrix --patches --markdown`.
#[test]
fn docs_patches_md_is_the_patch_matrix_output() {
    let spec = MatrixSpec::default();
    let mut rows: Vec<Row> = Row::kernels()
        .into_iter()
        .filter(|r| PATCHES.iter().any(|p| r.presets.contains(&p.base)))
        .collect();
    rows.extend(Row::patches());
    let cells = matrix::run_rows(&spec, &rows, |_| {}).unwrap();
    assert!(cells.iter().all(|c| c.reproduced != Some(false)));
    // The reclaim fix on 5.15 is 5.15.168: the same verdict in every cell.
    let shipped = Row {
        callers: Kernel::V5_15_168,
        program: None,
        presets: vec![Kernel::V5_15_168],
    };
    let shipped = matrix::run_rows(&spec, &[shipped], |_| {}).unwrap();
    for c in cells
        .iter()
        .filter(|c| c.program.as_deref() == Some("reclaim-fix"))
    {
        let b = cell_of(&shipped, Kernel::V5_15_168, c.mix, c.fault);
        assert_eq!((&c.verdict, &c.kind), (&b.verdict, &b.kind), "{c:?}");
    }
    // The fault paths' own configurations: the fixes that work prove theirs.
    for (name, proved) in [
        ("iqe-any-slot", &["F1", "F2"][..]),
        ("retry-hit-batch", &["F5"][..]),
        ("all-fixes", &["F1", "F2", "F5"][..]),
    ] {
        let row = Row::patches()
            .into_iter()
            .find(|r| r.name() == name)
            .unwrap();
        let got = patch_checks::check(&spec, &row);
        for (k, (path, ..)) in patch_checks::PATHS.iter().enumerate() {
            assert_eq!(
                got[k] == patch_checks::PathVerdict::Proved,
                proved.contains(path),
                "{name} {path}: {:?}",
                got[k]
            );
        }
    }
    compare("patches.md", &matrix_doc::render_patches(&spec, &cells));
}

fn compare(name: &str, page: &str) {
    let path = format!("{}/../docs/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, page).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (write it with QISIM_BLESS=1)"));
    assert!(
        committed == page,
        "docs/{name} is stale: run `QISIM_BLESS=1 cargo test -p qisim-core --test kernels_doc`"
    );
}
