//! Schedulers: pick one enabled actor per step (DESIGN.md section 7).

use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg32;

use crate::config::{Config, SchedulerConfig, TimedCosts};
use crate::model::Pc;
use crate::model::{StepKind, System};
use crate::replay;
use crate::Actor;

/// Why a scheduler could not pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickError {
    /// The replay has no more choices.
    ReplayEnded,
    /// The replay names an actor that cannot move at this step.
    ReplayDiverged { step: u64, actor: Actor },
}

/// Uniform random choice (hardware weighted).
#[derive(Clone, Debug)]
pub struct RandomSched {
    rng: Pcg32,
    hw_weight: f64,
    /// `hw_weight == 1.0`: every actor equally likely (one integer draw).
    uniform: bool,
}

/// PCT: strict priorities with d-1 change points. A spin (poll not done, no space) yields: the
/// spinner drops to the lowest priority, otherwise a spinning high-priority submitter would
/// starve the hardware or the lock holder forever.
#[derive(Clone, Debug)]
pub struct PctSched {
    prio: Vec<i64>,
    change_points: Vec<u64>,
    next_low: i64,
}

/// Replays recorded choices, kept run-length encoded (a `q1:a100000000` string stays small).
#[derive(Clone, Debug)]
pub struct ReplaySched {
    runs: Vec<(Actor, u64)>,
    /// Index of the run covering the current step, and the step at which that run starts.
    run: usize,
    run_start: u64,
}

