//! The explored family: the set of deterministic configurations ("roots") one exploration
//! covers for a config whose workload leaves counts open. One function for every front end
//! (CLI, wasm, playground), so a flag means the same everywhere and nothing is dropped: a
//! field the explorer cannot enumerate is an error naming it.

use crate::config::{BatchDist, Config, StopOn, Workload};
use crate::error::ConfigError;

/// Most workload combinations one exploration takes.
pub const MAX_ROOTS: u128 = 1_000_000;

/// The roots explored for `cfg`: `cfg` itself when its workloads are deterministic, else every
/// per-submitter sequence of the counts the shared `workload` can draw — its batch's counts
/// (`fixed`, or `uniform` `min..=max`), plus 0 when `zeroCountProb` is above 0 (only 0 when it
/// is 1). Also returns those counts (empty for a single deterministic config). Rates, seeds and
/// schedulers need no enumeration: the explorer covers every schedule and every fault a
/// positive rate allows.
pub fn family(cfg: &Config) -> Result<(Vec<Config>, Vec<u32>), ConfigError> {
    cfg.validate()?;
    if !cfg.per_submitter.is_empty() {
        return Ok((vec![cfg.clone()], Vec::new()));
    }
    let w = &cfg.workload;
    check_types("workload", w)?;
    let p = w.zero_count_prob;
    let mut counts: Vec<u32> = match &w.batch {
        BatchDist::Fixed { count } => vec![*count],
        BatchDist::Uniform { min, max } => (*min..=*max).collect(),
        BatchDist::Sequence { .. } => {
            if p > 0.0 && p < 1.0 {
                return Err(ConfigError::new(
                    "workload.zeroCountProb",
                    format!(
                        "is {p}; with a `sequence` batch the explorer cannot enumerate which calls have count 0:                          use 0 or 1, put the zeros into the sequence, or give a count range (every combination is explored)"
                    ),
                ));
            }
            return Ok((vec![cfg.clone()], Vec::new()));
        }
    };
    if p == 1.0 {
        counts = vec![0];
    } else if p > 0.0 && !counts.contains(&0) {
        counts.insert(0, 0);
    }
    if counts.len() == 1 && (p == 0.0 || p == 1.0) {
        let mut c = cfg.clone();
        c.workload.batch = BatchDist::Fixed { count: counts[0] };
        c.workload.zero_count_prob = 0.0;
        return Ok((vec![c], counts));
    }
    let roots = count_family(cfg, &counts)?;
    Ok((roots, counts))
}

/// Every config that gives each submitter of `cfg` its own `sequence` workload of
/// `submissions` counts drawn from `counts` (all |counts|^(submitters·submissions)
/// combinations; symmetric ones merge in the explorer). The other workload fields of each
/// submitter are kept.
pub fn count_family(cfg: &Config, counts: &[u32]) -> Result<Vec<Config>, ConfigError> {
    if counts.is_empty() {
        return Err(ConfigError::new(
            "counts",
            "is empty; give at least one count".into(),
        ));
    }
    let n = cfg.submitters as usize;
    // Check the size before enumerating positions: `submissions` can be huge.
    let calls: u64 = (0..n)
        .map(|i| cfg.workload_of(i).submissions)
        .fold(0u64, |a, b| a.saturating_add(b));
    if counts.len() > 1 && calls > 64 {
        return Err(ConfigError::too_big_power(
            "counts",
            counts.len() as u64,
            calls,
            MAX_ROOTS as u64,
            "workload combinations",
        ));
    }
    let mut slots: Vec<(usize, usize)> = Vec::new(); // (submitter, position)
    let mut base: Vec<Workload> = Vec::with_capacity(n);
    for i in 0..n {
        let w = cfg.workload_of(i).clone();
        for p in 0..w.submissions as usize {
            slots.push((i, p));
        }
        base.push(w);
    }
    let total = (counts.len() as u128).checked_pow(slots.len() as u32);
    if total.is_none_or(|t| t > MAX_ROOTS) {
        return Err(ConfigError::too_big_power(
            "counts",
            counts.len() as u64,
            slots.len() as u64,
            MAX_ROOTS as u64,
            "workload combinations",
        ));
    }
    let total = total.unwrap_or(0) as usize;
    let mut out = Vec::with_capacity(total);
    for mut k in 0..total {
        let mut seqs: Vec<Vec<u32>> = base
            .iter()
            .map(|w| vec![0; w.submissions as usize])
            .collect();
        for (i, p) in &slots {
            seqs[*i][*p] = counts[k % counts.len()];
            k /= counts.len();
        }
        let mut c = cfg.clone();
        c.per_submitter = base
            .iter()
            .zip(seqs)
            .map(|(w, s)| Workload {
                batch: if s.is_empty() {
                    BatchDist::Fixed { count: 0 }
                } else {
                    BatchDist::Sequence { counts: s }
                },
                zero_count_prob: 0.0,
                ..w.clone()
            })
            .collect();
        out.push(c);
    }
    Ok(out)
}

