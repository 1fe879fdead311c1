//! The minimiser's trials: lenient runs of candidate schedules (a disabled choice skipped, the
//! rest completed round robin), ddmin over the choices, and breadth-first searches for the
//! kind, all counted against [`MAX_TESTS`].

use crate::config::Config;
use crate::model::FindingKind;
use crate::model::Pc;
use crate::model::System;
use crate::replay;
use crate::trace::NoTrace;
use crate::Actor;

use super::completion::RoundRobin;
use super::{COMPLETION_STEPS, MAX_TESTS, SEARCH_CALLS, TRIAL_STATES};

/// Result of a lenient run that found the kind.
pub(super) struct Hit {
    /// Choices actually taken, up to and including the step that revealed the finding.
    pub(super) taken: Vec<Actor>,
    /// Counts each submitter's calls drew (calls started so far).
    pub(super) counts: Vec<Vec<u32>>,
}

pub(super) struct Shrinker {
    pub(super) kind: FindingKind,
    pub(super) tests: usize,
}

impl Shrinker {
    /// Runs `choices` leniently against `cfg` (already validated).
    pub(super) fn run(&mut self, cfg: &Config, choices: &[Actor]) -> Option<Hit> {
        if self.tests >= MAX_TESTS {
            return None;
        }
        self.tests += 1;
        let mut sys = System::new(cfg);
        let n = cfg.submitters as usize;
        let mut counts: Vec<Vec<u32>> = vec![Vec::new(); n];
        let note = |sys: &System, counts: &mut Vec<Vec<u32>>| {
            for (i, s) in sys.subs.iter().enumerate() {
                let started = s.submissions_done as usize + usize::from(s.pc != Pc::Finished);
                if counts[i].len() < started {
                    counts[i].push(s.count);
                }
            }
        };
        note(&sys, &mut counts);
        let mut taken = Vec::with_capacity(choices.len());
        let mut robin = RoundRobin::default();
        let extra = COMPLETION_STEPS.min(cfg.step_limit);
        let mut k = 0usize;
        while k < choices.len() + extra as usize {
            if sys.halted {
                break;
            }
            let a = if k < choices.len() {
                choices[k]
            } else {
                match robin.next(&sys) {
                    Some(a) => a,
                    None => break,
                }
            };
            k += 1;
            if !sys.is_enabled(a) {
                continue;
            }
            sys.apply(a, taken.len() as u64, 0, &mut NoTrace);
            taken.push(a);
            note(&sys, &mut counts);
            let hit = sys.found.iter().any(|f| f.kind == self.kind);
            sys.found.clear();
            if hit {
                return Some(Hit { taken, counts });
            }
        }
        if self.kind == FindingKind::Deadlock {
            let mut en = Vec::new();
            sys.enabled_into(&mut en);
            if en.is_empty() && !sys.all_done() {
                return Some(Hit { taken, counts });
            }
        }
        None
    }

    /// Whether `cfg` (a reduced workload) still shows the kind: first with the current
    /// choices, then, if the workload is small, by a breadth-first search for the kind (a
    /// smaller workload often needs a different schedule). Returns the choices that hit.
    pub(super) fn try_cfg(&mut self, cfg: &Config, choices: &[Actor]) -> Option<Vec<Actor>> {
        if let Some(h) = self.run(cfg, choices) {
            return Some(h.taken);
        }
        let calls: u64 = (0..cfg.submitters as usize)
            .map(|i| cfg.workload_of(i).submissions)
            .sum();
        if calls > SEARCH_CALLS || crate::check::explorable(cfg).is_err() {
            return None;
        }
        let path = self.search(cfg, TRIAL_STATES)?;
        self.run(cfg, &path).map(|h| h.taken)
    }

    /// A shortest path to the kind by breadth-first search, at most `max_states` states.
    pub(super) fn search(&mut self, cfg: &Config, max_states: u64) -> Option<Vec<Actor>> {
        if self.tests >= MAX_TESTS {
            return None;
        }
        self.tests += 1;
        let opts = crate::check::ExploreOptions {
            max_states,
            target: Some(self.kind),
            ..Default::default()
        };
        match crate::check::explore(cfg, &opts) {
            Ok(crate::check::Verdict::Counterexample { replay: r, .. }) => replay::parse(&r).ok(),
            _ => None,
        }
    }

    /// ddmin over `choices` (which must hit); returns a 1-minimal hitting sequence.
    pub(super) fn ddmin(&mut self, cfg: &Config, mut choices: Vec<Actor>) -> Vec<Actor> {
        let mut n = 2usize;
        while choices.len() >= 2 {
            let len = choices.len();
            let chunk = len.div_ceil(n);
            let mut reduced = false;
            let mut start = 0;
            while start < len {
                let end = (start + chunk).min(len);
                let cand: Vec<Actor> = choices[..start]
                    .iter()
                    .chain(&choices[end..])
                    .copied()
                    .collect();
                if let Some(hit) = self.run(cfg, &cand) {
                    if hit.taken.len() < choices.len() {
                        choices = hit.taken;
                        n = (n - 1).max(2);
                        reduced = true;
                        break;
                    }
                }
                start = end;
            }
            if self.tests >= MAX_TESTS {
                break;
            }
            if !reduced {
                if n >= len {
                    break;
                }
                n = (2 * n).min(len);
            }
        }
        choices
    }
}
