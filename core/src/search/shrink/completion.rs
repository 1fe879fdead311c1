//! The round-robin completion of a schedule after its choices run out: the rule the
//! shrinker's lenient runs follow, and [`complete`], which runs a replay on to its consequence
//! for the viewer.

use serde::{Deserialize, Serialize};

use crate::config::{Config, SchedulerConfig};
use crate::error::ConfigError;
use crate::model::FindingKind;
use crate::model::System;
use crate::replay;
use crate::sim::Simulation;
use crate::Actor;

/// The largest `limit` [`complete`] accepts.
pub const MAX_COMPLETION_STEPS: u64 = 1_000_000;

/// The completion of a schedule after its choices run out: every enabled actor in turn
/// (round robin over [`System::enabled_into`]'s order, starting after the first), until the run
/// ends. The one rule the shrinker's lenient runs and [`complete`] (the viewer's "continue to
/// the consequence") both follow.
#[derive(Debug, Default)]
pub struct RoundRobin {
    rr: usize,
    en: Vec<Actor>,
}

impl RoundRobin {
    /// The next actor to move in `sys`, or `None` when nothing can move.
    pub fn next(&mut self, sys: &System) -> Option<Actor> {
        sys.enabled_into(&mut self.en);
        if self.en.is_empty() {
            return None;
        }
        self.rr = (self.rr + 1) % self.en.len();
        Some(self.en[self.rr])
    }
}

/// A schedule run to its end by [`complete`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Completion {
    /// The whole schedule: the given choices, then the round robin's.
    pub replay: String,
    pub steps: u64,
    /// Distinct finding kinds of the run, in order of first appearance.
    pub kinds: Vec<FindingKind>,
    /// Whether the run ended (completed, lockup, deadlock, ...) within `limit` extra steps.
    pub ended: bool,
}

/// Runs the replay string `replay` on `cfg`, then lets every actor move in turn
/// ([`RoundRobin`], as the shrinker completes its candidates) for at most `limit` more steps or
/// until the run ends: a minimised root cause followed by its consequence. Errors name the field:
/// `replay` (does not parse, or does not replay on `cfg`), `limit` (above
/// [`MAX_COMPLETION_STEPS`]), or the config's own.
pub fn complete(cfg: &Config, replay_str: &str, limit: u64) -> Result<Completion, ConfigError> {
    if limit > MAX_COMPLETION_STEPS {
        return Err(ConfigError::range(
            "limit",
            limit as f64,
            0.0,
            MAX_COMPLETION_STEPS as f64,
        ));
    }
    let choices = replay::parse_limited(replay_str, cfg.step_limit)
        .map_err(|e| ConfigError::new("replay", e.to_string()))?;
    let mut c = cfg.clone();
    c.scheduler = SchedulerConfig::Replay {
        choices: replay_str.to_string(),
    };
    c.trace = false;
    c.record_schedule = true;
    // The replay is set as the scheduler's choices: what validation says of those is `replay`.
    let mut sim = Simulation::new(c).map_err(|e| {
        if e.field.starts_with("scheduler") {
            ConfigError {
                field: "replay".into(),
                ..e
            }
        } else {
            e
        }
    })?;
    let n = choices.len() as u64;
    let took = sim.step_n(n);
    if took < n {
        return Err(ConfigError::new(
            "replay",
            format!(
                "does not replay on this config: the run stopped after {took} of its {n} choices ({:?})",
                sim.outcome()
            ),
        ));
    }
    let mut robin = RoundRobin::default();
    for _ in 0..limit {
        if sim.is_done() {
            break;
        }
        let Some(a) = robin.next(sim.system()) else {
            // Nothing can move: completed or a deadlock, decided as the driver decides it.
            sim.settle();
            break;
        };
        sim.step_actor(a)
            .map_err(|e| ConfigError::new("replay", e))?;
    }
    let mut kinds = Vec::new();
    for f in sim.findings() {
        if !kinds.contains(&f.kind) {
            kinds.push(f.kind);
        }
    }
    Ok(Completion {
        replay: sim.replay(),
        steps: sim.steps(),
        kinds,
        ended: sim.is_done(),
    })
}
