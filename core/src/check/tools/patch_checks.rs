//! Each fault path's own configuration (the shortest counterexamples of `docs/findings.md`),
//! proved or refuted for a patch and for its base kernel: the matrix's cells show the
//! shortest finding of a whole family, which can hide a path a patch does fix behind one it
//! does not (an `IQE` inside a batch, F1, is shorter than F2's early free).

use super::matrix::{cell_config, Fault, MatrixSpec, Row};
use crate::check::{explore, ExploreOptions, Verdict};
use crate::config::{BatchDist, Config, Workload};
use crate::FindingKind;

/// The fault paths checked, with the fault column and per-CPU call counts of each.
pub const PATHS: [(&str, Fault, &[&[u32]]); 4] = [
    ("F1", Fault::Iqe, &[&[2]]),
    ("F2", Fault::Iqe, &[&[1, 1], &[1, 1]]),
    ("F5", Fault::Ite, &[&[1], &[1]]),
    ("F6", Fault::GoneAllFetched, &[&[1], &[1]]),
];

/// The config of fault path `k` of [`PATHS`] for `row`.
pub fn path_config(spec: &MatrixSpec, row: &Row, k: usize) -> Config {
    let (_, fault, calls) = PATHS[k];
    let mut c = cell_config(spec, row, fault);
    c.submitters = calls.len() as u32;
    c.per_submitter = calls
        .iter()
        .map(|counts| Workload {
            submissions: counts.len() as u64,
            batch: BatchDist::Sequence {
                counts: counts.to_vec(),
            },
            ..c.workload.clone()
        })
        .collect();
    c
}

/// The verdict of one fault path's configuration.
#[derive(Clone, Debug, PartialEq)]
pub enum PathVerdict {
    Proved,
    Counterexample {
        kind: FindingKind,
        steps: u64,
    },
    /// The bound was reached: nothing proved.
    BoundReached,
    /// The configuration does not explore (the core's message).
    Error(String),
}

impl PathVerdict {
    /// `proved`, `counterexample`, `boundReached` or `error`.
    pub fn name(&self) -> &'static str {
        match self {
            PathVerdict::Proved => "proved",
            PathVerdict::Counterexample { .. } => "counterexample",
            PathVerdict::BoundReached => "boundReached",
            PathVerdict::Error(_) => "error",
        }
    }
}

/// The verdict of each path of [`PATHS`] for `row`.
pub fn check(spec: &MatrixSpec, row: &Row) -> Vec<PathVerdict> {
    (0..PATHS.len())
        .map(|k| {
            let opts = ExploreOptions {
                max_states: spec.max_states,
                ..ExploreOptions::default()
            };
            match explore(&path_config(spec, row, k), &opts) {
                Ok(Verdict::Counterexample { kind, steps, .. }) => {
                    PathVerdict::Counterexample { kind, steps }
                }
                Ok(Verdict::Proved { .. }) => PathVerdict::Proved,
                Ok(Verdict::BoundReached { .. }) => PathVerdict::BoundReached,
                Err(e) => PathVerdict::Error(e.to_string()),
            }
        })
        .collect()
}
