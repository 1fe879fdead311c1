//! The step-level simulator: a [`System`] driven by a scheduler, with trace, metrics and
//! findings. Deterministic: the same config (seed included) gives the same trace everywhere.
//!
//! Every step of every run goes through one driver, generic over the picker (any
//! [`Scheduler`], the random scheduler alone for hunting, a forced actor) and the trace sink
//! (a [`Trace`] or [`NoTrace`]); monomorphised, the hunting case tests nothing it does not use.

use rand::SeedableRng;
use rand_pcg::Pcg32;

use crate::config::{Config, SchedulerConfig};
use crate::error::ConfigError;
use crate::hash::stable_hash;
use crate::metrics::Metrics;
use crate::model::{Finding, StateView, System};
use crate::replay::Schedule;
use crate::sched::{Forced, Picker, Scheduler};
use crate::trace::{render_timeline, Event, NoTrace, Trace, TraceSink};
use crate::Actor;

mod report;
mod run;

pub use report::{Outcome, RunReport};
use run::Run;

/// At most this many findings are kept per run (a broken policy can fire on every step).
pub const MAX_FINDINGS: usize = 1000;

const HW_STREAM: u64 = 0xfa17_0000_0000_0001;

/// A simulation in progress.
#[derive(Clone, Debug)]
pub struct Simulation {
    run: Run,
    sched: Scheduler,
    trace: Option<Trace>,
}

impl Simulation {
    /// Validates `cfg` and sets up the initial state.
    pub fn new(cfg: Config) -> Result<Self, ConfigError> {
        cfg.validate()?;
        let timed = matches!(cfg.scheduler, SchedulerConfig::Timed { .. });
        let sys = System::new(&cfg);
        Ok(Simulation {
            sched: Scheduler::new(&cfg, &sys),
            trace: cfg.trace.then(|| Trace::new(cfg.trace_capacity as usize)),
            run: Run {
                sys,
                metrics: Metrics::new(cfg.submitters, timed, cfg.bucket, cfg.max_buckets),
                findings: Vec::new(),
                schedule: Schedule::new(),
                step: 0,
                outcome: None,
                enabled: Vec::with_capacity(cfg.submitters as usize + 1),
                record: cfg.record_schedule,
                hw_rng: (!matches!(cfg.scheduler, SchedulerConfig::Replay { .. }))
                    .then(|| Pcg32::seed_from_u64(cfg.seed ^ HW_STREAM)),
                cfg,
            },
        })
    }

    /// The validated config.
    pub fn config(&self) -> &Config {
        &self.run.cfg
    }

    /// The modelled system (for explorers and tests).
    pub fn system(&self) -> &System {
        &self.run.sys
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.run.step
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.run.outcome.as_ref()
    }

    /// True once the run is over.
    pub fn is_done(&self) -> bool {
        self.run.outcome.is_some()
    }

    /// Findings so far.
    pub fn findings(&self) -> &[Finding] {
        &self.run.findings
    }

    /// Metrics so far.
    pub fn metrics(&self) -> &Metrics {
        &self.run.metrics
    }

    /// Actors that can move now.
    pub fn enabled(&self) -> Vec<Actor> {
        let mut v = Vec::new();
        self.run.sys.enabled_into(&mut v);
        v
    }

    /// Ends the run as the driver does when nothing can move (completed, or a deadlock): for
    /// callers that step actors themselves ([`Simulation::step_actor`]). No effect while an
    /// actor can move or once the run is over.
    pub fn settle(&mut self) {
        if self.run.outcome.is_none() && self.enabled().is_empty() {
            let Simulation { run, trace, .. } = self;
            match trace {
                Some(t) => run.stop_stuck(t),
                None => run.stop_stuck(&mut NoTrace),
            }
        }
    }

    /// Full current state for visualisers.
    pub fn state(&self) -> StateView {
        self.run.sys.view(self.run.step, self.sched.now())
    }

