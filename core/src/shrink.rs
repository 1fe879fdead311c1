//! Counterexample minimisation: turns a finding's schedule into a shorter one that still
//! reproduces a finding of the same kind.

use crate::config::{Config, SchedulerConfig};
use crate::hunt::Minimized;
use crate::oracle::FindingKind;
use crate::replay;
use crate::sim::Simulation;

/// Replays `choices` against `cfg`; returns the steps taken if a finding of `kind` appears.
pub fn reproduces(cfg: &Config, choices: &str, kind: FindingKind) -> Option<(u64, Simulation)> {
    let mut c = cfg.clone();
    c.scheduler = SchedulerConfig::Replay {
        choices: choices.to_string(),
    };
    c.trace = true;
    let mut sim = Simulation::new(c).ok()?;
    sim.run();
    let found = sim.findings().iter().any(|f| f.kind == kind);
    found.then(|| (sim.steps(), sim))
}

/// Minimises the schedule `replay_str` of a run of `cfg` that found `kind`: the schedule is cut
/// right after the step that revealed the finding.
pub fn minimize(cfg: &Config, replay_str: &str, kind: &FindingKind) -> Option<Minimized> {
    let choices = replay::parse_limited(replay_str, cfg.step_limit).ok()?;
    let (_, sim) = reproduces(cfg, replay_str, *kind)?;
    let at = sim.findings().iter().find(|f| f.kind == *kind)?.step;
    let cut = replay::encode(&choices[..(at as usize + 1).min(choices.len())]);
    let (steps, sim) = reproduces(cfg, &cut, *kind)?;
    Some(Minimized {
        config: sim.config().clone(),
        replay: cut,
        steps,
        timeline: sim.timeline(),
    })
}
