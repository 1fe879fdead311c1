//! The partial-order reduction: which states expand only the lock holder.
//!
//!
//! At most one submitter holds `q_lock`; while it does, every other submitter waits in `lock`
//! (or has finished), so the only enabled actors are the holder and the hardware engine. The
//! explorer then expands only the holder (an ample set of one transition α) when α is
//! independent of every hardware step that can happen before it. Hardware steps (fetches and
//! completions) only read descriptors and write statuses in its window `W = pending_from..IQT`
//! (a wait's status address is its own slot, or for an `IQE` repair copy the batch's wait
//! slot, both in `W`), which, while only hardware moves, can only shrink; so a condition
//! checked against `W` now holds for all those steps. Reductions are off with fault injection
//! (fault steps set `FSTS`, which the holder's poll reads). "Independent" is strict here:
//! both orders reach the same state *and every oracle reports the same findings* in both
//! orders. Per step of the holder:
//! - `check_space` that succeeds, or fails while hardware is idle: reads `free_cnt` and its own
//!   `count`, which hardware never touches.
//! - `unlock` inside the space or poll loop: writes `q_lock` and its `pc`; the `free_cnt`
//!   invariant check reads ring counters hardware never touches.
//! - `write` when none of its slots is in `W`: hardware reads descriptors and writes statuses
//!   only in `W`; its credit to the writer's previous batch is reset by `write` in both orders;
//!   the overrun oracle reads `W` membership, false in both orders.
//! - `doorbell`: hardware fetches and completes the same descriptors whether or not `IQT` moved
//!   (a larger `IQT` only enables more fetches later); the doorbell writes `IQT`, which hardware
//!   never changes.
//! - `poll` that sees `QI_DONE` with `wait_index` outside `W` (hardware cannot write that
//!   status again); a poll that does not see `QI_DONE` is always expanded fully, because its
//!   lockup check depends on whether hardware is idle.
//! - `mark` and `reclaim` (the kernel program's functions) when a dry run of the function on
//!   this state reads and writes no status in `W`, reads no hardware register, writes none
//!   (no `writel`) and copies no descriptor; the lost-completion oracle reads owners' `pc`
//!   and attempts, which hardware never changes. A function suspended at a `writel` is
//!   always expanded in full.
//! - the final `unlock` (return) when no descriptor or pending copy in `W` belongs to the
//!   returning submitter (otherwise hardware's credit races with the premature-completion
//!   oracle, and its status write with the stray-write oracle's ownership).
//!
//! Hardware never disables the holder nor the holder the hardware. With these conditions the
//! usual ample-set argument (Peled; Clarke, Grumberg and Peled ch. 10) shows by induction on
//! the length of a path that every finding reachable in the full graph is reachable in the
//! reduced one: if the path does not start with α, α commutes to its front (or is prepended,
//! when the path never takes it) with the same findings on every transition. No cycle proviso
//! is needed for this (each induction step consumes one transition of the path), and anyway
//! every cycle of the model passes through a state where the lock is free, which is always
//! expanded in full. States with the lock free are never reduced.
//!
//! The reduced graph can make a counterexample longer (α is taken before hardware steps that a
//! shortest path would have put first). With
//! [`ExploreOptions::shortest`](crate::check::ExploreOptions::shortest) the explorer then
//! re-explores without the partial-order reduction, bounded to shorter paths, and keeps the
//! shorter counterexample if there is one: counterexamples are shortest.
//!

use crate::model::{Desc, Pc, Status, System};
use crate::program::{Entry, Exit};
use crate::Actor;

/// Whether the holder `h`'s call of `entry` (from its start) is independent of hardware: a
/// dry run that returns having touched nothing hardware reads or writes.
fn independent(sys: &System, h: u32, entry: Entry) -> bool {
    matches!(sys.dry_run(h, entry), (Exit::Returned(_), _, false))
}

/// Any of slots `index .. index + len` (mod the ring length) in hardware's window
/// `pending_from..IQT`, where hardware reads descriptors and writes statuses.
#[inline]
fn any_in_window(sys: &System, index: u32, len: u32) -> bool {
    let r = &sys.ring;
    (0..len).any(|k| r.in_hw_window(r.add(index, k)))
}

