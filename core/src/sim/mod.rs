//! The step-level simulator: a [`System`] driven by a scheduler, with trace, metrics and
//! findings. Deterministic: the same config (seed included) gives the same trace everywhere.
//!
//! Every step of every run goes through one driver, generic over the picker (any
//! [`Scheduler`], the random scheduler alone for hunting, a forced actor) and the trace sink
//! (a [`Trace`] or [`NoTrace`]); monomorphised, the hunting case tests nothing it does not use.

use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg32;

use crate::config::{Config, SchedulerConfig, StopOn};
use crate::error::ConfigError;
use crate::hash::stable_hash;
use crate::metrics::Metrics;
use crate::model::{Finding, FindingKind, HwFault, StateView, System};
use crate::replay::Schedule;
use crate::sched::{Forced, PickError, Picker, Scheduler};
use crate::trace::{render_timeline, Event, NoTrace, Op, Trace, TraceSink};
use crate::Actor;

mod report;

use report::account_return;
pub use report::{Outcome, RunReport};

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

/// Everything a step touches but the picker and the sink.
#[derive(Clone, Debug)]
struct Run {
    cfg: Config,
    sys: System,
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

impl Run {
    /// The driver: up to `n` steps picked by `p`, traced into `sink`. Returns the steps taken.
    /// A run ends at the step limit only when a step is asked for there.
    #[inline(always)]
    fn drive<P: Picker, T: TraceSink>(&mut self, p: &mut P, sink: &mut T, n: u64) -> u64 {
        let start = self.step;
        let end = start.saturating_add(n).min(self.cfg.step_limit);
        while self.outcome.is_none() {
            if self.step >= end {
                if self.step >= self.cfg.step_limit && self.step - start < n {
                    self.finish(Outcome::StepLimit);
                }
                break;
            }
            // Recording or not is fixed for the run: a loop each, no test per step.
            let r = if self.record {
                self.steps_until::<true, P, T>(p, sink, end)
            } else {
                self.steps_until::<false, P, T>(p, sink, end)
            };
            if let Err(e) = r {
                self.stop(e, sink);
            }
            self.take_findings(sink);
        }
        self.metrics.steps = self.step;
        self.step - start
    }

    /// Steps until `end`, a finding or a halt; `Err` when nothing could be picked (`None`:
    /// nothing can move).
    #[inline(always)]
    fn steps_until<const RECORD: bool, P: Picker, T: TraceSink>(
        &mut self,
        p: &mut P,
        sink: &mut T,
        end: u64,
    ) -> Result<(), Option<PickError>> {
        let Run {
            sys,
            metrics,
            schedule,
            step,
            enabled,
            hw_rng,
            ..
        } = self;
        let mut hw_rng = if P::RESOLVES_HW {
            hw_rng.as_mut()
        } else {
            None
        };
        let mut s = *step;
        let r = loop {
            if s >= end {
                break Ok(());
            }
            let actor = match p.pick(sys, enabled, s) {
                Ok(Some(a)) => a,
                Ok(None) => break Err(None),
                Err(e) => break Err(Some(e)),
            };
            let actor = match (&mut hw_rng, actor) {
                (Some(rng), Actor::Hardware) => resolve_hardware(rng, sys),
                _ => actor,
            };
            if RECORD {
                schedule.push(actor);
            }
            let now = p.now();
            let info = sys.apply(actor, s, now, sink);
            p.after(sys, actor, info.kind);
            let timed_end = p.timed_end(now);
            if let Some(end) = timed_end {
                metrics.time_ns = metrics.time_ns.max(end);
            }
            if info.returned {
                account_return(metrics, &sys.tally.last_return, s, timed_end);
            }
            s += 1;
            if !sys.found.is_empty() | sys.halted {
                break Ok(());
            }
        };
        *step = s;
        r
    }

    /// Nothing could be picked: the replay ended or diverged, or nothing can move.
    #[cold]
    fn stop<T: TraceSink>(&mut self, e: Option<PickError>, sink: &mut T) {
        match e {
            None => self.stop_stuck(sink),
            Some(PickError::ReplayEnded) => self.finish(Outcome::ReplayEnded),
            Some(PickError::ReplayDiverged { step, actor }) => {
                self.finish(Outcome::ReplayDiverged { step, actor })
            }
        }
    }

    /// Nothing can move: completed, or a deadlock.
    #[cold]
    fn stop_stuck<T: TraceSink>(&mut self, sink: &mut T) {
        if self.sys.all_done() {
            self.finish(Outcome::Completed);
            return;
        }
        let f = Finding {
            kind: FindingKind::Deadlock,
            step: self.step,
            actor: Actor::Hardware,
            submitter: None,
            slot: None,
            message: "no actor can move but work remains".into(),
            fault_path: self.sys.fault_log.classify(None),
        };
        self.push_finding(f, sink);
        self.finish(Outcome::Deadlock);
    }

    fn finish(&mut self, o: Outcome) {
        if self.outcome.is_none() {
            self.outcome = Some(o);
        }
    }

    /// Moves the system's new findings into the report and ends the run if they end it.
    #[inline]
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

    /// Copies the counters the steps keep in the system's [`Tally`](crate::model::Tally) into
    /// the metrics.
    fn sync_counters(&mut self) {
        let tally = &self.sys.tally;
        self.metrics.hw_steps = tally.hw_steps;
        for (m, c) in self.metrics.per_submitter.iter_mut().zip(&tally.counters) {
            m.lock_acquisitions = c.lock_acquisitions;
            m.lock_handoffs = c.lock_handoffs;
            m.spins = c.spins;
            m.space_retries = c.space_retries;
            m.restarts = c.restarts;
        }
    }
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
            (Some(t), s) => run.drive(s, t, n),
            // Hunting: the random scheduler's own fast path, no trace.
            (None, Scheduler::Random(r)) => run.drive(r, &mut NoTrace, n),
            (None, s) => run.drive(s, &mut NoTrace, n),
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

/// Runs `cfg` to the end.
pub fn run(cfg: Config) -> Result<RunReport, ConfigError> {
    Ok(Simulation::new(cfg)?.run())
}
