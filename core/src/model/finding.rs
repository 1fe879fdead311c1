//! What the checker reports (DESIGN.md section 6): the kinds of finding, how each is classed
//! (safety, terminal, severity) and the record of one finding. How each is decided is in
//! `oracle.rs` (safety) and `liveness.rs`; how each is worded, in `wording.rs`.

use serde::{Deserialize, Serialize};

use crate::model::fault_path::FaultPath;
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
    /// A loop of a kernel program (the `ITE` walk of `qi_check_fault`) never terminates:
    /// an infinite loop under `q_lock` with interrupts off.
    WalkLoop,
    /// `qi_submit_sync()` returned an error for a fault its batch did not have: `-ETIMEDOUT`
    /// though none of its invalidations timed out (the CPU that handles a device-gone `ITE`
    /// returns it, whoever's invalidation timed out), or `-EINVAL` though no descriptor of its
    /// batch was invalid.
    MisattributedError,
    /// A CPU restarts a batch after a time-out at a device that is gone, and `qi_check_fault`
    /// cannot tell (no device-gone branch, or no `ITESID`): every retry times out again, so
    /// the call never returns.
    RetryForever,
    /// A kernel program failed at run time (an index outside the ring, a status that is not
    /// one of the four, a variable read before it is set...): the finding names its line.
    ProgramError,
}

impl FindingKind {
    /// Every kind.
    pub const ALL: [FindingKind; 13] = [
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
        FindingKind::MisattributedError,
        FindingKind::RetryForever,
        FindingKind::ProgramError,
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
            FindingKind::MisattributedError => "misattributedError",
            FindingKind::RetryForever => "retryForever",
            FindingKind::ProgramError => "programError",
        }
    }

    /// The kind in plain words, for a reader who does not know the camelCase name.
    pub fn plain(self) -> &'static str {
        match self {
            FindingKind::LostCompletion => {
                "another CPU freed a finished wait slot before its owner saw it"
            }
            FindingKind::Lockup => "a CPU polls a slot nothing will ever complete",
            FindingKind::SuspectedLockup => {
                "no progress within the watchdog's steps (not proved endless)"
            }
            FindingKind::StaleWakeup => "a CPU woke on a QI_DONE that was not its own wait's",
            FindingKind::PrematureCompletion => {
                "a call returned before hardware finished its invalidations"
            }
            FindingKind::Overrun => "software overwrote a slot hardware had not fetched",
            FindingKind::StrayStatusWrite => {
                "hardware's status write landed in a slot its wait no longer owns"
            }
            FindingKind::FreeCntInvariant => "free_cnt disagrees with free_head and free_tail",
            FindingKind::Deadlock => "no actor can move and work remains",
            FindingKind::WalkLoop => "a loop of the kernel program (the ITE walk) never ends",
            FindingKind::MisattributedError => {
                "a call returned an error for a fault its batch did not have"
            }
            FindingKind::RetryForever => "a call restarts forever after time-outs at a gone device",
            FindingKind::ProgramError => "the kernel program failed at run time",
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
                | FindingKind::MisattributedError
                | FindingKind::ProgramError
        )
    }

    /// A CPU that never returns from `qi_submit_sync()`: what `--target lockup` looks for.
    pub fn hangs(self) -> bool {
        matches!(
            self,
            FindingKind::Lockup | FindingKind::WalkLoop | FindingKind::RetryForever
        )
    }

    /// How bad the finding is, for choosing what a counterexample should demonstrate: a
    /// consequence (lockup, hang, safety violation) ranks above its cause (lost completion).
    pub fn severity(self) -> u8 {
        match self {
            FindingKind::Lockup
            | FindingKind::WalkLoop
            | FindingKind::RetryForever
            | FindingKind::Deadlock
            | FindingKind::ProgramError => 4,
            FindingKind::PrematureCompletion
            | FindingKind::MisattributedError
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
            FindingKind::Lockup
                | FindingKind::Deadlock
                | FindingKind::WalkLoop
                | FindingKind::RetryForever
                | FindingKind::ProgramError
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

#[cfg(test)]
mod tests {
    use super::FindingKind::{self, *};

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
                WalkLoop,
                MisattributedError,
                ProgramError
            ]
        );
        assert_eq!(
            with(FindingKind::is_terminal),
            [Lockup, Deadlock, WalkLoop, RetryForever, ProgramError]
        );
        assert_eq!(with(FindingKind::hangs), [Lockup, WalkLoop, RetryForever]);
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
