//! What the interpreter runs on and what one instruction means: the [`Machine`] a program
//! reads and writes (the model's ring and registers), a suspended function's [`Frame`], how a
//! run ends ([`Exit`]), and the checked arithmetic and bounds that [`super::exec`] and the loop
//! idioms ([`super::idiom`]) share, so both fail with the same run-time errors.

use super::ast::{BinOp, UnOp};
use super::ir::{Code, Global, Reg};
use crate::model::state::Visitor;
use crate::model::types::Status;

/// What the interpreter needs of the model.
pub trait Machine {
    fn qi_length(&self) -> u32;
    fn status(&mut self, slot: u32) -> Status;
    fn set_status(&mut self, slot: u32, s: Status);
    fn copy_desc(&mut self, dst: u32, src: u32);
    /// `desc[dst] = QI_NOP`.
    fn nop_desc(&mut self, dst: u32);
    fn global(&mut self, g: Global) -> u32;
    fn set_global(&mut self, g: Global, v: u32);
    fn readl(&mut self, r: Reg) -> u32;
    /// `writel(FSTS, bits)`: write 1 to clear.
    fn clear_fsts(&mut self, bits: u32);
    fn device_present(&mut self, sid: i64) -> bool;
}

/// A function's activation: where it is and its locals. Part of the state while the function
/// is suspended at a `writel` (the explorer stores it); empty otherwise.
#[derive(Debug, PartialEq, Eq, Hash, Default)]
pub struct Frame {
    /// The next instruction.
    pub ip: u32,
    /// Loop iterations so far (bounded: [`loop_bound`]).
    pub loops: u32,
    /// Which locals hold a value (bit k: local k).
    pub set: u64,
    pub locals: Vec<i64>,
}

impl Frame {
    /// A new activation of `code` with its parameters.
    pub fn start(&mut self, code: &Code, args: &[i64]) {
        self.ip = 0;
        self.loops = 0;
        self.locals.clear();
        self.locals
            .extend((0..code.locals.len()).map(|k| args.get(k).copied().unwrap_or(0)));
        self.set = (1u64 << args.len()) - 1;
    }

    /// No function suspended (keeps the locals' buffer).
    pub fn clear(&mut self) {
        self.ip = 0;
        self.loops = 0;
        self.set = 0;
        self.locals.clear();
    }

    /// Every field, under its role (see [`crate::model::state`]); `n` locals (the program's
    /// most), dead when no function is suspended; the locals in `slots` hold slot numbers in
    /// `0..QI_LENGTH` (`analysis.rs` shows it, or switches rotation off).
    pub fn visit<V: Visitor>(&mut self, v: &mut V, n: usize, suspended: bool, slots: u64) {
        let Frame {
            ip,
            loops,
            set,
            locals,
        } = self;
        // `n` fields whatever the state (a packed record has one length), without touching
        // the locals of a frame that is not suspended (no allocation per visited state).
        v.dead_if(!suspended, |v| {
            v.key(ip);
            v.key(loops);
            v.key(set);
            for k in 0..n {
                let mut l = locals.get(k).copied().unwrap_or(0);
                // Unpacking reads the eight bytes as one key: the same bytes either way.
                if !V::WRITES && slots & (1 << k) != 0 && (0..=i64::from(u32::MAX)).contains(&l) {
                    // A slot as its low word (rotated) and a zero high word: eight bytes, as
                    // every other local.
                    let (mut s, mut hi) = (l as u32, 0u32);
                    v.slot(&mut s);
                    v.key(&mut hi);
                } else {
                    v.key(&mut l);
                }
                if V::WRITES && suspended {
                    if locals.len() <= k {
                        locals.resize(k + 1, 0);
                    }
                    locals[k] = l;
                }
            }
        });
        if V::WRITES && !suspended {
            locals.clear();
        }
    }
}

impl Clone for Frame {
    fn clone(&self) -> Self {
        let mut f = Frame::default();
        f.clone_from(self);
        f
    }

    /// Reuses the locals' buffer: the explorer copies a state per transition.
    fn clone_from(&mut self, src: &Self) {
        self.ip = src.ip;
        self.loops = src.loops;
        self.set = src.set;
        self.locals.clone_from(&src.locals);
    }
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `return` (0 for a `void` function).
    Returned(i64),
    /// At a `writel` that yields: call [`run`](super::exec::run) again to go on.
    Yielded,
    /// A loop ran more than [`loop_bound`] iterations: it does not end.
    Loops { line: u32 },
    /// Any other run-time error.
    Error { line: u32, message: String },
}

