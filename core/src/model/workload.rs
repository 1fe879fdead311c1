//! A CPU's workload: the counts and types of its calls, from its own random stream.

use rand::{Rng, RngCore, SeedableRng};
use rand_pcg::Pcg32;

use crate::config::{BatchDist, Workload};
use crate::model::types::InvType;

/// Per-submitter workload generator: its own random stream, so a submitter's batches do not
/// depend on the schedule (replays and shrinking keep the same workload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadGen {
    rng: Pcg32,
}

impl std::hash::Hash for WorkloadGen {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // The generator hides its 64-bit state; its next two outputs identify it (in practice:
        // a collision would need two states with equal 64-bit output pairs).
        let mut r = self.rng.clone();
        h.write_u64(r.next_u64());
        h.write_u64(r.next_u64());
    }
}

impl WorkloadGen {
    /// Stream for submitter `i` of a run seeded with `seed`.
    pub fn new(seed: u64, i: u32) -> Self {
        let s = seed ^ (u64::from(i) + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        WorkloadGen {
            rng: Pcg32::seed_from_u64(s),
        }
    }

    /// Count of submission number `n` (0-based).
    pub fn count(&mut self, w: &Workload, n: u64) -> u32 {
        if w.zero_count_prob > 0.0 && self.rng.random_bool(w.zero_count_prob) {
            return 0;
        }
        match &w.batch {
            BatchDist::Fixed { count } => *count,
            BatchDist::Uniform { min, max } => {
                if min == max {
                    *min
                } else {
                    self.rng.random_range(*min..=*max)
                }
            }
            BatchDist::Sequence { counts } => counts[(n % counts.len() as u64) as usize],
        }
    }

    /// The type every descriptor has when the mix has at most one positive weight.
    pub fn single_type(w: &Workload) -> Option<InvType> {
        let weights = w.types.weights();
        let nonzero = weights.iter().filter(|x| **x > 0.0).count();
        (nonzero <= 1).then(|| InvType::ALL[weights.iter().position(|x| *x > 0.0).unwrap_or(0)])
    }

    /// Type of one invalidation descriptor (draws only when the mix has several types).
    pub fn inv_type(&mut self, w: &Workload) -> InvType {
        if let Some(t) = Self::single_type(w) {
            return t;
        }
        let weights = w.types.weights();
        let total: f64 = weights.iter().sum();
        let mut x = self.rng.random::<f64>() * total;
        for (t, wt) in InvType::ALL.iter().zip(weights) {
            if x < wt {
                return *t;
            }
            x -= wt;
        }
        InvType::Iotlb
    }
}
