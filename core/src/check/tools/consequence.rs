//! Following a first cause to its end: a counterexample whose finding is not itself a hang (a
//! stray `QI_DONE` that stops `reclaim_free_desc()`) is searched again with more calls per CPU
//! for the hang it leads to, as `docs/kernels.md` reports it next to the cause.

use serde::{Deserialize, Serialize};

use crate::check::{explore, ExploreOptions, Verdict};
use crate::config::Config;
use crate::model::FindingKind;

/// Most calls per CPU a chain is followed to.
pub const MAX_CALLS: u64 = 4;

/// The hang a first cause leads to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Consequence {
    /// The hang (`lockup`, `walkLoop`, `retryForever`).
    pub kind: FindingKind,
    /// Calls per CPU it takes.
    pub calls: u64,
    pub steps: u64,
    /// The replay string, against the cause's config with `calls` calls per CPU.
    pub replay: String,
    /// The findings of its replay in the simulator, in order: the cause comes first.
    pub findings: Vec<FindingKind>,
}

/// Whether a counterexample of `kind` is a cause worth following: a stray write (it may stop
/// the reclaim for good; the hang needs more calls than the cause).
pub fn follows(kind: FindingKind) -> bool {
    kind == FindingKind::StrayStatusWrite
}

/// `cfg` (a counterexample's config, one root) with `calls` calls per CPU.
pub fn with_calls(cfg: &Config, calls: u64) -> Config {
    let mut c = cfg.clone();
    c.workload.submissions = calls;
    for w in &mut c.per_submitter {
        w.submissions = calls;
    }
    c
}

/// The shortest hang reachable from `cfg` with up to [`MAX_CALLS`] calls per CPU whose replay
/// passes through `cause` first (so the hang is the cause's, not another path's), or none.
pub fn follow(cfg: &Config, cause: FindingKind, max_states: u64) -> Option<Consequence> {
    let first = cfg.workload_of(0).submissions.max(
        cfg.per_submitter
            .iter()
            .map(|w| w.submissions)
            .max()
            .unwrap_or(0),
    );
    for calls in first + 1..=MAX_CALLS {
        let c = with_calls(cfg, calls);
        let opts = ExploreOptions {
            max_states,
            target: Some(FindingKind::Lockup),
            ..ExploreOptions::default()
        };
        let Ok(Verdict::Counterexample {
            kind,
            replay,
            steps,
            findings,
            reproduced: true,
            ..
        }) = explore(&c, &opts)
        else {
            continue;
        };
        let kinds: Vec<FindingKind> = findings.iter().map(|f| f.kind).collect();
        let cause_at = kinds.iter().position(|k| *k == cause);
        let hang_at = kinds.iter().position(|k| k.hangs());
        if matches!((cause_at, hang_at), (Some(a), Some(b)) if a < b) {
            return Some(Consequence {
                kind,
                calls,
                steps,
                replay,
                findings: kinds,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::kernel::Kernel;
    use crate::config::{BatchDist, FaultConfig, TypeMix, Workload};

    /// 7.0, device gone: the CPU that gets -ETIMEDOUT frees its batch while hardware holds
    /// it; the late QI_DONE stops the reclaim, and with three calls per CPU the ring runs out.
    #[test]
    fn a_stray_write_that_stops_the_reclaim_ends_in_a_lockup() {
        let mut cfg = Config {
            qi_length: 8,
            submitters: 2,
            faults: FaultConfig {
                device_gone_rate: 0.5,
                max_faults: 1,
                ..FaultConfig::default()
            },
            workload: Workload {
                submissions: 1,
                batch: BatchDist::Fixed { count: 1 },
                types: TypeMix {
                    iotlb: 0.0,
                    devtlb: 1.0,
                    ..TypeMix::default()
                },
                ..Workload::default()
            },
            ..Config::default()
        };
        Kernel::V7_0.apply(&mut cfg);
        let v = explore(&cfg, &ExploreOptions::default()).unwrap();
        assert!(matches!(
            v,
            Verdict::Counterexample {
                kind: FindingKind::StrayStatusWrite,
                ..
            }
        ));
        let c = follow(&cfg, FindingKind::StrayStatusWrite, 1_000_000).unwrap();
        assert_eq!((c.kind, c.calls), (FindingKind::Lockup, 3));
        assert_eq!(c.findings.first(), Some(&FindingKind::StrayStatusWrite));
        // Under the legacy reclaim (6.9) the late QI_DONE is reclaimed: no chain.
        Kernel::V6_9.apply(&mut cfg);
        assert!(follow(&cfg, FindingKind::StrayStatusWrite, 1_000_000).is_none());
    }
}
