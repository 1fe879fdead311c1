//! The run and the `qisim replay` command line that show a matrix cell's counterexample, or
//! where its first cause ends.

use super::matrix::{cell_config, Cell, MatrixSpec, Row};
use crate::config::{Config, Workload};

/// The `qisim replay` command line that reproduces a cell's counterexample.
pub fn replay_command(spec: &MatrixSpec, cell: &Cell) -> Option<String> {
    command(spec, cell, cell.replay.as_ref()?, 1)
}

/// The `qisim replay` command line that reproduces where a cell's first cause ends.
pub fn consequence_command(spec: &MatrixSpec, cell: &Cell) -> Option<String> {
    let c = cell.consequence.as_ref()?;
    command(spec, cell, &c.replay, c.calls)
}

/// The run that shows a cell's counterexample (`calls` 1) or where its cause ends
/// (`calls` of its consequence): the cell's config with `calls` calls per CPU, each of the
/// counterexample's count. A patch's program has its text; a program of one's own only its
/// name (the cell does not keep the text).
pub fn cell_run(spec: &MatrixSpec, cell: &Cell, calls: u64) -> Option<Config> {
    let per = cell.per_submitter.as_ref()?;
    let program = cell
        .program
        .as_ref()
        .map(|name| match crate::program::patches::patch(name) {
            Some(p) => (name.clone(), p.source.to_string()),
            None => (name.clone(), String::new()),
        });
    let row = Row {
        callers: cell.kernel,
        program,
        presets: Vec::new(),
    };
    let mut c = cell_config(spec, &row, cell.fault);
    // Every CPU has its own counts: the base workload's calls are never run.
    c.workload = Workload {
        types: c.workload.types.clone(),
        ..Workload::default()
    };
    c.submitters = per.len() as u32;
    c.per_submitter = per
        .iter()
        .map(|&n| c.workload.with_counts(vec![n; calls as usize]))
        .collect();
    Some(c)
}

/// `qisim replay` of [`cell_run`] and `replay`, by [`crate::reproduce`] (a patch's program
/// named by its file in `core/patches/`, any other by its name).
fn command(spec: &MatrixSpec, cell: &Cell, replay: &str, calls: u64) -> Option<String> {
    let c = cell_run(spec, cell, calls)?;
    let program_file =
        cell.program
            .as_ref()
            .map(|name| match crate::program::patches::patch(name) {
                Some(_) => format!("core/patches/{name}.qi"),
                None => name.clone(),
            });
    let names = crate::reproduce::ReproNames {
        program_file,
        config_file: None,
    };
    Some(crate::reproduce::replay(&c, replay, &names).command)
}
