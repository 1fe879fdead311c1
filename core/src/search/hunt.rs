//! Hunting: many seeds of one config, findings collected, metrics merged. Chunks of seeds can run
//! anywhere (threads, Web Workers) and [`HuntResult::merge`] combines them into the same result
//! whatever the split.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::ConfigError;
use crate::metrics::{Histogram, Series};
use crate::model::{Finding, FindingKind};
use crate::search::shrink::Minimized;
use crate::sim::{Outcome, Simulation};

/// Findings kept in one hunt result (counts stay exact beyond it).
pub const DEFAULT_MAX_FINDINGS: usize = 100;

/// One seed that found something.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HuntFinding {
    pub seed: u64,
    /// Distinct kinds found in this run, in order of first appearance.
    pub kinds: Vec<FindingKind>,
    /// The first finding of the run.
    pub first: Finding,
    /// Every finding of the run.
    pub findings: Vec<Finding>,
    pub outcome: Outcome,
    pub steps: u64,
    /// The original schedule.
    pub replay: String,
    /// The minimised schedule (when minimisation was asked for).
    pub minimized: Option<Minimized>,
}

/// Counts and merged metrics of a hunt (or of one chunk of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HuntResult {
    #[cfg_attr(feature = "ts", ts(as = "crate::config::PolicyKind"))]
    pub policy: String,
    #[cfg_attr(feature = "ts", ts(type = "SchedulerConfig[\"kind\"]"))]
    pub scheduler: String,
    /// Seeds covered, as sorted disjoint `[start, end)` ranges.
    pub seed_ranges: Vec<(u64, u64)>,
    pub schedules: u64,
    pub steps: u64,
    pub completed: u64,
    /// Runs per finding kind (a run counts once per kind).
    pub runs_with: Vec<(FindingKind, u64)>,
    /// Runs with a proved lockup.
    pub lockups: u64,
    /// Runs with any safety violation.
    pub safety: u64,
    /// Runs that hit the step limit.
    pub step_limits: u64,
    /// Findings of the lowest seeds (sorted by seed), at most `max_findings`.
    pub findings: Vec<HuntFinding>,
    pub max_findings: usize,
    pub latency_steps: Histogram,
    pub latency_ns: Histogram,
    /// Sum of every run's throughput series.
    pub series: Series,
    pub descriptors: u64,
    pub submissions: u64,
    pub time_ns: u64,
}

impl HuntResult {
    /// An empty result for `cfg`.
    pub fn empty(cfg: &Config, max_findings: usize) -> Self {
        let timed = matches!(cfg.scheduler, crate::config::SchedulerConfig::Timed { .. });
        HuntResult {
            policy: cfg.policy.name().into(),
            scheduler: cfg.scheduler.name().into(),
            seed_ranges: Vec::new(),
            schedules: 0,
            steps: 0,
            completed: 0,
            runs_with: Vec::new(),
            lockups: 0,
            safety: 0,
            step_limits: 0,
            findings: Vec::new(),
            max_findings,
            latency_steps: Histogram::default(),
            latency_ns: Histogram::default(),
            series: Series::new(
                if timed { "ns" } else { "step" },
                cfg.bucket,
                cfg.max_buckets,
                cfg.submitters,
            ),
            descriptors: 0,
            submissions: 0,
            time_ns: 0,
        }
    }

    /// Runs that found `kind`.
    pub fn count(&self, kind: FindingKind) -> u64 {
        self.runs_with
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    fn bump(&mut self, kind: FindingKind, n: u64) {
        match self.runs_with.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, c)) => *c += n,
            None => {
                self.runs_with.push((kind, n));
                self.runs_with.sort();
            }
        }
    }

    fn add_range(&mut self, start: u64, end: u64) {
        self.seed_ranges.push((start, end));
        self.seed_ranges.sort_unstable();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (s, e) in self.seed_ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.seed_ranges = merged;
    }

    /// Number of seeds covered.
    pub fn seeds_covered(&self) -> u64 {
        self.seed_ranges.iter().map(|(s, e)| e - s).sum()
    }

    /// Combines a disjoint chunk into this result; the outcome does not depend on the order or
    /// the split.
    pub fn merge(&mut self, o: &HuntResult) {
        for (s, e) in &o.seed_ranges {
            self.add_range(*s, *e);
        }
        self.schedules += o.schedules;
        self.steps += o.steps;
        self.completed += o.completed;
        for (k, n) in &o.runs_with {
            self.bump(*k, *n);
        }
        self.lockups += o.lockups;
        self.safety += o.safety;
        self.step_limits += o.step_limits;
        self.findings.extend(o.findings.iter().cloned());
        self.findings.sort_by_key(|f| f.seed);
        self.findings.truncate(self.max_findings);
        self.latency_steps.merge(&o.latency_steps);
        self.latency_ns.merge(&o.latency_ns);
        self.series.merge(&o.series);
        self.descriptors += o.descriptors;
        self.submissions += o.submissions;
        self.time_ns += o.time_ns;
    }
}

