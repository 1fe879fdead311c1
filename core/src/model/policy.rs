//! Reclaim policies: steps 7 (`mark`) and 8 (`reclaim`) of `qi_submit_sync`, the only place the
//! legacy kernel and the fix differ. A new policy is a type implementing [`ReclaimPolicy`] and a
//! variant in [`crate::config::PolicyKind`], dispatched in [`mark`] and [`reclaim`].

use crate::config::PolicyKind;
use crate::model::{Ring, Status};

/// One software write to `desc_status`, reported so oracles and the trace see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub slot: u32,
    pub before: Status,
    pub after: Status,
}

/// Sets `desc_status[slot]` and records the change.
#[inline]
pub fn set_status(ring: &mut Ring, slot: u32, after: Status, changes: &mut Vec<StatusChange>) {
    let before = ring.desc_status[slot as usize];
    ring.desc_status[slot as usize] = after;
    changes.push(StatusChange {
        slot,
        before,
        after,
    });
}

/// What a submitter does with its slots once its wait is over, and how slots return to the pool.
pub trait ReclaimPolicy {
    /// Whether step 7 sets the wait slot's status too (else the owner leaves it to hardware
    /// and reclaim, and owns it until it returns).
    const MARKS_WAIT_SLOT: bool;
    /// The status step 7 writes.
    const MARK_STATUS: Status;
    /// Step 7: mark the submitter's own slots (`index..=wait_index`, `count` invalidations).
    fn mark(&self, ring: &mut Ring, index: u32, count: u32, changes: &mut Vec<StatusChange>);
    /// Whether step 8's walk goes over `slot` (at `free_tail`) rather than stopping there.
    fn reclaimable(&self, ring: &Ring, slot: u32) -> bool;
    /// Step 8: advance `free_tail` over reclaimable slots, growing `free_cnt`.
    fn reclaim(&self, ring: &mut Ring, changes: &mut Vec<StatusChange>);
}

/// The kernel before the fix.
#[derive(Clone, Copy, Debug, Default)]
pub struct Legacy;

impl ReclaimPolicy for Legacy {
    const MARKS_WAIT_SLOT: bool = false;
    const MARK_STATUS: Status = Status::Done;

    #[inline(always)]
    fn mark(&self, ring: &mut Ring, index: u32, count: u32, changes: &mut Vec<StatusChange>) {
        // Only the invalidation descriptors: the wait slot keeps what hardware (or the fault
        // path) wrote, QI_DONE or QI_ABORT.
        for i in 0..count {
            let slot = ring.add(index, i);
            set_status(ring, slot, Self::MARK_STATUS, changes);
        }
    }

    #[inline(always)]
    fn reclaimable(&self, ring: &Ring, slot: u32) -> bool {
        // reclaim_free_desc() (6.9): *any* finished slot, whoever owns it.
        matches!(
            ring.desc_status[slot as usize],
            Status::Done | Status::Abort
        )
    }

    fn reclaim(&self, ring: &mut Ring, changes: &mut Vec<StatusChange>) {
        while self.reclaimable(ring, ring.free_tail) {
            let tail = ring.free_tail;
            set_status(ring, tail, Status::Free, changes);
            ring.free_tail = ring.add(tail, 1);
            ring.free_cnt += 1;
        }
    }
}

/// The fix: own slots become `QI_FREE`; reclaim only walks over `QI_FREE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fixed;

impl ReclaimPolicy for Fixed {
    const MARKS_WAIT_SLOT: bool = true;
    const MARK_STATUS: Status = Status::Free;

    #[inline(always)]
    fn mark(&self, ring: &mut Ring, index: u32, count: u32, changes: &mut Vec<StatusChange>) {
        for i in 0..=count {
            let slot = ring.add(index, i);
            set_status(ring, slot, Self::MARK_STATUS, changes);
        }
    }

    #[inline(always)]
    fn reclaimable(&self, ring: &Ring, slot: u32) -> bool {
        // reclaim_free_desc() (7.x): only slots their owners set QI_FREE, up to free_head.
        ring.desc_status[slot as usize] == Status::Free && slot != ring.free_head
    }

