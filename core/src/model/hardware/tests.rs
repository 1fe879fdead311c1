//! The queue engine's tests: fetch and in-order completion, `fetchDepth`, `IQE`, `ITE`, `ICE`
//! and the fault budget.

use super::*;
use crate::config::IteTiming;
use crate::model::Label;

/// Every `IQE` counts against `faults.maxFaults` (the bound that keeps exploring faults
/// finite); `IQH` stays on the invalid descriptor.
#[test]
fn an_iqe_counts_against_the_fault_budget() {
    let mut r = Ring::new(8);
    r.iqt = 2;
    assert!(matches!(
        fetch(&mut r, true),
        Processed::Invalid { slot: 0, .. }
    ));
    assert_eq!((r.faults, r.fsts, r.iqh), (1, fsts::IQE, 0));
    r.fsts = 0;
    fetch(&mut r, true);
    assert_eq!(r.faults, 2);
}

/// An `ICE` counts against the budget too; the descriptor completes.
#[test]
fn an_ice_counts_against_the_fault_budget() {
    let mut r = Ring::new(8);
    r.desc[0] = Desc::Inv {
        ty: InvType::Devtlb,
        label: label(0, 1),
    };
    r.iqt = 1;
    let p = complete(&mut r, Some(HwFault::Ice));
    assert!(
        matches!(
            p,
            Processed::Inv {
                slot: 0,
                ice: true,
                ..
            }
        ),
        "{p:?}"
    );
    assert_eq!((r.faults, r.fsts, r.pending_from), (1, fsts::ICE, 1));
}

fn label(part: u32, count: u32) -> Label {
    Label {
        submitter: 0,
        attempt: 0,
        part,
        count,
    }
}

/// A ring with one batch `devtlb, wait` written at slots 0..2 and published.
fn batch() -> Ring {
    let mut r = Ring::new(8);
    r.desc[0] = Desc::Inv {
        ty: InvType::Devtlb,
        label: label(0, 1),
    };
    r.desc[1] = Desc::Wait {
        status_addr: 1,
        sw: true,
        drain: false,
        label: label(1, 1),
    };
    r.desc_status[0] = Status::InUse;
    r.desc_status[1] = Status::InUse;
    r.iqt = 2;
    r
}

#[test]
fn iqh_moves_at_fetch_and_completion_is_in_order() {
    let mut r = batch();
    assert!(can_fetch(&r, 2) && can_complete(&r));
    assert!(matches!(
        fetch(&mut r, false),
        Processed::Fetched { slot: 0, .. }
    ));
    assert_eq!((r.iqh, r.pending()), (1, 1));
    assert!(matches!(
        fetch(&mut r, false),
        Processed::Fetched { slot: 1, .. }
    ));
    assert_eq!((r.iqh, r.pending()), (2, 2));
    assert!(!can_fetch(&r, 8), "nothing left to fetch");
    assert!(matches!(
        complete(&mut r, None),
        Processed::Inv { slot: 0, .. }
    ));
    assert_eq!(
        r.desc_status[1],
        Status::InUse,
        "an invalidation writes no status"
    );
    assert!(matches!(
        complete(&mut r, None),
        Processed::Wait { slot: 1, .. }
    ));
    assert_eq!(r.desc_status[1], Status::Done);
    assert!(r.hw_idle() && !can_complete(&r));
}

#[test]
fn fetch_depth_bounds_the_pending_set() {
    let mut r = batch();
    fetch(&mut r, false);
    assert!(!can_fetch(&r, 1) && can_fetch(&r, 2));
    // Completing with nothing pending fetches first: a serial engine is one actor.
    let mut s = batch();
    assert!(matches!(
        complete(&mut s, None),
        Processed::Inv { slot: 0, .. }
    ));
    assert_eq!((s.iqh, s.pending_from), (1, 1));
}

#[test]
fn ite_applies_to_a_pending_devtlb_and_aborts_pending_waits() {
    let mut r = batch();
    assert!(
        !fault_applies(&r, HwFault::Ite, 8, IteTiming::AnyFetched),
        "nothing fetched yet"
    );
    fetch(&mut r, false);
    assert!(
        !fault_applies(&r, HwFault::Ite, 8, IteTiming::AllFetched),
        "the wait is not fetched"
    );
    fetch(&mut r, false);
    assert!(fault_applies(&r, HwFault::Ite, 8, IteTiming::AnyFetched));
    assert!(fault_applies(&r, HwFault::Ite, 8, IteTiming::AllFetched));
    let p = complete(&mut r, Some(HwFault::Ite));
    assert!(matches!(
        p,
        Processed::TimedOut {
            slot: 0,
            gone: false,
            ..
        }
    ));
    assert_eq!(r.fsts & fsts::ITE, fsts::ITE);
    assert_eq!(r.iqh, 2, "IQH is not moved back");
    let mut rest = Vec::new();
    take_pending(&mut r, &mut rest);
    assert_eq!(rest.len(), 1);
    assert!(matches!(rest[0], (1, Desc::Wait { .. })));
    assert_eq!(
        r.desc_status[1],
        Status::InUse,
        "an aborted wait writes nothing"
    );
    assert!(r.hw_idle() && !can_complete(&r));
}

#[test]
fn iqe_stops_fetching_at_any_descriptor_kind() {
    let mut r = batch();
    fetch(&mut r, false);
    // The wait descriptor is the invalid one.
    assert!(fault_applies(&r, HwFault::Iqe, 8, IteTiming::AnyFetched));
    assert!(matches!(
        fetch(&mut r, true),
        Processed::Invalid { slot: 1, .. }
    ));
    assert_eq!(r.iqh, 1);
    assert!(!can_fetch(&r, 8));
    // The pending invalidation still completes.
    assert!(can_complete(&r));
    assert!(matches!(
        complete(&mut r, None),
        Processed::Inv { slot: 0, .. }
    ));
    assert!(!can_complete(&r));
}

#[test]
fn hardware_completes_its_copy_when_software_rewrote_the_slot() {
    let mut r = batch();
    fetch(&mut r, false);
    fetch(&mut r, false);
    r.desc[1] = Desc::Empty;
    assert!(matches!(
        complete(&mut r, None),
        Processed::Inv { slot: 0, .. }
    ));
    assert!(matches!(
        complete(&mut r, None),
        Processed::Wait {
            slot: 1,
            status_addr: 1,
            ..
        }
    ));
}

/// Software may reuse slots hardware fetched but has not completed (hardware holds its copy):
/// the pending queue then covers the whole ring, `IQH == pending_from` meaning all of it, and
/// hardware fetches no more until one completes.
#[test]
fn a_pending_queue_of_the_whole_ring_is_not_an_empty_one() {
    let mut r = Ring::new(4);
    for k in 0..4 {
        r.desc[k as usize] = Desc::Inv {
            ty: InvType::Iotlb,
            label: label(0, 1),
        };
    }
    r.iqt = 3;
    for _ in 0..3 {
        fetch(&mut r, false);
    }
    // Software reused slot 3 and published it: one more fetch fills the queue.
    r.iqt = 0;
    fetch(&mut r, false);
    assert_eq!((r.iqh, r.pending_from, r.pending()), (0, 0, 4));
    assert!(r.pending_full && !r.hw_idle() && can_complete(&r));
    assert_eq!(r.hw_window(), 4);
    r.iqt = 1;
    assert!(!can_fetch(&r, 8), "no copy may be overwritten");
    assert!(matches!(
        complete(&mut r, None),
        Processed::Inv { slot: 0, .. }
    ));
    assert_eq!((r.pending(), r.pending_full), (3, false));
    assert!(can_fetch(&r, 8));
}
