//! A matrix cell and a fault path's verdict in the grid's words, for the grid, the pages and
//! the answers alike.

use super::matrix::Cell;
use super::patch_checks::PathVerdict;

/// A cell's verdict in a few characters: `ok`, `bound`, or the finding and its steps.
pub fn short(c: &Cell) -> String {
    match (&c.kind, c.steps) {
        (Some(k), Some(n)) => match &c.consequence {
            Some(q) => format!("{} {n} ⇒ {}@{}", abbrev(k), abbrev(q.kind.name()), q.calls),
            None => format!("{} {n}", abbrev(k)),
        },
        _ if c.verdict == "proved" => "ok".to_string(),
        _ => c.verdict.clone(),
    }
}

/// A fault path's verdict in the grid's words: `ok`, the finding and its steps, `bound`, or
/// the error.
pub fn path_text(v: &PathVerdict) -> String {
    match v {
        PathVerdict::Proved => "ok".into(),
        PathVerdict::Counterexample { kind, steps } => format!("{} {steps}", abbrev(kind.name())),
        PathVerdict::BoundReached => "bound".into(),
        PathVerdict::Error(e) => e.clone(),
    }
}

/// A finding's name as the grid writes it (the legend, [`LEGEND`](super::matrix_doc::LEGEND), spells
/// them out).
fn abbrev(kind: &str) -> &str {
    match kind {
        "prematureCompletion" => "premature",
        "strayStatusWrite" => "stray",
        "misattributedError" => "misattributed",
        k => k,
    }
}
