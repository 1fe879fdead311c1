//! What an exploration answers: its verdict, its statistics, and its progress while it runs.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::{Finding, FindingKind};

/// Statistics of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ExploreStats {
    /// Distinct states stored.
    pub states: u64,
    /// Transitions executed (successors generated).
    pub transitions: u64,
    /// Deepest BFS level reached.
    pub max_depth: u64,
    /// Initial states (one per workload combination).
    pub roots: u64,
    /// Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
    pub seconds: Option<f64>,
    /// `states / seconds`, filled in with `seconds`.
    pub states_per_second: Option<f64>,
    /// Peak memory of the visited set, parent links, BFS levels and message buffers, per
    /// stored state (the explorer's own accounting; the CLI also reports the process's peak).
    pub bytes_per_state: f64,
    /// The explorer's accounting of the bytes above.
    pub peak_bytes: u64,
    /// Upper bound on the probability that two distinct stored states share a 64-bit
    /// fingerprint (and were merged): n(n−1)/2 · 2⁻⁶⁴ for n states (birthday bound, as SPIN
    /// reports for hash-compact search). A `proved` holds with at least 1 minus this.
    pub collision_probability: f64,
    /// Threads the search ran on.
    pub threads: u32,
    /// The reductions the search used: asked for (`ExploreOptions`) and sound for this config
    /// and its kernel program (`program::analysis`, `docs/programs.md`). Partial-order
    /// reduction: off with faults.
    pub por: bool,
    pub symmetry: bool,
    /// Ring rotation: off where the program reads slot numbers other than relative to the ring.
    pub rotation: bool,
    /// Descriptors of freed slots nothing can read were left out of the states: off where the
    /// program may copy or revive any freed slot.
    #[serde(default)]
    pub dead_descriptors: bool,
}

impl ExploreStats {
    /// The birthday bound of [`ExploreStats::collision_probability`] for `states` states:
    /// some pair of them shares a 64-bit fingerprint.
    pub(crate) fn collision_bound(states: u64) -> f64 {
        let n = states as f64;
        (n * (n - 1.0) / 2.0 * 2f64.powi(-64)).clamp(0.0, 1.0)
    }

    /// The figures derived from the others, computed again (statistics read back from JSON,
    /// whose floats need not round-trip to the last bit).
    pub(crate) fn derive(mut self) -> Self {
        self.collision_probability = Self::collision_bound(self.states);
        if self.states > 0 {
            self.bytes_per_state = self.peak_bytes as f64 / self.states as f64;
        }
        self
    }
}

/// The result of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "verdict",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(clippy::large_enum_variant)] // one verdict per exploration
pub enum Verdict {
    /// Every reachable state was explored: no finding, no lockup, no deadlock.
    Proved {
        #[serde(flatten)]
        stats: ExploreStats,
    },
    /// A shortest path to a violation.
    #[serde(rename_all = "camelCase")]
    Counterexample {
        /// The violation (`lockup`, `deadlock`, a safety kind, `staleWakeup`, ...).
        kind: FindingKind,
        /// The configuration the replay runs against (one of the roots).
        config: Config,
        /// Replay string (`q1:...`) for the simulator's replay scheduler.
        replay: String,
        steps: u64,
        /// Findings of the replay in the simulator.
        findings: Vec<Finding>,
        /// True if the simulator's replay reported `kind` as its first violation (the
        /// explorer and the simulator decide with the same code: a test sweeps this).
        reproduced: bool,
        /// The column timeline of the replay.
        timeline: String,
        #[serde(flatten)]
        stats: ExploreStats,
    },
    /// `maxStates` was reached before the search finished: nothing proved.
    BoundReached {
        max_states: u64,
        #[serde(flatten)]
        stats: ExploreStats,
    },
}

impl Verdict {
    /// The statistics.
    pub fn stats(&self) -> &ExploreStats {
        match self {
            Verdict::Proved { stats }
            | Verdict::Counterexample { stats, .. }
            | Verdict::BoundReached { stats, .. } => stats,
        }
    }

    fn stats_mut(&mut self) -> &mut ExploreStats {
        match self {
            Verdict::Proved { stats }
            | Verdict::Counterexample { stats, .. }
            | Verdict::BoundReached { stats, .. } => stats,
        }
    }

    /// Fills in the elapsed wall-clock time measured by the caller.
    pub fn with_elapsed(mut self, seconds: f64) -> Self {
        let s = self.stats_mut();
        s.seconds = Some(seconds);
        s.states_per_second = (seconds > 0.0).then(|| s.states as f64 / seconds);
        self
    }

    /// `proved`, `counterexample` or `boundReached`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Proved { .. } => "proved",
            Verdict::Counterexample { .. } => "counterexample",
            Verdict::BoundReached { .. } => "boundReached",
        }
    }
}

/// Progress of a running exploration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExploreProgress {
    pub states: u64,
    pub transitions: u64,
    pub depth: u64,
    pub queued: u64,
}
