//! The IOMMU's invalidation queue engine (DESIGN.md section 3, VT-d spec 6.5.2).
//!
//! Fetch and completion are separate: hardware *fetches* the descriptor at `IQH` (and `IQH`
//! moves on at once, spec 6.5.2: "incremented by hardware after fetching a valid descriptor"),
//! keeps a copy of it pending, and *completes* pending descriptors in queue order. A wait
//! descriptor completes only after every earlier descriptor has, and with SW it then writes
//! `QI_DONE` to the status address it carries; an invalidation descriptor writes nothing.
//! `fetchDepth` bounds how many descriptors may be pending at once.
//!
//! Two hardware actors take these steps: [`crate::Actor::Hardware`] completes the oldest pending
//! descriptor (fetching it first when nothing is pending, which is the whole job of a serial
//! engine), and [`crate::Actor::Fetch`] fetches one more descriptor ahead. Faults are actors of
//! their own ([`crate::Actor::Fault`]), so a replay string records them exactly and the
//! explorer branches on them:
//! - `IQE` (spec 6.5.2.10) happens at fetch: the descriptor at `IQH` is invalid, it is not
//!   fetched, `IQH` stays on it and fetching stops until software clears `IQE`. Any descriptor
//!   kind can be the invalid one, wait descriptors too. Pending descriptors still complete.
//! - `ITE` (spec 6.5.2.11) happens at the completion of a pending device-TLB invalidation (the
//!   oldest pending descriptor: completion is in order): every pending wait descriptor is
//!   aborted (no status write), the other pending invalidations complete, `IQH` is not moved,
//!   and fetching resumes at `IQH` once software clears `ITE`. The timed-out invalidation
//!   itself does not complete.
//! - device gone: an `ITE` whose source device is no longer present (`qi_check_fault` then
//!   returns `-ETIMEDOUT`).
//! - `ICE`: a device-TLB invalidation completes with an error bit; hardware goes on.

use crate::config::IteTiming;
use crate::model::ring::Ring;
use crate::model::types::{fsts, Desc, HwFault, InvType, Label, Status};

/// What one hardware step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processed {
    /// Nothing to do (or stopped by a fault).
    Idle,
    /// Fetched the descriptor at `slot` (it is now pending).
    Fetched { slot: u32, label: Option<Label> },
    /// Completed an invalidation descriptor (with `ICE` raised when `ice`).
    Inv {
        slot: u32,
        ty: InvType,
        label: Label,
        ice: bool,
    },
    /// Completed a wait descriptor; with SW it wrote `QI_DONE` to `status_addr`.
    Wait {
        slot: u32,
        status_addr: u32,
        sw: bool,
        drain: bool,
        label: Label,
        /// `desc_status[status_addr]` before the write.
        before: Status,
    },
    /// `IQE` at the descriptor at `slot` (not fetched).
    Invalid { slot: u32, label: Option<Label> },
    /// The device-TLB invalidation at `slot` timed out (`ITE`; `gone`: its device is gone).
    /// The descriptors pending behind it are taken with [`take_pending`].
    TimedOut {
        slot: u32,
        label: Option<Label>,
        gone: bool,
    },
    /// A slot that was never written (only reachable with a broken policy).
    Empty { slot: u32 },
}

/// True when hardware may fetch the descriptor at `IQH` (`fetch_depth` >= 1 pending at most).
#[inline(always)]
pub fn can_fetch(ring: &Ring, fetch_depth: u32) -> bool {
    ring.iqh != ring.iqt
        && ring.fsts & (fsts::IQE | fsts::ITE) == 0
        && ring.pending() < fetch_depth
        && !ring.pending_full
}

/// True when hardware can complete a descriptor: one is pending, or it can fetch one.
#[inline(always)]
pub fn can_complete(ring: &Ring) -> bool {
    ring.pending() > 0 || can_fetch(ring, 1)
}

/// The oldest pending descriptor, if any.
#[inline]
fn oldest_pending(ring: &Ring) -> Option<Desc> {
    (ring.pending() > 0).then(|| ring.fetched[ring.pending_from as usize])
}

