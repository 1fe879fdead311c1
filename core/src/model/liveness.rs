//! Liveness: when a state is stuck (the one lockup predicate of the simulator and the
//! explorer), the lockup oracle that reports it, and the soft-lockup watchdog.

use crate::model::fault_path::FaultPath;
use crate::model::finding::FindingKind;
use crate::model::pc::Pc;
use crate::model::system::System;
use crate::model::types::{fsts, Status};
use crate::Actor;

impl System {
    /// Stuck (DESIGN.md section 6, lockup): hardware cannot move and every submitter that has
    /// not finished spins in a loop it can never leave: polling a wait slot that is neither
    /// `QI_DONE` nor `QI_ABORT` (with no fault bit its `qi_check_fault` would act on), or
    /// retrying `check_space` with `free_cnt < count + 2`. Only those spins are left, and they
    /// change nothing, so a stuck state stays stuck: some call never returns. The one
    /// definition of a lockup, for the simulator's oracle and the explorer alike. Requires at
    /// least one unfinished submitter.
    pub fn stuck(&self) -> bool {
        if self.hung || self.hw_enabled() {
            return false;
        }
        let r = &self.ring;
        let mut any = false;
        for (i, s) in self.subs.iter().enumerate() {
            match s.pc {
                Pc::Finished => {}
                Pc::Poll | Pc::PollUnlock | Pc::PollLock => {
                    let st = r.desc_status[s.wait_index as usize];
                    if st == Status::Done {
                        return false;
                    }
                    // qi_check_fault acts (clears ITE, repairs an IQE at this batch's
                    // `index`, returns -EAGAIN for an aborted wait...): not a spin.
                    if !self.poll_spins(i as u32) {
                        return false;
                    }
                    any = true;
                }
                Pc::Lock | Pc::CheckSpace | Pc::SpaceUnlock => {
                    if r.free_cnt >= s.count + 2 {
                        return false;
                    }
                    any = true;
                }
                _ => return false,
            }
        }
        any
    }

    /// The lockup oracle, run by a spinning submitter (a poll that did not see `QI_DONE`, a
    /// failed `check_space`): if the system is [`System::stuck`], reports every unfinished
    /// submitter and halts.
    pub(super) fn check_lockup(&mut self, step: u64, actor: Actor) {
        if self.halted || !self.stuck() {
            return;
        }
        self.report_lockup(step, actor);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn report_lockup(&mut self, step: u64, actor: Actor) {
        let r = &self.ring;
        let why = if r.fsts & fsts::IQE != 0 {
            format!(
                "hardware is stopped by IQE at slot {}, which is no waiting submitter's `index`, so no qi_check_fault clears it",
                r.iqh
            )
        } else {
            "hardware is idle and no other CPU can write it".to_string()
        };
        let tail = r.free_tail;
        let tail_holds = format!(
            "{} {}",
            r.desc[tail as usize]
                .label()
                .map_or_else(|| "nothing".to_string(), |l| l.name()),
            r.desc_status[tail as usize].name()
        );
        let mut found = Vec::new();
        for (k, s) in self.subs.iter().enumerate() {
            let k = k as u32;
            let (slot, msg) = match s.pc {
                Pc::Finished => continue,
                pc if pc.polling() => {
                    let w = s.wait_index;
                    let msg = format!(
                        "T{} polls {} (slot {}), which is {}; {}: hard lockup (the poll loop drops q_lock but keeps interrupts off, as raw_spin_lock_irqsave left them; the NMI watchdog reports it)",
                        k + 1,
                        Self::own_wait_label(s, k).name(),
                        w,
                        r.desc_status[w as usize].name(),
                        why
                    );
                    (Some(w), msg)
                }
                _ => {
                    let msg = format!(
                        "T{} waits for ring space forever: free_cnt {} < count + 2 = {}, and free_tail stops at slot {} ({}), which no CPU will free: soft lockup (the space wait restores interrupts between tries)",
                        k + 1,
                        r.free_cnt,
                        s.count + 2,
                        tail,
                        tail_holds
                    );
                    (Some(tail), msg)
                }
            };
            found.push((k, slot, msg));
        }
        // Hardware stopped by an IQE nobody can repair: F1.
        let own = (self.ring.fsts & fsts::IQE != 0).then_some(FaultPath::F1);
        for (k, slot, msg) in found {
            self.report_on(own, FindingKind::Lockup, step, actor, Some(k), slot, msg);
        }
        self.halted = true;
    }

    #[cold]
    #[inline(never)]
    pub(super) fn watchdog_fires(&mut self, i: u32, step: u64) {
        let s = &mut self.subs[i as usize];
        s.watchdog_fired = true;
        let msg = format!(
            "T{} made no progress for {} of its own steps (at `{}`)",
            i + 1,
            self.params.watchdog,
            s.pc.name()
        );
        let slot = s.pc.polling().then_some(s.wait_index);
        self.report(
            FindingKind::SuspectedLockup,
            step,
            Actor::Submitter(i),
            Some(i),
            slot,
            msg,
        );
    }
}
