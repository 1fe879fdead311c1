//! The timed scheduler: discrete events over simulated nanoseconds, each step costing its
//! configured time.

use rand::Rng;
use rand_pcg::Pcg32;

use super::idx;
use crate::config::TimedCosts;
use crate::model::{HwFault, Pc, StepKind, System};
use crate::Actor;

/// Discrete-event scheduler over simulated nanoseconds.
#[derive(Clone, Debug)]
pub struct TimedSched {
    rng: Pcg32,
    costs: TimedCosts,
    /// Earliest time each actor (submitters, then hardware) can take its next step.
    ready: Vec<u64>,
    /// When `q_lock` was last released.
    lock_free_at: u64,
    /// When `IQT` was last written.
    doorbell_at: u64,
    pub now: u64,
}

impl TimedSched {
    pub(super) fn new(rng: Pcg32, costs: &TimedCosts, submitters: usize) -> Self {
        TimedSched {
            rng,
            costs: costs.clone(),
            ready: vec![0; submitters + 1],
            lock_free_at: 0,
            doorbell_at: 0,
            now: 0,
        }
    }

    fn effective(&self, sys: &System, a: Actor) -> u64 {
        let n = sys.subs.len();
        let r = self.ready[idx(a, n)];
        match a {
            Actor::Hardware | Actor::Fetch | Actor::Fault(_) => r.max(self.doorbell_at),
            Actor::Submitter(i) => {
                if sys.subs[i as usize].pc.needs_lock() {
                    r.max(self.lock_free_at)
                } else {
                    r
                }
            }
        }
    }

    pub(super) fn pick(&mut self, sys: &System, enabled: &[Actor]) -> Actor {
        let mut best = enabled[0];
        let mut best_t = self.effective(sys, best);
        for &a in &enabled[1..] {
            let t = self.effective(sys, a);
            if t < best_t {
                best = a;
                best_t = t;
            }
        }
        self.now = self.now.max(best_t);
        best
    }

    fn jitter(&mut self, ns: u64) -> u64 {
        if self.costs.jitter == 0.0 || ns == 0 {
            return ns;
        }
        let f = 1.0 + self.costs.jitter * (2.0 * self.rng.random::<f64>() - 1.0);
        (ns as f64 * f).round().max(0.0) as u64
    }

    pub(super) fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
        let c = &self.costs;
        let base = match kind {
            StepKind::Lock { handoff } => {
                if handoff {
                    c.lock_handoff_ns
                } else {
                    c.lock_ns
                }
            }
            StepKind::CheckSpace { .. } => c.check_space_ns,
            StepKind::Unlock | StepKind::Restart => c.unlock_ns + c.relax_ns,
            StepKind::Write { descs } => c.desc_write_ns * u64::from(descs),
            StepKind::Doorbell => c.doorbell_ns,
            StepKind::Poll { .. } => c.poll_ns,
            StepKind::Mark => c.mark_ns,
            StepKind::Reclaim => c.reclaim_ns,
            StepKind::HwInv { ty } => c.hw_ns(ty),
            StepKind::HwWait { drain } => c.hw_wait_ns + if drain { c.hw_drain_ns } else { 0 },
            StepKind::HwFault { fault } => match fault {
                HwFault::Ite | HwFault::Gone => c.hw_timeout_ns,
                _ => c.hw_iotlb_ns,
            },
            StepKind::HwFetch => 0,
            StepKind::HwIdle => 0,
        };
        let cost = self.jitter(base);
        let n = sys.subs.len();
        let end = self.now + cost;
        let k = idx(actor, n);
        self.ready[k] = end;
        match kind {
            StepKind::Unlock | StepKind::Restart => self.lock_free_at = end,
            StepKind::Doorbell => self.doorbell_at = end,
            _ => {}
        }
        if let Actor::Submitter(i) = actor {
            // Think time after a return: begin_call stamped started_ns for the next call.
            let s = &sys.subs[i as usize];
            if s.pc == Pc::Lock && s.started_ns > end {
                self.ready[k] = s.started_ns;
            }
        }
    }
}