/// Checks that `w` is deterministic; `prefix` is its JSON path.
fn check_workload(prefix: &str, w: &Workload) -> Result<(), ConfigError> {
    match &w.batch {
        BatchDist::Fixed { .. } | BatchDist::Sequence { .. } => {}
        BatchDist::Uniform { min, max } if min == max => {}
        BatchDist::Uniform { min, max } => {
            return Err(ConfigError::new(
                &format!("{prefix}.batch"),
                format!(
                    "is uniform {min}..={max}; the explorer needs a deterministic workload: \
                     kind `fixed`, `sequence`, or uniform with min == max (to cover several \
                     counts, explore a family of sequences)"
                ),
            ))
        }
    }
    if w.zero_count_prob != 0.0 && w.zero_count_prob != 1.0 {
        return Err(ConfigError::new(
            &format!("{prefix}.zeroCountProb"),
            format!(
                "is {}; the explorer needs 0 or 1 (use a `sequence` batch with 0 counts)",
                w.zero_count_prob
            ),
        ));
    }
    check_types(prefix, w)
}

/// Checks that `w` has one invalidation type (the explorer does not enumerate type mixes).
fn check_types(prefix: &str, w: &Workload) -> Result<(), ConfigError> {
    if w.types.weights().iter().filter(|x| **x > 0.0).count() > 1 {
        return Err(ConfigError::new(
            &format!("{prefix}.types"),
            "has more than one type with a positive weight; the explorer needs one type"
                .to_string(),
        ));
    }
    Ok(())
}

/// Validates `cfg` for exploration and returns the config actually explored (watchdog off).
pub fn explorable(cfg: &Config) -> Result<Config, ConfigError> {
    cfg.validate()?;
    if !cfg.faults.is_off() && cfg.faults.max_faults == 0 {
        // `invalid`: the reason (no limit is not a number out of range) is the message.
        return Err(ConfigError::new(
            "faults.maxFaults",
            "is 0 (no limit); with fault injection the explorer needs a limit of at least 1 \
             (every -EAGAIN restart is a new state), e.g. 1 or 2"
                .to_string(),
        ));
    }
    // Only the workloads in use: `workload` is unused when `perSubmitter` is given.
    if cfg.per_submitter.is_empty() {
        check_workload("workload", &cfg.workload)?;
    }
    for (i, w) in cfg.per_submitter.iter().enumerate() {
        check_workload(&format!("perSubmitter[{i}]"), w)?;
    }
    let mut c = cfg.clone();
    c.watchdog = 0;
    c.stop_on = StopOn::Consequence;
    c.trace = false;
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(batch: BatchDist, p: f64) -> Config {
        Config {
            qi_length: 8,
            submitters: 2,
            workload: Workload {
                submissions: 1,
                batch,
                zero_count_prob: p,
                ..Workload::default()
            },
            ..Config::default()
        }
    }

    #[test]
    fn zero_probability_adds_count_zero() {
        let (roots, counts) = family(&base(BatchDist::Uniform { min: 1, max: 2 }, 0.5)).unwrap();
        assert_eq!(counts, vec![0, 1, 2]);
        assert_eq!(roots.len(), 9);
        let (_, counts) = family(&base(BatchDist::Uniform { min: 1, max: 2 }, 0.0)).unwrap();
        assert_eq!(counts, vec![1, 2]);
        let (roots, counts) = family(&base(BatchDist::Fixed { count: 1 }, 1.0)).unwrap();
        assert_eq!((roots.len(), counts), (1, vec![0]));
        assert_eq!(roots[0].workload.batch, BatchDist::Fixed { count: 0 });
        let (roots, counts) = family(&base(BatchDist::Fixed { count: 1 }, 0.25)).unwrap();
        assert_eq!((roots.len(), counts), (4, vec![0, 1]));
    }

    #[test]
    fn what_cannot_be_enumerated_is_an_error() {
        let e = family(&base(BatchDist::Sequence { counts: vec![1, 2] }, 0.5)).unwrap_err();
        assert_eq!(e.field, "workload.zeroCountProb");
        let mut c = base(BatchDist::Uniform { min: 0, max: 3 }, 0.0);
        c.workload.submissions = 12;
        assert_eq!(family(&c).unwrap_err().field, "counts");
        let mut c = base(BatchDist::Uniform { min: 0, max: 1 }, 0.0);
        c.workload.types.devtlb = 1.0;
        assert_eq!(family(&c).unwrap_err().field, "workload.types");
    }
}
