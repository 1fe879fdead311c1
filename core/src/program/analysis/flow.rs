//! One abstract run of a compiled function: the states joined over every path, what it
//! returns, whether it may yield, and what rotation it allows.

use super::value::{bin, is_slotty, join_kind, join_val, Cell, Kind, Val};
use crate::program::ast::{BinOp, UnOp};
use crate::program::ir::{Code, Global, Op, Reg};

#[derive(Clone, Debug, PartialEq)]
pub(super) struct State {
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
pub(super) struct Flow {
    pub(super) reachable: Vec<bool>,
    /// Stack top at each reachable `Return`.
    pub(super) returns: Vec<Val>,
    /// Unknowns that make a call risky to skip (an unset read, a division, an index...).
    pub(super) risky: bool,
    pub(super) rotation: Option<u32>,
    pub(super) yields: bool,
    pub(super) slot_locals: u64,
    pub(super) frame_unrotatable: bool,
    /// The successors found feasible, per instruction.
    pub(super) succ: Vec<Vec<usize>>,
}

impl Flow {
    /// Abstract run of `code` with `FSTS` a subset of `bits`; `no_fault`: the caller's wait
    /// is not `QI_ABORT` (the quiet question).
    pub(super) fn run(code: &Code, qi_length: u32, bits: u8, no_fault: bool) -> Flow {
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
                        Val::Const(c) => Val::Const(crate::program::machine::unary(u, c)),
                        Val::Bits(0) => Val::Const(crate::program::machine::unary(u, 0)),
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
    pub(super) fn refine_yields(&self, code: &mut Code) {
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
    pub(super) fn quiet(&self, code: &Code) -> bool {
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
