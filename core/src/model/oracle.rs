//! What the checker reports (DESIGN.md section 6), and how each safety finding is decided and
//! worded; the liveness findings are in `liveness.rs`. Findings are data, never panics.

use serde::{Deserialize, Serialize};

use crate::model::fault_path::FaultPath;
use crate::model::policy;
use crate::model::submitter::{Pc, Submitter};
use crate::model::system::System;
use crate::model::types::{Desc, Label, Status};
use crate::Actor;

/// Kinds of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum FindingKind {
    /// Root cause: a completed wait descriptor freed by someone other than its owner before the
    /// owner saw `QI_DONE`.
    LostCompletion,
    /// A submitter polls a slot nothing will ever write `QI_DONE` to again.
    Lockup,
    /// The soft-lockup watchdog fired: no progress for `watchdog` of the submitter's own steps.
    SuspectedLockup,
    /// A submitter woke on a `QI_DONE` that was not its own wait descriptor's.
    StaleWakeup,
    /// A submission returned before hardware completed all its descriptors.
    PrematureCompletion,
    /// Software overwrote a slot in `IQH..IQT` that hardware had not fetched.
    Overrun,
    /// A hardware status write landed in a slot no longer owned by that wait descriptor.
    StrayStatusWrite,
    /// `free_cnt != QI_LENGTH - ((free_head - free_tail) mod QI_LENGTH)` with `q_lock` free.
    FreeCntInvariant,
    /// No actor can move and work remains.
    Deadlock,
    /// The `ITE` walk of `qi_check_fault` never terminates (infinite loop under `q_lock`).
    WalkLoop,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 10] = [
        FindingKind::LostCompletion,
        FindingKind::Lockup,
        FindingKind::SuspectedLockup,
        FindingKind::StaleWakeup,
        FindingKind::PrematureCompletion,
        FindingKind::Overrun,
        FindingKind::StrayStatusWrite,
        FindingKind::FreeCntInvariant,
        FindingKind::Deadlock,
        FindingKind::WalkLoop,
    ];

    /// camelCase name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::LostCompletion => "lostCompletion",
            FindingKind::Lockup => "lockup",
            FindingKind::SuspectedLockup => "suspectedLockup",
            FindingKind::StaleWakeup => "staleWakeup",
            FindingKind::PrematureCompletion => "prematureCompletion",
            FindingKind::Overrun => "overrun",
            FindingKind::StrayStatusWrite => "strayStatusWrite",
            FindingKind::FreeCntInvariant => "freeCntInvariant",
            FindingKind::Deadlock => "deadlock",
            FindingKind::WalkLoop => "walkLoop",
        }
    }

    /// Safety violations: something wrong already happened (as opposed to liveness or causes).
    pub fn is_safety(self) -> bool {
        matches!(
            self,
            FindingKind::PrematureCompletion
                | FindingKind::Overrun
                | FindingKind::StrayStatusWrite
                | FindingKind::FreeCntInvariant
                | FindingKind::Deadlock
                | FindingKind::WalkLoop
        )
    }

    /// How bad the finding is, for choosing what a counterexample should demonstrate: a
    /// consequence (lockup, hang, safety violation) ranks above its cause (lost completion).
    pub fn severity(self) -> u8 {
        match self {
            FindingKind::Lockup | FindingKind::WalkLoop | FindingKind::Deadlock => 4,
            FindingKind::PrematureCompletion
            | FindingKind::Overrun
            | FindingKind::StrayStatusWrite
            | FindingKind::FreeCntInvariant => 3,
            FindingKind::StaleWakeup => 2,
            FindingKind::SuspectedLockup => 1,
            FindingKind::LostCompletion => 0,
        }
    }

    /// Findings that end a run: nothing useful can happen afterwards.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            FindingKind::Lockup | FindingKind::Deadlock | FindingKind::WalkLoop
        )
    }
}

/// One finding, at the step it was detected.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    /// Step number (0-based) at which it was detected.
    pub step: u64,
    /// The actor whose step revealed it.
    pub actor: Actor,
    /// The submitter it concerns (owner of the lost wait, the stuck poller, ...).
    pub submitter: Option<u32>,
    /// The ring slot it concerns.
    pub slot: Option<u32>,
    /// Human-readable explanation with kernel names.
    pub message: String,
    /// The fault path of `docs/findings.md` it is on (`"F1"` … `"F6"`), or none: decided by
    /// the core (`model::fault_path`).
    #[serde(default)]
    pub fault_path: Option<FaultPath>,
}

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
                Pc::Doorbell | Pc::Poll | Pc::PollUnlock | Pc::PollLock
            )
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

    /// True while `slot` still belongs to the wait descriptor `label`: it holds that
    /// descriptor and its owner has neither marked the slot nor returned (DESIGN.md section 6).
    /// The legacy mark leaves the wait slot alone, so there the owner keeps it until it
    /// returns (or restarts). A second `QI_DONE` for the same wait before that (after an `IQE`
    /// repair its copy completes too) is not stray.
    #[inline]
    pub(super) fn owns_wait_slot(&self, slot: u32, label: Label) -> bool {
        let marks_wait = policy::marks_wait_slot(self.policy);
        self.ring.desc[slot as usize].label() == Some(label)
            && self.subs.get(label.submitter as usize).is_some_and(|o| {
                o.attempts > 0
                    && o.attempt() == label.attempt
                    && match o.pc {
                        Pc::Doorbell | Pc::Poll | Pc::PollUnlock | Pc::PollLock | Pc::Mark => true,
                        Pc::Reclaim => !marks_wait,
                        // The final unlock returns or restarts in the same step.
                        _ => false,
                    }
            })
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

#[cfg(test)]
mod tests {
    use super::FindingKind::{self, *};
    use crate::config::Config;
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

    /// DESIGN.md section 6: which kinds are safety violations, which end a run, and that a
    /// consequence outranks its cause when a counterexample is chosen.
    #[test]
    fn kinds_are_classified_as_the_design_says() {
        let with = |p: fn(FindingKind) -> bool| -> Vec<FindingKind> {
            FindingKind::ALL.into_iter().filter(|k| p(*k)).collect()
        };
        assert_eq!(
            with(FindingKind::is_safety),
            [
                PrematureCompletion,
                Overrun,
                StrayStatusWrite,
                FreeCntInvariant,
                Deadlock,
                WalkLoop
            ]
        );
        assert_eq!(with(FindingKind::is_terminal), [Lockup, Deadlock, WalkLoop]);
        let rank = |k: FindingKind| k.severity();
        assert!(rank(Lockup) > rank(Overrun) && rank(Overrun) > rank(StaleWakeup));
        assert!(rank(StaleWakeup) > rank(SuspectedLockup));
        assert!(rank(SuspectedLockup) > rank(LostCompletion));
        assert_eq!(rank(Lockup), rank(WalkLoop));
        for k in FindingKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.name()));
        }
    }
}
