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

use serde::{Deserialize, Serialize};

use crate::config::{BatchDist, Config, SchedulerConfig, StopOn, Workload};
use crate::error::ConfigError;
use crate::model::FindingKind;
use crate::model::Pc;
use crate::model::System;
use crate::replay;
use crate::sim::Simulation;
use crate::trace::NoTrace;
use crate::Actor;

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

/// The largest `limit` [`complete`] accepts.
pub const MAX_COMPLETION_STEPS: u64 = 1_000_000;

/// The completion of a schedule after its choices run out: every enabled actor in turn
/// (round robin over [`System::enabled_into`]'s order, starting after the first), until the run
/// ends. The one rule the shrinker's lenient runs and [`complete`] (the viewer's "continue to
/// the consequence") both follow.
#[derive(Debug, Default)]
pub struct RoundRobin {
    rr: usize,
    en: Vec<Actor>,
}

impl RoundRobin {
    /// The next actor to move in `sys`, or `None` when nothing can move.
    pub fn next(&mut self, sys: &System) -> Option<Actor> {
        sys.enabled_into(&mut self.en);
        if self.en.is_empty() {
            return None;
        }
        self.rr = (self.rr + 1) % self.en.len();
        Some(self.en[self.rr])
    }
}

/// A schedule run to its end by [`complete`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Completion {
    /// The whole schedule: the given choices, then the round robin's.
    pub replay: String,
    pub steps: u64,
    /// Distinct finding kinds of the run, in order of first appearance.
    pub kinds: Vec<FindingKind>,
    /// Whether the run ended (completed, lockup, deadlock, ...) within `limit` extra steps.
    pub ended: bool,
}

/// Runs the replay string `replay` on `cfg`, then lets every actor move in turn
/// ([`RoundRobin`], as the shrinker completes its candidates) for at most `limit` more steps or
/// until the run ends: a minimised root cause followed by its consequence. Errors name the field:
/// `replay` (does not parse, or does not replay on `cfg`), `limit` (above
/// [`MAX_COMPLETION_STEPS`]), or the config's own.
pub fn complete(cfg: &Config, replay_str: &str, limit: u64) -> Result<Completion, ConfigError> {
    if limit > MAX_COMPLETION_STEPS {
        return Err(ConfigError::range(
            "limit",
            limit as f64,
            0.0,
            MAX_COMPLETION_STEPS as f64,
        ));
    }
    let choices = replay::parse_limited(replay_str, cfg.step_limit)
        .map_err(|e| ConfigError::new("replay", e.to_string()))?;
    let mut c = cfg.clone();
    c.scheduler = SchedulerConfig::Replay {
        choices: replay_str.to_string(),
    };
    c.trace = false;
    c.record_schedule = true;
    // The replay is set as the scheduler's choices: what validation says of those is `replay`.
    let mut sim = Simulation::new(c).map_err(|e| {
        if e.field.starts_with("scheduler") {
            ConfigError {
                field: "replay".into(),
                ..e
            }
        } else {
            e
        }
    })?;
    let n = choices.len() as u64;
    let took = sim.step_n(n);
    if took < n {
        return Err(ConfigError::new(
            "replay",
            format!(
                "does not replay on this config: the run stopped after {took} of its {n} choices ({:?})",
                sim.outcome()
            ),
        ));
    }
    let mut robin = RoundRobin::default();
    for _ in 0..limit {
        if sim.is_done() {
            break;
        }
        let Some(a) = robin.next(sim.system()) else {
            // Nothing can move: completed or a deadlock, decided as the driver decides it.
            sim.settle();
            break;
        };
        sim.step_actor(a)
            .map_err(|e| ConfigError::new("replay", e))?;
    }
    let mut kinds = Vec::new();
    for f in sim.findings() {
        if !kinds.contains(&f.kind) {
            kinds.push(f.kind);
        }
    }
    Ok(Completion {
        replay: sim.replay(),
        steps: sim.steps(),
        kinds,
        ended: sim.is_done(),
    })
}

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

/// Result of a lenient run that found the kind.
struct Hit {
    /// Choices actually taken, up to and including the step that revealed the finding.
    taken: Vec<Actor>,
    /// Counts each submitter's calls drew (calls started so far).
    counts: Vec<Vec<u32>>,
}

struct Shrinker {
    kind: FindingKind,
    tests: usize,
}

impl Shrinker {
    /// Runs `choices` leniently against `cfg` (already validated).
    fn run(&mut self, cfg: &Config, choices: &[Actor]) -> Option<Hit> {
        if self.tests >= MAX_TESTS {
            return None;
        }
        self.tests += 1;
        let mut sys = System::new(cfg);
        let n = cfg.submitters as usize;
        let mut counts: Vec<Vec<u32>> = vec![Vec::new(); n];
        let note = |sys: &System, counts: &mut Vec<Vec<u32>>| {
            for (i, s) in sys.subs.iter().enumerate() {
                let started = s.submissions_done as usize + usize::from(s.pc != Pc::Finished);
                if counts[i].len() < started {
                    counts[i].push(s.count);
                }
            }
        };
        note(&sys, &mut counts);
        let mut taken = Vec::with_capacity(choices.len());
        let mut robin = RoundRobin::default();
        let extra = COMPLETION_STEPS.min(cfg.step_limit);
        let mut k = 0usize;
        while k < choices.len() + extra as usize {
            if sys.halted {
                break;
            }
            let a = if k < choices.len() {
                choices[k]
            } else {
                match robin.next(&sys) {
                    Some(a) => a,
                    None => break,
                }
            };
            k += 1;
            if !sys.is_enabled(a) {
                continue;
            }
            sys.apply(a, taken.len() as u64, 0, &mut NoTrace);
            taken.push(a);
            note(&sys, &mut counts);
            let hit = sys.found.iter().any(|f| f.kind == self.kind);
            sys.found.clear();
            if hit {
                return Some(Hit { taken, counts });
            }
        }
        if self.kind == FindingKind::Deadlock {
            let mut en = Vec::new();
            sys.enabled_into(&mut en);
            if en.is_empty() && !sys.all_done() {
                return Some(Hit { taken, counts });
            }
        }
        None
    }

