//! Which fault path of `docs/findings.md` (F1–F6) a finding is on, decided by the core where the
//! finding is made, so no page or report has to guess it from a message's wording.
//!
//! A finding is on a fault path **by itself** when the step that makes it shows the mechanism:
//!
//! | path | the finding | decided from |
//! |---|---|---|
//! | F1 | `lockup` while `FSTS.IQE` is set: hardware stopped by an `IQE` no caller can repair | the ring's `FSTS` at the lockup |
//! | F2 | `strayStatusWrite` of a wait whose call returned `-EINVAL` from the `IQE` repair | the call's early return ([`FaultLog`]) |
//! | F3 | `walkLoop`: the stride-2 `ITE` walk never meets `IQT - 1` | the kind (only that walk can loop) |
//! | F4 | `lostCompletion` of a wait slot the `ITE` walk marked `QI_ABORT` (legacy reclaim frees it) | the slot's status before the free |
//! | F5 | `prematureCompletion` of a call whose batch had a timed-out invalidation (stride-1 returns 0), or `strayStatusWrite` of a wait whose call restarted with `-EAGAIN` after the walk aborted it (stride-2 aborts the unfetched wait) | the time-outs and early returns ([`FaultLog`]) |
//! | F6 | `strayStatusWrite` of a wait whose call returned `-ETIMEDOUT` (device gone) | the call's early return ([`FaultLog`]) |
//!
//! Every other finding is a **consequence**: it is on the fault path of the run's earliest
//! finding that has one (a lockup after F4's lost completion is F4; a stale wake-up after F2's
//! stray write is F2), and on none if no earlier finding has one — so a lockup of the legacy
//! reclaim's own bug in a run without fault-path findings has none, faults enabled or not.
//!
//! The log is history, not state: the explorer neither hashes nor packs it (an explored state is
//! expanded with an empty log), so only findings of the simulator — which is what a
//! counterexample's `findings` are, its replay in the simulator — carry the history-based paths.

use serde::{Deserialize, Serialize};

use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::types::Label;

/// A fault path of `docs/findings.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FaultPath {
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
}

impl FaultPath {
    /// Every fault path, in the order of `docs/findings.md`.
    pub const ALL: [FaultPath; 6] = [
        FaultPath::F1,
        FaultPath::F2,
        FaultPath::F3,
        FaultPath::F4,
        FaultPath::F5,
        FaultPath::F6,
    ];

    /// The stable id (`"F1"` … `"F6"`, as in JSON and `docs/findings.md`).
    pub fn id(self) -> &'static str {
        match self {
            FaultPath::F1 => "F1",
            FaultPath::F2 => "F2",
            FaultPath::F3 => "F3",
            FaultPath::F4 => "F4",
            FaultPath::F5 => "F5",
            FaultPath::F6 => "F6",
        }
    }

    /// What it is, in plain words (the "what" column of `docs/findings.md`).
    pub fn description(self) -> &'static str {
        match self {
            FaultPath::F1 => "an IQE inside a batch is never cleared: no caller's index matches IQH, hardware stays stopped and every caller behind it polls with interrupts off (hard lockup)",
            FaultPath::F2 => "the IQE repair returns -EINVAL and frees the caller's slots while hardware still runs the batch: its copied wait completes into a freed slot",
            FaultPath::F3 => "the stride-2 ITE walk never ends with batches or wait-only calls: qi_check_fault loops with q_lock held (hard lockup)",
            FaultPath::F4 => "legacy reclaim frees the wait slots the ITE walk marked QI_ABORT before their owner saw them: a lost completion with one descriptor per call",
            FaultPath::F5 => "a time-out before the batch's wait descriptor is fetched: the stride-1 walk returns 0 for a timed-out invalidation; the stride-2 walk aborts the unfetched wait, which later completes into a freed slot",
            FaultPath::F6 => "device gone: the first CPU to poll gets -ETIMEDOUT and frees its slots while hardware still holds its batch",
        }
    }

    /// The path of a call whose poll loop `qi_check_fault` ended with `rc` (its slots are then
    /// freed while hardware may still hold them), if `rc` is one of the fault returns.
    pub fn of_early_return(rc: i32) -> Option<FaultPath> {
        match rc {
            EINVAL => Some(FaultPath::F2),
            EAGAIN => Some(FaultPath::F5),
            ETIMEDOUT => Some(FaultPath::F6),
            _ => None,
        }
    }
}

impl std::fmt::Display for FaultPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// Batches (submitter, attempt) remembered per list; older entries are dropped (a wait freed
/// early is written, if ever, before hardware moves past it).
pub const LOG_ENTRIES: usize = 32;

