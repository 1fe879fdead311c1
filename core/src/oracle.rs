//! What the checker reports (DESIGN.md section 6). Findings are data, never panics.

use serde::{Deserialize, Serialize};

use crate::Actor;

/// Kinds of finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
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
}
