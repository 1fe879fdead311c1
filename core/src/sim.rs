//! The step-level simulator: a [`System`] driven by a [`Scheduler`], with trace, metrics and
//! findings. Deterministic: the same config (seed included) gives the same trace everywhere.

use serde::{Deserialize, Serialize};

use crate::config::{Config, SchedulerConfig, StopOn};
use crate::error::ConfigError;
use crate::hash::stable_hash;
use crate::metrics::{Metrics, Percentiles};
use crate::model::HwFault;
use crate::model::{Finding, FindingKind};
use crate::model::{Returned, StateView, System};
use crate::replay::Schedule;
use crate::sched::{PickError, Scheduler};
use crate::trace::{render_timeline, Event, NoTrace, Op, Trace, TraceSink};
use crate::Actor;
use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg32;

/// At most this many findings are kept per run (a broken policy can fire on every step).
pub const MAX_FINDINGS: usize = 1000;

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// Every submitter returned from every call and hardware is idle.
    Completed,
    /// A lockup was proved (see findings).
    Lockup,
    /// No actor can move and work remains.
    Deadlock,
    /// `stepLimit` reached.
    StepLimit,
    /// The replay string ran out of choices.
    ReplayEnded,
    /// The replay named an actor that cannot move at `step`.
    ReplayDiverged { step: u64, actor: Actor },
    /// `stopOn: firstFinding` and something was found.
    StoppedOnFinding,
}

/// Everything about a finished (or stopped) run, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub config: Config,
    pub seed: u64,
    pub scheduler: String,
    pub policy: String,
    pub outcome: Outcome,
    pub steps: u64,
    pub time_ns: u64,
    pub findings: Vec<Finding>,
    /// The exact schedule (see [`crate::replay`]).
    pub replay: String,
    /// Stable hash of the trace as 16 hex digits (only when `trace` is on).
    pub trace_hash: Option<String>,
    /// Stable hash of schedule and findings as 16 hex digits (always).
    pub run_hash: String,
    pub latency_steps: Percentiles,
    pub latency_ns: Percentiles,
    /// Invalidations per µs (timed) or per 1000 steps.
    pub throughput: f64,
    pub metrics: Metrics,
}

impl RunReport {
    /// True if any finding is of `kind`.
    pub fn has(&self, kind: FindingKind) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }
}

/// A simulation in progress.
#[derive(Clone, Debug)]
pub struct Simulation {
    cfg: Config,
    sys: System,
    sched: Scheduler,
    trace: Option<Trace>,
    metrics: Metrics,
    findings: Vec<Finding>,
    schedule: Schedule,
    step: u64,
    outcome: Option<Outcome>,
    enabled: Vec<Actor>,
    record: bool,
    /// Draws of the hardware engine's own choices (own stream; `None` when the schedule is
    /// replayed, where every hardware step is an explicit choice).
    hw_rng: Option<Pcg32>,
}

const HW_STREAM: u64 = 0xfa17_0000_0000_0001;

/// The scheduler picked the hardware engine: which step does it take? Each enabled fault with
/// its rate; else fetching one more descriptor ahead or completing the oldest pending one,
/// uniformly when both can happen. Schedulers choose *who* moves; this chooses *what* the
/// hardware does, the same way on every path.
#[inline(always)]
fn resolve_hardware(rng: &mut Pcg32, sys: &System) -> Actor {
    if !sys.params.faults.is_off() {
        for f in HwFault::ALL {
            let rate = sys.params.faults.rate(f);
            if rate > 0.0 && sys.is_enabled(Actor::Fault(f)) && rng.random_bool(rate) {
                return Actor::Fault(f);
            }
        }
    }
    if sys.fetch_enabled() && rng.next_u32() & 1 == 1 {
        Actor::Fetch
    } else {
        Actor::Hardware
    }
}

impl Simulation {
    /// Validates `cfg` and sets up the initial state.
    pub fn new(cfg: Config) -> Result<Self, ConfigError> {
        cfg.validate()?;
        let timed = matches!(cfg.scheduler, SchedulerConfig::Timed { .. });
        Ok(Simulation {
            sys: System::new(&cfg),
            sched: Scheduler::new(&cfg),
            trace: cfg.trace.then(|| Trace::new(cfg.trace_capacity as usize)),
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
        })
    }

    /// The validated config.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The modelled system (for explorers and tests).
    pub fn system(&self) -> &System {
        &self.sys
    }

    /// Steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// How the run ended, once it has.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// True once the run is over.
    pub fn is_done(&self) -> bool {
        self.outcome.is_some()
    }

    /// Findings so far.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Metrics so far.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Actors that can move now.
    pub fn enabled(&self) -> Vec<Actor> {
        let mut v = Vec::new();
        self.sys.enabled_into(&mut v);
        v
    }

