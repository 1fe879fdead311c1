//! Code for expressions, and constant folding.

use super::*;

impl Gen {
    pub(super) fn expr(&mut self, e: &Expr) -> Result<(), ProgramError> {
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
    pub(super) fn fold(&self, e: &Expr) -> Result<Option<i64>, ProgramError> {
        Ok(match e {
            Expr::Num(n, _) => Some(*n),
            Expr::Name(n, _) if self.local(n).is_none() => constant(n, self.qi_length),
            Expr::Unary(op, x, _) => self
                .fold(x)?
                .map(|v| crate::program::machine::unary(*op, v)),
            Expr::Binary(op, l, r, p) => match (self.fold(l)?, self.fold(r)?) {
                (Some(a), Some(b)) => match crate::program::machine::binary(*op, a, b) {
                    Ok(v) => Some(v),
                    Err(m) => return err(*p, m),
                },
                _ => None,
            },
            _ => None,
        })
    }
}
