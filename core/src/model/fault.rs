//! Faults: hardware's invalidation time-out (`ITE`, VT-d spec 6.5.2.11) and
//! `qi_check_fault()` of `dmar.c`, which a polling CPU runs to handle `IQE`, `ITE` and `ICE`.

use crate::config::{FaultConfig, IteWalk};
use crate::model::fault_path::FaultPath;
use crate::model::finding::FindingKind;
use crate::model::hardware;
use crate::model::policy;
use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::system::System;
use crate::model::types::{fsts, Desc, HwFault, Label, Status};
use crate::trace::{Op, TraceSink};
use crate::Actor;

/// The smallest rotation of the ring that maps every step to a step (the explorer's rotation
/// symmetry): every slot-valued field is read relative to the others, except the start of the
/// stride-2 `ITE` walk, `(IQH - 1) | 1`, which depends on a slot's parity. So 1, or, when that
/// walk can run (`ITE` or device-gone faults with `IteWalk::Stride2`), 2 on a ring of even
/// length and `qi_length` (no rotation but the identity) on a ring of odd length, where a
/// rotation by 2 changes the parity of the slots it wraps.
pub fn rotation_step(faults: &FaultConfig, qi_length: u32) -> u32 {
    let walk_reads_parity = faults.ite_walk == IteWalk::Stride2
        && (faults.rate(HwFault::Ite) > 0.0 || faults.rate(HwFault::Gone) > 0.0);
    match (walk_reads_parity, qi_length % 2) {
        (false, _) => 1,
        (true, 0) => 2,
        (true, _) => qi_length,
    }
}

impl System {
    /// `ITE` at the pending device-TLB invalidation at `slot` (VT-d spec 6.5.2.11): it does
    /// not complete; every wait descriptor pending behind it is aborted (never writes its
    /// status) and the pending invalidations complete.
    #[cold]
    #[inline(never)]
    pub(super) fn time_out<T: TraceSink>(
        &mut self,
        step: u64,
        actor: Actor,
        slot: u32,
        label: Option<Label>,
        fault: HwFault,
        sink: &mut T,
    ) {
        sink.emit(step, actor, || Op::HwFault { slot, fault, label });
        if let Some(l) = label {
            self.fault_log.timed_out(l);
        }
        let mut rest = Vec::new();
        hardware::take_pending(&mut self.ring, &mut rest);
        for (slot, d) in rest {
            match d {
                Desc::Wait { label, .. } => {
                    sink.emit(step, actor, || Op::HwAbort {
                        slot,
                        label: Some(label),
                    });
                }
                Desc::Inv { label, .. } => {
                    self.credit(label);
                    sink.emit(step, actor, || Op::HwInv {
                        slot,
                        label: Some(label),
                    });
                }
                Desc::Empty => {}
            }
        }
    }

    /// `qi_check_fault()` of `dmar.c`, run by submitter `i` from its poll loop with `q_lock`
    /// held (DESIGN.md section 4). Returns the `rc` that ends the poll loop (0: keep polling);
    /// a fault return is logged for the fault-path classification (`model::fault_path`).
    pub(super) fn qi_check_fault<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> i32 {
        let rc = self.check_fault(i, step, sink);
        if rc != 0 {
            let attempt = self.subs[i as usize].attempt();
            self.fault_log.returned_early(i, attempt, rc);
        }
        rc
    }

    /// The body of [`System::qi_check_fault`].
    fn check_fault<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> i32 {
        let actor = Actor::Submitter(i);
        let (index, wait_index) = {
            let s = &self.subs[i as usize];
            (s.index, s.wait_index)
        };
        let len = self.ring.qi_length;
        if self.ring.desc_status[wait_index as usize] == Status::Abort {
            return EAGAIN;
        }
        let fault = self.ring.fsts;
        // IQE: IQH points at the bad descriptor; only the submitter whose batch starts there
        // repairs it, with a copy of its own wait descriptor.
        if fault & fsts::IQE != 0 && self.ring.iqh == index {
            let copy = self.ring.desc[wait_index as usize];
            self.ring.desc[index as usize] = copy;
            self.ring.fsts &= !fsts::IQE;
            sink.emit(step, actor, || Op::IqeRepair {
                slot: index,
                wait_index,
            });
            return EINVAL;
        }
        if fault & fsts::ITE != 0 {
            let stride = match self.params.faults.ite_walk {
                IteWalk::Stride2 => 2,
                IteWalk::Stride1 => 1,
            };
            let mut head = (self.ring.iqh + len - 1) % len;
            if stride == 2 {
                head |= 1;
            }
            let tail = (self.ring.iqt + len - 1) % len;
            let from = head;
            // ITE is cleared before the walk, as the kernel does; IQER's ITESID was read first.
            self.ring.fsts &= !fsts::ITE;
            let gone = std::mem::take(&mut self.ring.ite_gone);
            let mut terminated = false;
            // do { ... } while (head != tail): bounded here; the kernel's loop is not.
            for _ in 0..len {
                if self.ring.desc_status[head as usize] == Status::InUse {
                    policy::set_status(&mut self.ring, head, Status::Abort, &mut self.changes);
                }
                head = (head + len - stride) % len;
                if head == tail {
                    terminated = true;
                    break;
                }
            }
            sink.emit(step, actor, || Op::IteWalk {
                from,
                to: tail,
                stride,
                terminated,
            });
            self.software_changes(i, step, sink);
            if !terminated {
                let msg = format!(
                    "T{} runs the ITE walk from slot {} in steps of -{} but never reaches IQT - 1 = {}: qi_check_fault loops forever with q_lock held (hard lockup)",
                    i + 1,
                    from,
                    stride,
                    tail
                );
                let own = Some(FaultPath::F3);
                let (sub, slot) = (Some(i), Some(tail));
                self.report_on(own, FindingKind::WalkLoop, step, actor, sub, slot, msg);
                self.halted = true;
                return 0;
            }
            // The device-gone branch: no retry, whether or not this wait was aborted.
            if gone {
                return ETIMEDOUT;
            }
            if self.ring.desc_status[wait_index as usize] == Status::Abort {
                return EAGAIN;
            }
        }
        if fault & fsts::ICE != 0 {
            self.ring.fsts &= !fsts::ICE;
            sink.emit(step, actor, || Op::ClearIce);
        }
        0
    }
}
