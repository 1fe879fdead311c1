//! Linux kernel versions as presets: each names a shipped kernel program
//! ([`crate::program::library::KERNELS`], where each was read and which fixes it has) and the
//! batch sizes its callers submit. The reclaim policy and `ITE` walk below are what the
//! program does, for the config's shorthand fields.

use serde::{Deserialize, Serialize};

use crate::config::{BatchDist, Config, IteWalk, PolicyKind, Workload};
use crate::error::ConfigError;
use crate::program::library::{Shipped, KERNELS};

/// A kernel version: a range of releases with one `qi_submit_sync()` behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Kernel {
    /// 5.15.0 to 5.15.167: legacy reclaim, stride-2 walk, no device-gone branch.
    #[serde(rename = "5.15")]
    V5_15,
    /// 5.15.168 to 5.15.202: the reclaim fix backported.
    #[serde(rename = "5.15.168")]
    V5_15_168,
    /// 5.15.203 and later: the reclaim fix and the stride-1 walk backported.
    #[serde(rename = "5.15.203")]
    V5_15_203,
    /// 6.1.0 to 6.1.112: as 5.15.
    #[serde(rename = "6.1")]
    V6_1,
    /// 6.1.113 and later: as 5.15.168.
    #[serde(rename = "6.1.113")]
    V6_1_113,
    /// 6.6.0 to 6.6.54: as 5.15.
    #[serde(rename = "6.6")]
    V6_6,
    /// 6.6.55 to 6.6.129: as 5.15.168.
    #[serde(rename = "6.6.55")]
    V6_6_55,
    /// 6.6.130 and later: as 5.15.203.
    #[serde(rename = "6.6.130")]
    V6_6_130,
    /// 6.9 to 6.11: legacy reclaim, stride-2 walk, the device-gone branch.
    #[serde(rename = "6.9")]
    V6_9,
    /// 6.12 to 6.12.77 and 6.13 to 6.19: the reclaim fix, stride-2 walk, `qi_batch`.
    #[serde(rename = "6.12")]
    V6_12,
    /// 6.12.78 and later: as 7.0.
    #[serde(rename = "6.12.78")]
    V6_12_78,
    /// 6.18.y before the stride-1 backport: as 6.12.
    #[serde(rename = "6.18")]
    V6_18,
    /// 6.18.y after the stride-1 backport: as 7.0.
    #[serde(rename = "6.18.26")]
    V6_18_26,
    /// 7.0 and 7.1: every fix.
    #[serde(rename = "7.0")]
    V7_0,
    /// 7.2: as 7.0.
    #[serde(rename = "7.2")]
    V7_2,
}

/// Largest batch a realistic caller submits (`QI_MAX_BATCHED_DESC_COUNT` of `qi_batch`).
pub const MAX_BATCH: u32 = 16;

impl Kernel {
    /// Every preset, by branch, oldest first.
    pub const ALL: [Kernel; 15] = [
        Kernel::V5_15,
        Kernel::V5_15_168,
        Kernel::V5_15_203,
        Kernel::V6_1,
        Kernel::V6_1_113,
        Kernel::V6_6,
        Kernel::V6_6_55,
        Kernel::V6_6_130,
        Kernel::V6_9,
        Kernel::V6_12,
        Kernel::V6_12_78,
        Kernel::V6_18,
        Kernel::V6_18_26,
        Kernel::V7_0,
        Kernel::V7_2,
    ];

    /// The mainline presets of earlier releases (6.9, 6.12, 7.0).
    pub const MAINLINE: [Kernel; 3] = [Kernel::V6_9, Kernel::V6_12, Kernel::V7_0];

    /// Its shipped program and facts.
    pub fn shipped(self) -> &'static Shipped {
        &KERNELS[self as usize]
    }

    /// The version as written on the command line and in JSON.
    pub fn name(self) -> &'static str {
        self.shipped().name
    }

    /// The versions it stands for.
    pub fn range(self) -> &'static str {
        self.shipped().range
    }

    /// Parses a preset name (`6.9`, `5.15.203`, ...).
    pub fn parse(s: &str) -> Result<Kernel, String> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "`{s}` is not a kernel preset; allowed: {}",
                    names.join(", ")
                )
            })
    }

    /// Reclaim policy of `qi_submit_sync()` in this version.
    pub fn policy(self) -> PolicyKind {
        if self.shipped().fixes.reclaim {
            PolicyKind::Fixed
        } else {
            PolicyKind::Legacy
        }
    }

    /// The `ITE` walk of `qi_check_fault()` in this version.
    pub fn ite_walk(self) -> IteWalk {
        if self.shipped().fixes.stride1 {
            IteWalk::Stride1
        } else {
            IteWalk::Stride2
        }
    }

    /// Batch sizes real callers submit, on a ring of `qi_length`: count 1 (every flush helper)
    /// and count 3 with `QI_OPT_WAIT_DRAIN` (the PASID page-request drain: a fence-only wait,
    /// a PASID-based IOTLB and a device-TLB invalidation); with `qi_batch` (6.12 and later)
    /// flushes of 1 to 16, as many as the ring holds. Count 0 is in none: it is the hypothetical future
    /// caller the fix was written for.
    pub fn realistic_counts(self, qi_length: u32) -> Vec<u32> {
        let cap = qi_length.saturating_sub(2);
        let mut v = if self.shipped().qi_batch {
            (1..=MAX_BATCH).collect()
        } else {
            vec![1, 3]
        };
        v.retain(|c| *c <= cap);
        v
    }

    /// `base` with this version's realistic batches for the simulator: the two caller kinds
    /// alternating (before `qi_batch`), or uniform over 1..=16 as far as the ring holds.
    pub fn realistic_workload(self, base: &Workload, qi_length: u32) -> Workload {
        let counts = self.realistic_counts(qi_length);
        let batch = if self.shipped().qi_batch {
            BatchDist::Uniform {
                min: counts.first().copied().unwrap_or(1),
                max: counts.last().copied().unwrap_or(1),
            }
        } else {
            BatchDist::Sequence { counts }
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
        let rows: Vec<_> = Kernel::MAINLINE
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
            .contains("5.15, 5.15.168, 5.15.203, 6.1,"));
        for (i, k) in Kernel::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i, "Kernel::ALL is in the order of KERNELS");
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
        }
        assert_eq!(Kernel::V5_15_203.policy(), PolicyKind::Fixed);
        assert_eq!(Kernel::V5_15_203.ite_walk(), IteWalk::Stride1);
        assert_eq!(Kernel::V6_6.policy(), PolicyKind::Legacy);
    }
}
