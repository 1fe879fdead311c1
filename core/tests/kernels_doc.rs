//! `docs/kernels.md` is the output of the kernel matrix (`qisim matrix --markdown`): this test
//! recomputes it and fails when the page is stale (`QISIM_BLESS=1` rewrites it). It also checks
//! that every counterexample replays and what the matrix must show.

use qisim_core::check::matrix::{self, Fault, MatrixSpec, Mix};

#[test]
fn docs_kernels_md_is_the_matrix_output() {
    let spec = MatrixSpec::default();
    let cells = matrix::run(&spec, |_| {}).unwrap();
    assert!(cells.iter().all(|c| c.verdict != "boundReached"));
    assert!(cells.iter().all(|c| c.reproduced != Some(false)));
    let cell = |k: &str, mix: Mix, fault: Fault| {
        cells
            .iter()
            .find(|c| c.kernel.name() == k && c.mix == mix && c.fault == fault)
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
    let page = matrix::render_markdown(&spec, &cells);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/kernels.md");
    if std::env::var("QISIM_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, &page).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (write it with QISIM_BLESS=1)"));
    assert!(
        committed == page,
        "docs/kernels.md is stale: run `QISIM_BLESS=1 cargo test -p qisim-core --test kernels_doc`"
    );
}
