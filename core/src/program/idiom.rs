//! Loop idioms: two loop shapes every kernel program runs once per call — filling the caller's
//! slots with a status (`mark`) and walking `free_tail` forward (`reclaim_free_desc()`) — are
//! recognised in the compiled code and run as one instruction, as a C compiler turns a loop into
//! `memset`. Each runs exactly the instructions it replaces, in their order, with the same
//! run-time errors at the same lines; `core/tests/program_idioms.rs` runs every shipped program
//! and every mutant both ways and demands identical runs. Anything else stays interpreted.

use super::ast::{BinOp, UnOp};
use super::ir::{Code, Fill, Global, Idiom, Op, TailWalk};
use super::machine::{self, Exit, Frame, Machine};

/// Where an idiom starts in `code.ops` and how many instructions it replaces.
pub fn find(code: &Code, k: usize) -> Option<(Idiom, usize)> {
    fill(code, k).or_else(|| walk(code, k))
}

fn fill(code: &Code, k: usize) -> Option<(Idiom, usize)> {
    use Op::*;
    let o = code.ops.get(k..k + 16)?;
    let (
        Load(i),
        Load(n),
        Bin(cmp),
        JumpIfZero(exit),
        Load(a),
        Load(i2),
        Bin(BinOp::Add),
        Const(m),
        Bin(BinOp::Rem),
        Const(v),
        SetStatus,
        Load(i3),
        Const(1),
        Bin(BinOp::Add),
        Store(i4),
        Loop(top),
    ) = (
        o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], o[10], o[11], o[12], o[13],
        o[14], o[15],
    )
    else {
        return None;
    };
    let ok = matches!(cmp, BinOp::Lt | BinOp::Le)
        && [i2, i3, i4].iter().all(|x| *x == i)
        && exit as usize == k + 16
        && top as usize == k
        && a != i
        && n != i;
    let l = |d: usize| code.lines[k + d];
    ok.then(|| {
        let f = Fill {
            i,
            n,
            le: cmp == BinOp::Le,
            a,
            m,
            v,
            lines: [l(0), l(8), l(10), l(15)],
        };
        (self::Idiom::Fill(f), 16)
    })
}

fn walk(code: &Code, k: usize) -> Option<(Idiom, usize)> {
    use Op::*;
    let ops = &code.ops;
    let tail = Global(super::ir::Global::FreeTail);
    // The test.
    let (s1, s2, and_head, body) = match ops.get(k..k + 14)? {
        [t0, Status, Const(s1), Bin(BinOp::Eq), JumpIfZero(j1), Const(1), Jump(j2), t1, Status, Const(s2), Bin(BinOp::Eq), Un(UnOp::Not), Un(UnOp::Not), JumpIfZero(_)]
            if *t0 == tail && *t1 == tail && *j1 as usize == k + 7 && *j2 as usize == k + 13 =>
        {
            (*s1, *s2, false, k + 14)
        }
        [t0, Status, Const(s1), Bin(BinOp::Eq), JumpIfZero(j1), t1, Global(super::ir::Global::FreeHead), Bin(BinOp::Ne), Un(UnOp::Not), Un(UnOp::Not), Jump(j2), Const(0), JumpIfZero(_), ..]
            if *t0 == tail && *t1 == tail && *j1 as usize == k + 11 && *j2 as usize == k + 12 =>
        {
            (*s1, *s1, true, k + 13)
        }
        _ => return None,
    };
    let JumpIfZero(exit) = ops[body - 1] else {
        return None;
    };
    let mut at = body;
    let mut free = None;
    let mut free_line = 0;
    if let [t, Const(f), SetStatus] = ops.get(at..at + 3)? {
        if *t == tail {
            free = Some(*f);
            free_line = code.lines[at + 2];
            at += 3;
        }
    }
    let [t, Const(1), Bin(BinOp::Add), Const(m), Bin(BinOp::Rem), SetGlobal(super::ir::Global::FreeTail), Global(super::ir::Global::FreeCnt), Const(1), Bin(BinOp::Add), SetGlobal(super::ir::Global::FreeCnt), Loop(top)] =
        ops.get(at..at + 11)?
    else {
        return None;
    };
    let end = at + 11;
    let ok = *t == tail && *top as usize == k && exit as usize == end;
    ok.then(|| {
        let lines = [
            code.lines[k],
            free_line,
            code.lines[at + 5],
            code.lines[at + 9],
            code.lines[at + 10],
        ];
        (
            self::Idiom::TailWalk(TailWalk {
                s1,
                s2,
                and_head,
                free,
                m: *m,
                lines,
            }),
            end - k,
        )
    })
}

/// Runs idiom `idiom` as the instructions it replaced would run: `None` to go on after it,
/// or how the function ends (an error, an endless loop).
#[inline]
pub fn run<M: Machine>(
    idiom: &Idiom,
    frame: &mut Frame,
    m: &mut M,
    local_names: &[String],
) -> Option<Exit> {
    let len = m.qi_length();
    let bound = machine::loop_bound(len);
    let err = |line: u32, message: String| Some(Exit::Error { line, message });
    match idiom {
        Idiom::Fill(f) => loop {
            for x in [f.i, f.n] {
                if frame.set & (1 << x) == 0 {
                    return err(f.lines[0], machine::unset(&local_names[x as usize]));
                }
            }
            let (i, n) = (frame.locals[f.i as usize], frame.locals[f.n as usize]);
            if !(if f.le { i <= n } else { i < n }) {
                return None;
            }
            if frame.set & (1 << f.a) == 0 {
                return err(f.lines[1], machine::unset(&local_names[f.a as usize]));
            }
            let sum = frame.locals[f.a as usize].wrapping_add(i);
            let idx = match machine::binary(BinOp::Rem, sum, f.m) {
                Ok(v) => v,
                Err(e) => return err(f.lines[1], e),
            };
            let slot = match machine::check_slot(idx, len, "desc_status index") {
                Ok(s) => s,
                Err(e) => return err(f.lines[2], e),
            };
            let st = match machine::check_status(f.v) {
                Ok(s) => s,
                Err(e) => return err(f.lines[2], e),
            };
            m.set_status(slot, st);
            frame.locals[f.i as usize] = i.wrapping_add(1);
            frame.set |= 1 << f.i;
            frame.loops += 1;
            if frame.loops > bound {
                return Some(Exit::Loops { line: f.lines[3] });
            }
        },
        Idiom::TailWalk(w) => loop {
            let tail = m.global(Global::FreeTail);
            let st = m.status(tail) as i64;
            let go = if w.and_head {
                st == w.s1 && tail != m.global(Global::FreeHead)
            } else {
                st == w.s1 || st == w.s2
            };
            if !go {
                return None;
            }
            if let Some(f) = w.free {
                match machine::check_status(f) {
                    Ok(s) => m.set_status(tail, s),
                    Err(e) => return err(w.lines[1], e),
                }
            }
            let next = match machine::binary(BinOp::Rem, i64::from(tail) + 1, w.m) {
                Ok(v) => v,
                Err(e) => return err(w.lines[2], e),
            };
            if let Err(e) = machine::check_global(Global::FreeTail, next, len) {
                return err(w.lines[2], e);
            }
            m.set_global(Global::FreeTail, next as u32);
            let cnt = i64::from(m.global(Global::FreeCnt)) + 1;
            if let Err(e) = machine::check_global(Global::FreeCnt, cnt, len) {
                return err(w.lines[3], e);
            }
            m.set_global(Global::FreeCnt, cnt as u32);
            frame.loops += 1;
            if frame.loops > bound {
                return Some(Exit::Loops { line: w.lines[4] });
            }
        },
    }
}
