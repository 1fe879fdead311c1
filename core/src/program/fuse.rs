//! Peephole fusion of the compiled code, run after the analysis (which reads the plain code):
//! a few instruction pairs that every kernel program executes per slot become one instruction,
//! with the same result and the same run-time errors. No jump may land inside a fused group.

use super::ast::BinOp;
use super::ir::{Code, Op};

/// Fuses `code` in place, remapping jump targets and the line table.
pub fn fuse(code: &mut Code) {
    let n = code.ops.len();
    let mut target = vec![false; n + 1];
    for op in &code.ops {
        if let Op::Jump(t) | Op::JumpIfZero(t) | Op::Loop(t) | Op::CmpJump(_, t) = *op {
            target[t as usize] = true;
        }
    }
    let mut ops = Vec::with_capacity(n);
    let mut lines = Vec::with_capacity(n);
    // New index of each old instruction (the first of a group for its members).
    let mut at = vec![0u32; n + 1];
    let mut idioms = Vec::new();
    let mut k = 0;
    while k < n {
        at[k] = ops.len() as u32;
        let line = code.lines[k];
        let free = |j: usize| j < n && !target[j];
        if let Some((idiom, span)) = super::idiom::find(code, k) {
            // The loop's own jumps are inside it; no other jump may land inside.
            if (k + 1..k + span).all(|j| !target[j] || internal(code, k, span, j)) {
                let here = ops.len() as u32;
                at[k..k + span].fill(here);
                ops.push(Op::Idiom(idioms.len() as u16));
                idioms.push(idiom);
                lines.push(line);
                k += span;
                continue;
            }
        }
        match (code.ops[k], code.ops.get(k + 1), code.ops.get(k + 2)) {
            (Op::Bin(BinOp::Add), Some(Op::Const(m)), Some(Op::Bin(BinOp::Rem)))
                if free(k + 1) && free(k + 2) && *m != 0 =>
            {
                at[k + 1] = ops.len() as u32;
                at[k + 2] = ops.len() as u32;
                ops.push(Op::AddRem(*m));
                lines.push(line);
                k += 3;
            }
            (Op::Bin(b), Some(Op::JumpIfZero(t)), _) if is_cmp(b) && free(k + 1) => {
                at[k + 1] = ops.len() as u32;
                ops.push(Op::CmpJump(b, *t));
                lines.push(line);
                k += 2;
            }
            (op, _, _) => {
                ops.push(op);
                lines.push(line);
                k += 1;
            }
        }
    }
    at[n] = ops.len() as u32;
    for op in &mut ops {
        match op {
            Op::Jump(t) | Op::JumpIfZero(t) | Op::Loop(t) | Op::CmpJump(_, t) => {
                *t = at[*t as usize]
            }
            _ => {}
        }
    }
    code.ops = ops;
    code.lines = lines;
    code.idioms = idioms;
}

/// Whether every jump to `j` comes from inside the span `k..k + span` (the loop's own).
fn internal(code: &Code, k: usize, span: usize, j: usize) -> bool {
    code.ops.iter().enumerate().all(|(i, op)| match *op {
        Op::Jump(t) | Op::JumpIfZero(t) | Op::Loop(t) | Op::CmpJump(_, t) if t as usize == j => {
            (k..k + span).contains(&i)
        }
        _ => true,
    })
}

fn is_cmp(b: BinOp) -> bool {
    matches!(
        b,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}
