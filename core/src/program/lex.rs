//! The lexer of `qil`: C's tokens, `//` and `/* */` comments, decimal and hexadecimal numbers.

use super::ProgramError;

/// One token and where it starts (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Tok,
    pub line: u32,
    pub col: u32,
}

/// Token kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Ident(String),
    Num(i64),
    /// Punctuation and operators, as written (`==`, `->`, `{`, ...).
    Punct(&'static str),
    Eof,
}

impl Tok {
    /// How an error message names the token.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Num(n) => format!("the number {n}"),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Eof => "the end of the program".into(),
        }
    }
}

/// Longest first, so `<<=` wins over `<<` and `<`.
const PUNCT: [&str; 44] = [
    "<<=", ">>=", "->", "++", "--", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=", "-=",
    "*=", "/=", "%=", "&=", "|=", "^=", "{", "}", "(", ")", "[", "]", ";", ",", "=", "<", ">", "+",
    "-", "*", "/", "%", "&", "|", "^", "!", "~", "?", ":",
];

/// Splits `src` into tokens, ending with [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, ProgramError> {
    let bytes = src.as_bytes();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let mut out = Vec::new();
    // Advances over `n` bytes of one line.
    macro_rules! skip {
        ($n:expr) => {{
            i += $n;
            col += $n as u32;
        }};
    }
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            i += 1;
            line += 1;
            col = 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            skip!(1);
            continue;
        }
        if src[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                skip!(1);
            }
            continue;
        }
        if src[i..].starts_with("/*") {
            let (l0, c0) = (line, col);
            skip!(2);
            loop {
                if i >= bytes.len() {
                    return Err(ProgramError::at(
                        l0,
                        c0,
                        "a comment that starts here never ends (no `*/`)",
                    ));
                }
                if src[i..].starts_with("*/") {
                    skip!(2);
                    break;
                }
                if bytes[i] == b'\n' {
                    i += 1;
                    line += 1;
                    col = 1;
                } else {
                    skip!(1);
                }
            }
            continue;
        }
        let (l0, c0) = (line, col);
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                skip!(1);
            }
            out.push(Token {
                kind: Tok::Ident(src[start..i].to_string()),
                line: l0,
                col: c0,
            });
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                skip!(1);
            }
            let text = &src[start..i];
            let digits = text.trim_end_matches(['u', 'U', 'l', 'L']);
            let parsed = if let Some(h) = digits
                .strip_prefix("0x")
                .or_else(|| digits.strip_prefix("0X"))
            {
                i64::from_str_radix(h, 16)
            } else {
                digits.parse::<i64>()
            };
            let n = parsed.map_err(|_| {
                ProgramError::at(l0, c0, format!("`{text}` is not a number this language reads (decimal or 0x hexadecimal, at most 2^63 - 1)"))
            })?;
            out.push(Token {
                kind: Tok::Num(n),
                line: l0,
                col: c0,
            });
            continue;
        }
        match PUNCT.iter().find(|p| src[i..].starts_with(**p)) {
            Some(p) => {
                skip!(p.len());
                out.push(Token {
                    kind: Tok::Punct(p),
                    line: l0,
                    col: c0,
                });
            }
            None => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ProgramError::at(
                    l0,
                    c0,
                    format!("unexpected character `{ch}`"),
                ));
            }
        }
    }
    out.push(Token {
        kind: Tok::Eof,
        line,
        col,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_position() {
        let t = lex("a <<= 0x10; // c\n /* x\n */ b->c").unwrap();
        let kinds: Vec<_> = t.iter().map(|t| t.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Ident("a".into()),
                Tok::Punct("<<="),
                Tok::Num(16),
                Tok::Punct(";"),
                Tok::Ident("b".into()),
                Tok::Punct("->"),
                Tok::Ident("c".into()),
                Tok::Eof
            ]
        );
        assert_eq!((t[4].line, t[4].col), (3, 5));
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let e = lex("a\n  @").unwrap_err();
        assert_eq!((e.line, e.col), (2, 3));
        let e = lex("/* open").unwrap_err();
        assert!(e.message.contains("never ends"), "{e}");
        assert!(lex("99999999999999999999").is_err());
    }
}
