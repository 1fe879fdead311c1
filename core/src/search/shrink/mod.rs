//! Counterexample minimisation: turns a finding's schedule into a short one that still
//! reproduces a finding of the same kind, and its workload into a small one.
//!
//! 1. **Choices.** Delta debugging (Zeller and Hildebrandt's ddmin, complement tests) over the
//!    choice sequence. A candidate is run *leniently*: a choice naming an actor that cannot move
//!    at that point is skipped, and the run stops at the first finding of the kind. A candidate
//!    is accepted if that finding appears; what is kept is the sequence of choices actually
//!    taken, which replays strictly (every choice enabled) in the simulator's replay scheduler.
//!    Skipping instead of rejecting lets ddmin delete one actor's step without having to delete
//!    the steps that depended on it in the same test.
//! 2. **Workload.** The workload is first frozen to what the run used: every submitter gets a
//!    `sequence` batch of the counts its calls drew (zero-count draws included) and as many
//!    submissions as it started, so the run no longer depends on the seed or on submitter
//!    numbers. Then, each accepted only if the finding persists: drop a whole submitter (its
//!    choices removed, later submitters renumbered), drop a submitter's last calls (the largest
//!    cut that works, found by halving), minimise the choices, drop single calls anywhere,
//!    lower a call's count to 0 or by one; repeated until nothing changes. A reduction that
//!    breaks the current schedule is also tried with a breadth-first search for the kind when
//!    the workload is small ([`SEARCH_CALLS`]): a smaller workload often needs another schedule.
//! 3. **Shortest.** When the reduced workload is deterministic enough for the explorer (it is
//!    after freezing, unless several invalidation types are mixed), a breadth-first search for
//!    the kind ([`crate::check`] with a target, at most [`EXPLORE_STATES`] states) replaces
//!    the choices by a shortest path if it is shorter.
//! 4. **Canonical form.** Submitters are renumbered in the order of their first step (T1 moves
//!    first), and the replay string is written canonically (maximal runs).
//!
//! Everything is deterministic (no randomness, fixed trial order) and bounded by
//! [`MAX_TESTS`] lenient runs, each at most as long as the candidate.
//!
//! The passes are here; the trials (lenient runs, ddmin, searches) are in `shrinker.rs`, the
//! workload edits in `reshape.rs`, and the round-robin completion (also [`complete`], for the
//! viewer) in `completion.rs`.

use serde::{Deserialize, Serialize};

use crate::config::{Config, SchedulerConfig, StopOn};
use crate::model::FindingKind;
use crate::replay;
use crate::sim::Simulation;

mod completion;
mod reshape;
mod shrinker;

pub use completion::{complete, Completion, RoundRobin, MAX_COMPLETION_STEPS};
use reshape::{canonical, frozen, seq_of, seq_workload, without};
use shrinker::Shrinker;

/// A minimised counterexample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Minimized {
    /// The (possibly reduced) config the replay runs against.
    pub config: Config,
    pub replay: String,
    pub steps: u64,
    pub timeline: String,
}

/// Upper bound on lenient test runs of one minimisation.
pub const MAX_TESTS: usize = 20_000;

/// States the final breadth-first search may store.
pub const EXPLORE_STATES: u64 = 200_000;

/// Workloads of at most this many calls in all are also tried by breadth-first search when a
/// reduction breaks the current schedule, with at most [`TRIAL_STATES`] states.
pub const SEARCH_CALLS: u64 = 6;
/// States of one such trial search.
pub const TRIAL_STATES: u64 = 20_000;

/// Steps of the round-robin completion after a candidate's choices run out.
pub const COMPLETION_STEPS: u64 = 2_000;

/// Replays `choices` against `cfg`; returns the steps taken if a finding of `kind` appears.
pub fn reproduces(cfg: &Config, choices: &str, kind: FindingKind) -> Option<(u64, Simulation)> {
    let mut c = cfg.clone();
    c.scheduler = SchedulerConfig::Replay {
        choices: choices.to_string(),
    };
    c.trace = true;
    let mut sim = Simulation::new(c).ok()?;
    sim.run();
    let found = sim.findings().iter().any(|f| f.kind == kind);
    found.then(|| (sim.steps(), sim))
}

