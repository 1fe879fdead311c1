//! Expressions: places, precedence climbing over C's binary operators, unary operators and primaries.

use super::*;

impl Parser {
    pub(super) fn place(&mut self) -> Result<Place, ProgramError> {
        match self.primary()? {
            Expr::Name(n, p) => Ok(Place::Name(n, p)),
            Expr::Index(a, i, p) => Ok(Place::Index(a, *i, p)),
            e => {
                let p = e.pos();
                Err(ProgramError::at(
                    p.line,
                    p.col,
                    "expected a variable or `desc_status[...]` to increment",
                ))
            }
        }
    }

    pub fn expr(&mut self) -> Result<Expr, ProgramError> {
        let c = self.binary(0)?;
        if self.is("?") {
            let pos = c.pos();
            self.bump();
            let a = self.expr()?;
            self.expect(":").or_else(|_| self.error("`:` of `? :`"))?;
            let b = self.expr()?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b), pos));
        }
        Ok(c)
    }

    /// Precedence climbing over C's binary operators (higher binds tighter).
    pub(super) fn binary(&mut self, min: u8) -> Result<Expr, ProgramError> {
        let mut l = self.unary()?;
        loop {
            let Some((op, prec)) = (match self.peek() {
                Tok::Punct(p) => binop(p),
                _ => None,
            }) else {
                return Ok(l);
            };
            if prec < min {
                return Ok(l);
            }
            self.bump();
            let r = self.binary(prec + 1)?;
            let pos = l.pos();
            l = Expr::Binary(op, Box::new(l), Box::new(r), pos);
        }
    }

    pub(super) fn unary(&mut self) -> Result<Expr, ProgramError> {
        let pos = self.pos();
        let op = match self.peek() {
            Tok::Punct("-") => Some(UnOp::Neg),
            Tok::Punct("!") => Some(UnOp::Not),
            Tok::Punct("~") => Some(UnOp::BitNot),
            Tok::Punct("+") => {
                self.bump();
                return self.unary();
            }
            _ => None,
        };
        if let Some(op) = op {
            self.bump();
            let e = self.unary()?;
            return Ok(Expr::Unary(op, Box::new(e), pos));
        }
        self.primary()
    }

    pub(super) fn primary(&mut self) -> Result<Expr, ProgramError> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Num(n) => {
                self.bump();
                Ok(Expr::Num(n, pos))
            }
            Tok::Punct("(") => {
                self.bump();
                // A cast such as `(u32)x` is read and dropped: every value is a 64-bit integer.
                if self.at_type() && matches!(self.peek_at(1), Tok::Punct(")")) {
                    self.bump();
                    self.bump();
                    return self.unary();
                }
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Ident(mut name) => {
                self.bump();
                // `qi->free_tail`: the kernel's spelling of the ring's fields.
                if name == "qi" && self.is("->") {
                    self.bump();
                    name = self.ident("a field of `qi` (`desc_status`, `desc`, `free_head`, `free_tail`, `free_cnt`)")?.0;
                }
                if self.is("(") {
                    self.bump();
                    let mut args = Vec::new();
                    if !self.is(")") {
                        loop {
                            args.push(self.expr()?);
                            if !self.eat(",") {
                                break;
                            }
                        }
                    }
                    self.expect(")")?;
                    return Ok(Expr::Call(name, args, pos));
                }
                if self.is("[") {
                    let array = match name.as_str() {
                        "desc_status" => Array::Status,
                        "desc" => Array::Desc,
                        _ => {
                            return Err(ProgramError::at(pos.line, pos.col, format!("`{name}` is not an array; the arrays are `desc_status` and `desc`")));
                        }
                    };
                    self.bump();
                    let i = self.expr()?;
                    self.expect("]")?;
                    return Ok(Expr::Index(array, Box::new(i), pos));
                }
                Ok(Expr::Name(name, pos))
            }
            _ => self.error("an expression"),
        }
    }
}