/// The ample set of a state: `Some(holder)` when the lock holder's next step is independent
/// of every hardware step that can precede it (see the module docs), else `None` (expand in full).
pub(crate) fn ample(sys: &System) -> Option<Actor> {
    // Fault steps set FSTS, which the holder's poll reads (qi_check_fault): no reduction.
    if !sys.params.faults.is_off() {
        return None;
    }
    let h = sys.ring.q_lock?;
    if !sys.hw_enabled() {
        // Only the holder can move.
        return Some(Actor::Submitter(h));
    }
    let s = &sys.subs[h as usize];
    let r = &sys.ring;
    let ok = match s.pc {
        Pc::CheckSpace => r.free_cnt >= s.count + 2,
        Pc::SpaceUnlock | Pc::PollUnlock | Pc::Doorbell => true,
        Pc::Write => !any_in_window(sys, r.free_head, s.count + 1),
        Pc::Poll => {
            r.desc_status[s.wait_index as usize] == Status::Done && !r.in_hw_window(s.wait_index)
        }
        Pc::Mark => independent(sys, h, Entry::Mark),
        Pc::Reclaim => independent(sys, h, Entry::Reclaim),
        Pc::Unlock => {
            // Hardware's credit to this submitter (from a descriptor or a pending copy in the
            // window) would race with the premature-completion oracle.
            let mine = |d: &Desc| d.label().is_some_and(|l| l.submitter == h);
            // Hardware's copies are live only up to IQH (a fetch overwrites the others).
            (0..r.hw_window()).all(|j| {
                let k = r.add(r.pending_from, j);
                let fetched = j < r.pending();
                !(mine(&r.desc[k as usize]) || (fetched && mine(&r.fetched[k as usize])))
            })
        }
        Pc::Lock | Pc::PollLock | Pc::Finished | Pc::InCheckFault | Pc::InMark | Pc::InReclaim => {
            false
        }
    };
    ok.then_some(Actor::Submitter(h))
}

#[cfg(test)]
mod tests {
    use super::ample;
    use crate::config::{Config, PolicyKind};
    use crate::model::{Pc, Status, System};
    use crate::Actor;

    /// T1 holds `q_lock` at `reclaim`; `free_tail` (slot 0) holds `stop`, which ends the
    /// policy's walk; hardware has slot 1 to fetch. The walk reads slot 0 only, outside the
    /// hardware window: T1 alone is expanded. A walk that went on over slot 0 would read the
    /// window and expand everyone.
    fn reclaim_stops_before_the_window(policy: PolicyKind, stop: Status) -> Option<Actor> {
        let cfg = Config {
            qi_length: 8,
            submitters: 2,
            policy,
            ..Config::default()
        };
        let mut sys = System::new(&cfg);
        sys.ring.q_lock = Some(0);
        sys.subs[0].pc = Pc::Reclaim;
        sys.ring.desc_status[0] = stop;
        sys.ring.free_tail = 0;
        sys.ring.free_head = 2;
        sys.ring.pending_from = 1;
        sys.ring.iqh = 1;
        sys.ring.iqt = 2;
        assert!(sys.hw_enabled() && sys.ring.in_hw_window(1) && !sys.ring.in_hw_window(0));
        ample(&sys)
    }

    #[test]
    fn reclaim_is_ample_when_its_walk_stops_outside_the_window() {
        let t1 = Some(Actor::Submitter(0));
        assert_eq!(
            reclaim_stops_before_the_window(PolicyKind::Legacy, Status::InUse),
            t1
        );
        assert_eq!(
            reclaim_stops_before_the_window(PolicyKind::Fixed, Status::Done),
            t1
        );
        // A reclaimable free_tail: the walk reaches the window.
        assert_eq!(
            reclaim_stops_before_the_window(PolicyKind::Legacy, Status::Done),
            None
        );
        assert_eq!(
            reclaim_stops_before_the_window(PolicyKind::Fixed, Status::Free),
            None
        );
    }
}
