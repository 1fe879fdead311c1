//! The syntactic patterns the analysis reads off the code: descriptor copies, `mark`'s loop,
//! guarded status writes, and whether `mark` sets the wait slot.

use crate::model::types::Status;
use crate::program::ast::BinOp;
use crate::program::ir::{Code, Entry, Op};

/// Whether descriptors are copied, and whether only `qi_check_fault` copies, from its
/// unchanged `wait_index` parameter.
pub(super) fn copies(codes: &[Code; 3]) -> (bool, bool) {
    let mut any = false;
    let mut own = true;
    for c in codes {
        for (k, op) in c.ops.iter().enumerate() {
            if *op == Op::NopDesc {
                // A no-op written over a descriptor: a copy from no wait slot.
                any = true;
                own = false;
            }
            if *op == Op::CopyDesc {
                any = true;
                let from_wait = c.entry == Entry::CheckFault
                    && k > 0
                    && c.ops[k - 1] == Op::Load(1)
                    && !c.ops.contains(&Op::Store(1));
                own &= from_wait;
            }
        }
    }
    (any, own)
}

/// `mark`'s non-`QI_FREE` status writes: `(Some(extra), false)` when they all are the loop
/// `for (i = 0; i < count (+ extra); i++) desc_status[(index + i) % QI_LENGTH] = S;`,
/// `(None, false)` when it writes only `QI_FREE`, `(None, true)` when it cannot be told.
pub(super) fn mark_pattern(code: &Code) -> (Option<u32>, bool) {
    let free = Status::Free as i64;
    let mut extra: Option<u32> = None;
    for (k, op) in code.ops.iter().enumerate() {
        if *op != Op::SetStatus {
            continue;
        }
        if k >= 1 && code.ops[k - 1] == Op::Const(free) {
            continue;
        }
        match loop_write(code, k) {
            Some(e) => extra = Some(extra.map_or(e, |x| x.max(e))),
            None => return (None, true),
        }
    }
    (extra, false)
}

/// The `extra` of the mark loop writing at `k`, if the code around it is that loop:
/// `Load(i) Const(0) ... Load(index) Load(i) Add Const(L) Rem Const(S) SetStatus` inside a
/// loop whose condition is `i < count` or `i <= count` and whose only store to `i` is `i + 1`.
pub(super) fn loop_write(code: &Code, k: usize) -> Option<u32> {
    let ops = &code.ops;
    if k < 6 {
        return None;
    }
    let (
        Op::Load(0),
        Op::Load(i),
        Op::Bin(BinOp::Add),
        Op::Const(_),
        Op::Bin(BinOp::Rem),
        Op::Const(_),
    ) = (
        ops[k - 6],
        ops[k - 5],
        ops[k - 4],
        ops[k - 3],
        ops[k - 2],
        ops[k - 1],
    )
    else {
        return None;
    };
    if i < 3 {
        return None;
    }
    // The loop: `i = 0` before it, the test `i < count` / `i <= count`, `i = i + 1` the only other store.
    let test = ops.windows(4).position(|w| {
        w[0] == Op::Load(i)
            && w[1] == Op::Load(2)
            && matches!(w[2], Op::Bin(BinOp::Lt | BinOp::Le))
            && matches!(w[3], Op::JumpIfZero(_))
    })?;
    let extra = u32::from(ops[test + 2] == Op::Bin(BinOp::Le));
    let stores: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| **o == Op::Store(i))
        .map(|(j, _)| j)
        .collect();
    let ok = stores.iter().all(|&j| {
        (j >= 1 && ops[j - 1] == Op::Const(0) && j < test)
            || (j >= 3
                && ops[j - 3] == Op::Load(i)
                && ops[j - 2] == Op::Const(1)
                && ops[j - 1] == Op::Bin(BinOp::Add)
                && j > k)
    });
    let Op::JumpIfZero(exit) = ops[test + 3] else {
        return None;
    };
    (ok && stores.len() == 2 && test < k && (k as u32) < exit).then_some(extra)
}

/// Whether every non-`QI_FREE` status write is `if (desc_status[E] == QI_IN_USE)
/// desc_status[E] = S;` (it cannot revive a free slot).
pub(super) fn writes_guarded(code: &Code) -> bool {
    let free = Status::Free as i64;
    let in_use = Status::InUse as i64;
    let ops = &code.ops;
    ops.iter().enumerate().all(|(k, op)| {
        if *op != Op::SetStatus || (k >= 1 && ops[k - 1] == Op::Const(free)) {
            return true;
        }
        // ... Load(h) Status Const(IN_USE) Bin(Eq) JumpIfZero Load(h) Const(S) SetStatus
        k >= 7
            && matches!(ops[k - 7], Op::Load(_))
            && ops[k - 6] == Op::Status
            && ops[k - 5] == Op::Const(in_use)
            && ops[k - 4] == Op::Bin(BinOp::Eq)
            && matches!(ops[k - 3], Op::JumpIfZero(_))
            && ops[k - 2] == ops[k - 7]
            && matches!(ops[k - 1], Op::Const(_))
    })
}

/// Whether `mark` sets the wait slot (the loop to `i <= count`, or `desc_status[wait_index]`).
pub(super) fn marks_wait(code: &Code) -> Option<bool> {
    let writes: Vec<usize> = code
        .ops
        .iter()
        .enumerate()
        .filter(|(_, o)| **o == Op::SetStatus)
        .map(|(k, _)| k)
        .collect();
    if writes.is_empty() {
        return Some(false);
    }
    let mut wait = false;
    for &k in &writes {
        if k >= 2 && code.ops[k - 2] == Op::Load(1) && !code.ops.contains(&Op::Store(1)) {
            wait = true;
            continue;
        }
        match loop_write(code, k) {
            Some(1) => wait = true,
            Some(_) => {}
            None => return None,
        }
    }
    Some(wait)
}
