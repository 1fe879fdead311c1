//! The IOMMU's invalidation queue engine (DESIGN.md section 3): fetches from `IQH` while
//! `IQH != IQT`, one descriptor per step, and stops while `IQE` or `ITE` is set.

use crate::config::InvType;
use crate::ring::{fsts, Desc, Label, Ring, Status};

/// What one hardware step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Nothing to fetch (or stopped by a fault).
    Idle,
    /// Completed an invalidation descriptor.
    Inv {
        slot: u32,
        ty: InvType,
        label: Label,
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
    /// A slot that was never written (only reachable with a broken policy).
    Empty { slot: u32 },
}

/// Fault decision for the descriptor at `IQH`. Injection is not modelled yet: this is the seam
/// where it plugs in (the engine asks before it processes a descriptor).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Fault {
    #[default]
    None,
}

/// True when the engine can fetch.
#[inline]
pub fn enabled(ring: &Ring) -> bool {
    ring.iqh != ring.iqt && ring.fsts & (fsts::IQE | fsts::ITE) == 0
}

/// Processes the descriptor at `IQH` and advances `IQH`.
#[inline]
pub fn process(ring: &mut Ring, fault: Fault) -> Processed {
    if !enabled(ring) {
        return Processed::Idle;
    }
    let Fault::None = fault;
    let slot = ring.iqh;
    let out = match ring.desc[slot as usize] {
        Desc::Inv { ty, label } => Processed::Inv { slot, ty, label },
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
