//! How each safety finding is decided (DESIGN.md section 6), and how a finding is recorded
//! with its fault path; the kinds are in `finding.rs`, the wording in `wording.rs`, the
//! liveness findings in `liveness.rs`. Findings are data, never panics.

use crate::model::fault_path::FaultPath;
use crate::model::finding::{Finding, FindingKind};
use crate::model::pc::Pc;
use crate::model::submitter::Submitter;
use crate::model::system::System;
use crate::model::types::{Desc, Label, Status};
use crate::Actor;

impl System {
    /// Records a finding of the current step that is not on a fault path by itself (it may be
    /// a consequence of one: `model::fault_path`).
    pub(super) fn report(
        &mut self,
        kind: FindingKind,
        step: u64,
        actor: Actor,
        sub: Option<u32>,
        slot: Option<u32>,
        message: String,
    ) {
        self.report_on(None, kind, step, actor, sub, slot, message);
    }

    /// Records a finding of the current step whose own fault path is `own`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn report_on(
        &mut self,
        own: Option<FaultPath>,
        kind: FindingKind,
        step: u64,
        actor: Actor,
        sub: Option<u32>,
        slot: Option<u32>,
        message: String,
    ) {
        let fault_path = self.fault_log.classify(own);
        self.found.push(Finding {
            kind,
            step,
            actor,
            submitter: sub,
            slot,
            message,
            fault_path,
        });
    }

    /// The label of submitter `i`'s current wait descriptor.
    pub(super) fn own_wait_label(s: &Submitter, i: u32) -> Label {
        Label {
            submitter: i,
            attempt: s.attempt(),
            part: s.count,
            count: s.count,
        }
    }
    /// The lost-completion oracle: submitter `i`'s status write `changes[k]` set `QI_FREE` on
    /// another CPU's wait slot that hardware completed (or the `ITE` walk aborted) while its
    /// owner still waits on it.
    #[inline(always)]
    pub(super) fn loses_completion(&self, i: u32, k: usize) -> bool {
        let c = &self.changes[k];
        if c.after != Status::Free || !matches!(c.before, Status::Done | Status::Abort) {
            return false;
        }
        let Desc::Wait { label, .. } = &self.ring.desc[c.slot as usize] else {
            return false;
        };
        if label.submitter == i {
            return false;
        }
        let owner = &self.subs[label.submitter as usize];
        owner.attempt() == label.attempt
            && matches!(
                owner.pc,
                Pc::Doorbell | Pc::Poll | Pc::PollUnlock | Pc::PollLock | Pc::InCheckFault
            )
    }
    /// Whether hardware's `QI_DONE` just written into `slot`, which no longer belongs to the
    /// wait that wrote it, does harm by itself: the slot holds another CPU's live wait (which
    /// will read it as its own), or `reclaim_free_desc()` stops at it while it lies between
    /// `free_tail` and `free_head` (nobody writes that slot again: the ring runs out), as a dry
    /// run of the program's reclaim from the slot tells. Other stray writes are benign (under
    /// the legacy reclaim a late `QI_DONE` is what frees a returned CPU's wait slot); what they
    /// lead to, if anything, the other oracles report when it happens.
    #[cold]
    #[inline(never)]
    pub(super) fn stray_harms(&self, slot: u32, before: Status) -> bool {
        if let Some(l) = self.ring.desc[slot as usize].label() {
            if matches!(self.ring.desc[slot as usize], Desc::Wait { .. })
                && self.owns_wait_slot(slot, l, before)
            {
                return true;
            }
        }
        let r = &self.ring;
        let in_use = r.qi_length - r.free_cnt.min(r.qi_length);
        let offset = (slot + r.qi_length - r.free_tail) % r.qi_length;
        if offset >= in_use {
            return false;
        }
        let ((exit, _, _), tail) = self.dry_run_from(0, crate::program::Entry::Reclaim, Some(slot));
        matches!(exit, crate::program::Exit::Returned(_)) && tail == slot
    }

    /// Whether submitter `i`, restarting after `-EAGAIN` with a gone device, retries forever:
    /// its batch has a device-TLB invalidation (every one goes to the device in this model),
    /// which times out again at every retry, and `qi_check_fault` never returns `-ETIMEDOUT`
    /// (the program has no such return, or hardware reports no `ITESID`).
    pub(super) fn retries_forever(&self, i: u32) -> bool {
        let s = &self.subs[i as usize];
        s.types.contains(&crate::model::InvType::Devtlb)
            && (!self.params.program.facts.returns_timeout || self.params.faults.no_ite_sid)
    }

    /// True while `slot` still belongs to the wait descriptor `label`: it holds that
    /// descriptor and its owner has neither marked the slot nor returned (DESIGN.md section 6).
    /// The legacy mark leaves the wait slot alone, so there the owner keeps it until it
    /// returns (or restarts). A second `QI_DONE` for the same wait before that (after an `IQE`
    /// repair its copy completes too) is not stray.
    #[inline]
    pub(super) fn owns_wait_slot(&self, slot: u32, label: Label, status: Status) -> bool {
        // Whether the owner's mark set its wait slot: from the program, or (where the analysis
        // cannot tell) from the slot's status `status` before hardware's write, which a mark
        // of the wait slot leaves QI_FREE.
        let marks_wait = self
            .params
            .program
            .facts
            .marks_wait_slot
            .unwrap_or(status == Status::Free);
        self.ring.desc[slot as usize].label() == Some(label)
            && self.subs.get(label.submitter as usize).is_some_and(|o| {
                o.attempts > 0
                    && o.attempt() == label.attempt
                    && match o.pc {
                        Pc::Doorbell
                        | Pc::Poll
                        | Pc::PollUnlock
                        | Pc::PollLock
                        | Pc::Mark
                        | Pc::InCheckFault => true,
                        // Inside mark, suspended: a mark that sets the wait slot may not have
                        // reached it yet; it has when the slot is already QI_FREE.
                        Pc::InMark => !marks_wait || status != Status::Free,
                        Pc::Reclaim | Pc::InReclaim => !marks_wait,
                        // The final unlock returns or restarts in the same step.
                        _ => false,
                    }
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::model::finding::FindingKind::*;
    use crate::model::policy::StatusChange;
    use crate::model::{Desc, Label, Pc, Status, System};
    use crate::trace::NoTrace;
    use crate::Actor;

    fn two_cpus() -> System {
        System::new(&Config {
            qi_length: 8,
            submitters: 2,
            ..Config::default()
        })
    }

    /// An unlock with `free_cnt` off the pointers reports the invariant, once per run.
    #[test]
    fn a_wrong_free_cnt_is_reported_at_the_unlock() {
        let mut sys = two_cpus();
        for (step, expect) in [(0, 1), (1, 1)] {
            sys.ring.q_lock = Some(0);
            sys.subs[0].pc = Pc::SpaceUnlock;
            sys.ring.free_cnt = 3;
            sys.apply(Actor::Submitter(0), step, 0, &mut NoTrace);
            let n = sys
                .found
                .iter()
                .filter(|f| f.kind == FreeCntInvariant)
                .count();
            assert_eq!(n, expect, "step {step}: {:?}", sys.found);
        }
    }

    /// A write into `IQH..IQT` (published, not yet fetched) is an overrun, named by slot.
    #[test]
    fn writing_an_unfetched_slot_is_an_overrun() {
        let mut sys = two_cpus();
        sys.ring.q_lock = Some(0);
        sys.subs[0].pc = Pc::Write;
        sys.ring.iqt = 2;
        assert!(sys.ring.unfetched(0));
        sys.apply(Actor::Submitter(0), 5, 0, &mut NoTrace);
        let f: Vec<_> = sys.found.iter().filter(|f| f.kind == Overrun).collect();
        assert_eq!(
            f.len(),
            1 + sys.subs[0].count.min(1) as usize,
            "{:?}",
            sys.found
        );
        assert_eq!((f[0].step, f[0].slot), (5, Some(0)));
    }

    /// T1 writes `QI_FREE` over T2's wait slot while T2 polls it: lost only if hardware had
    /// completed (or the walk aborted) it.
    #[test]
    fn only_a_finished_wait_freed_under_its_poller_is_lost() {
        let lost = |before: Status, after: Status| {
            let mut sys = two_cpus();
            sys.subs[1].pc = Pc::Poll;
            sys.subs[1].attempts = 1;
            let label = Label {
                submitter: 1,
                attempt: 0,
                part: 0,
                count: 0,
            };
            sys.ring.desc[3] = Desc::Wait {
                status_addr: 3,
                sw: true,
                drain: false,
                label,
            };
            sys.changes.push(StatusChange {
                slot: 3,
                before,
                after,
            });
            sys.loses_completion(0, 0)
        };
        assert!(lost(Status::Done, Status::Free));
        assert!(lost(Status::Abort, Status::Free));
        assert!(!lost(Status::InUse, Status::Free));
        assert!(!lost(Status::Free, Status::Free));
        assert!(!lost(Status::Done, Status::Abort));
    }
}