    /// Whether `cfg` (a reduced workload) still shows the kind: first with the current
    /// choices, then, if the workload is small, by a breadth-first search for the kind (a
    /// smaller workload often needs a different schedule). Returns the choices that hit.
    fn try_cfg(&mut self, cfg: &Config, choices: &[Actor]) -> Option<Vec<Actor>> {
        if let Some(h) = self.run(cfg, choices) {
            return Some(h.taken);
        }
        let calls: u64 = (0..cfg.submitters as usize)
            .map(|i| cfg.workload_of(i).submissions)
            .sum();
        if calls > SEARCH_CALLS || crate::check::explorable(cfg).is_err() {
            return None;
        }
        let path = self.search(cfg, TRIAL_STATES)?;
        self.run(cfg, &path).map(|h| h.taken)
    }

    /// A shortest path to the kind by breadth-first search, at most `max_states` states.
    fn search(&mut self, cfg: &Config, max_states: u64) -> Option<Vec<Actor>> {
        if self.tests >= MAX_TESTS {
            return None;
        }
        self.tests += 1;
        let opts = crate::check::ExploreOptions {
            max_states,
            target: Some(self.kind),
            ..Default::default()
        };
        match crate::check::explore(cfg, &opts) {
            Ok(crate::check::Verdict::Counterexample { replay: r, .. }) => replay::parse(&r).ok(),
            _ => None,
        }
    }

    /// ddmin over `choices` (which must hit); returns a 1-minimal hitting sequence.
    fn ddmin(&mut self, cfg: &Config, mut choices: Vec<Actor>) -> Vec<Actor> {
        let mut n = 2usize;
        while choices.len() >= 2 {
            let len = choices.len();
            let chunk = len.div_ceil(n);
            let mut reduced = false;
            let mut start = 0;
            while start < len {
                let end = (start + chunk).min(len);
                let cand: Vec<Actor> = choices[..start]
                    .iter()
                    .chain(&choices[end..])
                    .copied()
                    .collect();
                if let Some(hit) = self.run(cfg, &cand) {
                    if hit.taken.len() < choices.len() {
                        choices = hit.taken;
                        n = (n - 1).max(2);
                        reduced = true;
                        break;
                    }
                }
                start = end;
            }
            if self.tests >= MAX_TESTS {
                break;
            }
            if !reduced {
                if n >= len {
                    break;
                }
                n = (2 * n).min(len);
            }
        }
        choices
    }
}

/// `cfg` with every submitter's workload replaced by the counts it drew.
fn frozen(cfg: &Config, counts: &[Vec<u32>]) -> Config {
    let mut c = cfg.clone();
    c.per_submitter = counts
        .iter()
        .enumerate()
        .map(|(i, cs)| seq_workload(cfg.workload_of(i), cs))
        .collect();
    c
}

fn seq_workload(base: &Workload, counts: &[u32]) -> Workload {
    Workload {
        submissions: counts.len() as u64,
        batch: if counts.is_empty() {
            BatchDist::Fixed { count: 0 }
        } else {
            BatchDist::Sequence {
                counts: counts.to_vec(),
            }
        },
        zero_count_prob: 0.0,
        ..base.clone()
    }
}

fn seq_of(w: &Workload) -> Vec<u32> {
    match &w.batch {
        BatchDist::Sequence { counts } => counts
            .iter()
            .take(w.submissions as usize)
            .copied()
            .collect(),
        BatchDist::Fixed { count } => vec![*count; w.submissions as usize],
        BatchDist::Uniform { min, .. } => vec![*min; w.submissions as usize],
    }
}

/// `cfg` without submitter `k`, and `choices` renumbered accordingly.
fn without(cfg: &Config, choices: &[Actor], k: u32) -> (Config, Vec<Actor>) {
    let mut c = cfg.clone();
    c.per_submitter.remove(k as usize);
    c.submitters -= 1;
    let ch = choices
        .iter()
        .filter(|a| **a != Actor::Submitter(k))
        .map(|a| match a {
            Actor::Submitter(i) if *i > k => Actor::Submitter(i - 1),
            a => *a,
        })
        .collect();
    (c, ch)
}

/// Renumbers submitters in the order of their first step.
fn canonical(cfg: &Config, choices: &[Actor]) -> (Config, Vec<Actor>) {
    let n = cfg.submitters as usize;
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for a in choices {
        if let Actor::Submitter(i) = a {
            if !order.contains(i) {
                order.push(*i);
            }
        }
    }
    for i in 0..n as u32 {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let mut new_of = vec![0u32; n];
    for (new, old) in order.iter().enumerate() {
        new_of[*old as usize] = new as u32;
    }
    let mut c = cfg.clone();
    c.per_submitter = order
        .iter()
        .map(|old| cfg.per_submitter[*old as usize].clone())
        .collect();
    let ch = choices
        .iter()
        .map(|a| match a {
            Actor::Submitter(i) => Actor::Submitter(new_of[*i as usize]),
            a => *a,
        })
        .collect();
    (c, ch)
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
