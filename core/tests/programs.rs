//! Kernels as programs (`core/src/program`): the migration from the Rust model is pinned, and
//! programs are checked, run and reported as a kernel engineer expects.
//!
//! `fixtures/matrix-rust-model.json` is `qisim matrix --json` of the last Rust-coded model
//! (a9e62f5, before the programs). The atomic programs (`common::atomic_text`) are the
//! shipped programs with one change: `writel(FSTS, DMA_FSTS_ITE)` moved after the walk and the read of the caller's own
//! wait, so that no hardware step fits between clearing `ITE` and the walk, as the Rust model
//! had it. They give every cell of that matrix exactly: verdict, kind, steps, shortest
//! counterexample and state count. The shipped programs clear `ITE` before the walk, as
//! `dmar.c` does; their matrix differs only in the `ITE` and device-gone columns.

use qisim_core::check::tools::matrix::{self, Cell, Fault, MatrixSpec, Row};
use qisim_core::config::kernel::Kernel;
use qisim_core::{Config, FindingKind, Simulation};
use serde_json::Value;

mod common;

fn fixture() -> Vec<Value> {
    serde_json::from_str(include_str!("fixtures/matrix-rust-model.json")).unwrap()
}

fn atomic(k: Kernel) -> String {
    common::atomic_text(k.shipped().source)
}

/// The fields of a cell the pin compares.
fn key(c: &Value) -> Value {
    let mut c = c.clone();
    let o = c.as_object_mut().unwrap();
    o.remove("program");
    o.remove("row");
    c
}

fn cells(rows: &[Row]) -> Vec<Cell> {
    matrix::run_rows(&MatrixSpec::default(), rows, |_| {}).unwrap()
}

/// The fixture's cells still comparable: the columns whose meaning did not change since
/// (no fault, `IQE`, `ICE`) and the time-out cells whose finding was not a stray write (stray
/// writes are now reported only where they harm: `model::oracle`).
fn pinned(w: &Value) -> bool {
    let f = w["fault"].as_str().unwrap();
    ["none", "iqe", "ice"].contains(&f)
        || ["ite", "iteAllFetched"].contains(&f) && w["kind"] != "strayStatusWrite"
}

/// The cell of `got` at the fixture cell `w`'s kernel, mix and fault.
fn same<'a>(got: &'a [Cell], w: &Value) -> &'a Cell {
    got.iter()
        .find(|g| {
            let v = serde_json::to_value(g).unwrap();
            v["kernel"] == w["kernel"] && v["mix"] == w["mix"] && v["fault"] == w["fault"]
        })
        .unwrap_or_else(|| panic!("no cell {w}"))
}

fn mainline_rows(program: impl Fn(Kernel) -> Option<(String, String)>) -> Vec<Row> {
    Kernel::MAINLINE
        .into_iter()
        .map(|k| Row {
            callers: k,
            program: program(k),
            presets: vec![k],
        })
        .collect()
}

#[test]
fn the_atomic_programs_give_the_rust_models_matrix() {
    let got = cells(&mainline_rows(|k| {
        Some((format!("{}-atomic.qi", k.name()), atomic(k)))
    }));
    let mut n = 0;
    for w in fixture().iter().filter(|w| pinned(w)) {
        let g = serde_json::to_value(same(&got, w)).unwrap();
        assert_eq!(key(&g), key(w), "cell {w}");
        n += 1;
    }
    assert!(n >= 24, "{n} cells pinned");
}

#[test]
fn the_shipped_programs_differ_only_where_a_writel_lets_hardware_in() {
    let got = cells(&mainline_rows(|_| None));
    for w in fixture().iter().filter(|w| pinned(w)) {
        let g = same(&got, w);
        let gv = serde_json::to_value(g).unwrap();
        if !matches!(g.fault, Fault::Ite | Fault::IteAllFetched) {
            assert_eq!(key(&gv), key(w), "cell {w}");
        } else {
            // The same verdicts, one step more (the CPU's step after the writel), more states.
            assert_eq!(gv["kind"], w["kind"], "cell {w}");
            assert!(g.states > w["states"].as_u64().unwrap(), "cell {w}");
        }
    }
}

fn program_config(text: &str) -> Config {
    Config {
        qi_length: 8,
        submitters: 2,
        program: Some(text.to_string()),
        ..Config::default()
    }
}

