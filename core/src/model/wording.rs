//! How each safety finding is worded: the cold, out-of-line `report_*` of each oracle build
//! the kernel-named message and record it (`System::report_on`). The decisions are in
//! `oracle.rs`; keeping the formatting here keeps it off the steps' hot paths.

use crate::model::fault_path::FaultPath;
use crate::model::finding::FindingKind;
use crate::model::pc::Pc;
use crate::model::system::System;
use crate::model::types::{Label, Status};
use crate::Actor;

impl System {
    /// The `free_cnt` invariant failed at submitter `i`'s unlock.
    #[cold]
    #[inline(never)]
    pub(super) fn report_free_cnt(&mut self, step: u64, i: u32) {
        self.invariant_reported = true;
        let r = &self.ring;
        let msg = format!(
            "free_cnt is {} but QI_LENGTH - ((free_head {} - free_tail {}) mod QI_LENGTH) is {}",
            r.free_cnt,
            r.free_head,
            r.free_tail,
            r.expected_free_cnt()
        );
        let actor = Actor::Submitter(i);
        self.report(FindingKind::FreeCntInvariant, step, actor, None, None, msg);
    }
    /// The lost-completion oracle fired: submitter `i` freed another's pending wait (the
    /// status change `changes[k]`).
    #[cold]
    #[inline(never)]
    pub(super) fn report_lost_completion(&mut self, i: u32, step: u64, k: usize) {
        let c = self.changes[k];
        let Some(label) = self.ring.desc[c.slot as usize].label() else {
            return;
        };
        let msg = format!(
            "{} (T{}'s wait, slot {}) was {} but T{} set it QI_FREE before T{} saw it",
            label.name(),
            label.submitter + 1,
            c.slot,
            c.before.name(),
            i + 1,
            label.submitter + 1
        );
        // QI_ABORT is written only by the ITE walk: freeing it under its owner is F4.
        let own = (c.before == Status::Abort).then_some(FaultPath::F4);
        self.report_on(
            own,
            FindingKind::LostCompletion,
            step,
            Actor::Submitter(i),
            Some(label.submitter),
            Some(c.slot),
            msg,
        );
    }
    /// Stray-write oracle: hardware wrote `QI_DONE` for `label` into `slot`, which holds
    /// another descriptor (its status was `before`).
    #[cold]
    #[inline(never)]
    pub(super) fn report_stray_write(
        &mut self,
        step: u64,
        actor: Actor,
        slot: u32,
        label: Label,
        before: Status,
    ) {
        let occupant = self.ring.desc[slot as usize].label();
        let msg = if occupant == Some(label) {
            let owner = &self.subs[label.submitter as usize];
            let state = if owner.attempt() == label.attempt && owner.pc != Pc::Finished {
                format!("is at `{}`", owner.pc.name())
            } else {
                "has returned".to_string()
            };
            format!(
                "hardware wrote QI_DONE for {} into slot {} (status {}), but T{} already marked its slots and {}: the slot is no longer its",
                label.name(),
                slot,
                before.name(),
                label.submitter + 1,
                state
            )
        } else {
            format!(
                "hardware wrote QI_DONE for {} into slot {}, which holds {} with status {}",
                label.name(),
                slot,
                occupant
                    .map(|l| l.name())
                    .unwrap_or_else(|| "nothing".into()),
                before.name()
            )
        };
        let live = self.ring.desc[slot as usize].label().filter(|l| {
            *l != label
                && matches!(
                    self.ring.desc[slot as usize],
                    crate::model::Desc::Wait { .. }
                )
        });
        let msg = match live {
            Some(l) => format!(
                "{msg}; T{} polls this slot for {}: it will take this QI_DONE for its own",
                l.submitter + 1,
                l.name()
            ),
            None => format!(
                "{msg}; reclaim_free_desc() stops at slot {slot} from now on (no CPU writes it again), so once the {} free slots are used every CPU waits for ring space forever",
                self.ring.free_cnt
            ),
        };
        let own = self.fault_log.early_path(label);
        self.report_on(
            own,
            FindingKind::StrayStatusWrite,
            step,
            actor,
            Some(label.submitter),
            Some(slot),
            msg,
        );
    }

