//! The interpreter: runs a compiled function on a [`Machine`] (the model's ring and
//! registers) until it returns, yields at a `writel`, or stops with a run-time error. Every
//! run-time error is data with the program's line, never a panic.

use super::ast::BinOp;
use super::ir::{Code, Op};
use super::machine::{
    binary, check_global, check_slot, check_status, loop_bound, unary, unset, Exit, Frame, Machine,
};

const STACK: usize = 16;

/// A run-time error at `line`. Out of line, like the checks' words (`machine.rs`): wasm
/// engines (V8) allocate registers worse in a function with much (even never-run) code.
#[cold]
#[inline(never)]
fn error(line: u32, message: std::fmt::Arguments) -> Exit {
    Exit::Error {
        line,
        message: std::fmt::format(message),
    }
}

/// Runs `code` from `frame` until it returns, yields or fails.
pub fn run<M: Machine>(code: &Code, frame: &mut Frame, m: &mut M) -> Exit {
    let len = m.qi_length();
    // Filled with a value known only at run time: a constant fill is a `memset`, which wasm
    // engines (V8 11, Node 20) run as a call out of the module on every call of a kernel
    // function. No slot is read before it is pushed.
    let mut stack = [i64::from(len); STACK];
    let mut sp = 0usize;
    let bound = loop_bound(len);
    let mut ip = frame.ip as usize;
    macro_rules! fail {
        ($($msg:tt)*) => {
            return error(code.lines[ip], format_args!($($msg)*))
        };
    }
    // A checked operation's error (its words already made, out of line).
    macro_rules! fail_with {
        ($e:expr) => {
            return Exit::Error {
                line: code.lines[ip],
                message: $e,
            }
        };
    }
    macro_rules! push {
        ($v:expr) => {{
            if sp == STACK {
                fail!("the expression is too deep (more than {STACK} values at once)");
            }
            stack[sp] = $v;
            sp += 1;
        }};
    }
    macro_rules! pop {
        () => {{
            sp -= 1;
            stack[sp]
        }};
    }
    macro_rules! slot {
        ($v:expr, $what:expr) => {{
            match check_slot($v, len, $what) {
                Ok(s) => s,
                Err(e) => fail_with!(e),
            }
        }};
    }
    loop {
        let op = code.ops[ip];
        match op {
            Op::Const(v) => push!(v),
            Op::Load(k) => {
                if frame.set & (1 << k) == 0 {
                    fail_with!(unset(&code.locals[k as usize]));
                }
                push!(frame.locals[k as usize]);
            }
            Op::Store(k) => {
                frame.locals[k as usize] = pop!();
                frame.set |= 1 << k;
            }
            Op::Global(g) => push!(i64::from(m.global(g))),
            Op::SetGlobal(g) => {
                let v = pop!();
                if let Err(e) = check_global(g, v, len) {
                    fail_with!(e);
                }
                m.set_global(g, v as u32);
            }
            Op::Status => {
                let s = slot!(pop!(), "desc_status index");
                push!(m.status(s) as i64);
            }
            Op::SetStatus => {
                let v = pop!();
                let slot = slot!(pop!(), "desc_status index");
                match check_status(v) {
                    Ok(st) => m.set_status(slot, st),
                    Err(e) => fail_with!(e),
                }
            }
            Op::CopyDesc => {
                let src = slot!(pop!(), "desc index");
                let dst = slot!(pop!(), "desc index");
                m.copy_desc(dst, src);
            }
            Op::NopDesc => {
                let dst = slot!(pop!(), "desc index");
                m.nop_desc(dst);
            }
            Op::Readl(r) => push!(i64::from(m.readl(r))),
            Op::Writel { yields } => {
                let v = pop!();
                m.clear_fsts(v as u32);
                if yields {
                    frame.ip = ip as u32 + 1;
                    return Exit::Yielded;
                }
            }
            Op::DevicePresent => {
                let sid = pop!();
                push!(i64::from(m.device_present(sid)));
            }
            Op::Bin(b) => {
                let r = pop!();
                let l = pop!();
                match binary(b, l, r) {
                    Ok(v) => push!(v),
                    Err(e) => fail_with!(e),
                }
            }
            Op::Un(u) => {
                let v = pop!();
                push!(unary(u, v));
            }
            Op::Jump(t) => {
                ip = t as usize;
                continue;
            }
            Op::JumpIfZero(t) => {
                if pop!() == 0 {
                    ip = t as usize;
                    continue;
                }
            }
            Op::Loop(t) => {
                frame.loops += 1;
                if frame.loops > bound {
                    return Exit::Loops {
                        line: code.lines[ip],
                    };
                }
                ip = t as usize;
                continue;
            }
            Op::Idiom(k) => {
                let idiom = &code.idioms[k as usize];
                if let Some(exit) = super::idiom::run(idiom, frame, m, &code.locals) {
                    return exit;
                }
            }
            Op::AddRem(m) => {
                let r = pop!();
                let l = pop!();
                push!(l.wrapping_add(r).wrapping_rem(m));
            }
            Op::CmpJump(b, t) => {
                let r = pop!();
                let l = pop!();
                let holds = match b {
                    BinOp::Eq => l == r,
                    BinOp::Ne => l != r,
                    BinOp::Lt => l < r,
                    BinOp::Le => l <= r,
                    BinOp::Gt => l > r,
                    _ => l >= r,
                };
                if !holds {
                    ip = t as usize;
                    continue;
                }
            }
            Op::Return => {
                frame.ip = ip as u32;
                return Exit::Returned(pop!());
            }
            Op::ReturnVoid => {
                frame.ip = ip as u32;
                return Exit::Returned(0);
            }
            Op::FellOff => fail!("`{}` reached its end without `return`", code.entry.name()),
        }
        ip += 1;
    }
}
