//! The IOMMU's invalidation queue engine (DESIGN.md section 3): fetches from `IQH` while
//! `IQH != IQT`, one descriptor per step, and stops while `IQE` or `ITE` is set.
//!
//! Fault injection: a faulting hardware step is its own actor ([`crate::Actor::Fault`]), so a
//! replay string records faults exactly and the exhaustive explorer can branch on them.

use serde::{Deserialize, Serialize};

use crate::config::InvType;
use crate::ring::{fsts, Desc, Label, Ring, Status};

/// A hardware fault, injected at the descriptor at `IQH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum HwFault {
    /// Invalid descriptor: `IQE` is set and hardware stops at `IQH` (which is not advanced).
    Iqe,
    /// Device-TLB invalidation time-out: `ITE` is set, pending waits are aborted, hardware
    /// stops at `IQH` and refetches from there once software clears `ITE`.
    Ite,
    /// Invalidation completion error on a device-TLB invalidation: `ICE` is set; the
    /// descriptor completes and hardware goes on.
    Ice,
}

impl HwFault {
    /// Every fault kind.
    pub const ALL: [HwFault; 3] = [HwFault::Iqe, HwFault::Ite, HwFault::Ice];

    /// Register-bit name.
    pub fn name(self) -> &'static str {
        match self {
            HwFault::Iqe => "IQE",
            HwFault::Ite => "ITE",
            HwFault::Ice => "ICE",
        }
    }

    /// The `FSTS` bit it sets.
    pub fn bit(self) -> u8 {
        match self {
            HwFault::Iqe => fsts::IQE,
            HwFault::Ite => fsts::ITE,
            HwFault::Ice => fsts::ICE,
        }
    }
}

/// What one hardware step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Nothing to fetch (or stopped by a fault).
    Idle,
    /// Completed an invalidation descriptor (with `ICE` raised when `ice`).
    Inv {
        slot: u32,
        ty: InvType,
        label: Label,
        ice: bool,
    },
    /// Processed a wait descriptor; with SW it wrote `QI_DONE` to `status_addr`.
    Wait {
        slot: u32,
        status_addr: u32,
        sw: bool,
        drain: bool,
        label: Label,
        /// `desc_status[status_addr]` before the write.
        before: Status,
    },
    /// Stopped at `slot` with `IQE` or `ITE` set.
    Stopped {
        slot: u32,
        fault: HwFault,
        label: Option<Label>,
    },
    /// A slot that was never written (only reachable with a broken policy).
    Empty { slot: u32 },
}

/// True when the engine can fetch.
#[inline]
pub fn enabled(ring: &Ring) -> bool {
    ring.iqh != ring.iqt && ring.fsts & (fsts::IQE | fsts::ITE) == 0
}

/// True when `fault` can be injected at the descriptor at `IQH`: `IQE` on any invalidation
/// descriptor, `ITE` and `ICE` on device-TLB invalidations (the ones that wait for a device).
pub fn fault_applies(ring: &Ring, fault: HwFault) -> bool {
    if !enabled(ring) {
        return false;
    }
    match (ring.desc[ring.iqh as usize], fault) {
        (Desc::Inv { .. }, HwFault::Iqe) => true,
        (Desc::Inv { ty, .. }, HwFault::Ite | HwFault::Ice) => ty == InvType::Devtlb,
        _ => false,
    }
}

/// Processes the descriptor at `IQH` and advances `IQH` — or, with a fault, stops there.
/// Always inlined into the hardware step: out of line, the wasm32 build returned
/// [`Processed`] through the shadow stack.
#[inline(always)]
pub fn process(ring: &mut Ring, fault: Option<HwFault>) -> Processed {
    if !enabled(ring) {
        return Processed::Idle;
    }
    let slot = ring.iqh;
    if fault.is_some() {
        ring.faults += 1;
    }
    if let Some(f @ (HwFault::Iqe | HwFault::Ite)) = fault {
        ring.fsts |= f.bit();
        return Processed::Stopped {
            slot,
            fault: f,
            label: ring.desc[slot as usize].label(),
        };
    }
    let out = match ring.desc[slot as usize] {
        Desc::Inv { ty, label } => {
            let ice = fault == Some(HwFault::Ice);
            if ice {
                ring.fsts |= fsts::ICE;
            }
            Processed::Inv {
                slot,
                ty,
                label,
                ice,
            }
        }
        Desc::Wait {
            status_addr,
            sw,
            drain,
            label,
        } => {
            let before = ring.desc_status[status_addr as usize];
            if sw {
                ring.desc_status[status_addr as usize] = Status::Done;
            }
            Processed::Wait {
                slot,
                status_addr,
                sw,
                drain,
                label,
                before,
            }
        }
        Desc::Empty => Processed::Empty { slot },
    };
    ring.iqh = ring.add(slot, 1);
    out
}
