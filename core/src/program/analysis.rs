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

use super::ast::{BinOp, UnOp};
use super::ir::{Code, Entry, Global, Op, Reg};
use crate::model::types::{fsts, Status};

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

/// What an abstract value is known to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Val {
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
enum Kind {
    /// A number that is not a slot; `nonneg` when known to be ≥ 0.
    Plain { nonneg: bool },
    /// A slot in `0..QI_LENGTH`.
    Slot,
    /// A slot plus an offset of at least `lo` (None: unknown), not yet reduced.
    Raw(Option<i64>),
    /// Mixed or broken: using it breaks rotation.
    Bad,
}

fn join_val(a: Val, b: Val) -> Val {
    match (a, b) {
        _ if a == b => a,
        (Val::Bits(x), Val::Bits(y)) => Val::Bits(x | y),
        (Val::Bits(x), Val::Const(c)) | (Val::Const(c), Val::Bits(x)) if (0..256).contains(&c) => {
            Val::Bits(x | c as u8)
        }
        _ => Val::Top,
    }
}

fn join_kind(a: Kind, b: Kind) -> Kind {
    match (a, b) {
        (Kind::Plain { nonneg: x }, Kind::Plain { nonneg: y }) => Kind::Plain { nonneg: x && y },
        (Kind::Slot, Kind::Slot) => Kind::Slot,
        (Kind::Raw(x), Kind::Raw(y)) => Kind::Raw(x.zip(y).map(|(x, y)| x.min(y))),
        (Kind::Slot, Kind::Raw(y)) | (Kind::Raw(y), Kind::Slot) => Kind::Raw(y.map(|y| y.min(0))),
        _ => Kind::Bad,
    }
}

type Cell = (Val, Kind);

#[derive(Clone, Debug, PartialEq)]
struct State {
    locals: Vec<Cell>,
    stack: Vec<Cell>,
}

impl State {
    fn join(&mut self, o: &State) -> bool {
        let mut changed = false;
        for (a, b) in self
            .locals
            .iter_mut()
            .zip(&o.locals)
            .chain(self.stack.iter_mut().zip(&o.stack))
        {
            let j = (join_val(a.0, b.0), join_kind(a.1, b.1));
            if j != *a {
                *a = j;
                changed = true;
            }
        }
        changed
    }
}

/// The result of one abstract run of a function.
struct Flow {
    reachable: Vec<bool>,
    /// Stack top at each reachable `Return`.
    returns: Vec<Val>,
    /// Unknowns that make a call risky to skip (an unset read, a division, an index...).
    risky: bool,
    rotation: Option<u32>,
    yields: bool,
    slot_locals: u64,
    frame_unrotatable: bool,
    /// The successors found feasible, per instruction.
    succ: Vec<Vec<usize>>,
}

