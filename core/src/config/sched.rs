//! Which scheduler picks the next actor, and the timed scheduler's costs.

use serde::{Deserialize, Serialize};

use super::InvType;

/// Simulated costs in nanoseconds for the timed scheduler.
///
/// Defaults are order-of-magnitude figures for a server CPU and an integrated IOMMU, not
/// measurements: an uncontended spinlock is a cached atomic (~20 ns), a hand-off moves the lock's
/// cache line between cores (~100 ns), a 128-bit descriptor store is ~10 ns, the `IQT` MMIO write
/// is an uncached posted write (~150 ns), a status poll that misses because the IOMMU wrote the
/// line costs ~60 ns. Hardware latencies are per descriptor; device-TLB invalidations wait for an
/// ATS round trip over PCIe (~2 µs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TimedCosts {
    pub lock_ns: u64,
    pub lock_handoff_ns: u64,
    pub unlock_ns: u64,
    pub check_space_ns: u64,
    pub desc_write_ns: u64,
    pub doorbell_ns: u64,
    pub poll_ns: u64,
    pub relax_ns: u64,
    pub mark_ns: u64,
    pub reclaim_ns: u64,
    pub hw_iotlb_ns: u64,
    pub hw_devtlb_ns: u64,
    pub hw_context_ns: u64,
    pub hw_iec_ns: u64,
    pub hw_pasid_ns: u64,
    pub hw_wait_ns: u64,
    /// Extra wait-descriptor latency with `drain` (page-request drain).
    pub hw_drain_ns: u64,
    /// Time until a device-TLB invalidation is declared timed out (`ITE`).
    pub hw_timeout_ns: u64,
    /// Each cost is multiplied by a seeded factor in `[1 - jitter, 1 + jitter]`.
    pub jitter: f64,
}

impl Default for TimedCosts {
    fn default() -> Self {
        TimedCosts {
            lock_ns: 20,
            lock_handoff_ns: 100,
            unlock_ns: 10,
            check_space_ns: 5,
            desc_write_ns: 10,
            doorbell_ns: 150,
            poll_ns: 60,
            relax_ns: 10,
            mark_ns: 5,
            reclaim_ns: 5,
            hw_iotlb_ns: 500,
            hw_devtlb_ns: 2000,
            hw_context_ns: 300,
            hw_iec_ns: 300,
            hw_pasid_ns: 400,
            hw_wait_ns: 100,
            hw_drain_ns: 1000,
            hw_timeout_ns: 50_000,
            jitter: 0.25,
        }
    }
}

impl TimedCosts {
    /// Hardware latency of one invalidation descriptor.
    pub fn hw_ns(&self, t: InvType) -> u64 {
        match t {
            InvType::Iotlb => self.hw_iotlb_ns,
            InvType::Devtlb => self.hw_devtlb_ns,
            InvType::Context => self.hw_context_ns,
            InvType::Iec => self.hw_iec_ns,
            InvType::Pasid => self.hw_pasid_ns,
        }
    }

    pub(super) fn fields(&self) -> [(&'static str, u64); 18] {
        [
            ("lockNs", self.lock_ns),
            ("lockHandoffNs", self.lock_handoff_ns),
            ("unlockNs", self.unlock_ns),
            ("checkSpaceNs", self.check_space_ns),
            ("descWriteNs", self.desc_write_ns),
            ("doorbellNs", self.doorbell_ns),
            ("pollNs", self.poll_ns),
            ("relaxNs", self.relax_ns),
            ("markNs", self.mark_ns),
            ("reclaimNs", self.reclaim_ns),
            ("hwIotlbNs", self.hw_iotlb_ns),
            ("hwDevtlbNs", self.hw_devtlb_ns),
            ("hwContextNs", self.hw_context_ns),
            ("hwIecNs", self.hw_iec_ns),
            ("hwPasidNs", self.hw_pasid_ns),
            ("hwWaitNs", self.hw_wait_ns),
            ("hwDrainNs", self.hw_drain_ns),
            ("hwTimeoutNs", self.hw_timeout_ns),
        ]
    }
}

/// Which actor runs next. Read through `config/tagged.rs`, so errors name the inner field.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SchedulerConfig {
    /// Uniform over enabled actors; the hardware engine has weight `hwWeight` (default 1;
    /// submitters 1).
    Random { hw_weight: f64 },
    /// PCT (Burckhardt et al. 2010) with bug depth `depth` (default 3): d - 1 priority change
    /// points spread over the first `steps` steps (default 0 = estimate from the workload).
    Pct { depth: u32, steps: u64 },
    /// A recorded choice sequence (see [`crate::replay`]).
    Replay { choices: String },
    /// Discrete-event simulation over simulated nanoseconds (`costs` default: [`TimedCosts`]).
    Timed { costs: TimedCosts },
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig::Random { hw_weight: 1.0 }
    }
}

impl SchedulerConfig {
    /// Short name: `random`, `pct`, `replay`, `timed`.
    pub fn name(&self) -> &'static str {
        match self {
            SchedulerConfig::Random { .. } => "random",
            SchedulerConfig::Pct { .. } => "pct",
            SchedulerConfig::Replay { .. } => "replay",
            SchedulerConfig::Timed { .. } => "timed",
        }
    }
}
