//! Kernels as programs: `qil`, a small C-like language in which `qi_check_fault()`, the marking
//! of a caller's own slots after its wait, and `reclaim_free_desc()` are written, so that a
//! kernel version, a stable backport or a proposed fix is a text file (`core/kernels/*.qi`)
//! rather than Rust. What `qi_submit_sync()` does between them (lock, check space, write,
//! doorbell, poll, unlock-relax-lock, restart on `-EAGAIN`) stays the core's state machine
//! (`model::step`).
//!
//! A program is parsed ([`parse`]), checked and compiled once per config ([`Program::compile`])
//! into flat stack code ([`ir`]) that [`exec`] runs on the model; [`analysis`] decides from the
//! code which of the explorer's reductions stay sound for it. `docs/programs.md` is the
//! language's reference.

pub mod analysis;
pub mod ast;
pub mod cache;
pub mod compile;
pub mod exec;
pub mod fuse;
pub mod idiom;
pub mod ir;
pub mod lex;
pub mod library;
pub mod machine;
pub mod parse;
pub mod patches;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use analysis::Facts;
pub use ir::{Code, Entry};
pub use machine::{Exit, Frame, Machine};

/// An error in a program's text: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProgramError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    pub message: String,
}

impl ProgramError {
    pub fn at(line: u32, col: u32, message: impl Into<String>) -> Self {
        ProgramError {
            line,
            col,
            message: message.into(),
        }
    }
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ProgramError {}

/// A parsed and checked program: its source and its three functions.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub source: String,
    functions: Vec<ast::Function>,
    /// Index in `functions` of each [`Entry`].
    entries: [usize; 3],
}

impl Program {
    /// Parses and checks `source` (syntax, names, arities, signatures, the three functions),
    /// so that nothing that runs later meets an error a reader could have been told first.
    pub fn parse(source: &str) -> Result<Program, ProgramError> {
        let functions = parse::parse(source)?;
        let entries = compile::entries(&functions)?;
        let p = Program {
            source: source.to_string(),
            functions,
            entries,
        };
        // Every name and construct is checked by compiling once (the ring length only folds).
        p.compile(8, 0)?;
        Ok(p)
    }

    /// The function that implements `e`.
    pub fn function(&self, e: Entry) -> &ast::Function {
        &self.functions[self.entries[e as usize]]
    }

    /// The compiled program for a ring of `qi_length` and `FSTS` fault bits `bits` (those the
    /// config's faults can set), with its facts.
    pub fn compile(&self, qi_length: u32, bits: u8) -> Result<Compiled, ProgramError> {
        self.compile_with(qi_length, bits, true)
    }

    /// [`Program::compile`], with (`fused`) or without the fused instructions and loop idioms
    /// (`fuse.rs`, `idiom.rs`): the same runs either way (`core/tests/program_idioms.rs`).
    pub fn compile_with(
        &self,
        qi_length: u32,
        bits: u8,
        fused: bool,
    ) -> Result<Compiled, ProgramError> {
        let mut codes = Vec::with_capacity(3);
        for e in Entry::ALL {
            codes.push(compile::function(self.function(e), e, qi_length)?);
        }
        let mut codes: [Code; 3] = codes.try_into().expect("three entries");
        let facts = analysis::facts(&mut codes, qi_length, bits);
        if fused {
            for c in &mut codes {
                fuse::fuse(c);
            }
        }
        let max_locals = codes.iter().map(|c| c.locals.len()).max().unwrap_or(0);
        Ok(Compiled {
            codes,
            facts,
            max_locals,
        })
    }
}

/// A program compiled for one ring length: what the model runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled {
    pub codes: [Code; 3],
    pub facts: Facts,
    /// The most locals of any function (the size of a stored [`Frame`]).
    pub max_locals: usize,
}

impl Compiled {
    pub fn code(&self, e: Entry) -> &Code {
        &self.codes[e as usize]
    }
}