    fn reclaim(&self, ring: &mut Ring, _changes: &mut Vec<StatusChange>) {
        while self.reclaimable(ring, ring.free_tail) {
            ring.free_tail = ring.add(ring.free_tail, 1);
            ring.free_cnt += 1;
        }
    }
}

/// Step 7 of the configured policy, statically dispatched (the step loop's hot path: a `dyn`
/// call here could not be inlined).
#[inline]
pub fn mark(kind: PolicyKind, ring: &mut Ring, index: u32, count: u32, ch: &mut Vec<StatusChange>) {
    match kind {
        PolicyKind::Legacy => Legacy.mark(ring, index, count, ch),
        PolicyKind::Fixed => Fixed.mark(ring, index, count, ch),
    }
}

/// Whether step 7 of the configured policy sets the wait slot's status.
#[inline]
pub fn marks_wait_slot(kind: PolicyKind) -> bool {
    match kind {
        PolicyKind::Legacy => Legacy::MARKS_WAIT_SLOT,
        PolicyKind::Fixed => Fixed::MARKS_WAIT_SLOT,
    }
}

/// How many slots from `index` step 7 of the configured policy sets, and to what: a batch of
/// `count` invalidations.
#[inline]
pub fn marked(kind: PolicyKind, count: u32) -> (u32, Status) {
    match kind {
        PolicyKind::Legacy => (
            count + u32::from(Legacy::MARKS_WAIT_SLOT),
            Legacy::MARK_STATUS,
        ),
        PolicyKind::Fixed => (
            count + u32::from(Fixed::MARKS_WAIT_SLOT),
            Fixed::MARK_STATUS,
        ),
    }
}

/// Whether step 8 of the configured policy walks over `slot`.
#[inline]
pub fn reclaimable(kind: PolicyKind, ring: &Ring, slot: u32) -> bool {
    match kind {
        PolicyKind::Legacy => Legacy.reclaimable(ring, slot),
        PolicyKind::Fixed => Fixed.reclaimable(ring, slot),
    }
}

/// Step 8 of the configured policy, statically dispatched.
#[inline]
pub fn reclaim(kind: PolicyKind, ring: &mut Ring, ch: &mut Vec<StatusChange>) {
    match kind {
        PolicyKind::Legacy => Legacy.reclaim(ring, ch),
        PolicyKind::Fixed => Fixed.reclaim(ring, ch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_with(statuses: &[Status], head: u32, tail: u32) -> Ring {
        let mut r = Ring::new(statuses.len() as u32);
        r.desc_status = statuses.to_vec();
        r.free_head = head;
        r.free_tail = tail;
        r.free_cnt = r.expected_free_cnt();
        r
    }

    #[test]
    fn legacy_reclaims_someone_elses_done_wait() {
        use Status::*;
        // ID1, WD1 (T1, done), WD2 (T2, done by hardware but not yet seen by T2).
        let mut r = ring_with(&[InUse, Done, Done, Free], 3, 0);
        let mut ch = Vec::new();
        Legacy.mark(&mut r, 0, 1, &mut ch);
        Legacy.reclaim(&mut r, &mut ch);
        assert_eq!(r.desc_status, vec![Free, Free, Free, Free]);
        assert_eq!((r.free_tail, r.free_cnt), (3, 4));
    }

    #[test]
    fn fixed_leaves_someone_elses_done_wait() {
        use Status::*;
        let mut r = ring_with(&[InUse, Done, Done, Free], 3, 0);
        let mut ch = Vec::new();
        Fixed.mark(&mut r, 0, 1, &mut ch);
        Fixed.reclaim(&mut r, &mut ch);
        assert_eq!(r.desc_status, vec![Free, Free, Done, Free]);
        assert_eq!((r.free_tail, r.free_cnt), (2, 3));
    }

    #[test]
    fn fixed_reclaim_stops_at_free_head() {
        use Status::*;
        let mut r = ring_with(&[Free, Free, Free, Free], 2, 0);
        Fixed.reclaim(&mut r, &mut Vec::new());
        assert_eq!((r.free_tail, r.free_cnt), (2, 4));
    }
}