    /// Premature-completion oracle: submitter `i` returned 0 with only `hw_done` of its
    /// `count + 1` descriptors completed.
    #[cold]
    #[inline(never)]
    pub(super) fn report_premature(&mut self, i: u32, step: u64, hw_done: u32, count: u32) {
        let msg = format!(
            "T{} returned 0 but hardware had completed only {} of its {} descriptors (the invalidation is not done: DMA to freed memory)",
            i + 1,
            hw_done,
            count + 1
        );
        let s = &self.subs[i as usize];
        let slot = Some(s.index);
        let own = self
            .fault_log
            .had_time_out(i, s.attempt())
            .then_some(FaultPath::F5);
        let actor = Actor::Submitter(i);
        self.report_on(
            own,
            FindingKind::PrematureCompletion,
            step,
            actor,
            Some(i),
            slot,
            msg,
        );
    }

    /// Overrun oracle: `label` is being written into `slot`, which hardware has not fetched.
    /// Out of line, so the formatting does not keep `label` in memory on every write.
    #[cold]
    #[inline(never)]
    pub(super) fn report_overrun(&mut self, step: u64, slot: u32, label: Label) {
        let old = self.ring.desc[slot as usize].label();
        let msg = format!(
            "T{} wrote {} into slot {}, which is in IQH..IQT ({}..{}) and still holds unfetched {}",
            label.submitter + 1,
            label.name(),
            slot,
            self.ring.iqh,
            self.ring.iqt,
            old.map(|l| l.name()).unwrap_or_else(|| "nothing".into())
        );
        self.report(
            FindingKind::Overrun,
            step,
            Actor::Submitter(label.submitter),
            old.map(|l| l.submitter),
            Some(slot),
            msg,
        );
    }

    /// Stale-wake-up oracle: submitter `i` saw `QI_DONE` in slot `w`, which no longer holds its
    /// wait descriptor `own`.
    #[cold]
    #[inline(never)]
    pub(super) fn report_stale_wakeup(&mut self, i: u32, step: u64, w: u32, own: Label) {
        let occupant = self.ring.desc[w as usize].label();
        let msg = format!(
            "T{} woke on QI_DONE in slot {}, which now holds {}, not its {}",
            i + 1,
            w,
            occupant
                .map(|l| l.name())
                .unwrap_or_else(|| "nothing".into()),
            own.name()
        );
        let actor = Actor::Submitter(i);
        self.report(FindingKind::StaleWakeup, step, actor, Some(i), Some(w), msg);
    }
}

impl System {
    /// Retry oracle: submitter `i` restarts a batch that can only time out again.
    #[cold]
    #[inline(never)]
    pub(super) fn report_retry_forever(&mut self, i: u32, step: u64) {
        let why = if self.params.faults.no_ite_sid {
            "hardware reports no ITESID (it reads 0), so qi_check_fault cannot tell the gone device from a slow one"
        } else {
            "qi_check_fault has no device-gone branch (no `return -ETIMEDOUT`)"
        };
        let msg = format!(
            "T{} restarts its batch after -EAGAIN, but its device-TLB invalidation goes to a device that is gone and never answers: every retry times out again and {why}, so qi_submit_sync() never returns (soft lockup: interrupts are restored between retries)",
            i + 1
        );
        let s = &self.subs[i as usize];
        let slot = Some(s.index);
        self.report(
            FindingKind::RetryForever,
            step,
            Actor::Submitter(i),
            Some(i),
            slot,
            msg,
        );
        self.halted = true;
        self.hung = true;
    }

    /// Error oracle: submitter `i` returns `rc` (`-ETIMEDOUT` or `-EINVAL`) for a fault its
    /// batch did not have.
    #[cold]
    #[inline(never)]
    pub(super) fn report_misattributed(&mut self, i: u32, step: u64, count: u32, rc: i32) {
        let s = &self.subs[i as usize];
        let msg = if rc == crate::model::submitter::EINVAL {
            format!(
                "T{} returns -EINVAL, but no descriptor of its batch was invalid: its caller is told its invalidation was refused",
                i + 1
            )
        } else {
            format!(
                "T{} returns -ETIMEDOUT, but none of its {} invalidation(s) timed out ({} of its {} descriptors completed): it handled the ITE of another CPU's invalidation, and its caller is told its own invalidation failed",
                i + 1,
                count,
                s.hw_done,
                count + 1
            )
        };
        let slot = Some(s.index);
        // F6: whoever handles a device-gone ITE returns -ETIMEDOUT.
        let own = (rc != crate::model::submitter::EINVAL).then_some(FaultPath::F6);
        self.report_on(
            own,
            FindingKind::MisattributedError,
            step,
            Actor::Submitter(i),
            Some(i),
            slot,
            msg,
        );
    }
}