impl Flow {
    /// Abstract run of `code` with `FSTS` a subset of `bits`; `no_fault`: the caller's wait
    /// is not `QI_ABORT` (the quiet question).
    fn run(code: &Code, qi_length: u32, bits: u8, no_fault: bool) -> Flow {
        let n = code.ops.len();
        let nparams = code.entry.params().len();
        let mut init = State {
            locals: vec![(Val::Unset, Kind::Plain { nonneg: true }); code.locals.len()],
            stack: Vec::new(),
        };
        for (k, p) in code.entry.params().iter().enumerate() {
            init.locals[k] = match *p {
                "count" => (Val::Top, Kind::Plain { nonneg: true }),
                "wait_index" => (Val::WaitIndex, Kind::Slot),
                _ => (Val::Top, Kind::Slot),
            };
        }
        let stored: Vec<bool> = (0..code.locals.len())
            .map(|k| code.ops.contains(&Op::Store(k as u8)))
            .collect();
        if stored.get(1).copied().unwrap_or(false) && nparams >= 2 {
            init.locals[1].0 = Val::Top;
        }
        let mut states: Vec<Option<State>> = vec![None; n];
        states[0] = Some(init);
        let mut work = vec![0usize];
        let mut f = Flow {
            reachable: vec![false; n],
            returns: Vec::new(),
            risky: false,
            rotation: Some(0),
            yields: false,
            slot_locals: 0,
            frame_unrotatable: false,
            succ: vec![Vec::new(); n],
        };
        let len = i64::from(qi_length);
        while let Some(ip) = work.pop() {
            let Some(mut s) = states[ip].clone() else {
                continue;
            };
            f.reachable[ip] = true;
            let op = code.ops[ip];
            let mut next: Vec<usize> = vec![ip + 1];
            macro_rules! pop {
                () => {
                    s.stack.pop().unwrap_or((Val::Top, Kind::Bad))
                };
            }
            let breaks = |f: &mut Flow| f.rotation = None;
            match op {
                Op::Const(c) => s
                    .stack
                    .push((Val::Const(c), Kind::Plain { nonneg: c >= 0 })),
                Op::Load(k) => {
                    let c = s.locals[k as usize];
                    if c.0 == Val::Unset {
                        f.risky = true;
                    }
                    s.stack.push(c);
                }
                Op::Store(k) => {
                    let v = pop!();
                    s.locals[k as usize] = v;
                }
                Op::Global(g) => s.stack.push((
                    Val::Top,
                    if g == Global::FreeCnt {
                        Kind::Plain { nonneg: true }
                    } else {
                        Kind::Slot
                    },
                )),
                Op::SetGlobal(g) => {
                    let (_, k) = pop!();
                    let want = if g == Global::FreeCnt {
                        matches!(k, Kind::Plain { .. })
                    } else {
                        k == Kind::Slot
                    };
                    if !want {
                        breaks(&mut f);
                    }
                }
                Op::Status => {
                    let (v, k) = pop!();
                    if k != Kind::Slot {
                        breaks(&mut f);
                        f.risky = true;
                    }
                    let r = if no_fault && v == Val::WaitIndex {
                        Val::WaitStatus
                    } else {
                        Val::Top
                    };
                    s.stack.push((r, Kind::Plain { nonneg: true }));
                }
                Op::SetStatus => {
                    let (_, kv) = pop!();
                    let (_, ki) = pop!();
                    if ki != Kind::Slot || !matches!(kv, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                }
                Op::CopyDesc => {
                    let (_, a) = pop!();
                    let (_, b) = pop!();
                    if a != Kind::Slot || b != Kind::Slot {
                        breaks(&mut f);
                    }
                }
                Op::NopDesc => {
                    let (_, a) = pop!();
                    if a != Kind::Slot {
                        breaks(&mut f);
                    }
                }
                Op::Readl(r) => s.stack.push(match r {
                    Reg::Iqh | Reg::Iqt => (Val::Top, Kind::Slot),
                    Reg::Fsts => (
                        if bits == 0 {
                            Val::Const(0)
                        } else {
                            Val::Bits(bits)
                        },
                        Kind::Plain { nonneg: true },
                    ),
                    Reg::Itesid => (Val::Top, Kind::Plain { nonneg: true }),
                }),
                Op::Writel { yields } => {
                    let (_, k) = pop!();
                    if !matches!(k, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                    if yields {
                        f.yields = true;
                        for (i, (_, k)) in s.locals.iter().enumerate() {
                            match k {
                                Kind::Slot => f.slot_locals |= 1 << i,
                                Kind::Plain { .. } => {}
                                _ => f.frame_unrotatable = true,
                            }
                        }
                    }
                }
                Op::DevicePresent => {
                    let (_, k) = pop!();
                    if !matches!(k, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                    s.stack.push((Val::Top, Kind::Plain { nonneg: true }));
                }
                Op::Bin(b) => {
                    let r = pop!();
                    let l = pop!();
                    let (v, k, risky) = bin(b, l, r, len);
                    if k == Kind::Bad
                        && (is_slotty(l.1)
                            || is_slotty(r.1)
                            || l.1 == Kind::Bad
                            || r.1 == Kind::Bad)
                    {
                        breaks(&mut f);
                    }
                    if let Kind::Slot = k {
                        if let (BinOp::BitOr | BinOp::BitAnd | BinOp::BitXor, Val::Const(c)) =
                            (b, r.0)
                        {
                            let need = 64 - (c as u64).leading_zeros();
                            if len % (1 << need) != 0 {
                                breaks(&mut f);
                            } else {
                                f.rotation = f.rotation.map(|p| p.max(need));
                            }
                        }
                    }
                    f.risky |= risky;
                    s.stack.push((v, k));
                }
                Op::Un(u) => {
                    let (v, k) = pop!();
                    if k != (Kind::Plain { nonneg: true }) && !matches!(k, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                    let v = match v {
                        Val::Const(c) => Val::Const(super::machine::unary(u, c)),
                        Val::Bits(0) => Val::Const(super::machine::unary(u, 0)),
                        _ => Val::Top,
                    };
                    let nonneg = matches!(u, UnOp::Not) || matches!(v, Val::Const(c) if c >= 0);
                    s.stack.push((
                        v,
                        if matches!(k, Kind::Plain { .. }) {
                            Kind::Plain { nonneg }
                        } else {
                            Kind::Bad
                        },
                    ));
                }
                Op::Jump(t) | Op::Loop(t) => {
                    if matches!(op, Op::Loop(_)) {
                        f.risky = true;
                    }
                    next = vec![t as usize];
                }
                Op::JumpIfZero(t) => {
                    let (v, k) = pop!();
                    if !matches!(k, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                    next = match v {
                        Val::Const(0) | Val::Bits(0) => vec![t as usize],
                        Val::Const(_) => vec![ip + 1],
                        _ => vec![t as usize, ip + 1],
                    };
                }
                Op::Return => {
                    let (v, k) = pop!();
                    if !matches!(k, Kind::Plain { .. }) {
                        breaks(&mut f);
                    }
                    f.returns.push(v);
                    next.clear();
                }
                Op::ReturnVoid => {
                    f.returns.push(Val::Const(0));
                    next.clear();
                }
                Op::FellOff => {
                    f.risky = true;
                    next.clear();
                }
                // Fusion runs after the analysis; were it before, these would be read
                // conservatively: unknown values, both ways taken.
                Op::AddRem(_) => {
                    pop!();
                    pop!();
                    f.rotation = None;
                    s.stack.push((Val::Top, Kind::Bad));
                }
                Op::CmpJump(_, t) => {
                    pop!();
                    pop!();
                    f.rotation = None;
                    next = vec![t as usize, ip + 1];
                }
                Op::Idiom(_) => {
                    f.rotation = None;
                    f.risky = true;
                }
            }
            for t in next {
                if t >= n {
                    continue;
                }
                if !f.succ[ip].contains(&t) {
                    f.succ[ip].push(t);
                }
                match &mut states[t] {
                    Some(old) => {
                        if old.join(&s) {
                            work.push(t);
                        }
                    }
                    slot @ None => {
                        *slot = Some(s.clone());
                        work.push(t);
                    }
                }
            }
        }
        f
    }

    /// Sets each `writel`'s `yields`: whether an instruction touching shared state is
    /// reachable after it over the feasible edges (an unreachable `writel` never runs).
    fn refine_yields(&self, code: &mut Code) {
        for k in 0..code.ops.len() {
            let Op::Writel { .. } = code.ops[k] else {
                continue;
            };
            let mut seen = vec![false; code.ops.len()];
            let mut todo = self.succ[k].clone();
            let mut shared = false;
            while let Some(i) = todo.pop() {
                if seen[i] {
                    continue;
                }
                seen[i] = true;
                if code.ops[i].shared() {
                    shared = true;
                    break;
                }
                todo.extend(self.succ[i].iter().copied());
            }
            code.ops[k] = Op::Writel {
                yields: shared && self.reachable[k],
            };
        }
    }

    /// Quiet: no reachable effect or risk, every return 0.
    fn quiet(&self, code: &Code) -> bool {
        let effects = code.ops.iter().zip(&self.reachable).any(|(op, r)| {
            *r && matches!(
                op,
                Op::SetStatus
                    | Op::SetGlobal(_)
                    | Op::CopyDesc
                    | Op::Writel { .. }
                    | Op::DevicePresent
            )
        });
        !effects && !self.risky && self.returns.iter().all(|v| *v == Val::Const(0))
    }
}

fn is_slotty(k: Kind) -> bool {
    matches!(k, Kind::Slot | Kind::Raw(_))
}

/// The abstract binary operator: value, kind, and whether it can fail at run time.
fn bin(op: BinOp, l: Cell, r: Cell, len: i64) -> (Val, Kind, bool) {
    use BinOp::*;
    let v = match (l.0, r.0) {
        (Val::Const(a), Val::Const(b)) => super::machine::binary(op, a, b)
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

/// Whether descriptors are copied, and whether only `qi_check_fault` copies, from its
/// unchanged `wait_index` parameter.
fn copies(codes: &[Code; 3]) -> (bool, bool) {
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
fn mark_pattern(code: &Code) -> (Option<u32>, bool) {
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
fn loop_write(code: &Code, k: usize) -> Option<u32> {
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
fn writes_guarded(code: &Code) -> bool {
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
fn marks_wait(code: &Code) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::library::kernel;
    use crate::program::Program;

    fn facts_of(src: &str, bits: u8) -> Facts {
        Program::parse(src).unwrap().compile(8, bits).unwrap().facts
    }

    #[test]
    fn the_shipped_kernels_keep_their_reductions() {
        use fsts::{ICE, IQE, ITE};
        for (name, parity, revives, marks_wait) in [
            ("6.9", 1, Some(0), false),
            ("6.12", 1, None, true),
            ("7.0", 0, None, true),
        ] {
            let src = kernel(name).unwrap().source;
            let f = facts_of(src, 0);
            assert!(f.quiet_without_fault, "{name}");
            assert_eq!(f.rotation, Some(0), "{name}");
            assert_eq!(facts_of(src, ITE).rotation, Some(parity), "{name}");
            // The IQE branch reads no slot parity: the walk is out of reach without ITE.
            assert_eq!(facts_of(src, IQE | ICE).rotation, Some(0), "{name}");
            assert_eq!(
                (f.mark_revives, f.revives_anywhere),
                (revives, false),
                "{name}"
            );
            assert_eq!(f.marks_wait_slot, Some(marks_wait), "{name}");
            assert!(f.copies && f.copies_own_wait_only, "{name}");
            // Clearing ITE before the walk lets hardware step in between; clearing IQE right
            // before `return -EINVAL`, or ICE at the end, does not.
            assert_eq!(facts_of(src, ITE).yields, [true, false, false], "{name}");
            assert_eq!(facts_of(src, IQE | ICE).yields, [false; 3], "{name}");
        }
    }

    #[test]
    fn what_breaks_a_reduction_switches_it_off() {
        use fsts::ITE;
        let base = kernel("7.0").unwrap().source;
        // A slot compared with a number: no rotation where the walk runs.
        let src = base.replace(
            "} while (head != tail);",
            "} while (head != tail && head != 0);",
        );
        assert_eq!(facts_of(&src, ITE).rotation, None);
        assert_eq!(facts_of(&src, 0).rotation, Some(0));
        // A mark that writes QI_DONE anywhere: revives any slot.
        let f = facts_of(
            &base.replace(
                "desc_status[(index + i) % QI_LENGTH] = QI_FREE;",
                "desc_status[(index + i + 1) % QI_LENGTH] = QI_DONE;",
            ),
            0,
        );
        assert!(f.revives_anywhere);
        // An unguarded QI_ABORT in the walk.
        let f = facts_of(
            &base.replace(
                "if (desc_status[head] == QI_IN_USE)\n\t\t\t\tdesc_status[head] = QI_ABORT;",
                "desc_status[head] = QI_ABORT;",
            ),
            0,
        );
        assert!(f.revives_anywhere);
        // qi_check_fault that writes on every poll is not quiet.
        let f = facts_of(
            &base.replace(
                "fault = readl(FSTS);",
                "fault = readl(FSTS);\n\tfree_cnt = free_cnt;",
            ),
            0,
        );
        assert!(!f.quiet_without_fault);
        // The repair copying from elsewhere.
        let f = facts_of(
            &base.replace(
                "desc[head] = desc[wait_index];",
                "desc[head] = desc[index];",
            ),
            0,
        );
        assert!(!f.copies_own_wait_only);
    }
}
