//! What a step tells its driver: what kind of step it was ([`StepKind`], for the timed
//! scheduler's costs and the metrics), whether a call returned ([`StepInfo`]), and the
//! [`Tally`] the steps keep for the metrics. None of it is model state: the explorer neither
//! hashes nor restores it.

use crate::model::types::{HwFault, InvType};

/// What a step was, for costs (timed scheduler) and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Lock {
        handoff: bool,
    },
    CheckSpace {
        ok: bool,
    },
    Unlock,
    /// The final unlock of a call whose wait was aborted: it restarts (`-EAGAIN`).
    Restart,
    Write {
        descs: u32,
    },
    Doorbell,
    Poll {
        done: bool,
    },
    Mark,
    Reclaim,
    HwInv {
        ty: InvType,
    },
    HwWait {
        drain: bool,
    },
    /// Hardware fetched a descriptor ahead (its latency is charged at completion).
    HwFetch,
    /// Hardware stopped with `IQE`/`ITE` (an `ITE` costs the device time-out).
    HwFault {
        fault: HwFault,
    },
    HwIdle,
}

/// A call that returned in this step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Returned {
    pub submitter: u32,
    pub count: u32,
    pub rc: i32,
    pub started_step: u64,
    pub started_ns: u64,
}

/// Result of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepInfo {
    pub kind: StepKind,
    /// A call returned in this step: see [`Tally::last_return`].
    pub returned: bool,
}

/// Per-submitter step counters, kept by the steps themselves (where the step's kind is already
/// known) rather than re-derived by the driver after every step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepCounters {
    pub lock_acquisitions: u64,
    pub lock_handoffs: u64,
    /// Poll iterations that did not see `QI_DONE`.
    pub spins: u64,
    /// `check_space` failures.
    pub space_retries: u64,
    /// `-EAGAIN` restarts.
    pub restarts: u64,
}

/// The counters the steps keep as they run (where the step's kind is already known, rather than
/// re-derived by the driver after every step), and the call the last returning step returned.
/// Owned by the [`System`](crate::model::System), outside its state: reset when the explorer
/// unpacks a state, ignored by its equality and hash.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Step counters per submitter.
    pub counters: Vec<StepCounters>,
    /// Scheduled hardware and fault steps taken.
    pub hw_steps: u64,
    /// The call that returned in the last step whose [`StepInfo::returned`] is set.
    pub last_return: Returned,
}

impl Tally {
    /// Zero counts for `submitters`.
    pub fn new(submitters: u32) -> Self {
        Tally {
            counters: vec![StepCounters::default(); submitters as usize],
            ..Tally::default()
        }
    }

    /// Back to zero, keeping the number of submitters.
    pub fn reset(&mut self) {
        self.counters.fill(StepCounters::default());
        self.hw_steps = 0;
        self.last_return = Returned::default();
    }
}

impl Clone for Tally {
    fn clone(&self) -> Self {
        let mut t = Tally::default();
        t.clone_from(self);
        t
    }

    /// Reuses `counters` (a state is copied per explored transition).
    fn clone_from(&mut self, src: &Self) {
        let Tally {
            counters,
            hw_steps,
            last_return,
        } = src;
        self.counters.clone_from(counters);
        self.hw_steps = *hw_steps;
        self.last_return = *last_return;
    }
}
