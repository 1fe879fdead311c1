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
    /// An `ITE` (or device gone) fires only once hardware has fetched every published
    /// descriptor (`IQH == IQT`): the device time-out is long, and the kernel's walk assumes
    /// hardware fetched the batch's wait descriptor before it fired. Off (the default), a
    /// time-out may fire as soon as its device-TLB invalidation is fetched, as the VT-d spec
    /// allows.
    pub ite_all_fetched: bool,
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