impl ReplaySched {
    /// The choice for `step` (steps only move forward).
    fn choice(&mut self, step: u64) -> Option<Actor> {
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

/// A configured scheduler.
#[derive(Clone, Debug)]
pub enum Scheduler {
    Random(RandomSched),
    Pct(PctSched),
    Replay(ReplaySched),
    Timed(TimedSched),
}

const SCHED_STREAM: u64 = 0x5eed_5c4e_d000_0001;

fn idx(a: Actor, n: usize) -> usize {
    match a {
        Actor::Submitter(i) => i as usize,
        Actor::Hardware | Actor::Fetch | Actor::Fault(_) => n,
    }
}

/// Uniform in `0..n` (n > 0) by Lemire's multiply-shift with rejection: unbiased, no division
/// on the common path, and the same on every platform. This is the hot path of hunting, where
/// `random_range`'s per-call zone computation showed in profiles.
#[inline]
pub fn below(rng: &mut Pcg32, n: u32) -> u32 {
    let mut m = u64::from(rng.next_u32()) * u64::from(n);
    if (m as u32) < n {
        let threshold = n.wrapping_neg() % n;
        while (m as u32) < threshold {
            m = u64::from(rng.next_u32()) * u64::from(n);
        }
    }
    (m >> 32) as u32
}

/// `SELECT8[b][k]`: position of the `k`-th set bit of the byte `b`; `SELECT8[b][8]`: how many
/// bits `b` has. A table because the bit-clearing loop's trip count is the random draw itself
/// (a mispredicted exit every step), and the default x86-64 target has no `popcnt`.
static SELECT8: [[u8; 9]; 256] = {
    let mut t = [[0u8; 9]; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        let mut bit = 0;
        while bit < 8 {
            if b & (1 << bit) != 0 {
                t[b][k] = bit as u8;
                k += 1;
            }
            bit += 1;
        }
        t[b][8] = k as u8;
        b += 1;
    }
    t
};

/// Position of the `k`-th set bit of `mask` (`k < mask.count_ones()`), a byte at a time.
#[inline]
fn select_bit(mask: u64, k: u32) -> u32 {
    let (mut m, mut k, mut base) = (mask, k, 0);
    loop {
        let row = &SELECT8[(m & 0xff) as usize];
        let c = u32::from(row[8]);
        if k < c {
            return base + u32::from(row[k as usize]);
        }
        k -= c;
        m >>= 8;
        base += 8;
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

impl Scheduler {
    /// Builds the scheduler of a validated config.
    pub fn new(cfg: &Config) -> Self {
        let rng = Pcg32::seed_from_u64(cfg.seed ^ SCHED_STREAM);
        let n = cfg.submitters as usize;
        match &cfg.scheduler {
            SchedulerConfig::Random { hw_weight } => Scheduler::Random(RandomSched {
                rng,
                hw_weight: *hw_weight,
                uniform: *hw_weight == 1.0,
            }),
            SchedulerConfig::Pct { depth, steps } => {
                let mut rng = rng;
                let k = if *steps == 0 {
                    estimate_steps(cfg)
                } else {
                    *steps
                };
                // Random permutation of priorities d..d+n (higher runs first).
                let mut prio: Vec<i64> = (0..=n as i64).map(|p| p + i64::from(*depth)).collect();
                for i in (1..prio.len()).rev() {
                    let j = rng.random_range(0..=i as u32) as usize;
                    prio.swap(i, j);
                }
                let mut change_points: Vec<u64> =
                    (1..*depth).map(|_| rng.random_range(0..k.max(1))).collect();
                change_points.sort_unstable();
                Scheduler::Pct(PctSched {
                    prio,
                    change_points,
                    next_low: 0,
                })
            }
            SchedulerConfig::Replay { choices } => Scheduler::Replay(ReplaySched {
                runs: replay::parse_schedule(choices)
                    .map(|s| s.runs().to_vec())
                    .unwrap_or_default(),
                run: 0,
                run_start: 0,
            }),
            SchedulerConfig::Timed { costs } => Scheduler::Timed(TimedSched {
                rng,
                costs: costs.clone(),
                ready: vec![0; n + 1],
                lock_free_at: 0,
                doorbell_at: 0,
                now: 0,
            }),
        }
    }

    /// Picks the actor for step `step` among `enabled` (non-empty, in submitter order then H).
    #[inline]
    pub fn pick(&mut self, sys: &System, enabled: &[Actor], step: u64) -> Result<Actor, PickError> {
        match self {
            Scheduler::Random(r) => Ok(r.pick(enabled)),
            Scheduler::Pct(p) => Ok(p.pick(sys, enabled, step)),
            Scheduler::Replay(r) => {
                let a = r.choice(step).ok_or(PickError::ReplayEnded)?;
                if enabled.contains(&a) {
                    Ok(a)
                } else {
                    Err(PickError::ReplayDiverged { step, actor: a })
                }
            }
            Scheduler::Timed(t) => Ok(t.pick(sys, enabled)),
        }
    }

    /// Tells the scheduler what the chosen step did (time accounting, PCT yields).
    #[inline]
    pub fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
        match self {
            Scheduler::Pct(p) => {
                // Spinning (a poll that is not done, or no space in the ring) yields: the kernel
                // relaxes there, and a strict-priority spinner would starve everyone else.
                if matches!(
                    kind,
                    StepKind::Poll { done: false } | StepKind::CheckSpace { ok: false }
                ) {
                    p.next_low -= 1;
                    let n = sys.subs.len();
                    p.prio[idx(actor, n)] = p.next_low;
                }
            }
            Scheduler::Timed(t) => t.after(sys, actor, kind),
            _ => {}
        }
    }

    /// Simulated time (timed scheduler), else 0.
    #[inline]
    pub fn now(&self) -> u64 {
        match self {
            Scheduler::Timed(t) => t.now,
            _ => 0,
        }
    }
}

impl RandomSched {
    /// Draws among the `subs` enabled submitters and, if `hw`, the hardware engine (at least
    /// two actors; the engine is index `subs`, weighted `hw_weight`). Fault steps are not drawn
    /// here: the simulator decides whether a hardware step faults, with the configured rates.
    #[inline(always)]
    fn draw_among(&mut self, subs: u32, hw: bool) -> u32 {
        if !hw || self.uniform {
            below(&mut self.rng, subs + u32::from(hw))
        } else {
            let x = self.rng.random::<f64>() * (f64::from(subs) + self.hw_weight);
            if x >= f64::from(subs) {
                subs
            } else {
                (x as u32).min(subs - 1)
            }
        }
    }

    /// Picks without building the enabled list: the enabled set is a bit mask from the system's
    /// cached masks (no branches on the random actor's state, which would mispredict), then one
    /// draw selects among its set bits. Makes exactly the choice [`RandomSched::pick`] makes from
    /// the list, so both paths give the same schedule. `None` above 63 submitters.
    #[inline(always)]
    pub fn pick_fast(&mut self, sys: &System) -> Option<Actor> {
        if sys.subs.len() > 63 {
            return None;
        }
        let lock_free = sys.ring.q_lock.is_none();
        let mask = sys.run_mask | (sys.lock_mask & 0u64.wrapping_sub(u64::from(lock_free)));
        let hw = sys.hw_enabled();
        if mask < 256 {
            // Up to 8 submitters: one table row gives both the count and the selection.
            let row = &SELECT8[mask as usize];
            let subs = u32::from(row[8]);
            let k = self.choose(subs, hw)?;
            // k < subs <= 8, so `& 7` changes nothing (and drops the bounds check).
            Some(if k == subs {
                Actor::Hardware
            } else {
                Actor::Submitter(u32::from(row[k as usize & 7]))
            })
        } else {
            let subs = mask.count_ones();
            let k = self.choose(subs, hw)?;
            Some(if k == subs {
                Actor::Hardware
            } else {
                Actor::Submitter(select_bit(mask, k))
            })
        }
    }

    /// The index of the chosen actor among `subs` enabled submitters and, if `hw`, the hardware
    /// engine (index `subs`); no draw when only one can move; `None` when none can. Both pick
    /// paths choose through here, so they make the same choice.
    #[inline(always)]
    fn choose(&mut self, subs: u32, hw: bool) -> Option<u32> {
        match subs + u32::from(hw) {
            0 => None,
            1 => Some(0),
            _ => Some(self.draw_among(subs, hw)),
        }
    }

    /// Picks from the enabled list (submitters in order, then the hardware engine, then the
    /// fault steps, which are ignored).
    #[inline]
    fn pick(&mut self, enabled: &[Actor]) -> Actor {
        let subs = enabled
            .iter()
            .take_while(|a| matches!(a, Actor::Submitter(_)))
            .count();
        let hw = enabled.get(subs) == Some(&Actor::Hardware);
        // `enabled` is not empty, so neither is the choice.
        let k = self.choose(subs as u32, hw).unwrap_or(0) as usize;
        if k == subs {
            Actor::Hardware
        } else {
            enabled[k]
        }
    }
}

impl PctSched {
    fn pick(&mut self, sys: &System, enabled: &[Actor], step: u64) -> Actor {
        let n = sys.subs.len();
        let best = |prio: &[i64]| {
            *enabled
                .iter()
                .max_by_key(|a| prio[idx(**a, n)])
                .expect("non-empty")
        };
        let mut a = best(&self.prio);
        while let Some(&cp) = self.change_points.first() {
            if cp > step {
                break;
            }
            // Change point i lowers the running actor to priority d - i: below every initial
            // priority (>= d), above the negative priorities of actors that yielded.
            self.change_points.remove(0);
            self.prio[idx(a, n)] = self.change_points.len() as i64 + 1;
            a = best(&self.prio);
        }
        a
    }
}

impl TimedSched {
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

    fn pick(&mut self, sys: &System, enabled: &[Actor]) -> Actor {
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

    fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
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
                crate::model::HwFault::Ite | crate::model::HwFault::Gone => c.hw_timeout_ns,
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

#[cfg(test)]
mod tests {
    #[test]
    fn bit_selection_matches_the_clearing_loop() {
        let masks =
            (0..4096u64).chain([u64::MAX >> 1, 0x8000_0000_0000_0001, 0xf0f0_0000_ff00_0101]);
        for mask in masks {
            if mask < 256 {
                assert_eq!(
                    u32::from(super::SELECT8[mask as usize][8]),
                    mask.count_ones()
                );
            }
            let mut m = mask;
            for k in 0..mask.count_ones() {
                assert_eq!(
                    super::select_bit(mask, k),
                    m.trailing_zeros(),
                    "{mask:#x} k={k}"
                );
                m &= m - 1;
            }
        }
    }
}
