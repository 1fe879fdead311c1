//! Linux kernel versions as presets (DESIGN.md section 4): which reclaim policy and which
//! `ITE` walk each version's `drivers/iommu/intel/dmar.c` has, and which batch sizes its callers
//! submit. Read against the sources: 6.9 (`qi_submit_sync()` marks `QI_DONE` for the
//! invalidation slots only and `reclaim_free_desc()` frees every `QI_DONE`/`QI_ABORT` slot;
//! `qi_check_fault()` starts its walk at `(IQH - 1) | 1` and steps by -2) and 7.x
//! (`qi_submit_sync()` marks all `count + 1` slots `QI_FREE`; the walk starts at `IQH - 1` and
//! steps by -1). Both versions have the device-gone branch (`-ETIMEDOUT`) after the walk.

use serde::{Deserialize, Serialize};

use crate::config::{BatchDist, Config, IteWalk, PolicyKind, Workload};
use crate::error::ConfigError;

/// A kernel version (a range of versions with the same `qi_submit_sync` behaviour).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Kernel {
    /// Up to 6.11: legacy reclaim, stride-2 `ITE` walk.
    #[serde(rename = "6.9")]
    V6_9,
    /// 6.12 to 6.19: the reclaim fix, stride-2 walk, `qi_batch` flushes of up to 16.
    #[serde(rename = "6.12")]
    V6_12,
    /// 7.0 and later: the reclaim fix and the stride-1 walk.
    #[serde(rename = "7.0")]
    V7_0,
}

/// Largest batch a realistic caller submits (`QI_MAX_BATCHED_DESC_COUNT` of `qi_batch`).
pub const MAX_BATCH: u32 = 16;

impl Kernel {
    /// Every preset, oldest first.
    pub const ALL: [Kernel; 3] = [Kernel::V6_9, Kernel::V6_12, Kernel::V7_0];

    /// The version as written on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::V6_9 => "6.9",
            Kernel::V6_12 => "6.12",
            Kernel::V7_0 => "7.0",
        }
    }

    /// The versions it stands for.
    pub fn range(self) -> &'static str {
        match self {
            Kernel::V6_9 => "up to 6.11",
            Kernel::V6_12 => "6.12 to 6.19",
            Kernel::V7_0 => "7.0 and later",
        }
    }

    /// Parses `6.9`, `6.12` or `7.0`.
    pub fn parse(s: &str) -> Result<Kernel, String> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| format!("`{s}` is not a kernel preset; allowed: 6.9, 6.12, 7.0"))
    }

    /// Reclaim policy of `qi_submit_sync()` in this version.
    pub fn policy(self) -> PolicyKind {
        match self {
            Kernel::V6_9 => PolicyKind::Legacy,
            Kernel::V6_12 | Kernel::V7_0 => PolicyKind::Fixed,
        }
    }

    /// The `ITE` walk of `qi_check_fault()` in this version.
    pub fn ite_walk(self) -> IteWalk {
        match self {
            Kernel::V6_9 | Kernel::V6_12 => IteWalk::Stride2,
            Kernel::V7_0 => IteWalk::Stride1,
        }
    }

    /// Batch sizes real callers submit, on a ring of `qi_length`: count 1 (every flush helper)
    /// and count 3 with `QI_OPT_WAIT_DRAIN` (the PASID page-request drain: a fence-only wait,
    /// a PASID-based IOTLB and a device-TLB invalidation); from 6.12 also `qi_batch` flushes
    /// of 1 to 16, as many as the ring holds. Count 0 is in none: it is the hypothetical future
    /// caller the fix was written for.
    pub fn realistic_counts(self, qi_length: u32) -> Vec<u32> {
        let cap = qi_length.saturating_sub(2);
        let mut v = match self {
            Kernel::V6_9 => vec![1, 3],
            Kernel::V6_12 | Kernel::V7_0 => (1..=MAX_BATCH).collect(),
        };
        v.retain(|c| *c <= cap);
        v
    }

    /// `base` with this version's realistic batches for the simulator: the two caller kinds
    /// alternating (6.9), or uniform over 1..=16 as far as the ring holds (6.12 and later).
    pub fn realistic_workload(self, base: &Workload, qi_length: u32) -> Workload {
        let counts = self.realistic_counts(qi_length);
        let batch = match self {
            Kernel::V6_9 => BatchDist::Sequence { counts },
            Kernel::V6_12 | Kernel::V7_0 => BatchDist::Uniform {
                min: counts.first().copied().unwrap_or(1),
                max: counts.last().copied().unwrap_or(1),
            },
        };
        Workload {
            batch,
            ..base.clone()
        }
    }

    /// Sets `kernel`, `policy` and `faults.iteWalk` of `cfg` to this version.
    pub fn apply(self, cfg: &mut Config) {
        cfg.kernel = Some(self);
        cfg.policy = self.policy();
        cfg.faults.ite_walk = self.ite_walk();
    }

    /// Checks that `cfg` models this version (its policy and walk).
    pub fn check(self, cfg: &Config) -> Result<(), ConfigError> {
        if cfg.policy != self.policy() {
            return Err(ConfigError::new(
                "policy",
                format!(
                    "is {}, but kernel {} ({}) reclaims with the {} policy; drop `kernel` or set policy \"{}\"",
                    cfg.policy.name(),
                    self.name(),
                    self.range(),
                    self.policy().name(),
                    self.policy().name()
                ),
            ));
        }
        if cfg.faults.ite_walk != self.ite_walk() {
            return Err(ConfigError::new(
                "faults.iteWalk",
                format!(
                    "is {}, but kernel {} ({}) walks with {}; drop `kernel` or set iteWalk \"{}\"",
                    walk_name(cfg.faults.ite_walk),
                    self.name(),
                    self.range(),
                    walk_name(self.ite_walk()),
                    walk_name(self.ite_walk())
                ),
            ));
        }
        Ok(())
    }
}

/// JSON name of an `ITE` walk.
pub fn walk_name(w: IteWalk) -> &'static str {
    match w {
        IteWalk::Stride1 => "stride1",
        IteWalk::Stride2 => "stride2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_follow_the_version_table() {
        let rows: Vec<_> = Kernel::ALL
            .iter()
            .map(|k| (k.name(), k.policy(), k.ite_walk()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("6.9", PolicyKind::Legacy, IteWalk::Stride2),
                ("6.12", PolicyKind::Fixed, IteWalk::Stride2),
                ("7.0", PolicyKind::Fixed, IteWalk::Stride1),
            ]
        );
        assert_eq!(Kernel::V6_9.realistic_counts(256), vec![1, 3]);
        assert_eq!(Kernel::V7_0.realistic_counts(8), vec![1, 2, 3, 4, 5, 6]);
        assert!(Kernel::ALL
            .iter()
            .all(|k| !k.realistic_counts(256).contains(&0)));
    }

    #[test]
    fn a_config_that_contradicts_its_kernel_is_rejected() {
        let mut c = Config::default();
        Kernel::V6_9.apply(&mut c);
        assert!(c.validate().is_ok());
        c.policy = PolicyKind::Fixed;
        assert_eq!(c.validate().unwrap_err().field, "policy");
        Kernel::V7_0.apply(&mut c);
        c.faults.ite_walk = IteWalk::Stride2;
        assert_eq!(c.validate().unwrap_err().field, "faults.iteWalk");
        assert_eq!(Kernel::parse("6.12"), Ok(Kernel::V6_12));
        assert!(Kernel::parse("6.10")
            .unwrap_err()
            .contains("6.9, 6.12, 7.0"));
    }
}
