//! The playground's patch lab (the Kernel code panel): the proposed fixes, a program's diff
//! against a shipped kernel, and a program's matrix and fault-path checks worded as the core's
//! grid words them (`check::tools::matrix_doc`), so the page retypes none of it.

use qisim_core::check::tools::cell_run::replay_command;
use qisim_core::check::tools::cell_text::{path_text, short};
use qisim_core::check::tools::matrix::{run_rows, Cell, Fault, MatrixSpec, Mix, Row};
use qisim_core::check::tools::matrix_doc::LEGEND;
use qisim_core::check::tools::patch_checks::{check, PathVerdict, PATHS};
use qisim_core::config::kernel::Kernel;
use qisim_core::program::patches::{diff, PATCHES};
use wasm_bindgen::prelude::*;

use crate::{config_error, error, from_js, to_js};

/// Kernel version `name`, or an error naming `field`.
fn kernel(field: &str, name: &str) -> Result<Kernel, JsValue> {
    Kernel::parse(name).map_err(|e| error(field, &format!("invalid {field}: `{field}` {e}")))
}

/// The matrix spec (`undefined`: the core's default).
pub(crate) fn spec_of(spec: JsValue) -> Result<MatrixSpec, JsValue> {
    if spec.is_undefined() || spec.is_null() {
        Ok(MatrixSpec::default())
    } else {
        from_js("matrix spec", "spec", spec)
    }
}

/// The matrix row of program `text` called `name` with the callers of `callers` (default
/// 7.0); an error with the program's `line` and `col` when it does not compile.
pub(crate) fn program_row(name: &str, text: &str, callers: Option<String>) -> Result<Row, JsValue> {
    let callers = kernel("callers", callers.as_deref().unwrap_or("7.0"))?;
    if let Err(e) = qisim_core::program::Program::parse(text) {
        // Kind `program`: the error carries the `line` and `col` an editor underlines.
        return Err(config_error(
            "program",
            &qisim_core::ConfigError::program("program", &e),
        ));
    }
    Ok(Row {
        callers,
        program: Some((name.to_string(), text.to_string())),
        presets: Vec::new(),
    })
}

/// The proposed fixes (`core/patches/*.qi`): `[{ name, base, addresses, title, source }]`,
/// `base` the kernel version each changes.
#[wasm_bindgen]
pub fn patches() -> Result<JsValue, JsValue> {
    let v: Vec<serde_json::Value> = PATCHES
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "base": p.base.name(),
                "addresses": p.addresses,
                "title": p.title,
                "source": p.source,
            })
        })
        .collect();
    to_js(&v)
}

/// A unified diff of program `text` against the program of kernel version `base` (their code,
/// header comments left out; three lines of context), as `docs/patches.md` shows each patch.
/// Empty when they do not differ.
#[wasm_bindgen(js_name = programDiff)]
pub fn program_diff(base: &str, text: &str) -> Result<String, JsValue> {
    Ok(diff(kernel("base", base)?.shipped().source, text))
}

/// What the page needs to draw a program's matrix in the core's words: `{ legend, spec,
/// faults: [{ id, label, timeOut }], mixes: [{ id, label }], paths: [{ id, fault, calls }] }`
/// (`spec` the default matrix spec; `paths` the fault paths' own configurations, each CPU's
/// calls as descriptor counts).
#[wasm_bindgen(js_name = matrixLabels)]
pub fn matrix_labels() -> Result<JsValue, JsValue> {
    let id = |v: serde_json::Result<serde_json::Value>| v.unwrap_or_default();
    let faults: Vec<serde_json::Value> = Fault::ALL
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": id(serde_json::to_value(f)),
                "label": f.label(),
                "timeOut": f.time_out(),
            })
        })
        .collect();
    let mixes: Vec<serde_json::Value> = Mix::ALL
        .iter()
        .map(|m| serde_json::json!({ "id": id(serde_json::to_value(m)), "label": m.label() }))
        .collect();
    let paths: Vec<serde_json::Value> = PATHS
        .iter()
        .map(|(name, fault, calls)| {
            serde_json::json!({ "id": name, "fault": fault.label(), "calls": calls })
        })
        .collect();
    to_js(&serde_json::json!({
        "legend": LEGEND,
        "spec": MatrixSpec::default(),
        "faults": faults,
        "mixes": mixes,
        "paths": paths,
    }))
}

