//! The random scheduler: uniform among the actors that can move, the hardware engine
//! weighted; the hunting fast path (a pick from bit masks, no enabled list).

use rand::{Rng, RngCore};
use rand_pcg::Pcg32;

use super::{enabled_list, PickError, Picker};
use crate::model::submitter::can_move;
use crate::model::{Pc, StepKind, System};
use crate::Actor;

/// Uniform random choice (hardware weighted).
#[derive(Clone, Debug)]
pub struct RandomSched {
    rng: Pcg32,
    hw_weight: f64,
    /// `hw_weight == 1.0`: every actor equally likely (one integer draw).
    uniform: bool,
    /// Who can move, for submitters 0..64 ([`can_move`]): bit i set when submitter i can step
    /// without `q_lock` / waits for `q_lock`. Kept current by [`Picker::after`].
    runs: u64,
    waits: u64,
}

/// Uniform in `0..n` (n > 0) by Lemire's multiply-shift with rejection: unbiased, no division
/// on the common path, and the same on every platform (`random_range` recomputes its rejection
/// zone on every call).
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

impl RandomSched {
    pub(super) fn new(rng: Pcg32, hw_weight: f64, sys: &System) -> Self {
        let mut r = RandomSched {
            rng,
            hw_weight,
            uniform: hw_weight == 1.0,
            runs: 0,
            waits: 0,
        };
        for (i, s) in sys.subs.iter().enumerate() {
            r.moved(i as u32, s.pc);
        }
        r
    }

    /// Submitter `i` is now at `pc`: its bits in the masks.
    #[inline(always)]
    fn moved(&mut self, i: u32, pc: Pc) {
        if i >= 64 {
            return;
        }
        let (runs, waits) = pc.mobility();
        let bit = 1u64 << i;
        self.runs = (self.runs & !bit) | runs << i;
        self.waits = (self.waits & !bit) | waits << i;
    }

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

    /// Picks without building the enabled list: the enabled set is a bit mask from the cached
    /// masks (no branches on the random actor's state, which would mispredict), then one
    /// draw selects among its set bits. Makes exactly the choice [`RandomSched::pick`] makes from
    /// the list, so both paths give the same schedule. `None` above 63 submitters.
    #[inline(always)]
    pub fn pick_fast(&mut self, sys: &System) -> Option<Actor> {
        if sys.subs.len() > 63 {
            return None;
        }
        let mask = can_move(self.runs, self.waits, sys.ring.q_lock.is_none());
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
    fn pick_listed(&mut self, enabled: &[Actor]) -> Actor {
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

impl Picker for RandomSched {
    #[inline(always)]
    fn pick(
        &mut self,
        sys: &System,
        enabled: &mut Vec<Actor>,
        _step: u64,
    ) -> Result<Option<Actor>, PickError> {
        if let Some(a) = self.pick_fast(sys) {
            return Ok(Some(a));
        }
        Ok(enabled_list(sys, enabled, false).then(|| self.pick_listed(enabled)))
    }

    #[inline(always)]
    fn after(&mut self, sys: &System, actor: Actor, _kind: StepKind) {
        if let Actor::Submitter(i) = actor {
            self.moved(i, sys.subs[i as usize].pc);
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