/// The run's fault history the classification reads (module docs). Not part of the state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultLog {
    /// Batches `(submitter, attempt)` whose call `qi_check_fault` ended early, and the path.
    early: Vec<(u32, u32, FaultPath)>,
    /// Batches `(submitter, attempt)` with a timed-out device-TLB invalidation.
    timed_out: Vec<(u32, u32)>,
    /// The fault path of the run's earliest finding that has one.
    first: Option<FaultPath>,
}

fn push<T>(v: &mut Vec<T>, x: T) {
    if v.len() >= LOG_ENTRIES {
        v.remove(0);
    }
    v.push(x);
}

impl FaultLog {
    /// Submitter `i`'s batch `attempt` left its poll loop with `rc` from `qi_check_fault`.
    pub fn returned_early(&mut self, i: u32, attempt: u32, rc: i32) {
        if let Some(p) = FaultPath::of_early_return(rc) {
            push(&mut self.early, (i, attempt, p));
        }
    }

    /// Hardware timed out an invalidation of `label`'s batch.
    pub fn timed_out(&mut self, label: Label) {
        push(&mut self.timed_out, (label.submitter, label.attempt));
    }

    /// How `label`'s batch left its poll loop early, if it did.
    pub fn early_path(&self, label: Label) -> Option<FaultPath> {
        self.early
            .iter()
            .rev()
            .find(|(i, a, _)| (*i, *a) == (label.submitter, label.attempt))
            .map(|e| e.2)
    }

    /// Whether batch `attempt` of submitter `i` had a timed-out invalidation.
    pub fn had_time_out(&self, i: u32, attempt: u32) -> bool {
        self.timed_out.contains(&(i, attempt))
    }

    /// The path of the run's earliest finding on one.
    pub fn first(&self) -> Option<FaultPath> {
        self.first
    }

    /// A finding whose own path is `own` is made: returns its path (its own, else the run's
    /// earliest), and remembers the first one.
    pub fn classify(&mut self, own: Option<FaultPath>) -> Option<FaultPath> {
        let p = own.or(self.first);
        if self.first.is_none() {
            self.first = p;
        }
        p
    }

    /// Forgets everything (a fresh state).
    pub fn clear(&mut self) {
        self.early.clear();
        self.timed_out.clear();
        self.first = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids are stable and serialise as themselves; `docs/findings.md` has a table row and a
    /// section for every path, so the ids and the document cannot drift apart.
    #[test]
    fn ids_match_the_findings_document() {
        let doc = include_str!("../../../docs/findings.md");
        for (n, p) in FaultPath::ALL.into_iter().enumerate() {
            assert_eq!(p.id(), format!("F{}", n + 1));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.id())
            );
            assert!(
                doc.contains(&format!("\n| {} |", p.id())),
                "{p}: no table row"
            );
            assert!(
                doc.contains(&format!("\n## {} — ", p.id())),
                "{p}: no section"
            );
            assert!(!p.description().is_empty());
        }
    }

    #[test]
    fn early_returns_map_to_their_paths() {
        assert_eq!(FaultPath::of_early_return(EINVAL), Some(FaultPath::F2));
        assert_eq!(FaultPath::of_early_return(EAGAIN), Some(FaultPath::F5));
        assert_eq!(FaultPath::of_early_return(ETIMEDOUT), Some(FaultPath::F6));
        assert_eq!(FaultPath::of_early_return(0), None);
    }

    /// A consequence takes the run's earliest path; a finding's own path wins; the log is
    /// bounded.
    #[test]
    fn consequences_inherit_the_earliest_path() {
        let mut log = FaultLog::default();
        assert_eq!(log.classify(None), None);
        assert_eq!(log.classify(Some(FaultPath::F4)), Some(FaultPath::F4));
        assert_eq!(log.classify(None), Some(FaultPath::F4));
        assert_eq!(log.classify(Some(FaultPath::F1)), Some(FaultPath::F1));
        assert_eq!(log.first(), Some(FaultPath::F4));
        for a in 0..100 {
            log.returned_early(0, a, EINVAL);
        }
        assert_eq!(log.early.len(), LOG_ENTRIES);
        let l = |attempt| Label {
            submitter: 0,
            attempt,
            part: 0,
            count: 0,
        };
        assert_eq!(log.early_path(l(99)), Some(FaultPath::F2));
        assert_eq!(log.early_path(l(0)), None);
        log.clear();
        assert_eq!((log.first(), log.early_path(l(99))), (None, None));
    }
}