/// Iterations of the loops of one call before it is taken to loop forever: twice the ring, as
/// a walk over the ring that does not end by then never does.
pub fn loop_bound(qi_length: u32) -> u32 {
    2 * qi_length
}

/// The run-time error of reading local `name` before it has a value.
#[cold]
#[inline(never)]
pub fn unset(name: &str) -> String {
    format!("`{name}` is read before it is given a value")
}

/// `v` as a slot of a ring of `len`, or the run-time error naming `what`.
#[inline(always)]
pub fn check_slot(v: i64, len: u32, what: &str) -> Result<u32, String> {
    if v < 0 || v >= i64::from(len) {
        return Err(outside_ring(what, v, len));
    }
    Ok(v as u32)
}

// The run-time errors' words, each out of line: the checks above are inlined into the
// interpreter's loop, and wasm engines (V8) allocate registers worse in a function with much
// (even never-run) code.

#[cold]
#[inline(never)]
fn outside_ring(what: &str, v: i64, len: u32) -> String {
    format!(
        "{what} {v} is outside the ring (0 to QI_LENGTH - 1 = {})",
        len - 1
    )
}

#[cold]
#[inline(never)]
fn not_a_status(v: i64) -> String {
    format!("{v} is not a status (QI_FREE 0, QI_IN_USE 1, QI_DONE 2, QI_ABORT 3)")
}

#[cold]
#[inline(never)]
fn global_outside(g: Global, v: i64, max: i64) -> String {
    let name = match g {
        Global::FreeHead => "free_head",
        Global::FreeTail => "free_tail",
        Global::FreeCnt => "free_cnt",
    };
    format!("{name} = {v} is outside 0 to {max}")
}

#[cold]
#[inline(never)]
fn division_by_zero(op: BinOp, a: i64) -> String {
    format!("{a} {} 0: division by zero", op.symbol())
}

#[cold]
#[inline(never)]
fn bad_shift(b: i64) -> String {
    format!("shift by {b} (allowed: 0 to 63)")
}

/// `v` as a status, or the run-time error.
#[inline(always)]
pub fn check_status(v: i64) -> Result<Status, String> {
    usize::try_from(v)
        .ok()
        .and_then(|v| Status::ALL.get(v).copied())
        .ok_or_else(|| not_a_status(v))
}

/// Whether `v` may be stored in `g` on a ring of `len`, or the run-time error.
#[inline(always)]
pub fn check_global(g: Global, v: i64, len: u32) -> Result<(), String> {
    let max = if g == Global::FreeCnt {
        i64::from(len)
    } else {
        i64::from(len) - 1
    };
    if v < 0 || v > max {
        return Err(global_outside(g, v, max));
    }
    Ok(())
}

/// C's binary operators on 64-bit integers (wrapping), comparisons giving 0 or 1.
#[inline(always)]
pub fn binary(op: BinOp, a: i64, b: i64) -> Result<i64, String> {
    use BinOp::*;
    Ok(match op {
        Add => a.wrapping_add(b),
        Sub => a.wrapping_sub(b),
        Mul => a.wrapping_mul(b),
        Div | Rem if b == 0 => return Err(division_by_zero(op, a)),
        Div => a.wrapping_div(b),
        Rem => a.wrapping_rem(b),
        Shl | Shr if !(0..64).contains(&b) => return Err(bad_shift(b)),
        Shl => a.wrapping_shl(b as u32),
        Shr => a >> b,
        BitAnd => a & b,
        BitOr => a | b,
        BitXor => a ^ b,
        Eq => i64::from(a == b),
        Ne => i64::from(a != b),
        Lt => i64::from(a < b),
        Le => i64::from(a <= b),
        Gt => i64::from(a > b),
        Ge => i64::from(a >= b),
        And => i64::from(a != 0 && b != 0),
        Or => i64::from(a != 0 || b != 0),
    })
}

/// C's unary operators.
#[inline(always)]
pub fn unary(op: UnOp, v: i64) -> i64 {
    match op {
        UnOp::Neg => v.wrapping_neg(),
        UnOp::Not => i64::from(v == 0),
        UnOp::BitNot => !v,
    }
}