    /// Recorded trace events (empty unless `trace` is on).
    pub fn trace(&self) -> Vec<Event> {
        self.trace.as_ref().map(|t| t.to_vec()).unwrap_or_default()
    }

    /// Stable hash of the whole trace (`None` unless `trace` is on).
    pub fn trace_hash(&self) -> Option<u64> {
        self.trace.as_ref().map(|t| t.hash())
    }

    /// The column timeline of the recorded trace.
    pub fn timeline(&self) -> String {
        render_timeline(&self.trace(), self.run.cfg.submitters)
    }

    /// The recorded trace as one row per step (the timeline's wording; `trace::rows`), findings
    /// placed with the submitter they concern.
    pub fn timeline_rows(&self) -> Vec<crate::trace::Row> {
        crate::trace::rows(&self.trace(), &self.run.findings)
    }

    /// The schedule so far as a replay string.
    pub fn replay(&self) -> String {
        self.run.schedule.encode()
    }

    /// Takes one scheduled step. Returns false once the run is over.
    pub fn step(&mut self) -> bool {
        self.step_n(1) == 1
    }

    /// Takes up to `n` steps; returns how many were taken.
    pub fn step_n(&mut self, n: u64) -> u64 {
        let Simulation { run, sched, trace } = self;
        let taken = match (trace, sched) {
            (Some(t), s) => drive(run, s, t, n),
            // Hunting: the random scheduler's own fast path, no trace.
            (None, Scheduler::Random(r)) => drive(run, r, &mut NoTrace, n),
            (None, s) => drive(run, s, &mut NoTrace, n),
        };
        run.sync_counters();
        taken
    }

    /// Steps `actor` now, bypassing the scheduler (interactive visualisers, explorers).
    pub fn step_actor(&mut self, actor: Actor) -> Result<(), String> {
        if self.run.outcome.is_some() {
            return Err("the run is over".into());
        }
        if !self.run.sys.is_enabled(actor) {
            return Err(format!(
                "{} cannot move at step {}",
                actor,
                self.run.step + 1
            ));
        }
        let Simulation { run, sched, trace } = self;
        let mut p = Forced { sched, actor };
        match trace {
            Some(t) => run.drive(&mut p, t, 1),
            None => run.drive(&mut p, &mut NoTrace, 1),
        };
        run.sync_counters();
        Ok(())
    }

    /// Runs to the end and reports.
    pub fn run(&mut self) -> RunReport {
        self.step_n(u64::MAX);
        self.report()
    }

    /// The report of the run so far.
    pub fn report(&self) -> RunReport {
        let r = &self.run;
        let run_hash = stable_hash(&(r.schedule.runs(), &r.findings));
        RunReport {
            config: r.cfg.clone(),
            seed: r.cfg.seed,
            scheduler: r.cfg.scheduler.name().to_string(),
            policy: r.cfg.policy.name().to_string(),
            outcome: r.outcome.clone().unwrap_or(Outcome::StepLimit),
            steps: r.step,
            time_ns: r.metrics.time_ns,
            findings: r.findings.clone(),
            replay: r.schedule.encode(),
            trace_hash: self.trace_hash().map(|h| format!("{h:016x}")),
            run_hash: format!("{run_hash:016x}"),
            latency_steps: r.metrics.latency_steps().summary(),
            latency_ns: r.metrics.latency_ns().summary(),
            throughput: r.metrics.throughput(),
            metrics: r.metrics.clone(),
        }
    }
}

/// [`Run::drive`] in a function of its own for each picker and sink. V8 (Node, Chromium)
/// allocates registers worse the larger a function is: with the three step loops of
/// [`Simulation::step_n`] in one function, the hunting loop ran 15 % slower in Node 20.
#[inline(never)]
fn drive<P: Picker, T: TraceSink>(run: &mut Run, p: &mut P, sink: &mut T, n: u64) -> u64 {
    run.drive(p, sink, n)
}

/// Runs `cfg` to the end.
pub fn run(cfg: Config) -> Result<RunReport, ConfigError> {
    Ok(Simulation::new(cfg)?.run())
}