/// True when `fault` can happen now: `IQE` when hardware can fetch (any descriptor kind);
/// `ITE`, device gone and `ICE` when the oldest pending descriptor is a device-TLB
/// invalidation (the one that waits for a device) — a time-out as late as `timing` says.
pub fn fault_applies(ring: &Ring, fault: HwFault, fetch_depth: u32, timing: IteTiming) -> bool {
    if fault.at_fetch() {
        // A descriptor already invalid raises IQE at its fetch by itself.
        return can_fetch(ring, fetch_depth) && !(ring.bad && ring.bad_slot == ring.iqh);
    }
    let devtlb = matches!(
        oldest_pending(ring),
        Some(Desc::Inv {
            ty: InvType::Devtlb,
            ..
        })
    );
    if !devtlb || fault == HwFault::Ice {
        return devtlb;
    }
    match timing {
        IteTiming::AnyFetched => true,
        IteTiming::WaitFetched => batch_wait_fetched(ring),
        IteTiming::AllFetched => ring.iqh == ring.iqt,
    }
}

/// True when the wait descriptor of the oldest pending invalidation's batch is fetched: a
/// batch is contiguous and ends with its wait, so it is the first wait pending after it.
fn batch_wait_fetched(ring: &Ring) -> bool {
    (1..ring.pending()).any(|j| {
        let k = ring.add(ring.pending_from, j);
        matches!(ring.fetched[k as usize], Desc::Wait { .. })
    })
}

/// Fetches the descriptor at `IQH`: a copy goes pending and `IQH` moves on. With `IQE` (a
/// fault making the descriptor invalid, or a descriptor already invalid) the descriptor is not
/// fetched: `IQE` is set and `IQH` stays on it.
#[inline(always)]
pub fn fetch(ring: &mut Ring, iqe: bool) -> Processed {
    let slot = ring.iqh;
    let d = ring.desc[slot as usize];
    if iqe || (ring.bad && ring.bad_slot == slot) {
        if iqe {
            ring.faults += 1;
            ring.bad = true;
            ring.bad_slot = slot;
        }
        ring.fsts |= fsts::IQE;
        return Processed::Invalid {
            slot,
            label: d.label(),
        };
    }
    ring.fetched[slot as usize] = d;
    ring.iqh = ring.add(slot, 1);
    // A fetch adds one pending descriptor: IQH back at pending_from means all of the ring.
    ring.pending_full = ring.iqh == ring.pending_from;
    Processed::Fetched {
        slot,
        label: d.label(),
    }
}

/// The fetch of a descriptor an `IQE` made invalid: `IQE` again (cold, and out of line so the
/// hot completion path never carries a `Processed` it does not use).
#[cold]
#[inline(never)]
fn refetch_invalid(ring: &mut Ring) -> Processed {
    fetch(ring, false)
}

/// Completes the oldest pending descriptor (fetching it first when nothing is pending), or
/// times it out with `ITE` (`Ite`/`Gone`) or completes it with `ICE`. The caller checked
/// [`can_complete`] and, for a fault, [`fault_applies`]. With `ITE`, the aborted waits and
/// completed invalidations are left pending for [`take_pending`].
#[inline(always)]
pub fn complete(ring: &mut Ring, fault: Option<HwFault>) -> Processed {
    if ring.pending() == 0 {
        if !can_fetch(ring, 1) {
            return Processed::Idle;
        }
        if ring.bad && ring.bad_slot == ring.iqh {
            return refetch_invalid(ring);
        }
        fetch(ring, false);
    }
    let slot = ring.pending_from;
    let d = ring.fetched[slot as usize];
    if let Some(f @ (HwFault::Ite | HwFault::Gone)) = fault {
        ring.faults += 1;
        ring.fsts |= fsts::ITE;
        ring.ite_gone = f == HwFault::Gone;
        ring.device_gone |= f == HwFault::Gone;
        // The timed-out descriptor leaves the pending set without completing.
        ring.pending_from = ring.add(slot, 1);
        ring.pending_full = false;
        return Processed::TimedOut {
            slot,
            label: d.label(),
            gone: f == HwFault::Gone,
        };
    }
    ring.pending_from = ring.add(slot, 1);
    ring.pending_full = false;
    match d {
        Desc::Inv { ty, label } => {
            let ice = fault == Some(HwFault::Ice);
            if ice {
                ring.faults += 1;
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
    }
}

/// After an `ITE`: the descriptors still pending, oldest first, as `(slot, copy)`, and the
/// pending set emptied. Wait descriptors among them are aborted (they never write their
/// status); invalidation descriptors complete.
pub fn take_pending(ring: &mut Ring, out: &mut Vec<(u32, Desc)>) {
    out.clear();
    for j in 0..ring.pending() {
        let k = ring.add(ring.pending_from, j);
        out.push((k, ring.fetched[k as usize]));
    }
    ring.pending_from = ring.iqh;
    ring.pending_full = false;
}

#[cfg(test)]
mod tests;
