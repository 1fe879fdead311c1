//! The allowed range of every numeric field of the config: one table, read by
//! [`Config::validate`] and by the JSON reader ([`Config::from_json`]), so a value serde refuses
//! for the field's type (`submitters: -1`, `2.5`) reports the same range the validator does.

use super::*;
use crate::error::FieldRange;

/// A bound of a range: a number, or one that depends on the config.
#[derive(Clone, Copy, Debug)]
enum Bound {
    N(f64),
    /// `qiLength`.
    QiLength,
    /// `qiLength - 2`: the largest batch `check_space` can ever fit (it needs `free_cnt >=
    /// count + 2`, and at most `QI_LENGTH - 1` slots are ever free: a larger batch would retry
    /// forever).
    MaxCount,
    /// The `max` of the workload's uniform batch (its `min` may not exceed it).
    UniformMax,
}

/// One row: a path pattern, its bounds, and whether only whole numbers are allowed. In a
/// pattern `W` is `workload` or `perSubmitter[i]`, `*` any one name, and indices are left out
/// (`W.batch.counts` is `perSubmitter[1].batch.counts[7]` too). The first row that matches wins.
struct Row {
    path: &'static str,
    min: f64,
    max: Bound,
    min_exclusive: bool,
    integer: bool,
}

const fn int(path: &'static str, min: u64, max: Bound) -> Row {
    Row {
        path,
        min: min as f64,
        max,
        min_exclusive: false,
        integer: true,
    }
}

const fn real(path: &'static str, min: f64, max: f64) -> Row {
    Row {
        path,
        min,
        max: Bound::N(max),
        min_exclusive: false,
        integer: false,
    }
}

const fn n(x: u64) -> Bound {
    Bound::N(x as f64)
}

/// Every numeric field the validator bounds.
const RANGES: &[Row] = &[
    int("qiLength", MIN_QI_LENGTH as u64, n(MAX_QI_LENGTH as u64)),
    int("submitters", 1, n(MAX_SUBMITTERS as u64)),
    int("fetchDepth", 0, Bound::QiLength),
    int("stepLimit", 1, n(MAX_STEP_LIMIT)),
    int("watchdog", 0, n(MAX_STEP_LIMIT)),
    int("traceCapacity", 1, n(MAX_TRACE_CAPACITY as u64)),
    int("bucket", 1, n(MAX_STEP_LIMIT)),
    int("maxBuckets", 2, n(1 << 20)),
    int("W.submissions", 0, n(MAX_SUBMISSIONS)),
    real("W.zeroCountProb", 0.0, 1.0),
    int("W.thinkNs", 0, n(MAX_COST_NS)),
    int("W.batch.count", 0, Bound::MaxCount),
    int("W.batch.max", 0, Bound::MaxCount),
    int("W.batch.min", 0, Bound::UniformMax),
    int("W.batch.counts", 0, Bound::MaxCount),
    real("W.types.*", 0.0, 1e9),
    Row {
        path: "scheduler.hwWeight",
        min: 0.0,
        max: Bound::N(1e6),
        min_exclusive: true,
        integer: false,
    },
    int("scheduler.depth", 1, n(MAX_PCT_DEPTH as u64)),
    int("scheduler.steps", 0, n(MAX_STEP_LIMIT)),
    real("scheduler.costs.jitter", 0.0, 0.9),
    int("scheduler.costs.*", 0, n(MAX_COST_NS)),
    real("faults.iqeRate", 0.0, 1.0),
    real("faults.iteRate", 0.0, 1.0),
    real("faults.iceRate", 0.0, 1.0),
    real("faults.deviceGoneRate", 0.0, 1.0),
];

/// `field` without its indices (`perSubmitter[1].batch.counts[7]` is
/// `perSubmitter.batch.counts`), and the index of `perSubmitter`, if any.
fn normalise(field: &str) -> (String, Option<usize>) {
    let mut out = String::with_capacity(field.len());
    let mut index = None;
    let mut rest = field;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find(']').map_or(rest.len(), |c| open + c + 1);
        if index.is_none() && out == "perSubmitter" {
            index = rest[open + 1..close.saturating_sub(1)].parse().ok();
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    (out, index)
}

fn matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('.'), path.split('.'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some("W"), Some("workload" | "perSubmitter")) | (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// The allowed range of numeric field `field` (a JSON path such as `workload.batch.count` or
/// `perSubmitter[1].zeroCountProb`) in `cfg` (some bounds depend on it: `fetchDepth` on
/// `qiLength`, a batch count on `qiLength`, a uniform `min` on its `max`); `None` for a field
/// the validator does not bound.
pub fn field_range(field: &str, cfg: &Config) -> Option<FieldRange> {
    let (path, index) = normalise(field);
    let row = RANGES.iter().find(|r| matches(r.path, &path))?;
    let workload = || match index {
        Some(i) => cfg.workload_of(i),
        None => &cfg.workload,
    };
    let max_count = cfg.qi_length.saturating_sub(2) as f64;
    let max = match row.max {
        Bound::N(x) => x,
        Bound::QiLength => cfg.qi_length as f64,
        Bound::MaxCount => max_count,
        Bound::UniformMax => match workload().batch {
            BatchDist::Uniform { max, .. } => max as f64,
            _ => max_count,
        },
    };
    Some(FieldRange {
        min: row.min,
        max,
        min_exclusive: row.min_exclusive,
        integer: row.integer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_matched() {
        assert_eq!(
            normalise("perSubmitter[12].batch.counts[3]"),
            ("perSubmitter.batch.counts".to_string(), Some(12))
        );
        assert_eq!(normalise("qiLength"), ("qiLength".to_string(), None));
        let cfg = Config {
            qi_length: 8,
            per_submitter: vec![
                Workload::default(),
                Workload {
                    batch: BatchDist::Uniform { min: 0, max: 3 },
                    ..Workload::default()
                },
            ],
            ..Config::default()
        };
        let r = |f| field_range(f, &cfg).map(|r| (r.min, r.max, r.integer));
        assert_eq!(r("submitters"), Some((1.0, 256.0, true)));
        assert_eq!(r("fetchDepth"), Some((0.0, 8.0, true)));
        assert_eq!(r("perSubmitter[1].batch.counts[0]"), Some((0.0, 6.0, true)));
        assert_eq!(r("perSubmitter[1].batch.min"), Some((0.0, 3.0, true)));
        assert_eq!(r("workload.batch.min"), Some((0.0, 4.0, true)));
        assert_eq!(r("workload.types.pasid"), Some((0.0, 1e9, false)));
        assert_eq!(r("scheduler.costs.jitter"), Some((0.0, 0.9, false)));
        assert_eq!(r("scheduler.costs.lockNs"), Some((0.0, 1e9, true)));
        assert_eq!(r("faults.iteRate"), Some((0.0, 1.0, false)));
        assert!(
            field_range("scheduler.hwWeight", &cfg)
                .unwrap()
                .min_exclusive
        );
        assert_eq!(r("seed"), None);
        assert_eq!(r("policy"), None);
        assert_eq!(r("workload.batch"), None);
    }
}
