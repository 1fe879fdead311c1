//! How many states an exploration will store, estimated before it starts (issue 12): explore
//! the family within a small bound, then samples of its roots (workload combinations), and
//! bracket the whole family.
//!
//! First the whole family is explored within the bound: if it fits, the count is exact. If
//! not, the states it stored are states of the family: a true lower bound (`low`). Then the
//! samples, prefixes of one fixed pseudo-random order of the roots (1, 2, 4, … roots, nested,
//! up to `sample`), are explored while they fit the bound (all explorations together store at
//! most three bounds). Roots share states (every workload starts from the same empty ring, and
//! the explorer merges submitters with the same calls left), so with `s` the states of the
//! largest sample of `k` roots, the family stores at most about `s · n / k`: every root as
//! large as the sample's average and sharing nothing (`high`; a guess, not a bound, but it held
//! on every calibration family). The estimate is the geometric mean of `low` and `high`: within
//! `√(high/low)` of any count in that range. Fitting a curve through the samples did worse:
//! with a few roots of thousands the samples' growth says little about the family's (a power
//! law through the last two samples was off by up to 20× on the calibration families, the
//! geometric mean by at most [`FACTOR`]). If even one root does not fit, `low` is all there is
//! (`high` unknown).
//!
//! The exploration itself is [`explore_roots`]: the same options (partial-order reduction,
//! symmetry, rotation, stop on cause), with `shortest` off and the estimate's own bound.

use serde::{Deserialize, Serialize};

use crate::check::{explore_roots, family, ExploreOptions, Verdict};
use crate::config::Config;
use crate::error::ConfigError;

/// The estimate is within this factor of the real count on the calibration families of
/// `core/tests/estimate.rs` and `docs/scaling.md` (ring 8, 2–5 CPUs, 27 to 6,561 roots, budgets
/// of 10,000 to a million states: measured worst 3.9, 4 CPUs × 2 calls with counts 0..1,
/// 4 of 256 roots sampled).
pub const FACTOR: f64 = 4.0;

/// Default most roots of the largest sample (the bound on states is what limits it).
pub const DEFAULT_SAMPLE: u32 = 4096;
/// All sample explorations together store at most this many budgets.
const TOTAL: u64 = 3;

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
    /// Neither the family nor one root fits the budget: `states` is a lower bound (the states
    /// the family stored before the budget), `high` unknown.
    LowerBound,
}

/// Options of an estimate: the exploration's options (its `maxStates` is ignored) and the
/// sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EstimateOptions {
    /// Most roots of the largest sample (at least 2).
    pub sample: u32,
    /// States one sample exploration may store (at least 1000; all of them together at most
    /// three times this).
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
    /// A true lower bound: states of the family the estimate stored.
    pub low: u64,
    /// About the most the family stores if its roots share no states (`None` for a lower
    /// bound).
    pub high: Option<u64>,
    /// Roots of the family (workload combinations).
    pub workloads: u64,
    /// Roots of the largest sample (all of them when exact).
    pub sampled: u64,
    /// States the estimate itself explored (with the caller's clock: the measured rate).
    pub explored: u64,
    pub method: Method,
    /// A sample exploration found a counterexample: the exploration may end sooner.
    pub counterexample: bool,
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
        return Err(
            ConfigError::range("sample", opts.sample as f64, 2.0, u32::MAX as f64)
                .with_message(format!("is {}; allowed range is >= 2", opts.sample)),
        );
    }
    if opts.budget < 1000 {
        return Err(
            ConfigError::range("budget", opts.budget as f64, 1000.0, u64::MAX as f64)
                .with_message(format!("is {}; allowed range is >= 1000", opts.budget)),
        );
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
    // The whole family first: when it fits, the count is exact, at the cost of the
    // exploration itself.
    let (whole, done, cx) = count(roots, opts, opts.budget)?;
    explored += whole;
    counterexample |= cx;
    if done {
        return Ok(Estimate {
            states: whole,
            low: whole,
            high: Some(whole),
            workloads,
            sampled: workloads,
            explored,
            method: Method::Exact,
            counterexample,
        });
    }
    // What the whole family stored before the bound are states of the family: a lower bound.
    let low = whole;
    let order = sample_order(n);
    // Proper samples (the whole family did not fit).
    let most = (opts.sample as usize).min(n - 1);
    // The largest sample that fits the budget: (roots, states).
    let mut fit: Option<(usize, u64)> = None;
    let mut k = 1;
    while k <= most {
        // Samples are nested, so their counts need not grow geometrically: all of them
        // together store at most TOTAL budgets.
        let bound = opts
            .budget
            .min((TOTAL * opts.budget).saturating_sub(explored));
        let set: Vec<Config> = order[..k].iter().map(|&i| roots[i].clone()).collect();
        let (s, done, cx) = count(&set, opts, bound)?;
        explored += s;
        counterexample |= cx;
        if !done {
            break;
        }
        fit = Some((k, s));
        if k == most || explored >= TOTAL * opts.budget {
            break;
        }
        k = (2 * k).min(most);
    }
    let Some((k, s)) = fit else {
        return Ok(Estimate {
            states: low,
            low,
            high: None,
            workloads,
            sampled: 1,
            explored,
            method: Method::LowerBound,
            counterexample,
        });
    };
    let high = (s as f64 * n as f64 / k as f64).max(low as f64);
    Ok(Estimate {
        states: (low as f64 * high).sqrt().round() as u64,
        low,
        high: Some(high.round() as u64),
        workloads,
        sampled: k as u64,
        explored,
        method: Method::Extrapolated,
        counterexample,
    })
}

/// The order in which roots are sampled: samples are its prefixes (nested, so each sample's
/// states include the previous one's). Pseudo-random with a fixed seed, so an estimate is
/// deterministic: roots next to each other in the family share their first submitters'
/// workloads, so a sample of neighbours, or of evenly spaced roots, is not typical of the family.
fn sample_order(n: usize) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rand_pcg::Pcg64Mcg::seed_from_u64(0x5eed_e571));
    order
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
    fn the_sample_order_is_a_fixed_permutation() {
        let o = sample_order(729);
        let mut sorted = o.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..729).collect::<Vec<_>>());
        assert_eq!(o, sample_order(729));
        assert_ne!(o[..8], (0..8).collect::<Vec<_>>()[..]);
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
