//! Faults: hardware's invalidation time-out (`ITE`, VT-d spec 6.5.2.11) and what the
//! explorer's rotation symmetry allows under them. `qi_check_fault()` itself, which a polling
//! CPU runs to handle `IQE`, `ITE` and `ICE`, is the kernel program's (`crate::program`).

use crate::model::hardware;
use crate::model::params::Params;
use crate::model::system::System;
use crate::model::types::{Desc, HwFault, Label};
use crate::trace::{Op, TraceSink};
use crate::Actor;

/// The smallest rotation of the ring that maps every step to a step (the explorer's rotation
/// symmetry), as the kernel program allows it (`program::analysis`) with the fault bits the
/// config can set: 1, a power of two when the program reads low bits of a slot (the stride-2
/// `ITE` walk starts at `(IQH - 1) | 1`: 2), or `qi_length` (no rotation but the identity).
pub fn rotation_step(params: &Params, qi_length: u32) -> u32 {
    match params.program.facts.rotation {
        Some(p) if qi_length % (1 << p) == 0 => 1 << p,
        _ => qi_length,
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
            if let Some(s) = self.subs.get_mut(l.submitter as usize) {
                if s.attempts > 0 && s.attempt() == l.attempt && s.pc != crate::model::Pc::Finished
                {
                    s.timed_out = true;
                }
            }
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
}
