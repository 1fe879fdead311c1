//! How many states an exploration will store, estimated before it starts (issue 12): explore a
//! deterministic sample of the family's roots (workload combinations) with a small bound, and
//! extrapolate to the whole family.
//!
//! Roots share states (every workload starts from the same empty ring, and workloads that agree
//! on their first calls agree on their first steps), so the states of `n` roots grow more slowly
//! than `n`. Samples of 1, 2, 4, … roots spread evenly over the family, explored together while
//! they fit the bound (up to `sample` roots), measure that growth: with `s(k)` the states of the
//! last sample and `s(j)` of the one before, `s(n) ≈ s(k) · (n / k)^b` with
//! `b = log(s(k) / s(j)) / log(k / j)`, clamped to `[0, 1]` (roots never add more than their own
//! states). The growth slows as samples grow, so the estimate errs high. A family of at most
//! [`SMALL`] `· sample` roots is first explored whole within the bound: if it fits, the count is
//! exact. If even one root does not fit, the bound is a lower bound. `low` and `high` are the estimate divided and multiplied
//! by [`FACTOR`], the error measured against real counts (`core/tests/estimate.rs`), and `high`
//! is at least the additive guess `s(k) · n / k`.
//!
//! The exploration itself is [`explore_roots`]: the same options (partial-order reduction,
//! symmetry, rotation, stop on cause), with `shortest` off and the estimate's own bound.

use serde::{Deserialize, Serialize};

use super::{explore_roots, family, ExploreOptions, Verdict};
use crate::config::Config;
use crate::error::ConfigError;

/// The estimate is within this factor of the real count on the calibration configs of
/// `core/tests/estimate.rs` (measured worst: 2.08, fixed 3 CPUs × 2 calls with counts 0..1,
/// extrapolated from 2 of 64 roots; the estimate errs high).
pub const FACTOR: f64 = 2.5;

/// Families of at most this many times the sample are first explored whole (within the budget).
pub const SMALL: usize = 8;

/// Default roots of the larger sample.
pub const DEFAULT_SAMPLE: u32 = 16;
/// Default bound on the states of one sample exploration.
pub const DEFAULT_BUDGET: u64 = 150_000;

/// How the estimate was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Method {
    /// The whole family was explored within the budget: `states` is the count.
    Exact,
    /// A sample of roots was explored and extrapolated (module docs).
    Extrapolated,
    /// One root alone exceeds the budget: `states` is a lower bound, `high` unknown.
    LowerBound,
}

/// Options of an estimate: the exploration's options (its `maxStates` is ignored) and the
/// sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateOptions {
    /// Roots of the larger sample (at least 2).
    pub sample: u32,
    /// States one sample exploration may store (at least 1000).
    pub budget: u64,
    pub por: bool,
    pub symmetry: bool,
    pub rotation: bool,
    pub stop_on_cause: bool,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        let e = ExploreOptions::default();
        EstimateOptions {
            sample: DEFAULT_SAMPLE,
            budget: DEFAULT_BUDGET,
            por: e.por,
            symmetry: e.symmetry,
            rotation: e.rotation,
            stop_on_cause: e.stop_on_cause,
        }
    }
}

/// The estimate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Estimate {
    /// States the exploration is expected to store to prove the family.
    pub states: u64,
    pub low: u64,
    /// `None` for a lower bound.
    pub high: Option<u64>,
    /// Roots of the family (workload combinations).
    pub workloads: u64,
    /// Roots explored for the estimate.
    pub sampled: u64,
    /// States the estimate itself explored (with the caller's clock: the measured rate).
    pub explored: u64,
    pub method: Method,
    /// A sample exploration found a counterexample: the exploration may end sooner.
    pub counterexample: bool,
}

/// `k` indices spread evenly over `0..n` (`k <= n`).
fn spread(n: usize, k: usize) -> Vec<usize> {
    (0..k).map(|i| (2 * i + 1) * n / (2 * k)).collect()
}

/// States of `roots` explored together within `budget`: `(states, finished, counterexample)`.
fn count(
    roots: &[Config],
    opts: &EstimateOptions,
    budget: u64,
) -> Result<(u64, bool, bool), ConfigError> {
    let o = ExploreOptions {
        max_states: budget,
        por: opts.por,
        symmetry: opts.symmetry,
        rotation: opts.rotation,
        shortest: false,
        stop_on_cause: opts.stop_on_cause,
        ..ExploreOptions::default()
    };
    let v = explore_roots(roots, &o, |_| true)?;
    let states = v.stats().states;
    Ok(match v {
        Verdict::Proved { .. } => (states, true, false),
        Verdict::Counterexample { .. } => (states, true, true),
        Verdict::BoundReached { .. } => (states, false, false),
    })
}

