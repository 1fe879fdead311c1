//! Mutants of the shipped kernel programs (`program_mutants.rs`, `program_idioms.rs`): every
//! comparison, constant, logical and arithmetic operator, some names and every simple
//! statement changed one at a time; only those that still compile.

use qisim_core::config::kernel::Kernel;
use qisim_core::program::lex::{lex, Tok};
use qisim_core::program::library::kernel;
use qisim_core::program::Program;

/// A mutant: what changed, where, and the text.
pub struct Mutant {
    pub what: String,
    pub line: u32,
    pub text: String,
}

/// Replaces the token at byte `at` (`len` bytes) of `src`.
fn splice(src: &str, at: usize, len: usize, with: &str) -> String {
    format!("{}{}{}", &src[..at], with, &src[at + len..])
}

/// Byte offset of (1-based) `line`, `col`.
fn offset(src: &str, line: u32, col: u32) -> usize {
    let mut off = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i as u32 + 1 == line {
            return off + col as usize - 1;
        }
        off += l.len();
    }
    src.len()
}

/// Every mutant of a shipped kernel's program that still compiles.
pub fn mutants(k: Kernel) -> Vec<Mutant> {
    let src = kernel(k.name()).unwrap().source;
    let toks = lex(src).unwrap();
    let mut out = Vec::new();
    let mut push = |what: String, line: u32, text: String| {
        if text != src && Program::parse(&text).is_ok() {
            out.push(Mutant { what, line, text });
        }
    };
    for t in &toks {
        let at = offset(src, t.line, t.col);
        match &t.kind {
            Tok::Punct(p) => {
                let swaps: &[&str] = match *p {
                    "==" => &["!="],
                    "!=" => &["=="],
                    "<" => &["<=", ">"],
                    "<=" => &["<", ">="],
                    ">" => &[">=", "<"],
                    ">=" => &[">", "<="],
                    "&&" => &["||"],
                    "||" => &["&&"],
                    "+" => &["-"],
                    "-" => &["+"],
                    "|=" => &["&="],
                    "&" => &["|"],
                    "++" => &["--"],
                    _ => &[],
                };
                for w in swaps {
                    push(
                        format!("`{p}` -> `{w}`"),
                        t.line,
                        splice(src, at, p.len(), w),
                    );
                }
            }
            Tok::Num(n) => {
                let text = &src[at..]
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .unwrap();
                for m in [n + 1, n - 1] {
                    push(
                        format!("{n} -> {m}"),
                        t.line,
                        splice(src, at, text.len(), &m.to_string()),
                    );
                }
            }
            Tok::Ident(id) => {
                let swaps: &[&str] = match id.as_str() {
                    "QI_FREE" => &["QI_DONE"],
                    "QI_IN_USE" => &["QI_DONE"],
                    "QI_DONE" => &["QI_FREE"],
                    "QI_ABORT" => &["QI_DONE"],
                    "EAGAIN" => &["EINVAL"],
                    "EINVAL" => &["EAGAIN"],
                    "ETIMEDOUT" => &["EAGAIN"],
                    "DMA_FSTS_ITE" => &["DMA_FSTS_ICE"],
                    "DMA_FSTS_IQE" => &["DMA_FSTS_ICE"],
                    "DMA_FSTS_ICE" => &["DMA_FSTS_ITE"],
                    "index" => &["wait_index"],
                    "wait_index" => &["index"],
                    "head" => &["tail"],
                    "free_tail" => &["free_head"],
                    _ => &[],
                };
                for w in swaps {
                    push(
                        format!("`{id}` -> `{w}`"),
                        t.line,
                        splice(src, at, id.len(), w),
                    );
                }
            }
            Tok::Eof => {}
        }
    }
    // Statements deleted: a line that is one simple statement (assignment, call, return).
    for (i, l) in src.lines().enumerate() {
        let t = l.trim();
        let simple = t.ends_with(';')
            && !t.starts_with("int ")
            && !t.starts_with("//")
            && !t.starts_with('}')
            && !t.starts_with("for")
            && !t.starts_with("while");
        if simple {
            let mut lines: Vec<&str> = src.lines().collect();
            lines[i] = ";";
            push(
                format!("`{t}` deleted"),
                i as u32 + 1,
                lines.join("\n") + "\n",
            );
        }
    }
    out
}
