//! Fault injection: which hardware faults may happen, how often, and the kernel's `ITE` walk.

use serde::{Deserialize, Serialize};

use crate::model::HwFault;

/// Which `qi_check_fault` walk runs after an `ITE` (DESIGN.md section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum IteWalk {
    /// Kernels before 7.0: start at `(IQH - 1) | 1`, step -2 (one descriptor + one wait per
    /// submission assumed).
    Stride2,
    /// 7.0 and later: start at `IQH - 1`, step -1.
    #[default]
    Stride1,
}

/// When hardware may raise an invalidation time-out (`ITE`, device gone) relative to what it
/// has fetched. The VT-d spec (6.5.2.11) lets it fire as soon as the timed-out device-TLB
/// invalidation is fetched; the kernels' `ITE` walks assume more (docs/model.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum IteTiming {
    /// As soon as the timed-out invalidation is fetched (the spec; a serial engine).
    #[default]
    AnyFetched,
    /// Only once the wait descriptor of its batch is fetched: what the stride-1 walk (7.0,
    /// `IQH - 1` down to `IQT`) needs to find the caller's wait among the fetched slots.
    WaitFetched,
    /// Only once hardware fetched every published descriptor (`IQH == IQT`): a long device
    /// time-out on a fast engine.
    AllFetched,
}

impl IteTiming {
    /// Every timing, from what the spec allows to the most the kernel could assume.
    pub const ALL: [IteTiming; 3] = [
        IteTiming::AnyFetched,
        IteTiming::WaitFetched,
        IteTiming::AllFetched,
    ];

    /// JSON name.
    pub fn name(self) -> &'static str {
        match self {
            IteTiming::AnyFetched => "anyFetched",
            IteTiming::WaitFetched => "waitFetched",
            IteTiming::AllFetched => "allFetched",
        }
    }

    /// Parses a JSON name (or its kebab-case CLI spelling).
    pub fn parse(s: &str) -> Result<IteTiming, String> {
        IteTiming::ALL
            .into_iter()
            .find(|t| t.name() == s || t.flag() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not a time-out timing; allowed: anyFetched, waitFetched, allFetched"
                )
            })
    }

    /// The CLI spelling (`--ite-timing wait-fetched`).
    pub fn flag(self) -> &'static str {
        match self {
            IteTiming::AnyFetched => "any-fetched",
            IteTiming::WaitFetched => "wait-fetched",
            IteTiming::AllFetched => "all-fetched",
        }
    }
}

/// Fault injection in the hardware engine. Off (all zero) by default. Each time the engine is
/// scheduled at a descriptor a fault applies to, the fault happens with its rate (drawn from a
/// stream of its own, so fault-free runs keep their schedules).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Probability an invalidation descriptor is invalid (`IQE`).
    pub iqe_rate: f64,
    /// Probability a device-TLB invalidation times out (`ITE`).
    pub ite_rate: f64,
    /// Probability of an invalidation completion error on a device-TLB invalidation (`ICE`).
    pub ice_rate: f64,
    /// Probability a device-TLB invalidation times out and its device is gone (an `ITE` after
    /// which `qi_check_fault` returns `-ETIMEDOUT`: `ite_sid` names a device that
    /// `pci_device_is_present()` denies).
    pub device_gone_rate: f64,
    /// The kernel's `ITE` walk.
    pub ite_walk: IteWalk,
    /// When an `ITE` (or device gone) may fire: as soon as its invalidation is fetched (the
    /// default, as the VT-d spec allows), once its batch's wait is fetched, or once everything
    /// published is.
    pub ite_timing: IteTiming,
    /// Hardware without `ITESID` (`IQER.ITESID` reads 0, as before VT-d 3.x or where it is
    /// not reported): `qi_check_fault` cannot tell a gone device from a slow one.
    pub no_ite_sid: bool,
    /// At most this many faults per run (0 = no limit). The exhaustive explorer needs a limit:
    /// every `-EAGAIN` restart is a new attempt, so unbounded faults mean unbounded states.
    pub max_faults: u32,
}

impl FaultConfig {
    /// True when no fault can ever be injected.
    pub fn is_off(&self) -> bool {
        HwFault::ALL.iter().all(|f| self.rate(*f) == 0.0)
    }

    /// The rate of one fault kind.
    pub fn rate(&self, f: HwFault) -> f64 {
        match f {
            HwFault::Iqe => self.iqe_rate,
            HwFault::Ite => self.ite_rate,
            HwFault::Ice => self.ice_rate,
            HwFault::Gone => self.device_gone_rate,
        }
    }

    /// JSON name of the rate of one fault kind.
    pub fn rate_field(f: HwFault) -> &'static str {
        match f {
            HwFault::Iqe => "faults.iqeRate",
            HwFault::Ite => "faults.iteRate",
            HwFault::Ice => "faults.iceRate",
            HwFault::Gone => "faults.deviceGoneRate",
        }
    }
}
