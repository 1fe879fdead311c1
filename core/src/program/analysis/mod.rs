//! What the explorer may assume of a program, decided from the program itself. The reductions
//! of `check/` were argued for the kernel's own rules; for any other program each is kept only
//! where this pass shows the argument still holds, and switched off otherwise:
//!
//! - **quiet without a fault**: `qi_check_fault` returns 0 and changes nothing when `FSTS` is
//!   clear and the caller's wait is not `QI_ABORT` — then the core may skip the call on such a
//!   poll (every poll spin otherwise runs it, as the kernel does);
//! - **rotation**: every slot number is used only through `+`/`-` constants under
//!   `% QI_LENGTH`, `==`/`!=` between slots, and as an index — then turning the ring maps runs
//!   to runs; `x | c` with a constant keeps that for rotations by multiples of `2^bits(c)`;
//!   anything else (a slot compared with a number, multiplied, used as a condition...) switches
//!   rotation off. Decided per set of fault bits that can be set, since only then is the fault
//!   branch of `qi_check_fault` reachable;
//! - **dead descriptors**: which freed slots a program may still read (`desc[i] = desc[j]`) or
//!   make live again (a non-`QI_FREE` status written to a slot that may be free).
//!
//! The analysis is an abstract interpretation of the compiled code (constants, the bits `FSTS`
//! can hold, the kind of each value: a number, a slot in `0..QI_LENGTH`, or a slot plus an
//! offset not yet reduced) joined over all paths, plus two syntactic patterns over the code.

mod flow;
mod patterns;
mod value;

use super::ir::{Code, Entry, Op};
use crate::model::types::fsts;
use flow::Flow;
use patterns::{copies, mark_pattern, marks_wait, writes_guarded};

/// The fault bits of `FSTS` in the order of [`Facts::rotation`]'s index bits.
pub const FAULT_BITS: [u8; 3] = [fsts::IQE, fsts::ITE, fsts::ICE];

/// The index into [`Facts::rotation`] for the `FSTS` bits that can be set.
pub fn mask_index(bits: u8) -> usize {
    FAULT_BITS
        .iter()
        .enumerate()
        .filter(|(_, b)| bits & **b != 0)
        .map(|(k, _)| 1 << k)
        .sum()
}

/// What a program lets the explorer assume (module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// `qi_check_fault` is a no-op returning 0 without a fault (module docs).
    pub quiet_without_fault: bool,
    /// Per [`Entry`]: whether it can suspend at a `writel`.
    pub yields: [bool; 3],
    /// Per [`Entry`]: the locals that hold slots (rotated with the ring in a stored frame).
    pub slot_locals: [u64; 3],
    /// The rotation the program allows with the config's fault bits, as the number of low
    /// bits a rotation must keep (0: any rotation), or `None` (no rotation).
    pub rotation: Option<u32>,
    /// `desc[i] = desc[j]` only in `qi_check_fault`, from its `wait_index` (the `IQE` repair).
    pub copies_own_wait_only: bool,
    /// Whether any copy of a descriptor occurs.
    pub copies: bool,
    /// `mark` writes non-`QI_FREE` statuses only to `index .. index + count + extra`: `Some(extra)`;
    /// or writes only `QI_FREE`: `None` (see [`Facts::revives_anywhere`]).
    pub mark_revives: Option<u32>,
    /// A non-`QI_FREE` status may be written to a free slot outside those patterns.
    pub revives_anywhere: bool,
    /// `mark` sets the wait slot's status (`Some(true)`), never touches it (`Some(false)`), or
    /// cannot be told (`None`: decided at run time from the slot's status).
    pub marks_wait_slot: Option<bool>,
    /// `qi_check_fault` can return `-ETIMEDOUT` (a constant `-ETIMEDOUT` occurs in it): a
    /// kernel without the device-gone branch (before 6.9) never gives up on a gone device.
    pub returns_timeout: bool,
}

/// The `FSTS` bits a config's faults can set.
pub fn fault_bits(faults: &crate::config::FaultConfig) -> u8 {
    use crate::model::HwFault;
    let mut bits = 0;
    if faults.rate(HwFault::Iqe) > 0.0 {
        bits |= fsts::IQE;
    }
    if faults.rate(HwFault::Ite) > 0.0 || faults.rate(HwFault::Gone) > 0.0 {
        bits |= fsts::ITE;
    }
    if faults.rate(HwFault::Ice) > 0.0 {
        bits |= fsts::ICE;
    }
    bits
}

/// Runs the analysis over the three compiled functions, for `FSTS` holding at most `bits`,
/// and decides which `writel`s yield: those after which an instruction that touches shared
/// state is reachable (hardware's steps commute with the rest).
pub fn facts(codes: &mut [Code; 3], qi_length: u32, bits: u8) -> Facts {
    let quiet = {
        let cf = &codes[Entry::CheckFault as usize];
        Flow::run(cf, qi_length, 0, true).quiet(cf)
    };
    for c in codes.iter_mut() {
        let f = Flow::run(c, qi_length, bits, false);
        f.refine_yields(c);
    }
    let mut yields = [false; 3];
    let mut slot_locals = [0u64; 3];
    let mut rotation = Some(0);
    for c in codes.iter() {
        let f = Flow::run(c, qi_length, bits, false);
        yields[c.entry as usize] = f.yields;
        slot_locals[c.entry as usize] = f.slot_locals;
        // Without a fault a quiet qi_check_fault never runs.
        if c.entry == Entry::CheckFault && quiet && bits == 0 {
            continue;
        }
        let mine = if f.yields && f.frame_unrotatable {
            None
        } else {
            f.rotation
        };
        rotation = rotation.zip(mine).map(|(a, b)| a.max(b));
    }
    let codes = &*codes;
    let (copies, copies_own_wait_only) = copies(codes);
    let (mark_revives, mark_unknown) = mark_pattern(&codes[Entry::Mark as usize]);
    let guarded = [Entry::CheckFault, Entry::Reclaim]
        .iter()
        .all(|e| writes_guarded(&codes[*e as usize]));
    Facts {
        quiet_without_fault: quiet,
        yields,
        slot_locals,
        rotation,
        copies_own_wait_only,
        copies,
        mark_revives,
        revives_anywhere: mark_unknown || !guarded,
        marks_wait_slot: marks_wait(&codes[Entry::Mark as usize]),
        returns_timeout: codes[Entry::CheckFault as usize]
            .ops
            .contains(&Op::Const(i64::from(crate::model::ETIMEDOUT))),
    }
}

#[cfg(test)]
mod tests;
