//! The atomic steps of `qi_submit_sync()` (DESIGN.md section 2), one per program counter of
//! [`Pc`], as `dmar.c` runs them under `q_lock` (the hardware's step is in `hw_step.rs`).

use crate::model::hardware;
use crate::model::pc::Pc;
use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::system::System;
use crate::model::tally::{Returned, StepInfo, StepKind};
use crate::model::types::{Desc, Label, Status};
use crate::program::Entry;
use crate::trace::{Op, TraceSink};
use crate::Actor;

impl System {
    /// One step of submitter `i`, the one its program counter names.
    #[inline(always)]
    pub(super) fn sub_step<T: TraceSink>(
        &mut self,
        i: u32,
        step: u64,
        now_ns: u64,
        sink: &mut T,
    ) -> StepInfo {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        if self.params.watchdog != 0 {
            let s = &mut self.subs[iu];
            s.steps_since_progress += 1;
            if s.steps_since_progress == self.params.watchdog && !s.watchdog_fired {
                self.watchdog_fires(i, step);
            }
        }
        let mut returned = false;
        let pc = self.subs[iu].pc;
        let kind = match pc {
            Pc::Lock | Pc::PollLock => {
                debug_assert!(self.ring.q_lock.is_none());
                let handoff = self.ring.last_lock_owner.is_some_and(|o| o != i);
                let c = &mut self.tally.counters[iu];
                c.lock_acquisitions += 1;
                c.lock_handoffs += u64::from(handoff);
                self.ring.q_lock = Some(i);
                self.ring.last_lock_owner = Some(i);
                self.subs[iu].pc = if pc == Pc::Lock {
                    Pc::CheckSpace
                } else {
                    Pc::Poll
                };
                sink.emit(step, actor, || Op::Lock { handoff });
                StepKind::Lock { handoff }
            }
            Pc::CheckSpace => {
                let need = self.subs[iu].count + 2;
                let ok = self.ring.free_cnt >= need;
                self.tally.counters[iu].space_retries += u64::from(!ok);
                self.subs[iu].pc = if ok { Pc::Write } else { Pc::SpaceUnlock };
                sink.emit(step, actor, || Op::CheckSpace {
                    free_cnt: self.ring.free_cnt,
                    need,
                    ok,
                });
                if !ok && !self.hw_enabled() {
                    self.check_lockup(step, actor);
                }
                StepKind::CheckSpace { ok }
            }
            Pc::SpaceUnlock | Pc::PollUnlock => {
                self.subs[iu].pc = if pc == Pc::SpaceUnlock {
                    Pc::Lock
                } else {
                    Pc::PollLock
                };
                sink.emit(step, actor, || Op::Unlock);
                self.release_lock(step, i);
                StepKind::Unlock
            }
            Pc::Write => self.write(i, step, sink),
            Pc::Doorbell => {
                self.ring.iqt = self.ring.free_head;
                self.subs[iu].pc = Pc::Poll;
                sink.emit(step, actor, || Op::Doorbell { iqt: self.ring.iqt });
                if !self.params.hw_async {
                    // QEMU: the MMIO write traps and the whole queue is processed before the
                    // write returns, with the submitter still holding q_lock.
                    while hardware::can_complete(&self.ring) {
                        self.hw_step(step, Actor::Hardware, sink);
                    }
                }
                StepKind::Doorbell
            }
            Pc::Poll => self.poll(i, step, sink),
            Pc::Mark | Pc::InMark => {
                let (index, count) = (self.subs[iu].index, self.subs[iu].count);
                let resume = pc == Pc::InMark;
                if !resume {
                    sink.emit(step, actor, || Op::Mark { index, count });
                }
                if let Some(rc) = self.call(i, Entry::Mark, resume, step, sink) {
                    // An `int mark` decides the rc of a poll loop that ended with 0.
                    let rc = rc as i32;
                    if rc != 0 && self.subs[iu].rc == 0 {
                        sink.emit(step, actor, || Op::MarkRc { rc });
                        let attempt = self.subs[iu].attempt();
                        self.fault_log.returned_early(i, attempt, rc);
                        self.subs[iu].rc = rc;
                    }
                    self.subs[iu].pc = Pc::Reclaim;
                }
                self.software_changes(i, step, sink);
                StepKind::Mark
            }
            Pc::Reclaim | Pc::InReclaim => {
                let from = self.ring.free_tail;
                if self
                    .call(i, Entry::Reclaim, pc == Pc::InReclaim, step, sink)
                    .is_some()
                {
                    sink.emit(step, actor, || Op::Reclaim {
                        from,
                        to: self.ring.free_tail,
                    });
                    self.subs[iu].pc = Pc::Unlock;
                }
                self.software_changes(i, step, sink);
                StepKind::Reclaim
            }
            Pc::InCheckFault => {
                self.check_fault(i, true, step, sink);
                StepKind::Poll { done: false }
            }
            Pc::Unlock => {
                sink.emit(step, actor, || Op::Unlock);
                self.release_lock(step, i);
                let s = &self.subs[iu];
                if s.rc == EAGAIN {
                    if self.ring.device_gone && self.retries_forever(i) {
                        self.report_retry_forever(i, step);
                        return StepInfo {
                            kind: StepKind::Restart,
                            returned,
                        };
                    }
                    // Restart the whole submission with the same batch.
                    let s = &mut self.subs[iu];
                    s.pc = Pc::Lock;
                    s.rc = 0;
                    self.tally.counters[iu].restarts += 1;
                    StepKind::Restart
                } else {
                    self.tally.last_return = self.finish_call(i, step, now_ns, sink);
                    returned = true;
                    StepKind::Unlock
                }
            }
            Pc::Finished => StepKind::HwIdle,
        };
        StepInfo { kind, returned }
    }