/// A cell as JSON with the grid's text of it (`text`, `cell_text::short`) and the `qisim
/// replay` command of its counterexample (`command`, or null).
fn cell_json(spec: &MatrixSpec, c: &Cell) -> serde_json::Value {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("text".into(), short(c).into());
        o.insert("command".into(), replay_command(spec, c).into());
    }
    v
}

/// The matrix of program `program` (called `name`) with the callers of kernel `callers`
/// (default 7.0), as [`crate::program_matrix`], calling `on_cell(cell)` as each cell is decided
/// so a worker can post it. Each cell has `text` (the grid's words) and `command` too.
#[wasm_bindgen(js_name = programMatrixCells)]
pub fn program_matrix_cells(
    spec: JsValue,
    name: &str,
    program: &str,
    callers: Option<String>,
    on_cell: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let spec = spec_of(spec)?;
    let row = program_row(name, program, callers)?;
    let mut out = Vec::new();
    let mut failed = None;
    run_rows(&spec, &[row], |c| {
        let v = cell_json(&spec, c);
        if let (Some(f), None) = (&on_cell, &failed) {
            match to_js(&v).and_then(|js| f.call1(&JsValue::NULL, &js)) {
                Ok(_) => {}
                Err(e) => failed = Some(e),
            }
        }
        out.push(v);
    })
    .map_err(|e| config_error("matrix spec", &e))?;
    if let Some(e) = failed {
        return Err(e);
    }
    to_js(&out)
}

/// Each fault path's own configuration (`docs/patches.md`, F1, F2, F5, F6) proved or refuted
/// for program `program` with the callers of `callers`: `[{ id, fault, verdict, kind, steps,
/// text }]` (`verdict` `proved`, `counterexample`, `boundReached` or `error`; `text` as the
/// grid writes it).
#[wasm_bindgen(js_name = programPaths)]
pub fn program_paths(
    spec: JsValue,
    name: &str,
    program: &str,
    callers: Option<String>,
) -> Result<JsValue, JsValue> {
    let spec = spec_of(spec)?;
    let row = program_row(name, program, callers)?;
    let v: Vec<serde_json::Value> = check(&spec, &row)
        .iter()
        .zip(PATHS.iter())
        .map(|(v, (id, fault, _))| {
            let (kind, steps) = match v {
                PathVerdict::Counterexample { kind, steps } => (Some(kind.name()), Some(*steps)),
                _ => (None, None),
            };
            serde_json::json!({
                "id": id,
                "fault": fault.label(),
                "verdict": v.name(),
                "kind": kind,
                "steps": steps,
                "text": path_text(v),
            })
        })
        .collect();
    to_js(&v)
}

/// "Is the kernel I ship affected?" for kernel `version` (`qisim_core::check::tools::answer`): for
/// each kind of time-out (device present, gone, gone without `ITESID`) whether a CPU can
/// hang, in the matrix's words, with the run that shows it (`config`, `replay`) and its
/// `qisim replay` command: the row of `docs/kernels.md`'s first table. `spec` as for `matrix`.
#[wasm_bindgen(js_name = kernelAnswer)]
pub fn kernel_answer(version: &str, spec: JsValue) -> Result<JsValue, JsValue> {
    let k = kernel("version", version)?;
    let spec = spec_of(spec)?;
    let a = qisim_core::check::tools::answer::answer_kernel(&spec, k)
        .map_err(|e| config_error("matrix spec", &e))?;
    to_js(&a)
}
