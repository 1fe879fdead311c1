//! PCT (probabilistic concurrency testing): strict priorities with `depth - 1` change points.

use rand::Rng;
use rand_pcg::Pcg32;

use super::{estimate_steps, idx};
use crate::config::Config;
use crate::model::{StepKind, System};
use crate::Actor;

/// PCT: strict priorities with d-1 change points. A spin (poll not done, no space) yields: the
/// spinner drops to the lowest priority, otherwise a spinning high-priority submitter would
/// starve the hardware or the lock holder forever.
#[derive(Clone, Debug)]
pub struct PctSched {
    prio: Vec<i64>,
    change_points: Vec<u64>,
    next_low: i64,
}

impl PctSched {
    pub(super) fn new(mut rng: Pcg32, depth: u32, steps: u64, cfg: &Config) -> Self {
        let n = cfg.submitters as usize;
        let k = if steps == 0 {
            estimate_steps(cfg)
        } else {
            steps
        };
        // Random permutation of priorities d..d+n (higher runs first).
        let mut prio: Vec<i64> = (0..=n as i64).map(|p| p + i64::from(depth)).collect();
        for i in (1..prio.len()).rev() {
            let j = rng.random_range(0..=i as u32) as usize;
            prio.swap(i, j);
        }
        let mut change_points: Vec<u64> =
            (1..depth).map(|_| rng.random_range(0..k.max(1))).collect();
        change_points.sort_unstable();
        PctSched {
            prio,
            change_points,
            next_low: 0,
        }
    }

    /// Spinning (a poll that is not done, or no space in the ring) yields: the kernel relaxes
    /// there, and a strict-priority spinner would starve everyone else.
    pub(super) fn after(&mut self, sys: &System, actor: Actor, kind: StepKind) {
        if matches!(
            kind,
            StepKind::Poll { done: false } | StepKind::CheckSpace { ok: false }
        ) {
            self.next_low -= 1;
            self.prio[idx(actor, sys.subs.len())] = self.next_low;
        }
    }

    pub(super) fn pick(&mut self, sys: &System, enabled: &[Actor], step: u64) -> Actor {
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
