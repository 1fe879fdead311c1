//! The replay scheduler: the recorded choices of a replay string ([`crate::replay`]).

use crate::Actor;

/// Replays recorded choices, kept run-length encoded (a `q1:a100000000` string stays small).
#[derive(Clone, Debug)]
pub struct ReplaySched {
    runs: Vec<(Actor, u64)>,
    /// Index of the run covering the current step, and the step at which that run starts.
    run: usize,
    run_start: u64,
}

impl ReplaySched {
    pub(super) fn new(choices: &str) -> Self {
        ReplaySched {
            runs: crate::replay::parse_schedule(choices)
                .map(|s| s.runs().to_vec())
                .unwrap_or_default(),
            run: 0,
            run_start: 0,
        }
    }

    /// The choice for `step` (steps only move forward).
    pub(super) fn choice(&mut self, step: u64) -> Option<Actor> {
        while let Some(&(_, len)) = self.runs.get(self.run) {
            if step < self.run_start + len {
                break;
            }
            self.run_start += len;
            self.run += 1;
        }
        self.runs.get(self.run).map(|(a, _)| *a)
    }
}
