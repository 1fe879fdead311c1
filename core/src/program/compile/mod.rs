//! The checker and code generator: resolves every name, checks arities, signatures and the
//! places a program may write, folds constants, and emits each function as [`Code`]. A program
//! is checked whole before anything runs; every error names its line and column.

use super::ast::*;
use super::ir::{Code, Entry, Global, Op, Reg};
use super::ProgramError;
use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::types::fsts;

mod expr;
mod stmt;

/// Most locals (parameters included) one function may have.
pub const MAX_LOCALS: usize = 64;

/// The named constants of the language, as the kernel spells them.
pub fn constant(name: &str, qi_length: u32) -> Option<i64> {
    Some(match name {
        "QI_LENGTH" => i64::from(qi_length),
        "QI_FREE" => 0,
        "QI_IN_USE" => 1,
        "QI_DONE" => 2,
        "QI_ABORT" => 3,
        "DMA_FSTS_IQE" => i64::from(fsts::IQE),
        "DMA_FSTS_ICE" => i64::from(fsts::ICE),
        "DMA_FSTS_ITE" => i64::from(fsts::ITE),
        "EAGAIN" => -i64::from(EAGAIN),
        "EINVAL" => -i64::from(EINVAL),
        "ETIMEDOUT" => -i64::from(ETIMEDOUT),
        _ => return None,
    })
}

/// Every constant name (for error messages and the docs).
pub const CONSTANTS: [&str; 11] = [
    "QI_LENGTH",
    "QI_FREE",
    "QI_IN_USE",
    "QI_DONE",
    "QI_ABORT",
    "DMA_FSTS_IQE",
    "DMA_FSTS_ICE",
    "DMA_FSTS_ITE",
    "EAGAIN",
    "EINVAL",
    "ETIMEDOUT",
];

fn global(name: &str) -> Option<Global> {
    Some(match name {
        "free_head" => Global::FreeHead,
        "free_tail" => Global::FreeTail,
        "free_cnt" => Global::FreeCnt,
        _ => return None,
    })
}

fn register(name: &str) -> Option<Reg> {
    Some(match name {
        "IQH" | "DMAR_IQH_REG" => Reg::Iqh,
        "IQT" | "DMAR_IQT_REG" => Reg::Iqt,
        "FSTS" | "DMAR_FSTS_REG" => Reg::Fsts,
        "ITESID" => Reg::Itesid,
        _ => return None,
    })
}

fn err<T>(p: Pos, msg: impl Into<String>) -> Result<T, ProgramError> {
    Err(ProgramError::at(p.line, p.col, msg))
}

/// Checks the program's functions and finds the three entries: each defined once, with its
/// signature.
pub fn entries(fns: &[Function]) -> Result<[usize; 3], ProgramError> {
    let mut found: [Option<usize>; 3] = [None; 3];
    for (k, f) in fns.iter().enumerate() {
        let Some(e) = Entry::ALL.iter().position(|e| e.name() == f.name) else {
            return err(f.pos, format!("`{}` is not a function qisim calls; a program defines `qi_check_fault`, `mark` and `reclaim` (helper functions are not supported)", f.name));
        };
        let entry = Entry::ALL[e];
        if let Some(prev) = found[e] {
            return err(
                f.pos,
                format!(
                    "`{}` is defined twice (first at line {})",
                    f.name, fns[prev].pos.line
                ),
            );
        }
        // `mark` may also be `int mark(...)`: the code after the poll loop may decide the rc.
        let returns_ok = f.returns_value == entry.returns_value() || entry == Entry::Mark;
        if f.params.len() != entry.params().len() || !returns_ok {
            return err(
                f.pos,
                format!("`{}` must be `{}`", f.name, entry.signature()),
            );
        }
        found[e] = Some(k);
    }
    let mut out = [0; 3];
    for (e, f) in found.iter().enumerate() {
        match f {
            Some(k) => out[e] = *k,
            None => {
                let end = fns.last().map_or(Pos { line: 1, col: 1 }, |f| Pos {
                    line: f.lines.1,
                    col: 1,
                });
                return err(
                    end,
                    format!(
                        "the program has no `{}`; expected `{} {{ ... }}`",
                        Entry::ALL[e].name(),
                        Entry::ALL[e].signature()
                    ),
                );
            }
        }
    }
    Ok(out)
}

/// Compiles one checked function for a ring of `qi_length`.
pub fn function(f: &Function, entry: Entry, qi_length: u32) -> Result<Code, ProgramError> {
    let mut g = Gen {
        code: Vec::new(),
        lines: Vec::new(),
        locals: Vec::new(),
        loops: Vec::new(),
        qi_length,
        entry,
        returns: f.returns_value,
    };
    for (name, pos) in &f.params {
        g.declare(name, *pos)?;
    }
    for s in &f.body {
        g.stmt(s)?;
    }
    let end = f.lines.1;
    g.emit(
        if f.returns_value {
            Op::FellOff
        } else {
            Op::ReturnVoid
        },
        end,
    );
    // Every `writel` yields until the analysis shows what may follow it (`analysis::facts`).
    Ok(Code {
        entry,
        ops: g.code,
        lines: g.lines,
        locals: g.locals,
        line: f.pos.line,
        idioms: Vec::new(),
    })
}

struct LoopCtx {
    /// Jumps to patch to the loop's end.
    breaks: Vec<usize>,
    /// Jumps to patch to the loop's continue point.
    continues: Vec<usize>,
}

struct Gen {
    code: Vec<Op>,
    lines: Vec<u32>,
    locals: Vec<String>,
    loops: Vec<LoopCtx>,
    qi_length: u32,
    entry: Entry,
    /// The function returns a value (`int`).
    returns: bool,
}

impl Gen {
    fn emit(&mut self, op: Op, line: u32) -> usize {
        self.code.push(op);
        self.lines.push(line);
        self.code.len() - 1
    }
    fn here(&self) -> u32 {
        self.code.len() as u32
    }
    fn patch(&mut self, at: usize, to: u32) {
        self.code[at] = match self.code[at] {
            Op::Jump(_) => Op::Jump(to),
            Op::JumpIfZero(_) => Op::JumpIfZero(to),
            op => op,
        };
    }
    fn declare(&mut self, name: &str, pos: Pos) -> Result<u8, ProgramError> {
        if self.locals.iter().any(|l| l == name) {
            return err(
                pos,
                format!(
                    "`{name}` is declared twice in `{}` (every variable has function scope here)",
                    self.entry.name()
                ),
            );
        }
        if constant(name, 0).is_some()
            || global(name).is_some()
            || register(name).is_some()
            || matches!(name, "desc_status" | "desc" | "qi")
        {
            return err(
                pos,
                format!("`{name}` is a name of the model; choose another variable name"),
            );
        }
        self.room(pos)?;
        self.locals.push(name.to_string());
        Ok((self.locals.len() - 1) as u8)
    }
    fn local(&self, name: &str) -> Option<u8> {
        self.locals.iter().position(|l| l == name).map(|k| k as u8)
    }
}
