//! The checker and code generator: resolves every name, checks arities, signatures and the
//! places a program may write, folds constants, and emits each function as [`Code`]. A program
//! is checked whole before anything runs; every error names its line and column.

use super::ast::*;
use super::ir::{Code, Entry, Global, Op, Reg};
use super::ProgramError;
use crate::model::submitter::{EAGAIN, EINVAL, ETIMEDOUT};
use crate::model::types::fsts;

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

    fn stmt(&mut self, s: &Stmt) -> Result<(), ProgramError> {
        match s {
            Stmt::Decl(name, init, pos) => {
                let k = self.declare(name, *pos)?;
                if let Some(e) = init {
                    self.expr(e)?;
                    self.emit(Op::Store(k), pos.line);
                }
            }
            Stmt::Assign(place, op, value, pos) => self.assign(place, *op, value, *pos)?,
            Stmt::If(c, then, els, pos) => {
                self.expr(c)?;
                let j = self.emit(Op::JumpIfZero(0), pos.line);
                self.stmt(then)?;
                if let Some(e) = els {
                    let over = self.emit(Op::Jump(0), pos.line);
                    let h = self.here();
                    self.patch(j, h);
                    self.stmt(e)?;
                    let h = self.here();
                    self.patch(over, h);
                } else {
                    let h = self.here();
                    self.patch(j, h);
                }
            }
            Stmt::While(c, body, pos) => {
                let top = self.here();
                self.expr(c)?;
                let exit = self.emit(Op::JumpIfZero(0), pos.line);
                self.loop_body(body, top, pos.line, Some(exit), top)?;
            }
            Stmt::DoWhile(body, c, pos) => {
                let top = self.here();
                self.loops.push(LoopCtx {
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                self.stmt(body)?;
                let cont = self.here();
                self.expr(c)?;
                let exit = self.emit(Op::JumpIfZero(0), c.pos().line);
                self.emit(Op::Loop(top), c.pos().line);
                let end = self.here();
                self.patch(exit, end);
                self.close_loop(cont, end);
                let _ = pos;
            }
            Stmt::For(init, cond, step, body, pos) => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                let top = self.here();
                let exit = match cond {
                    Some(c) => {
                        self.expr(c)?;
                        Some(self.emit(Op::JumpIfZero(0), pos.line))
                    }
                    None => None,
                };
                self.loops.push(LoopCtx {
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                self.stmt(body)?;
                let cont = self.here();
                if let Some(st) = step {
                    self.stmt(st)?;
                }
                self.emit(Op::Loop(top), pos.line);
                let end = self.here();
                if let Some(x) = exit {
                    self.patch(x, end);
                }
                self.close_loop(cont, end);
            }
            Stmt::Return(v, pos) => match (v, self.returns) {
                (Some(e), true) => {
                    self.expr(e)?;
                    self.emit(Op::Return, pos.line);
                }
                (None, false) => {
                    self.emit(Op::ReturnVoid, pos.line);
                }
                (Some(_), false) => {
                    return err(
                        *pos,
                        format!(
                            "`{}` returns nothing (`{}`)",
                            self.entry.name(),
                            self.entry.signature()
                        ),
                    )
                }
                (None, true) => {
                    return err(
                        *pos,
                        format!(
                            "`{}` must return a value (0, -EAGAIN, -EINVAL or -ETIMEDOUT)",
                            self.entry.name()
                        ),
                    )
                }
            },
            Stmt::Break(pos) | Stmt::Continue(pos) => {
                let brk = matches!(s, Stmt::Break(_));
                let j = self.emit(Op::Jump(0), pos.line);
                let Some(l) = self.loops.last_mut() else {
                    return err(
                        *pos,
                        format!(
                            "`{}` outside a loop",
                            if brk { "break" } else { "continue" }
                        ),
                    );
                };
                if brk {
                    l.breaks.push(j);
                } else {
                    l.continues.push(j);
                }
            }
            Stmt::Call(e, pos) => {
                let Expr::Call(name, args, _) = e else {
                    unreachable!()
                };
                if name != "writel" {
                    return err(*pos, format!("`{name}(...)` as a statement does nothing; the call with an effect is `writel(FSTS, bits)`"));
                }
                self.writel(args, *pos)?;
            }
            Stmt::Block(body, _) => {
                for s in body {
                    self.stmt(s)?;
                }
            }
        }
        Ok(())
    }

    /// The body of a `while` (condition already emitted, `exit` its jump out).
    fn loop_body(
        &mut self,
        body: &Stmt,
        top: u32,
        line: u32,
        exit: Option<usize>,
        cont: u32,
    ) -> Result<(), ProgramError> {
        self.loops.push(LoopCtx {
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        self.stmt(body)?;
        self.emit(Op::Loop(top), line);
        let end = self.here();
        if let Some(x) = exit {
            self.patch(x, end);
        }
        self.close_loop(cont, end);
        Ok(())
    }

    fn close_loop(&mut self, cont: u32, end: u32) {
        let l = self.loops.pop().expect("a loop is open");
        for j in l.breaks {
            self.patch(j, end);
        }
        for j in l.continues {
            // A `continue` goes back towards the loop's start: counted like the loop's own jump.
            self.code[j] = if cont <= j as u32 {
                Op::Loop(cont)
            } else {
                Op::Jump(cont)
            };
        }
    }

    fn writel(&mut self, args: &[Expr], pos: Pos) -> Result<(), ProgramError> {
        if args.len() != 2 {
            return err(
                pos,
                format!(
                    "`writel` takes 2 arguments, `writel(FSTS, bits)`; found {}",
                    args.len()
                ),
            );
        }
        match &args[0] {
            Expr::Name(n, p) => match register(n) {
                Some(Reg::Fsts) => {}
                Some(r) => return err(*p, format!("`writel` writes FSTS only (write 1 to clear a fault bit); {} is not written by these functions", r.name())),
                None => return err(*p, format!("expected a register as the first argument of `writel` (`FSTS`), found `{n}`")),
            },
            e => return err(e.pos(), "expected a register as the first argument of `writel` (`FSTS`)"),
        }
        self.expr(&args[1])?;
        self.emit(Op::Writel { yields: true }, pos.line);
        Ok(())
    }

    fn assign(
        &mut self,
        place: &Place,
        op: Option<BinOp>,
        value: &Expr,
        pos: Pos,
    ) -> Result<(), ProgramError> {
        match place {
            Place::Name(name, p) => {
                let target = if let Some(k) = self.local(name) {
                    Ok(k)
                } else if let Some(g) = global(name) {
                    Err(g)
                } else if constant(name, 0).is_some() || register(name).is_some() {
                    return err(*p, format!("`{name}` cannot be written (a constant or a register; registers are written with `writel`)"));
                } else {
                    return err(
                        *p,
                        format!("unknown name `{name}`; declare it first (`int {name};`)"),
                    );
                };
                if let Some(o) = op {
                    match target {
                        Ok(k) => self.emit(Op::Load(k), pos.line),
                        Err(g) => self.emit(Op::Global(g), pos.line),
                    };
                    self.expr(value)?;
                    self.emit(Op::Bin(o), pos.line);
                } else {
                    self.expr(value)?;
                }
                match target {
                    Ok(k) => self.emit(Op::Store(k), pos.line),
                    Err(g) => self.emit(Op::SetGlobal(g), pos.line),
                };
            }
            Place::Index(Array::Status, idx, _) => {
                self.expr(idx)?;
                if let Some(o) = op {
                    // desc_status[i] op= v: the index is evaluated once, as in C.
                    let tmp = self.scratch(pos)?;
                    self.emit(Op::Store(tmp), pos.line);
                    self.emit(Op::Load(tmp), pos.line);
                    self.emit(Op::Load(tmp), pos.line);
                    self.emit(Op::Status, pos.line);
                    self.expr(value)?;
                    self.emit(Op::Bin(o), pos.line);
                } else {
                    self.expr(value)?;
                }
                self.emit(Op::SetStatus, pos.line);
            }
            Place::Index(Array::Desc, idx, p) => {
                if op.is_some() {
                    return err(
                        *p,
                        "a descriptor can only be copied or made a no-op: `desc[i] = desc[j];`, `desc[i] = QI_NOP;`",
                    );
                }
                match value {
                    Expr::Index(Array::Desc, src, _) => {
                        self.expr(idx)?;
                        self.expr(src)?;
                        self.emit(Op::CopyDesc, pos.line);
                    }
                    Expr::Name(n, _) if n == "QI_NOP" => {
                        self.expr(idx)?;
                        self.emit(Op::NopDesc, pos.line);
                    }
                    _ => {
                        return err(
                            *p,
                            "a descriptor can only be copied from another slot or made a no-op: `desc[i] = desc[j];`, `desc[i] = QI_NOP;`",
                        )
                    }
                }
            }
        }
        Ok(())
    }

    /// Room for one more local, or the error at `pos`.
    fn room(&self, pos: Pos) -> Result<(), ProgramError> {
        if self.locals.len() >= MAX_LOCALS {
            return err(
                pos,
                format!(
                    "more than {MAX_LOCALS} variables in `{}`",
                    self.entry.name()
                ),
            );
        }
        Ok(())
    }

    /// A hidden local for a compound assignment's index.
    fn scratch(&mut self, pos: Pos) -> Result<u8, ProgramError> {
        let name = format!(" t{}", self.locals.len());
        self.room(pos)?;
        self.locals.push(name);
        Ok((self.locals.len() - 1) as u8)
    }

    fn expr(&mut self, e: &Expr) -> Result<(), ProgramError> {
        if let Some(v) = self.fold(e)? {
            self.emit(Op::Const(v), e.pos().line);
            return Ok(());
        }
        let line = e.pos().line;
        match e {
            Expr::Num(n, _) => {
                self.emit(Op::Const(*n), line);
            }
            Expr::Name(name, p) => {
                if let Some(k) = self.local(name) {
                    self.emit(Op::Load(k), line);
                } else if let Some(g) = global(name) {
                    self.emit(Op::Global(g), line);
                } else if register(name).is_some() {
                    return err(*p, format!("`{name}` is a register: read it with `readl({name})`"));
                } else if name == "desc_status" || name == "desc" {
                    return err(*p, format!("`{name}` is an array: index it, `{name}[i]`"));
                } else {
                    return err(*p, format!("unknown name `{name}`; a local (declared with `int`), a parameter, `free_head`, `free_tail`, `free_cnt` or a constant ({})", CONSTANTS.join(", ")));
                }
            }
            Expr::Index(Array::Status, i, _) => {
                self.expr(i)?;
                self.emit(Op::Status, line);
            }
            Expr::Index(Array::Desc, _, p) => return err(*p, "a descriptor is not a value; it can only be copied: `desc[i] = desc[j];`"),
            Expr::Call(name, args, p) => match name.as_str() {
                "readl" => {
                    let [Expr::Name(r, rp)] = args.as_slice() else {
                        return err(*p, format!("`readl` takes 1 argument, a register (IQH, IQT, FSTS, ITESID); found {}", args.len()));
                    };
                    let Some(reg) = register(r) else {
                        return err(*rp, format!("`{r}` is not a register; the registers are IQH, IQT, FSTS and ITESID"));
                    };
                    self.emit(Op::Readl(reg), line);
                }
                "pci_device_is_present" => {
                    if args.len() != 1 {
                        return err(*p, format!("`pci_device_is_present` takes 1 argument (a source id, as read from ITESID); found {}", args.len()));
                    }
                    self.expr(&args[0])?;
                    self.emit(Op::DevicePresent, line);
                }
                "writel" => return err(*p, "`writel` is a statement, not a value"),
                _ => return err(*p, format!("unknown function `{name}`; the calls are `readl(REG)`, `writel(FSTS, bits)` and `pci_device_is_present(sid)`")),
            },
            Expr::Unary(op, x, _) => {
                self.expr(x)?;
                self.emit(Op::Un(*op), line);
            }
            Expr::Binary(BinOp::And, l, r, _) | Expr::Binary(BinOp::Or, l, r, _) => {
                let and = matches!(e, Expr::Binary(BinOp::And, ..));
                // a && b: a ? (b != 0) : 0;  a || b: a ? 1 : (b != 0).
                self.expr(l)?;
                let j = self.emit(Op::JumpIfZero(0), line);
                if and {
                    self.expr(r)?;
                    self.emit(Op::Un(UnOp::Not), line);
                    self.emit(Op::Un(UnOp::Not), line);
                } else {
                    self.emit(Op::Const(1), line);
                }
                let over = self.emit(Op::Jump(0), line);
                let h = self.here();
                self.patch(j, h);
                if and {
                    self.emit(Op::Const(0), line);
                } else {
                    self.expr(r)?;
                    self.emit(Op::Un(UnOp::Not), line);
                    self.emit(Op::Un(UnOp::Not), line);
                }
                let h = self.here();
                self.patch(over, h);
            }
            Expr::Binary(op, l, r, _) => {
                self.expr(l)?;
                self.expr(r)?;
                self.emit(Op::Bin(*op), line);
            }
            Expr::Cond(c, a, b, _) => {
                self.expr(c)?;
                let j = self.emit(Op::JumpIfZero(0), line);
                self.expr(a)?;
                let over = self.emit(Op::Jump(0), line);
                let h = self.here();
                self.patch(j, h);
                self.expr(b)?;
                let h = self.here();
                self.patch(over, h);
            }
        }
        Ok(())
    }

    /// The value of a constant expression (numbers, named constants and operators on them).
    fn fold(&self, e: &Expr) -> Result<Option<i64>, ProgramError> {
        Ok(match e {
            Expr::Num(n, _) => Some(*n),
            Expr::Name(n, _) if self.local(n).is_none() => constant(n, self.qi_length),
            Expr::Unary(op, x, _) => self.fold(x)?.map(|v| super::machine::unary(*op, v)),
            Expr::Binary(op, l, r, p) => match (self.fold(l)?, self.fold(r)?) {
                (Some(a), Some(b)) => match super::machine::binary(*op, a, b) {
                    Ok(v) => Some(v),
                    Err(m) => return err(*p, m),
                },
                _ => None,
            },
            _ => None,
        })
    }
}