    /// Step 3 (inlined into `apply`, like [`System::hw_step`]).
    #[inline(always)]
    pub(super) fn write<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> StepKind {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let count = self.subs[iu].count;
        let drain = self.params.workloads[iu].drain;
        let index = self.ring.free_head;
        let wait_index = self.ring.add(index, count);
        let attempt = self.subs[iu].attempts;
        {
            let s = &mut self.subs[iu];
            s.attempts += 1;
            s.hw_done = 0;
            s.timed_out = false;
            s.invalid = false;
            s.index = index;
            s.wait_index = wait_index;
        }
        sink.emit(step, actor, || Op::Write {
            index,
            count,
            wait_index,
        });
        for part in 0..=count {
            let slot = self.ring.add(index, part);
            let label = Label {
                submitter: i,
                attempt,
                part,
                count,
            };
            if self.ring.unfetched(slot) {
                self.report_overrun(step, slot, label);
            }
            self.ring.rewritten(slot);
            self.ring.desc[slot as usize] = if part == count {
                Desc::Wait {
                    status_addr: wait_index,
                    sw: true,
                    drain,
                    label,
                }
            } else {
                Desc::Inv {
                    ty: self.subs[iu].types[part as usize],
                    label,
                }
            };
            // Writing QI_IN_USE can lose nobody's completion: only the trace needs to see it.
            let before =
                std::mem::replace(&mut self.ring.desc_status[slot as usize], Status::InUse);
            sink.emit(step, actor, || Op::Status {
                slot,
                before,
                after: Status::InUse,
                hw: false,
                label: Some(label),
            });
        }
        self.ring.free_head = self.ring.add(index, count + 1);
        self.ring.free_cnt = self.ring.free_cnt.wrapping_sub(count + 1);
        self.subs[iu].pc = Pc::Doorbell;
        StepKind::Write { descs: count + 1 }
    }

