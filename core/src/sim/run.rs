//! One run's state and its step driver: everything a step touches but the picker and the
//! sink, and how the hardware engine's own choices are drawn.

use rand::{Rng, RngCore};
use rand_pcg::Pcg32;

use super::report::account_return;
use super::{Outcome, MAX_FINDINGS};
use crate::config::{Config, StopOn};
use crate::metrics::Metrics;
use crate::model::{Finding, FindingKind, HwFault, System};
use crate::replay::Schedule;
use crate::sched::{PickError, Picker};
use crate::trace::{Op, TraceSink};
use crate::Actor;

/// Everything a step touches but the picker and the sink.
#[derive(Clone, Debug)]
pub(super) struct Run {
    pub(super) cfg: Config,
    pub(super) sys: System,
    pub(super) metrics: Metrics,
    pub(super) findings: Vec<Finding>,
    pub(super) schedule: Schedule,
    pub(super) step: u64,
    pub(super) outcome: Option<Outcome>,
    pub(super) enabled: Vec<Actor>,
    pub(super) record: bool,
    /// Draws of the hardware engine's own choices (own stream; `None` when the schedule is
    /// replayed, where every hardware step is an explicit choice).
    pub(super) hw_rng: Option<Pcg32>,
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
    pub(super) fn drive<P: Picker, T: TraceSink>(
        &mut self,
        p: &mut P,
        sink: &mut T,
        n: u64,
    ) -> u64 {
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
    pub(super) fn steps_until<const RECORD: bool, P: Picker, T: TraceSink>(
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
    pub(super) fn stop<T: TraceSink>(&mut self, e: Option<PickError>, sink: &mut T) {
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
    pub(super) fn stop_stuck<T: TraceSink>(&mut self, sink: &mut T) {
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

    pub(super) fn finish(&mut self, o: Outcome) {
        if self.outcome.is_none() {
            self.outcome = Some(o);
        }
    }

    /// Moves the system's new findings into the report and ends the run if they end it.
    #[inline]
    pub(super) fn take_findings<T: TraceSink>(&mut self, sink: &mut T) {
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

    pub(super) fn push_finding<T: TraceSink>(&mut self, f: Finding, sink: &mut T) {
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
    pub(super) fn sync_counters(&mut self) {
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
