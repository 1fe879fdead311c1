//! The abstract values of the analysis: what a value is known to be ([`Val`]), what kind of
//! number it is for rotation ([`Kind`]), their joins, and the abstract binary operator.

use crate::model::types::Status;
use crate::program::ast::BinOp;

/// What an abstract value is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Val {
    Const(i64),
    /// A subset of these bits (an `FSTS` reading).
    Bits(u8),
    /// `desc_status[wait_index]` on a poll without a fault: not `QI_ABORT`.
    WaitStatus,
    /// The `wait_index` parameter, unchanged.
    WaitIndex,
    Unset,
    Top,
}

/// What kind of number a value is (for rotation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A number that is not a slot; `nonneg` when known to be ≥ 0.
    Plain { nonneg: bool },
    /// A slot in `0..QI_LENGTH`.
    Slot,
    /// A slot plus an offset of at least `lo` (None: unknown), not yet reduced.
    Raw(Option<i64>),
    /// Mixed or broken: using it breaks rotation.
    Bad,
}

pub(super) fn join_val(a: Val, b: Val) -> Val {
    match (a, b) {
        _ if a == b => a,
        (Val::Bits(x), Val::Bits(y)) => Val::Bits(x | y),
        (Val::Bits(x), Val::Const(c)) | (Val::Const(c), Val::Bits(x)) if (0..256).contains(&c) => {
            Val::Bits(x | c as u8)
        }
        _ => Val::Top,
    }
}

pub(super) fn join_kind(a: Kind, b: Kind) -> Kind {
    match (a, b) {
        (Kind::Plain { nonneg: x }, Kind::Plain { nonneg: y }) => Kind::Plain { nonneg: x && y },
        (Kind::Slot, Kind::Slot) => Kind::Slot,
        (Kind::Raw(x), Kind::Raw(y)) => Kind::Raw(x.zip(y).map(|(x, y)| x.min(y))),
        (Kind::Slot, Kind::Raw(y)) | (Kind::Raw(y), Kind::Slot) => Kind::Raw(y.map(|y| y.min(0))),
        _ => Kind::Bad,
    }
}

pub(super) type Cell = (Val, Kind);

pub(super) fn is_slotty(k: Kind) -> bool {
    matches!(k, Kind::Slot | Kind::Raw(_))
}

/// The abstract binary operator: value, kind, and whether it can fail at run time.
pub(super) fn bin(op: BinOp, l: Cell, r: Cell, len: i64) -> (Val, Kind, bool) {
    use BinOp::*;
    let v = match (l.0, r.0) {
        (Val::Const(a), Val::Const(b)) => crate::program::machine::binary(op, a, b)
            .map(Val::Const)
            .unwrap_or(Val::Top),
        (Val::Bits(m), Val::Const(c)) | (Val::Const(c), Val::Bits(m)) if op == BitAnd && c >= 0 => {
            let m = m & (c as u8);
            if m == 0 {
                Val::Const(0)
            } else {
                Val::Bits(m)
            }
        }
        (Val::WaitStatus, Val::Const(c)) | (Val::Const(c), Val::WaitStatus)
            if c == Status::Abort as i64 && matches!(op, Eq | Ne) =>
        {
            Val::Const(i64::from(op == Ne))
        }
        _ => Val::Top,
    };
    let risky = matches!(op, Div | Rem | Shl | Shr)
        && !matches!(r.0, Val::Const(c) if c != 0 && (0..64).contains(&c));
    let plain = |nonneg| Kind::Plain { nonneg };
    let cst = |c: Cell| match c.0 {
        Val::Const(v) => Some(v),
        _ => None,
    };
    let k = match (l.1, r.1) {
        (Kind::Plain { nonneg: a }, Kind::Plain { nonneg: b }) => {
            let nonneg = match op {
                Add | Mul | BitAnd | BitOr | Shr | Rem | Div => a && b,
                Eq | Ne | Lt | Le | Gt | Ge | And | Or => true,
                _ => matches!(v, Val::Const(c) if c >= 0),
            };
            plain(nonneg || matches!(v, Val::Const(c) if c >= 0))
        }
        (Kind::Slot | Kind::Raw(_), Kind::Plain { nonneg })
        | (Kind::Plain { nonneg }, Kind::Slot | Kind::Raw(_)) => {
            let slot_left = is_slotty(l.1);
            let (s, p) = if slot_left { (l, r) } else { (r, l) };
            let lo = match s.1 {
                Kind::Slot => Some(0),
                Kind::Raw(lo) => lo,
                _ => None,
            };
            match op {
                Add => Kind::Raw(match cst(p) {
                    Some(c) => lo.map(|lo| lo + c),
                    None if nonneg => lo,
                    None => None,
                }),
                Sub if slot_left => Kind::Raw(cst(p).and_then(|c| lo.map(|lo| lo - c))),
                Rem if slot_left && cst(p) == Some(len) => {
                    if lo.is_some_and(|lo| lo >= 0) {
                        Kind::Slot
                    } else {
                        Kind::Bad
                    }
                }
                BitOr | BitAnd | BitXor
                    if slot_left && s.1 == Kind::Slot && cst(p).is_some_and(|c| c >= 0) =>
                {
                    Kind::Slot
                }
                _ => Kind::Bad,
            }
        }
        (Kind::Slot, Kind::Slot) if matches!(op, Eq | Ne) => plain(true),
        _ => Kind::Bad,
    };
    (v, k, risky)
}