/// Options of a hunt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct HuntOptions {
    /// Keep at most this many findings (the lowest seeds).
    pub max_findings: usize,
    /// Minimise each kept finding (costs replays; see [`crate::search::shrink`]).
    pub minimize: bool,
}

impl Default for HuntOptions {
    fn default() -> Self {
        HuntOptions {
            max_findings: DEFAULT_MAX_FINDINGS,
            minimize: true,
        }
    }
}

/// Runs seeds `seed_start .. seed_start + seed_count` of `cfg` (its own `seed` is ignored).
/// `progress` is called after every run with the number of runs done; returning false stops
/// early (the result then covers the seeds run so far).
pub fn hunt_with(
    cfg: &Config,
    seed_start: u64,
    seed_count: u64,
    opts: &HuntOptions,
    mut progress: impl FnMut(u64) -> bool,
) -> Result<HuntResult, ConfigError> {
    cfg.validate()?;
    if seed_start.checked_add(seed_count).is_none() {
        return Err(ConfigError::new(
            "seedCount",
            format!("seedStart + seedCount overflows u64 (seedStart is {seed_start})"),
        ));
    }
    let mut res = HuntResult::empty(cfg, opts.max_findings);
    let mut done = 0;
    for seed in seed_start..seed_start + seed_count {
        let mut c = cfg.clone();
        c.seed = seed;
        // Fast path without the schedule; a kept finding's seed is re-run to record it (the
        // run is deterministic, so the re-run is the same run).
        c.record_schedule = false;
        let mut sim = Simulation::new(c.clone())?;
        let report = sim.run();
        res.schedules += 1;
        res.steps += report.steps;
        if report.outcome == Outcome::Completed {
            res.completed += 1;
        }
        if report.outcome == Outcome::StepLimit {
            res.step_limits += 1;
        }
        let mut kinds: Vec<FindingKind> = Vec::new();
        for f in &report.findings {
            if !kinds.contains(&f.kind) {
                kinds.push(f.kind);
            }
        }
        for k in &kinds {
            res.bump(*k, 1);
        }
        if kinds.contains(&FindingKind::Lockup) {
            res.lockups += 1;
        }
        if kinds.iter().any(|k| k.is_safety()) {
            res.safety += 1;
        }
        let m = &report.metrics;
        res.latency_steps.merge(&m.latency_steps());
        res.latency_ns.merge(&m.latency_ns());
        res.series.merge(&m.series);
        res.descriptors += m.descriptors;
        res.submissions += m.submissions;
        res.time_ns += m.time_ns;
        if !kinds.is_empty() && res.findings.len() < opts.max_findings {
            c.record_schedule = true;
            let report = Simulation::new(c)?.run();
            // Minimise towards the worst consequence the run reached (the lockup rather than the
            // lost completion that caused it); ties go to the first found.
            let target = kinds
                .iter()
                .copied()
                .rev()
                .max_by_key(|k| k.severity())
                .unwrap_or(kinds[0]);
            let minimized = if opts.minimize {
                crate::search::shrink::minimize(&report.config, &report.replay, &target)
            } else {
                None
            };
            res.findings.push(HuntFinding {
                seed,
                kinds,
                first: report.findings[0].clone(),
                findings: report.findings.clone(),
                outcome: report.outcome.clone(),
                steps: report.steps,
                replay: report.replay.clone(),
                minimized,
            });
        }
        done += 1;
        if !progress(done) {
            break;
        }
    }
    res.add_range(seed_start, seed_start + done);
    Ok(res)
}

/// [`hunt_with`] without progress reporting.
pub fn hunt(
    cfg: &Config,
    seed_start: u64,
    seed_count: u64,
    opts: &HuntOptions,
) -> Result<HuntResult, ConfigError> {
    hunt_with(cfg, seed_start, seed_count, opts, |_| true)
}