    /// Full current state for visualisers.
    pub fn state(&self) -> StateView {
        self.sys.view(self.step, self.sched.now())
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
        render_timeline(&self.trace(), self.cfg.submitters)
    }

    /// The schedule so far as a replay string.
    pub fn replay(&self) -> String {
        self.schedule.encode()
    }

    /// Takes one scheduled step. Returns false once the run is over.
    pub fn step(&mut self) -> bool {
        let r = match self.trace.take() {
            Some(mut t) => {
                let r = self.step_with(None, &mut t);
                self.trace = Some(t);
                r
            }
            None => self.step_with(None, &mut NoTrace),
        };
        self.sync_counters();
        r
    }

    /// Copies the counters the steps keep in [`System`] into the metrics.
    fn sync_counters(&mut self) {
        self.metrics.hw_steps = self.sys.hw_steps;
        for (m, c) in self
            .metrics
            .per_submitter
            .iter_mut()
            .zip(&self.sys.counters)
        {
            m.lock_acquisitions = c.lock_acquisitions;
            m.lock_handoffs = c.lock_handoffs;
            m.spins = c.spins;
            m.space_retries = c.space_retries;
            m.restarts = c.restarts;
        }
    }

    /// Takes up to `n` steps; returns how many were taken.
    pub fn step_n(&mut self, n: u64) -> u64 {
        let start = self.step;
        match self.trace.take() {
            Some(mut t) => {
                for _ in 0..n {
                    if !self.step_with(None, &mut t) {
                        break;
                    }
                }
                self.trace = Some(t);
            }
            None => {
                let mut left = n;
                if !self.record {
                    left -= self.hunt_steps(n);
                }
                for _ in 0..left {
                    if !self.step_with(None, &mut NoTrace) {
                        break;
                    }
                }
            }
        }
        self.sync_counters();
        self.step - start
    }

    /// The hunting fast path: random scheduler, no trace, no schedule. Does exactly
    /// what [`Simulation::step_with`] does for those settings, without re-testing them every
    /// step; hands over to it for anything else (the end of the run, findings). Returns the
    /// steps taken.
    fn hunt_steps(&mut self, n: u64) -> u64 {
        let Simulation {
            cfg,
            sys,
            sched,
            metrics,
            step,
            outcome,
            hw_rng,
            ..
        } = self;
        let (Scheduler::Random(r), Some(hw_rng)) = (sched, hw_rng) else {
            return 0;
        };
        if outcome.is_some() || !sys.found.is_empty() || sys.halted {
            return 0;
        }
        let limit = cfg.step_limit.min(step.saturating_add(n));
        let start = *step;
        let mut now = start;
        while now < limit {
            let Some(mut actor) = r.pick_fast(sys) else {
                break;
            };
            if actor == Actor::Hardware {
                actor = resolve_hardware(hw_rng, sys);
            }
            let info = sys.apply(actor, now, 0, &mut NoTrace);
            if info.returned {
                account_return(metrics, &sys.last_return, now, None);
            }
            now += 1;
            if !sys.found.is_empty() | sys.halted {
                break;
            }
        }
        *step = now;
        metrics.steps = now;
        let taken = now - start;
        // Findings and halts of the last step, as step_with handles them.
        self.take_findings(&mut NoTrace);
        taken
    }

    /// Steps `actor` now, bypassing the scheduler (interactive visualisers, explorers).
    pub fn step_actor(&mut self, actor: Actor) -> Result<(), String> {
        if self.outcome.is_some() {
            return Err("the run is over".into());
        }
        if !self.sys.is_enabled(actor) {
            return Err(format!(
                "{} cannot move at step {}",
                crate::trace::actor_name(actor),
                self.step
            ));
        }
        match self.trace.take() {
            Some(mut t) => {
                self.step_with(Some(actor), &mut t);
                self.trace = Some(t);
            }
            None => {
                self.step_with(Some(actor), &mut NoTrace);
            }
        }
        self.sync_counters();
        Ok(())
    }

    /// Runs to the end and reports.
    pub fn run(&mut self) -> RunReport {
        self.step_n(u64::MAX);
        self.report()
    }

    fn finish(&mut self, o: Outcome) {
        if self.outcome.is_none() {
            self.outcome = Some(o);
        }
    }

