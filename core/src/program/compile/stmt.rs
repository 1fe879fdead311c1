//! Code for statements: declarations, assignments, control flow and its jumps, `writel`.

use super::*;

impl Gen {
    pub(super) fn stmt(&mut self, s: &Stmt) -> Result<(), ProgramError> {
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
    pub(super) fn loop_body(
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

    pub(super) fn close_loop(&mut self, cont: u32, end: u32) {
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

    pub(super) fn writel(&mut self, args: &[Expr], pos: Pos) -> Result<(), ProgramError> {
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

    pub(super) fn assign(
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
    pub(super) fn room(&self, pos: Pos) -> Result<(), ProgramError> {
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
    pub(super) fn scratch(&mut self, pos: Pos) -> Result<u8, ProgramError> {
        let name = format!(" t{}", self.locals.len());
        self.room(pos)?;
        self.locals.push(name);
        Ok((self.locals.len() - 1) as u8)
    }
}
