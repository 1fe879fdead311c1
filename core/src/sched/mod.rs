//! Schedulers: pick one actor that can move per step (DESIGN.md section 7), one file per
//! strategy. The step driver ([`crate::sim`]) asks through [`Picker`].

use rand::SeedableRng;
use rand_pcg::Pcg32;

use crate::config::{Config, SchedulerConfig};
use crate::model::{StepKind, System};
use crate::Actor;

mod pct;
mod random;
mod replay;
mod timed;

pub use pct::PctSched;
pub use random::{below, RandomSched};
pub use replay::ReplaySched;
pub use timed::TimedSched;

/// Why a scheduler could not pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickError {
    /// The replay has no more choices.
    ReplayEnded,
    /// The replay names an actor that cannot move at this step.
    ReplayDiverged { step: u64, actor: Actor },
}

/// What the step driver asks of a scheduler.
pub trait Picker {
    /// Whether a pick of the hardware engine is resolved into one of its steps (fault, fetch
    /// or completion) by the simulator's hardware stream; false for a forced step.
    const RESOLVES_HW: bool = true;
    /// The actor for `step`; `Ok(None)` when no actor can move. `enabled` is scratch space.
    fn pick(
        &mut self,
        sys: &System,
        enabled: &mut Vec<Actor>,
        step: u64,
    ) -> Result<Option<Actor>, PickError>;
    /// What the chosen step did.
    fn after(&mut self, sys: &System, actor: Actor, kind: StepKind);
    /// Simulated time now (timed scheduler), else 0.
    #[inline(always)]
    fn now(&self) -> u64 {
        0
    }
    /// The end in simulated ns of the step that started at `now` (timed scheduler), else
    /// `None`.
    #[inline(always)]
    fn timed_end(&self, now: u64) -> Option<u64> {
        let _ = now;
        None
    }
}

/// A configured scheduler.
#[derive(Clone, Debug)]
pub enum Scheduler {
    Random(RandomSched),
    Pct(PctSched),
    Replay(ReplaySched),
    Timed(TimedSched),
}

const SCHED_STREAM: u64 = 0x5eed_5c4e_d000_0001;

/// Index of an actor in per-actor tables: submitters, then the hardware engine.
fn idx(a: Actor, n: usize) -> usize {
    match a {
        Actor::Submitter(i) => i as usize,
        Actor::Hardware | Actor::Fetch | Actor::Fault(_) => n,
    }
}

/// Rough number of steps a run takes (PCT spreads its change points over it).
pub fn estimate_steps(cfg: &Config) -> u64 {
    (0..cfg.submitters as usize)
        .map(|i| {
            let w = cfg.workload_of(i);
            w.submissions
                .saturating_mul(12 + 2 * u64::from(w.batch.max_count()))
        })
        .fold(0u64, |a, b| a.saturating_add(b))
        .clamp(1, cfg.step_limit)
}

/// Fills `enabled` with the actors that can move; schedulers other than replay see the
/// hardware engine as one actor (its faults and fetches are the simulator's choice). False
/// when nothing can move.
#[inline]
fn enabled_list(sys: &System, enabled: &mut Vec<Actor>, keep_hw_steps: bool) -> bool {
    sys.enabled_into(enabled);
    if !keep_hw_steps {
        if let Some(p) = enabled.iter().position(|a| *a == Actor::Hardware) {
            enabled.truncate(p + 1);
        }
    }
    !enabled.is_empty()
}

impl Scheduler {
    /// The scheduler of a validated config, starting at `sys`.
    pub fn new(cfg: &Config, sys: &System) -> Self {
        let rng = Pcg32::seed_from_u64(cfg.seed ^ SCHED_STREAM);
        match &cfg.scheduler {
            SchedulerConfig::Random { hw_weight } => {
                Scheduler::Random(RandomSched::new(rng, *hw_weight, sys))
            }
            SchedulerConfig::Pct { depth, steps } => {
                Scheduler::Pct(PctSched::new(rng, *depth, *steps, cfg))
            }
            SchedulerConfig::Replay { choices } => Scheduler::Replay(ReplaySched::new(choices)),
            SchedulerConfig::Timed { costs } => {
                Scheduler::Timed(TimedSched::new(rng, costs, cfg.submitters as usize))
            }
        }
    }
}

impl Picker for Scheduler {
    #[inline]
    fn pick(
        &mut self,
        sys: &System,
        enabled: &mut Vec<Actor>,
        step: u64,
    ) -> Result<Option<Actor>, PickError> {
        if let Scheduler::Random(r) = self {
            return r.pick(sys, enabled, step);
        }
        if !enabled_list(sys, enabled, matches!(self, Scheduler::Replay(_))) {
            return Ok(None);
        }
        Ok(Some(match self {
            Scheduler::Random(_) => unreachable!("picked above"),
            Scheduler::Pct(p) => p.pick(sys, enabled, step),
            Scheduler::Replay(r) => {
                let a = r.choice(step).ok_or(PickError::ReplayEnded)?;
                if !enabled.contains(&a) {
                    return Err(PickError::ReplayDiverged { step, actor: a });
                }
                a
            }
            Scheduler::Timed(t) => t.pick(sys, enabled),
        }))
    }

    #[inline]
    fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
        match self {
            Scheduler::Random(r) => r.after(sys, actor, kind),
            Scheduler::Pct(p) => p.after(sys, actor, kind),
            Scheduler::Timed(t) => t.after(sys, actor, kind),
            Scheduler::Replay(_) => {}
        }
    }

    #[inline]
    fn now(&self) -> u64 {
        match self {
            Scheduler::Timed(t) => t.now,
            _ => 0,
        }
    }

    #[inline]
    fn timed_end(&self, now: u64) -> Option<u64> {
        match self {
            Scheduler::Timed(t) => Some(t.now.max(now)),
            _ => None,
        }
    }
}

/// A step of a chosen actor (interactive visualisers), told to the scheduler like any other.
pub struct Forced<'a> {
    pub sched: &'a mut Scheduler,
    pub actor: Actor,
}

impl Picker for Forced<'_> {
    const RESOLVES_HW: bool = false;
    fn pick(&mut self, _: &System, _: &mut Vec<Actor>, _: u64) -> Result<Option<Actor>, PickError> {
        Ok(Some(self.actor))
    }
    fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
        self.sched.after(sys, actor, kind);
    }
    fn now(&self) -> u64 {
        self.sched.now()
    }
    fn timed_end(&self, now: u64) -> Option<u64> {
        self.sched.timed_end(now)
    }
}