/// Rejects options outside their range, naming the field.
fn check(opts: &EstimateOptions) -> Result<(), ConfigError> {
    if opts.sample < 2 {
        return Err(ConfigError::new(
            "sample",
            format!("is {}; allowed range is >= 2", opts.sample),
        ));
    }
    if opts.budget < 1000 {
        return Err(ConfigError::new(
            "budget",
            format!("is {}; allowed range is >= 1000", opts.budget),
        ));
    }
    Ok(())
}

/// Estimates the states of exploring `roots` together (the family of a config, or a count
/// family). Errors name the field: `sample`, `budget`, or what the explorer rejects.
pub fn estimate_roots(roots: &[Config], opts: &EstimateOptions) -> Result<Estimate, ConfigError> {
    check(opts)?;
    let n = roots.len();
    let workloads = n as u64;
    let mut explored = 0;
    let mut counterexample = false;
    let mut run = |set: &[Config]| -> Result<(u64, bool), ConfigError> {
        let (s, done, cx) = count(set, opts, opts.budget)?;
        explored += s;
        counterexample |= cx;
        Ok((s, done))
    };
    // A small family is explored whole when it fits the budget: the count is exact.
    if n <= SMALL * opts.sample as usize {
        let (s, done) = run(roots)?;
        if done {
            return Ok(Estimate {
                states: s,
                low: s,
                high: Some(s),
                workloads,
                sampled: workloads,
                explored,
                method: Method::Exact,
                counterexample,
            });
        }
    }
    // Samples of 1, 2, 4, ... roots (each spread evenly over the family) while they fit the
    // budget, up to `sample`: the last two give the growth exponent.
    let mut points: Vec<(usize, u64)> = Vec::new();
    let mut k = 1;
    loop {
        let set: Vec<Config> = spread(n, k).into_iter().map(|i| roots[i].clone()).collect();
        let (s, done) = run(&set)?;
        if !done {
            if points.is_empty() {
                return Ok(Estimate {
                    states: s,
                    low: s,
                    high: None,
                    workloads,
                    sampled: 1,
                    explored,
                    method: Method::LowerBound,
                    counterexample,
                });
            }
            break;
        }
        points.push((k, s));
        if k >= (opts.sample as usize).min(n) {
            break;
        }
        k = (2 * k).min(opts.sample as usize).min(n);
    }
    let (k, s_big) = points[points.len() - 1];
    let ratio = n as f64 / k as f64;
    let b = match points.len() {
        1 => 1.0,
        l => {
            let (k0, s0) = points[l - 2];
            if s0 > 0 && s_big > s0 {
                ((s_big as f64 / s0 as f64).ln() / (k as f64 / k0 as f64).ln()).clamp(0.0, 1.0)
            } else {
                0.0
            }
        }
    };
    let est = s_big as f64 * ratio.powf(b);
    let additive = s_big as f64 * ratio;
    let states = est.round() as u64;
    Ok(Estimate {
        states,
        low: ((est / FACTOR).round() as u64).max(s_big),
        high: Some((est * FACTOR).max(additive).round() as u64),
        workloads,
        sampled: k as u64,
        explored,
        method: Method::Extrapolated,
        counterexample,
    })
}

/// Estimates the states of exploring `cfg`'s family (see [`family()`]).
pub fn estimate(cfg: &Config, opts: &EstimateOptions) -> Result<Estimate, ConfigError> {
    check(opts)?;
    let (roots, _) = family(cfg)?;
    estimate_roots(&roots, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_even_and_in_range() {
        assert_eq!(spread(8, 8), (0..8).collect::<Vec<_>>());
        assert_eq!(spread(729, 4), [91, 273, 455, 637]);
        assert_eq!(spread(3, 1), [1]);
    }

    #[test]
    fn bad_options_name_their_field() {
        let cfg = Config::default();
        for (o, field) in [
            (
                EstimateOptions {
                    sample: 1,
                    ..EstimateOptions::default()
                },
                "sample",
            ),
            (
                EstimateOptions {
                    budget: 10,
                    ..EstimateOptions::default()
                },
                "budget",
            ),
        ] {
            assert_eq!(estimate(&cfg, &o).unwrap_err().field, field);
        }
    }
}