    /// Step 5 (inlined into `apply`, like [`System::hw_step`]).
    #[inline(always)]
    pub(super) fn poll<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> StepKind {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let w = self.subs[iu].wait_index;
        let status = self.ring.desc_status[w as usize];
        let done = status == Status::Done;
        self.tally.counters[iu].spins += u64::from(!done);
        sink.emit(step, actor, || Op::Poll {
            wait_index: w,
            status,
            done,
            label: Self::own_wait_label(&self.subs[iu], i),
        });
        // A quiet qi_check_fault (program::analysis) only acts on an aborted wait or a fault
        // bit: skip the call otherwise (every spin of the poll loop gets here).
        let faulted = status == Status::Abort || self.ring.fsts != 0;
        if done {
            let own = Self::own_wait_label(&self.subs[iu], i);
            if self.ring.desc[w as usize].label() != Some(own) {
                self.report_stale_wakeup(i, step, w, own);
            }
            self.subs[iu].pc = Pc::Mark;
        } else if faulted || !self.params.program.facts.quiet_without_fault {
            self.check_fault(i, false, step, sink);
        } else {
            self.poll_end(i, 0, step, sink);
        }
        StepKind::Poll { done }
    }

    /// `qi_check_fault` from the poll loop (or resumed after its `writel`); a run the
    /// function stopped (an endless loop, an error) halts the machine there. Out of line:
    /// a poll without a fault skips it, and the step loop stays small (wasm engines optimise
    /// a large function worse).
    #[inline(never)]
    fn check_fault<T: TraceSink>(&mut self, i: u32, resume: bool, step: u64, sink: &mut T) {
        let rc = self.call(i, Entry::CheckFault, resume, step, sink);
        self.software_changes(i, step, sink);
        // None: suspended at a writel, or stopped for good (an endless loop, an error): the
        // CPU stays in qi_check_fault.
        if let Some(rc) = rc {
            self.poll_end(i, rc as i32, step, sink);
        }
    }

    /// The poll loop after `qi_check_fault` returned `rc` (0: keep polling): a fault return
    /// ends the loop (logged for the fault-path classification, `model::fault_path`).
    #[inline(always)]
    fn poll_end<T: TraceSink>(&mut self, i: u32, rc: i32, step: u64, sink: &mut T) {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        if rc != 0 {
            sink.emit(step, actor, || Op::CheckFault { rc });
            let attempt = self.subs[iu].attempt();
            self.fault_log.returned_early(i, attempt, rc);
            self.subs[iu].rc = rc;
            self.subs[iu].pc = Pc::Mark;
        } else {
            self.subs[iu].pc = Pc::PollUnlock;
            if !self.hw_enabled() {
                self.check_lockup(step, actor);
            }
        }
    }

    /// Inlined into the unlock step, so [`Returned`] stays in registers (wasm32 returns structs
    /// through memory).
    #[inline(always)]
    pub(super) fn finish_call<T: TraceSink>(
        &mut self,
        i: u32,
        step: u64,
        now_ns: u64,
        sink: &mut T,
    ) -> Returned {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let (count, rc, hw_done, started_step, started_ns) = {
            let s = &self.subs[iu];
            (s.count, s.rc, s.hw_done, s.started_step, s.started_ns)
        };
        sink.emit(step, actor, || Op::Return {
            rc,
            latency_steps: step + 1 - started_step,
        });
        if rc == 0 && hw_done < count + 1 {
            self.report_premature(i, step, hw_done, count);
        }
        let s = &self.subs[iu];
        if rc == ETIMEDOUT && !s.timed_out || rc == EINVAL && !s.invalid {
            self.report_misattributed(i, step, count, rc);
        }
        let w = &self.params.workloads[iu];
        let s = &mut self.subs[iu];
        s.submissions_done += 1;
        s.steps_since_progress = 0;
        s.watchdog_fired = false;
        s.hw_done = 0;
        s.begin_call(w, step + 1, now_ns + w.think_ns);
        Returned {
            submitter: i,
            count,
            rc,
            started_step,
            started_ns,
        }
    }

    /// Oracle checks and trace events for the status changes a software step made. Indexed
    /// rather than `mem::take`n, as only the oracle's cold report needs `&mut self`.
    #[inline(always)]
    pub(super) fn software_changes<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) {
        for k in 0..self.changes.len() {
            let c = &self.changes[k];
            sink.emit(step, Actor::Submitter(i), || Op::Status {
                slot: c.slot,
                before: c.before,
                after: c.after,
                hw: false,
                label: self.ring.desc[c.slot as usize].label(),
            });
            if self.loses_completion(i, k) {
                self.report_lost_completion(i, step, k);
            }
        }
        self.changes.clear();
    }
}
