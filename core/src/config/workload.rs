//! A CPU's workload: how many calls, their descriptor counts and invalidation types.

use serde::{Deserialize, Serialize};

/// Distribution of the descriptor count of one submission (before the zero-count draw). Read
/// through `config/tagged.rs`, so errors name the inner field.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum BatchDist {
    /// Always `count` descriptors.
    Fixed { count: u32 },
    /// Uniform in `min..=max`.
    Uniform { min: u32, max: u32 },
    /// Submission `i` uses `counts[i % counts.len()]`: exact workloads for tests and the explorer.
    Sequence { counts: Vec<u32> },
}

impl Default for BatchDist {
    fn default() -> Self {
        BatchDist::Uniform { min: 1, max: 4 }
    }
}

impl BatchDist {
    /// Largest count this distribution can produce.
    pub fn max_count(&self) -> u32 {
        match self {
            BatchDist::Fixed { count } => *count,
            BatchDist::Uniform { max, .. } => *max,
            BatchDist::Sequence { counts } => counts.iter().copied().max().unwrap_or(0),
        }
    }
}

/// Weight of each invalidation type in a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TypeMix {
    pub iotlb: f64,
    pub devtlb: f64,
    pub context: f64,
    pub iec: f64,
    pub pasid: f64,
}

impl Default for TypeMix {
    fn default() -> Self {
        TypeMix {
            iotlb: 1.0,
            devtlb: 0.0,
            context: 0.0,
            iec: 0.0,
            pasid: 0.0,
        }
    }
}

impl TypeMix {
    /// A share `p` of device-TLB invalidations, the rest IOTLB (`--devtlb-share`).
    pub fn devtlb_share(p: f64) -> TypeMix {
        TypeMix {
            iotlb: 1.0 - p,
            devtlb: p,
            ..TypeMix::default()
        }
    }

    /// Weights in [`crate::model::InvType::ALL`] order.
    pub fn weights(&self) -> [f64; 5] {
        [self.iotlb, self.devtlb, self.context, self.iec, self.pasid]
    }
}

/// What one submitter (CPU) submits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Workload {
    /// Number of `qi_submit_sync` calls.
    pub submissions: u64,
    /// Descriptor count per call.
    pub batch: BatchDist,
    /// Probability that a call has count 0 (a wait descriptor alone), drawn before `batch`.
    pub zero_count_prob: f64,
    /// `QI_OPT_WAIT_DRAIN`: the wait descriptor also drains page requests (PD).
    pub drain: bool,
    /// Simulated think time between calls (timed scheduler only).
    pub think_ns: u64,
    /// Types of the invalidation descriptors.
    pub types: TypeMix,
}

impl Workload {
    /// The descriptor count of each call when no random draw decides it (no zero-count
    /// probability; a fixed count, a range of one, or a sequence, repeated as the model does).
    pub fn deterministic_counts(&self) -> Option<Vec<u32>> {
        if self.zero_count_prob > 0.0 {
            return None;
        }
        let n = self.submissions as usize;
        match &self.batch {
            BatchDist::Fixed { count } => Some(vec![*count; n]),
            BatchDist::Uniform { min, max } if min == max => Some(vec![*min; n]),
            BatchDist::Uniform { .. } => None,
            BatchDist::Sequence { counts } => {
                Some(counts.iter().copied().cycle().take(n).collect())
            }
        }
    }

    /// This workload running the batch sizes `counts`, one call each (what `--per-submitter`
    /// builds from the base workload).
    pub fn with_counts(&self, counts: Vec<u32>) -> Workload {
        Workload {
            submissions: counts.len() as u64,
            batch: BatchDist::Sequence { counts },
            zero_count_prob: 0.0,
            ..self.clone()
        }
    }
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            submissions: 100,
            batch: BatchDist::default(),
            zero_count_prob: 0.0,
            drain: false,
            think_ns: 0,
            types: TypeMix::default(),
        }
    }
}
