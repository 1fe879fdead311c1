//! What a run reports: how it ended, its findings, schedule, hashes and metrics.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::metrics::{Metrics, Percentiles};
use crate::model::{Finding, FindingKind, Returned};
use crate::Actor;

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

impl Outcome {
    /// Every outcome's JSON `kind` and the same in words, for visualisers (JavaScript draws
    /// them; the names stay here).
    pub const KINDS: [(&'static str, &'static str); 7] = [
        ("completed", "completed"),
        ("lockup", "lockup"),
        ("deadlock", "deadlock"),
        ("stepLimit", "step limit"),
        ("replayEnded", "replay ended"),
        ("replayDiverged", "replay diverged"),
        ("stoppedOnFinding", "stopped on finding"),
    ];
}

/// Everything about a finished (or stopped) run, as plain data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub config: Config,
    pub seed: u64,
    #[cfg_attr(feature = "ts", ts(type = "SchedulerConfig[\"kind\"]"))]
    pub scheduler: String,
    #[cfg_attr(feature = "ts", ts(as = "crate::config::PolicyKind"))]
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

/// Counts a call that returned at `step` in `metrics`; `timed_end` is the step's end in
/// simulated ns under the timed scheduler. (Per-step counters are kept by the system's
/// [`Tally`](crate::model::Tally) and copied in by `Simulation::sync_counters`.)
#[inline(always)]
pub(super) fn account_return(
    metrics: &mut Metrics,
    r: &Returned,
    step: u64,
    timed_end: Option<u64>,
) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_has_its_words() {
        let all = [
            Outcome::Completed,
            Outcome::Lockup,
            Outcome::Deadlock,
            Outcome::StepLimit,
            Outcome::ReplayEnded,
            Outcome::ReplayDiverged {
                step: 1,
                actor: Actor::Hardware,
            },
            Outcome::StoppedOnFinding,
        ];
        for (o, (kind, _)) in all.iter().zip(Outcome::KINDS) {
            assert_eq!(serde_json::to_value(o).unwrap()["kind"], kind);
        }
    }
}
