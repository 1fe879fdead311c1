//! The hardware engine's step as the system sees it: [`hardware`] moves the ring; this credits
//! the owner of what completed, traces it, and runs the stray-write oracle on a status write.

use crate::model::hardware::{self, Processed};
use crate::model::system::System;
use crate::model::tally::StepKind;
use crate::model::types::{HwFault, Status};
use crate::trace::{Op, TraceSink};
use crate::Actor;

impl System {
    // The hardware, write and poll steps are inlined into `apply`, so their `StepKind` stays in
    // registers (wasm32 returns it through memory).
    #[inline(always)]
    pub(super) fn hw_step<T: TraceSink>(
        &mut self,
        step: u64,
        actor: Actor,
        sink: &mut T,
    ) -> StepKind {
        let p = match actor {
            Actor::Fetch => hardware::fetch(&mut self.ring, false),
            Actor::Fault(HwFault::Iqe) => hardware::fetch(&mut self.ring, true),
            Actor::Fault(f) => hardware::complete(&mut self.ring, Some(f)),
            _ => hardware::complete(&mut self.ring, None),
        };
        match p {
            Processed::Idle => StepKind::HwIdle,
            Processed::Fetched { slot, label } => {
                sink.emit(step, actor, || Op::HwFetch { slot, label });
                StepKind::HwFetch
            }
            Processed::Invalid { slot, label } => {
                if let Some(l) = label {
                    self.invalid(l);
                }
                sink.emit(step, actor, || Op::HwFault {
                    slot,
                    fault: HwFault::Iqe,
                    label,
                });
                StepKind::HwFault {
                    fault: HwFault::Iqe,
                }
            }
            Processed::TimedOut { slot, label, gone } => {
                let fault = if gone { HwFault::Gone } else { HwFault::Ite };
                self.time_out(step, actor, slot, label, fault, sink);
                StepKind::HwFault { fault }
            }
            Processed::Empty { slot } => {
                sink.emit(step, actor, || Op::HwInv { slot, label: None });
                StepKind::HwIdle
            }
            Processed::Inv {
                slot,
                ty,
                label,
                ice,
            } => {
                self.credit(label);
                sink.emit(step, actor, || Op::HwInv {
                    slot,
                    label: Some(label),
                });
                if ice {
                    let fault = HwFault::Ice;
                    let label = Some(label);
                    sink.emit(step, actor, || Op::HwFault { slot, fault, label });
                }
                StepKind::HwInv { ty }
            }
            Processed::Wait {
                slot,
                status_addr,
                sw,
                drain,
                label,
                before,
            } => {
                // Ownership is the owner's state (label and pc), not the status just written.
                let owned = self.owns_wait_slot(status_addr, label, before);
                self.credit(label);
                sink.emit(step, actor, || Op::HwWait {
                    slot,
                    label: Some(label),
                });
                if sw {
                    sink.emit(step, actor, || Op::Status {
                        slot: status_addr,
                        before,
                        after: Status::Done,
                        hw: true,
                        label: Some(label),
                    });
                }
                if sw && !owned && self.stray_harms(status_addr, before) {
                    self.report_stray_write(step, actor, status_addr, label, before);
                }
                StepKind::HwWait { drain }
            }
        }
    }
}