/// Minimises the schedule `replay_str` of a run of `cfg` that found `kind` (module docs).
/// `None` if the schedule does not reproduce `kind`.
pub fn minimize(cfg: &Config, replay_str: &str, kind: &FindingKind) -> Option<Minimized> {
    let kind = *kind;
    let mut base = cfg.clone();
    base.stop_on = StopOn::Consequence;
    base.trace = false;
    base.validate().ok()?;
    let choices = replay::parse_limited(replay_str, cfg.step_limit).ok()?;
    let mut sh = Shrinker { kind, tests: 0 };
    let hit = sh.run(&base, &choices)?;
    // Freeze the workload to the counts drawn, then check it still reproduces.
    let mut cur_cfg = frozen(&base, &hit.counts);
    let mut cur = match sh.run(&cur_cfg, &hit.taken) {
        Some(h) => h.taken,
        None => {
            cur_cfg = base.clone();
            hit.taken
        }
    };
    let can_reshape = cur_cfg.per_submitter.len() == cur_cfg.submitters as usize
        && cur_cfg
            .per_submitter
            .iter()
            .all(|w| w.zero_count_prob == 0.0);
    loop {
        if !can_reshape || sh.tests >= MAX_TESTS {
            cur = sh.ddmin(&cur_cfg, cur);
            break;
        }
        let mut changed = false;
        // Drop whole submitters, last first.
        let mut k = cur_cfg.submitters;
        while k > 0 && cur_cfg.submitters > 1 {
            k -= 1;
            let (c, ch) = without(&cur_cfg, &cur, k);
            if let Some(t) = sh.try_cfg(&c, &ch) {
                cur_cfg = c;
                cur = t;
                changed = true;
            }
        }
        // Drop calls from the end: the largest cut that keeps the finding (halving steps).
        for i in 0..cur_cfg.submitters as usize {
            let mut step = seq_of(&cur_cfg.per_submitter[i]).len();
            while step > 0 {
                let seq = seq_of(&cur_cfg.per_submitter[i]);
                if step <= seq.len() {
                    let mut c = cur_cfg.clone();
                    c.per_submitter[i] =
                        seq_workload(&cur_cfg.per_submitter[i], &seq[..seq.len() - step]);
                    if let Some(h) = sh.run(&c, &cur) {
                        cur_cfg = c;
                        cur = h.taken;
                        changed = true;
                        continue;
                    }
                }
                step /= 2;
            }
        }
        // Shorter choices make the count trials below cheap.
        let before = cur.len();
        cur = sh.ddmin(&cur_cfg, cur);
        changed |= cur.len() < before;
        // Drop single calls anywhere in a sequence.
        for i in 0..cur_cfg.submitters as usize {
            let mut j = 0;
            while j < seq_of(&cur_cfg.per_submitter[i]).len() {
                let mut s2 = seq_of(&cur_cfg.per_submitter[i]);
                s2.remove(j);
                let mut c = cur_cfg.clone();
                c.per_submitter[i] = seq_workload(&cur_cfg.per_submitter[i], &s2);
                match sh.try_cfg(&c, &cur) {
                    Some(t) => {
                        cur_cfg = c;
                        cur = t;
                        changed = true;
                    }
                    None => j += 1,
                }
            }
        }
        // Lower counts.
        for i in 0..cur_cfg.submitters as usize {
            let n = seq_of(&cur_cfg.per_submitter[i]).len();
            for j in 0..n {
                let cnt = seq_of(&cur_cfg.per_submitter[i])[j];
                for lower in [0, cnt.saturating_sub(1)] {
                    if lower >= cnt {
                        continue;
                    }
                    let mut s2 = seq_of(&cur_cfg.per_submitter[i]);
                    s2[j] = lower;
                    let mut c = cur_cfg.clone();
                    c.per_submitter[i] = seq_workload(&cur_cfg.per_submitter[i], &s2);
                    if let Some(t) = sh.try_cfg(&c, &cur) {
                        cur_cfg = c;
                        cur = t;
                        changed = true;
                        break;
                    }
                }
            }
        }
        if !changed {
            cur = sh.ddmin(&cur_cfg, cur);
            break;
        }
    }
    // The workload is small now: a breadth-first search for the kind gives a shortest path.
    if crate::check::explorable(&cur_cfg).is_ok() {
        if let Some(path) = sh.search(&cur_cfg, EXPLORE_STATES) {
            if let Some(h) = sh.run(&cur_cfg, &path) {
                if h.taken.len() < cur.len() {
                    cur = h.taken;
                }
            }
        }
    }
    if can_reshape {
        let (c, ch) = canonical(&cur_cfg, &cur);
        if let Some(h) = sh.run(&c, &ch) {
            cur_cfg = c;
            cur = h.taken;
        }
    }
    let mut out_cfg = cur_cfg;
    out_cfg.trace = cfg.trace;
    out_cfg.stop_on = cfg.stop_on;
    let s = replay::encode(&cur);
    let (steps, sim) = reproduces(&out_cfg, &s, kind)?;
    Some(Minimized {
        // The config with the replay scheduler set: running it reproduces the finding.
        config: sim.config().clone(),
        replay: s,
        steps,
        timeline: sim.timeline(),
    })
}
