//! The parser of `qil`: recursive descent for statements, precedence climbing for C's
//! expression operators. Kernel spellings are accepted where they cost nothing: a `qi->`
//! prefix on the ring's fields, C's integer type names, `void` parameter lists.

use super::ast::*;
use super::lex::{lex, Tok, Token};
use super::ProgramError;

mod expr;

/// Type names a declaration may start with (every integer is 64-bit signed in `qil`).
const TYPES: [&str; 6] = ["int", "u32", "u64", "unsigned", "long", "s64"];

/// Parses a whole program: a list of functions.
pub fn parse(src: &str) -> Result<Vec<Function>, ProgramError> {
    let mut p = Parser {
        toks: lex(src)?,
        i: 0,
    };
    let mut fns = Vec::new();
    while p.peek() != &Tok::Eof {
        fns.push(p.function()?);
    }
    Ok(fns)
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].kind
    }
    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].kind
    }
    fn pos(&self) -> Pos {
        let t = &self.toks[self.i];
        Pos {
            line: t.line,
            col: t.col,
        }
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }
    fn error<T>(&self, expected: &str) -> Result<T, ProgramError> {
        let t = &self.toks[self.i];
        Err(ProgramError::at(
            t.line,
            t.col,
            format!("expected {expected}, found {}", t.kind.describe()),
        ))
    }
    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }
    fn eat(&mut self, p: &str) -> bool {
        let y = self.is(p);
        if y {
            self.bump();
        }
        y
    }
    fn expect(&mut self, p: &str) -> Result<(), ProgramError> {
        if self.eat(p) {
            Ok(())
        } else {
            self.error(&format!("`{p}`"))
        }
    }
    fn ident(&mut self, what: &str) -> Result<(String, Pos), ProgramError> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                Ok((s, pos))
            }
            _ => self.error(what),
        }
    }
    /// Skips a type: `int`, `u32`, `unsigned int`, `unsigned long`, ... Returns whether one was there.
    fn skip_type(&mut self) -> bool {
        if !TYPES.iter().any(|t| self.is_word(t)) {
            return false;
        }
        let first = self.bump();
        if matches!(&first.kind, Tok::Ident(s) if s == "unsigned" || s == "long") {
            while self.is_word("int") || self.is_word("long") {
                self.bump();
            }
        }
        true
    }
    fn at_type(&self) -> bool {
        TYPES.iter().any(|t| self.is_word(t))
    }

    fn function(&mut self) -> Result<Function, ProgramError> {
        let start = self.pos();
        while self.is_word("static") || self.is_word("inline") {
            self.bump();
        }
        let returns_value = if self.is_word("void") {
            self.bump();
            false
        } else if self.skip_type() {
            true
        } else {
            return self.error("a function (`int qi_check_fault(int index, int wait_index) { ... }`, `void mark(...)` or `void reclaim(void)`)");
        };
        let (name, pos) = self.ident("a function name")?;
        self.expect("(")?;
        let mut params = Vec::new();
        if self.is_word("void") && matches!(self.peek_at(1), Tok::Punct(")")) {
            self.bump();
        }
        if !self.is(")") {
            loop {
                if !self.skip_type() {
                    return self.error("a parameter type (`int`)");
                }
                params.push(self.ident("a parameter name")?);
                if !self.eat(",") {
                    break;
                }
            }
        }
        self.expect(")")?;
        if !self.is("{") {
            return self.error("`{` (a function body)");
        }
        let Stmt::Block(body, _) = self.block()? else {
            unreachable!()
        };
        let end = self.toks[self.i.saturating_sub(1)].line;
        Ok(Function {
            name,
            pos,
            returns_value,
            params,
            body,
            lines: (start.line, end),
        })
    }

    fn block(&mut self) -> Result<Stmt, ProgramError> {
        let pos = self.pos();
        self.expect("{")?;
        let mut body = Vec::new();
        while !self.is("}") {
            if self.peek() == &Tok::Eof {
                return self.error("`}`");
            }
            self.statement(&mut body)?;
        }
        self.bump();
        Ok(Stmt::Block(body, pos))
    }

    /// One statement (a declaration of several names pushes several).
    fn statement(&mut self, out: &mut Vec<Stmt>) -> Result<(), ProgramError> {
        if self.at_type() {
            self.declaration(out)?;
            return self.expect(";");
        }
        let s = self.single()?;
        out.push(s);
        Ok(())
    }

    fn declaration(&mut self, out: &mut Vec<Stmt>) -> Result<(), ProgramError> {
        self.skip_type();
        loop {
            let (name, pos) = self.ident("a variable name")?;
            let init = if self.eat("=") {
                Some(self.expr()?)
            } else {
                None
            };
            out.push(Stmt::Decl(name, init, pos));
            if !self.eat(",") {
                return Ok(());
            }
        }
    }

    /// A statement that is not a declaration.
    fn single(&mut self) -> Result<Stmt, ProgramError> {
        let pos = self.pos();
        if self.is("{") {
            return self.block();
        }
        if self.eat(";") {
            return Ok(Stmt::Block(Vec::new(), pos));
        }
        if let Tok::Ident(w) = self.peek().clone() {
            match w.as_str() {
                "if" => {
                    self.bump();
                    let c = self.paren()?;
                    let then = self.body()?;
                    let els = if self.is_word("else") {
                        self.bump();
                        Some(self.body()?)
                    } else {
                        None
                    };
                    return Ok(Stmt::If(c, then, els, pos));
                }
                "while" => {
                    self.bump();
                    let c = self.paren()?;
                    return Ok(Stmt::While(c, self.body()?, pos));
                }
                "do" => {
                    self.bump();
                    let body = self.body()?;
                    if !self.is_word("while") {
                        return self.error("`while` after a `do` body");
                    }
                    self.bump();
                    let c = self.paren()?;
                    self.expect(";")?;
                    return Ok(Stmt::DoWhile(body, c, pos));
                }
                "for" => {
                    self.bump();
                    self.expect("(")?;
                    let init = if self.is(";") {
                        None
                    } else if self.at_type() {
                        let mut v = Vec::new();
                        self.declaration(&mut v)?;
                        Some(Box::new(Stmt::Block(v, pos)))
                    } else {
                        Some(Box::new(self.simple()?))
                    };
                    self.expect(";")?;
                    let cond = if self.is(";") {
                        None
                    } else {
                        Some(self.expr()?)
                    };
                    self.expect(";")?;
                    let step = if self.is(")") {
                        None
                    } else {
                        Some(Box::new(self.simple()?))
                    };
                    self.expect(")")?;
                    let body = self.body()?;
                    return Ok(Stmt::For(init, cond, step, body, pos));
                }
                "return" => {
                    self.bump();
                    let v = if self.is(";") {
                        None
                    } else {
                        Some(self.expr()?)
                    };
                    self.expect(";")?;
                    return Ok(Stmt::Return(v, pos));
                }
                "break" | "continue" => {
                    self.bump();
                    self.expect(";")?;
                    return Ok(if w == "break" {
                        Stmt::Break(pos)
                    } else {
                        Stmt::Continue(pos)
                    });
                }
                "else" => return self.error("a statement (`else` without `if`)"),
                _ => {}
            }
        }
        let s = self.simple()?;
        self.expect(";")?;
        Ok(s)
    }

    /// The body of `if`, `while`, `for`: one statement (a declaration there is a block of one).
    fn body(&mut self) -> Result<Box<Stmt>, ProgramError> {
        if self.at_type() {
            return self.error("a statement (a declaration needs its own `{ }` block here)");
        }
        Ok(Box::new(self.single()?))
    }

    fn paren(&mut self) -> Result<Expr, ProgramError> {
        self.expect("(")?;
        let e = self.expr()?;
        self.expect(")")?;
        Ok(e)
    }

    /// An assignment, `x++`/`x--`, or a call (no `;`).
    fn simple(&mut self) -> Result<Stmt, ProgramError> {
        let pos = self.pos();
        if self.is("++") || self.is("--") {
            let op = if self.bump().kind == Tok::Punct("++") {
                BinOp::Add
            } else {
                BinOp::Sub
            };
            let place = self.place()?;
            return Ok(Stmt::Assign(place, Some(op), Expr::Num(1, pos), pos));
        }
        let e = self.expr()?;
        if let Expr::Call(..) = e {
            if !self.is("=") {
                return Ok(Stmt::Call(e, pos));
            }
        }
        let place = match e {
            Expr::Name(n, p) => Place::Name(n, p),
            Expr::Index(a, i, p) => Place::Index(a, *i, p),
            _ => {
                return Err(ProgramError::at(pos.line, pos.col, "expected a statement: an assignment (`x = ...;`), `x++;` or a call (`writel(FSTS, ...);`)"));
            }
        };
        let op_pos = self.pos();
        let op = match self.peek() {
            Tok::Punct(p) => *p,
            _ => return self.error("`=` or `++` after the place to write"),
        };
        let compound = match op {
            "=" => None,
            "++" | "--" => {
                self.bump();
                let o = if op == "++" { BinOp::Add } else { BinOp::Sub };
                return Ok(Stmt::Assign(place, Some(o), Expr::Num(1, op_pos), pos));
            }
            "+=" => Some(BinOp::Add),
            "-=" => Some(BinOp::Sub),
            "*=" => Some(BinOp::Mul),
            "/=" => Some(BinOp::Div),
            "%=" => Some(BinOp::Rem),
            "&=" => Some(BinOp::BitAnd),
            "|=" => Some(BinOp::BitOr),
            "^=" => Some(BinOp::BitXor),
            "<<=" => Some(BinOp::Shl),
            ">>=" => Some(BinOp::Shr),
            _ => return self.error("`=` (or `+=`, `|=`, `++`, ...) after the place to write"),
        };
        self.bump();
        let v = self.expr()?;
        Ok(Stmt::Assign(place, compound, v, pos))
    }
}

/// A binary operator token's operator and precedence.
fn binop(p: &str) -> Option<(BinOp, u8)> {
    use BinOp::*;
    Some(match p {
        "||" => (Or, 1),
        "&&" => (And, 2),
        "|" => (BitOr, 3),
        "^" => (BitXor, 4),
        "&" => (BitAnd, 5),
        "==" => (Eq, 6),
        "!=" => (Ne, 6),
        "<" => (Lt, 7),
        "<=" => (Le, 7),
        ">" => (Gt, 7),
        ">=" => (Ge, 7),
        "<<" => (Shl, 8),
        ">>" => (Shr, 8),
        "+" => (Add, 9),
        "-" => (Sub, 9),
        "*" => (Mul, 10),
        "/" => (Div, 10),
        "%" => (Rem, 10),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