#[test]
fn a_program_that_does_not_compile_is_a_config_error_naming_line_and_column() {
    let base = qisim_core::program::library::kernel("7.0").unwrap().source;
    for (edit, line, what) in [
        (
            base.replace(
                "head = (head - 1 + QI_LENGTH) % QI_LENGTH;",
                "head = (head - 1 + ) % QI_LENGTH;",
            ),
            base.lines()
                .position(|l| l.contains("head = (head - 1 + QI_LENGTH) % QI_LENGTH;"))
                .unwrap()
                + 1,
            "expected an expression",
        ),
        (
            base.replace("free_cnt++;", "free_count++;"),
            0,
            "unknown name `free_count`",
        ),
        (
            base.replace("void reclaim(void)", "void reclaim(int x)"),
            0,
            "must be `void reclaim(void)`",
        ),
        (
            base.replace("writel(FSTS, DMA_FSTS_ITE);", "writel(IQT, 0);"),
            0,
            "writes FSTS only",
        ),
        (
            base.replace("readl(IQT)", "readl(IQT, 1)"),
            0,
            "takes 1 argument",
        ),
    ] {
        let e = program_config(&edit).validate().unwrap_err();
        assert_eq!(e.field, "program");
        assert!(e.message.contains(what), "{e}");
        assert!(e.message.contains("line "), "{e}");
        if line > 0 {
            assert!(e.message.contains(&format!("line {line},")), "{e}");
        }
    }
    let e = program_config(&base.replace("void mark(", "void mork("))
        .validate()
        .unwrap_err();
    assert!(e.message.contains("`mork` is not a function"), "{e}");
    // A program and a kernel or a policy at once: which one runs? An error, not a guess.
    let mut c = program_config(base);
    c.kernel = Some(Kernel::V7_0);
    assert_eq!(c.validate().unwrap_err().field, "kernel");
    let mut c = program_config(base);
    c.policy = qisim_core::PolicyKind::Legacy;
    assert_eq!(c.validate().unwrap_err().field, "policy");
}

#[test]
fn a_run_time_error_is_a_finding_with_the_line_never_a_panic() {
    let base = qisim_core::program::library::kernel("7.0").unwrap().source;
    for (edit, what) in [
        (
            base.replace(
                "desc_status[(index + i) % QI_LENGTH] = QI_FREE;",
                "desc_status[index + i] = QI_FREE;",
            ),
            "outside the ring",
        ),
        (
            base.replace(
                "desc_status[(index + i) % QI_LENGTH] = QI_FREE;",
                "desc_status[(index + i) % QI_LENGTH] = 7;",
            ),
            "is not a status",
        ),
        (
            base.replace("int i;\n\n\tfor (i = 0;", "int i, j;\n\n\tfor (i = j;"),
            "`j` is read before it is given a value",
        ),
    ] {
        let mut c = program_config(&edit);
        c.workload.submissions = 20;
        c.trace = true;
        let r = Simulation::new(c).unwrap().run();
        let f = r
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::ProgramError)
            .unwrap_or_else(|| panic!("{what}: {:?}", r.findings));
        assert!(
            f.message.contains(what) && f.message.contains("line "),
            "{}",
            f.message
        );
    }
}

#[test]
fn an_endless_loop_is_the_walk_loop_finding() {
    let base = qisim_core::program::library::kernel("7.0").unwrap().source;
    // The walk forgets to move free_tail: it never ends.
    let edit = base.replace(
        "free_tail = (free_tail + 1) % QI_LENGTH;\n\t\tfree_cnt++;",
        "free_tail = free_tail % QI_LENGTH;",
    );
    assert_ne!(edit, base);
    let mut c = program_config(&edit);
    c.workload.submissions = 5;
    let r = Simulation::new(c).unwrap().run();
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::WalkLoop)
        .unwrap_or_else(|| panic!("{:?}", r.findings));
    assert!(
        f.message.contains("reclaim") && f.message.contains("line"),
        "{}",
        f.message
    );
}

/// `int mark(...)`: a nonzero return becomes the call's rc when the poll loop ended with 0
/// (`-EAGAIN` restarts the batch); a value `qi_submit_sync()` does not handle is a
/// `programError`; `desc[i] = QI_NOP` makes a descriptor that completes and writes nothing.
#[test]
fn an_int_mark_decides_the_rc_and_qi_nop_writes_nothing() {
    let base = qisim_core::program::library::kernel("7.0").unwrap().source;
    let mark = |ret: &str| {
        base.replace(
            "void mark(int index, int wait_index, int count)",
            "int mark(int index, int wait_index, int count)",
        )
        .replace(
            "\t\tdesc_status[(index + i) % QI_LENGTH] = QI_FREE;\n}",
            &format!("\t\tdesc_status[(index + i) % QI_LENGTH] = QI_FREE;\n\treturn {ret};\n}}"),
        )
    };
    // A batch written at slot 0 retries once (its retry is written further on).
    let mut c = program_config(&mark("index == 0 ? -EAGAIN : 0"));
    c.workload.batch = qisim_core::BatchDist::Fixed { count: 1 };
    let r = Simulation::new(c).unwrap().run();
    let restarts: u64 = r.metrics.per_submitter.iter().map(|m| m.restarts).sum();
    assert!(restarts > 0, "{:?}", r.findings);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    let r = Simulation::new(program_config(&mark("5"))).unwrap().run();
    let f = r
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ProgramError)
        .unwrap();
    assert!(f.message.contains("returns 5"), "{}", f.message);
    // A no-op over a descriptor: checked like a copy; anything else is refused.
    let nop = base.replace("desc[head] = desc[wait_index];", "desc[head] = QI_NOP;");
    assert!(program_config(&nop).validate().is_ok());
    let e = program_config(&base.replace("desc[head] = desc[wait_index];", "desc[head] = 3;"))
        .validate()
        .unwrap_err();
    assert!(e.message.contains("QI_NOP"), "{e}");
}