    #[inline]
    fn step_with<T: TraceSink>(&mut self, forced: Option<Actor>, sink: &mut T) -> bool {
        if self.outcome.is_some() {
            return false;
        }
        if self.step >= self.cfg.step_limit {
            self.finish(Outcome::StepLimit);
            return false;
        }
        let fast = match (&mut self.sched, forced) {
            (Scheduler::Random(r), None) => r.pick_fast(&self.sys),
            _ => forced,
        };
        let actor = match fast {
            Some(a) => a,
            None => {
                self.sys.enabled_into(&mut self.enabled);
                if self.enabled.is_empty() {
                    if self.sys.all_done() {
                        self.finish(Outcome::Completed);
                    } else {
                        let f = Finding {
                            kind: FindingKind::Deadlock,
                            step: self.step,
                            actor: Actor::Hardware,
                            submitter: None,
                            slot: None,
                            message: "no actor can move but work remains".into(),
                        };
                        self.push_finding(f, sink);
                        self.finish(Outcome::Deadlock);
                    }
                    return false;
                }
                if !matches!(self.sched, Scheduler::Replay(_)) {
                    // Schedulers choose who moves: the hardware engine is one actor to them.
                    if let Some(p) = self.enabled.iter().position(|a| *a == Actor::Hardware) {
                        self.enabled.truncate(p + 1);
                    }
                }
                match self.sched.pick(&self.sys, &self.enabled, self.step) {
                    Ok(a) => a,
                    Err(PickError::ReplayEnded) => {
                        self.finish(Outcome::ReplayEnded);
                        return false;
                    }
                    Err(PickError::ReplayDiverged { step, actor }) => {
                        self.finish(Outcome::ReplayDiverged { step, actor });
                        return false;
                    }
                }
            }
        };
        let actor = match (&mut self.hw_rng, forced, actor) {
            (Some(rng), None, Actor::Hardware) => resolve_hardware(rng, &self.sys),
            _ => actor,
        };
        if self.record {
            self.schedule.push(actor);
        }
        let now = self.sched.now();
        let info = self.sys.apply(actor, self.step, now, sink);
        self.sched.after(&self.sys, actor, info.kind);
        let timed_end = match &self.sched {
            Scheduler::Timed(t) => Some(t.now.max(now)),
            _ => None,
        };
        if let Some(end) = timed_end {
            self.metrics.time_ns = self.metrics.time_ns.max(end);
        }
        if info.returned {
            account_return(
                &mut self.metrics,
                &self.sys.last_return,
                self.step,
                timed_end,
            );
        }
        self.step += 1;
        self.metrics.steps = self.step;
        self.take_findings(sink);
        true
    }

    /// Moves the system's new findings into the report and ends the run if they end it.
    fn take_findings<T: TraceSink>(&mut self, sink: &mut T) {
        if !self.sys.found.is_empty() {
            let found = std::mem::take(&mut self.sys.found);
            for f in found {
                self.push_finding(f, sink);
            }
            if self.cfg.stop_on == StopOn::FirstFinding {
                self.finish(Outcome::StoppedOnFinding);
            }
        }
        if self.sys.halted {
            self.finish(Outcome::Lockup);
        }
    }

    fn push_finding<T: TraceSink>(&mut self, f: Finding, sink: &mut T) {
        if self.findings.len() >= MAX_FINDINGS {
            return;
        }
        sink.emit(f.step, f.actor, || Op::Finding {
            kind: f.kind,
            message: f.message.clone(),
        });
        self.findings.push(f);
    }

    /// The report of the run so far.
    pub fn report(&self) -> RunReport {
        let run_hash = stable_hash(&(self.schedule.runs(), &self.findings));
        RunReport {
            config: self.cfg.clone(),
            seed: self.cfg.seed,
            scheduler: self.cfg.scheduler.name().to_string(),
            policy: self.cfg.policy.name().to_string(),
            outcome: self.outcome.clone().unwrap_or(Outcome::StepLimit),
            steps: self.step,
            time_ns: self.metrics.time_ns,
            findings: self.findings.clone(),
            replay: self.schedule.encode(),
            trace_hash: self.trace_hash().map(|h| format!("{h:016x}")),
            run_hash: format!("{run_hash:016x}"),
            latency_steps: self.metrics.latency_steps().summary(),
            latency_ns: self.metrics.latency_ns().summary(),
            throughput: self.metrics.throughput(),
            metrics: self.metrics.clone(),
        }
    }
}

/// Runs `cfg` to the end.
pub fn run(cfg: Config) -> Result<RunReport, ConfigError> {
    Ok(Simulation::new(cfg)?.run())
}

/// Counts a call that returned at `step` in `metrics`; `timed_end` is the step's end in
/// simulated ns under the timed scheduler. (Per-step counters are kept by [`System`] and
/// copied in by [`Simulation::sync_counters`].)
#[inline]
fn account_return(metrics: &mut Metrics, r: &Returned, step: u64, timed_end: Option<u64>) {
    let m = &mut metrics.per_submitter[r.submitter as usize];
    m.submissions += 1;
    m.descriptors += u64::from(r.count);
    m.latency_steps.record(step + 1 - r.started_step);
    if let Some(end) = timed_end {
        m.latency_ns.record(end.saturating_sub(r.started_ns));
    }
    metrics.submissions += 1;
    metrics.descriptors += u64::from(r.count);
    metrics
        .series
        .record(timed_end.unwrap_or(step), r.submitter, r.count);
}
