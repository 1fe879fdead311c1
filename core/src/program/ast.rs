//! The syntax tree of a `qil` program, with the position of every construct (for errors and
//! for the line a run-time finding names).

/// A position in the source: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A function of the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub pos: Pos,
    /// `int` (returns a value) or `void`.
    pub returns_value: bool,
    pub params: Vec<(String, Pos)>,
    pub body: Vec<Stmt>,
    /// The lines the function spans in the source (its text, for `qisim show` and composition).
    pub lines: (u32, u32),
}

/// The arrays of the ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Array {
    /// `desc_status[i]`: one of `QI_FREE`, `QI_IN_USE`, `QI_DONE`, `QI_ABORT`.
    Status,
    /// `desc[i]`: a descriptor; only copied (`desc[i] = desc[j]`).
    Desc,
}

/// Binary operators, C's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    /// As written.
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
            Shl => "<<",
            Shr => ">>",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "&&",
            Or => "||",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Not,
    BitNot,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Num(i64, Pos),
    /// A local, a parameter, a global (`free_head`, ...) or a constant (`QI_LENGTH`, ...).
    Name(String, Pos),
    Index(Array, Box<Expr>, Pos),
    /// `readl(REG)`, `pci_device_is_present(sid)`, ...
    Call(String, Vec<Expr>, Pos),
    Unary(UnOp, Box<Expr>, Pos),
    Binary(BinOp, Box<Expr>, Box<Expr>, Pos),
    /// `c ? a : b`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>, Pos),
}

impl Expr {
    /// Where the expression starts.
    pub fn pos(&self) -> Pos {
        match self {
            Expr::Num(_, p)
            | Expr::Name(_, p)
            | Expr::Index(_, _, p)
            | Expr::Call(_, _, p)
            | Expr::Unary(_, _, p)
            | Expr::Binary(_, _, _, p)
            | Expr::Cond(_, _, _, p) => *p,
        }
    }
}

/// What an assignment writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    Name(String, Pos),
    Index(Array, Expr, Pos),
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `int x = e;` (one per declared name).
    Decl(String, Option<Expr>, Pos),
    /// `p = e;`, `p op= e;`, `p++;` (`op` is the compound operator).
    Assign(Place, Option<BinOp>, Expr, Pos),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>, Pos),
    While(Expr, Box<Stmt>, Pos),
    DoWhile(Box<Stmt>, Expr, Pos),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
        Pos,
    ),
    Return(Option<Expr>, Pos),
    Break(Pos),
    Continue(Pos),
    /// A call for its effect: `writel(FSTS, DMA_FSTS_ITE);`.
    Call(Expr, Pos),
    Block(Vec<Stmt>, Pos),
}
