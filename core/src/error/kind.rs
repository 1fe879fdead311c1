//! What is wrong with a field, as data ([`ErrorKind`]), and its wording: the kind's `Display`
//! is the one place a message is made, so the CLI's text and the page's data cannot drift.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What is wrong with a field. Serialised with a `kind` tag next to the data (no nesting).
/// Equality compares numbers by their bits, so an error about a `NaN` equals itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ErrorKind {
    /// A number outside `min..=max` (`>min` when `minExclusive`), or, when `integer`, not a
    /// whole number. `value` is `null` in JSON when it is not finite.
    Range {
        value: f64,
        min: f64,
        max: f64,
        min_exclusive: bool,
        /// The field takes whole numbers only.
        integer: bool,
    },
    /// A string that names none of the `allowed` variants (`policy: "bogus"`).
    UnknownVariant { value: String, allowed: Vec<String> },
    /// An object key `value` that is none of the object's `allowed` fields; `field` is the
    /// key's path (`workload.count`: the object is `field` without its last part).
    UnknownField { value: String, allowed: Vec<String> },
    /// Field `name` of the object `field` is required and absent (or the argument `field` is).
    MissingField { name: String },
    /// A value of the wrong JSON type: `value` is what was given (a JSON scalar as written, or
    /// `an array`, `an object`), `expected` what the field takes (`a whole number`, `a number`,
    /// `a string`, `a boolean`, `an object`, `an array`, ...).
    WrongType { value: String, expected: String },
    /// A request that makes `count` items `what` (e.g. `workload combinations`), more than `max`.
    /// When the count is a power, `base` and `exponent` are given (`count` = `base^exponent`,
    /// the largest finite number if that overflows).
    TooBig {
        count: f64,
        max: u64,
        what: String,
        base: Option<u64>,
        exponent: Option<u64>,
    },
    /// A kernel program that does not parse or compile, at 1-based `line` and `col`.
    Program { line: u32, col: u32, reason: String },
    /// Anything else: the message says it.
    Invalid,
}

impl PartialEq for ErrorKind {
    fn eq(&self, other: &Self) -> bool {
        use ErrorKind::*;
        let same = |a: &f64, b: &f64| a.to_bits() == b.to_bits();
        match (self, other) {
            (
                Range {
                    value: v,
                    min: lo,
                    max: hi,
                    min_exclusive: x,
                    integer: i,
                },
                Range {
                    value: v2,
                    min: lo2,
                    max: hi2,
                    min_exclusive: x2,
                    integer: i2,
                },
            ) => same(v, v2) && same(lo, lo2) && same(hi, hi2) && x == x2 && i == i2,
            (
                UnknownVariant { value, allowed },
                UnknownVariant {
                    value: v2,
                    allowed: a2,
                },
            )
            | (
                UnknownField { value, allowed },
                UnknownField {
                    value: v2,
                    allowed: a2,
                },
            ) => value == v2 && allowed == a2,
            (MissingField { name }, MissingField { name: n2 }) => name == n2,
            (
                WrongType { value, expected },
                WrongType {
                    value: v2,
                    expected: e2,
                },
            ) => value == v2 && expected == e2,
            (
                TooBig {
                    count,
                    max,
                    what,
                    base,
                    exponent,
                },
                TooBig {
                    count: c2,
                    max: m2,
                    what: w2,
                    base: b2,
                    exponent: e2,
                },
            ) => same(count, c2) && max == m2 && what == w2 && base == b2 && exponent == e2,
            (
                Program { line, col, reason },
                Program {
                    line: l2,
                    col: c2,
                    reason: r2,
                },
            ) => line == l2 && col == c2 && reason == r2,
            (Invalid, Invalid) => true,
            _ => false,
        }
    }
}

impl Eq for ErrorKind {}

/// A number as the messages write it: whole numbers in full (also `u64::MAX`, which `f64`
/// rounds), very large or small ones with an exponent, infinities as JavaScript does.
pub fn number_text(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if x == u64::MAX as f64 {
        return u64::MAX.to_string();
    }
    if x == i64::MIN as f64 {
        return i64::MIN.to_string();
    }
    if x != 0.0 && x.is_finite() && (x.abs() >= 1e16 || x.abs() < 1e-6) {
        return format!("{x:e}");
    }
    format!("{x}")
}

/// `` `a` ``, or `` one of `a`, `b` ``.
fn one_of(allowed: &[String], none: &str) -> String {
    match allowed {
        [] => none.to_string(),
        [one] => format!("`{one}`"),
        _ => format!(
            "one of {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The message of a kind (the predicate after the field's name).
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Range {
                value,
                min,
                max,
                min_exclusive,
                integer,
            } => {
                write!(f, "is {}", number_text(*value))?;
                if *integer && value.is_finite() && value.fract() != 0.0 {
                    write!(f, ", not a whole number")?;
                }
                let (min, max) = (number_text(*min), number_text(*max));
                if *min_exclusive {
                    write!(f, "; allowed range is >{min} and <={max}")
                } else {
                    write!(f, "; allowed range is {min}..={max}")
                }
            }
            ErrorKind::UnknownVariant { value, allowed } => write!(
                f,
                "is unknown variant `{value}`, expected {}",
                one_of(allowed, "none (there are no variants)")
            ),
            // The field is the key's path: the message need not repeat the key.
            ErrorKind::UnknownField { allowed, .. } => write!(
                f,
                "is an unknown field, expected {}",
                one_of(allowed, "none (there are no fields)")
            ),
            ErrorKind::MissingField { name } => write!(f, "is missing field `{name}`"),
            ErrorKind::WrongType { value, expected } => {
                write!(f, "is {value}, expected {expected}")
            }
            ErrorKind::TooBig {
                count,
                max,
                what,
                base,
                exponent,
            } => {
                let exact = count.fract() == 0.0 && *count <= (1u64 << 53) as f64;
                let n = if exact {
                    format!("{count}")
                } else {
                    format!("about {count:.1e}")
                };
                match (base, exponent) {
                    // Beyond f64: the power says it all.
                    (Some(b), Some(e)) if *count == f64::MAX => write!(f, "gives {b}^{e}")?,
                    (Some(b), Some(e)) if exact => write!(f, "gives {b}^{e} = {n}")?,
                    (Some(b), Some(e)) => write!(f, "gives {b}^{e} ({n})")?,
                    _ => write!(f, "gives {n}")?,
                }
                write!(f, " {what}; at most {max} are allowed")
            }
            ErrorKind::Program { line, col, reason } => {
                write!(f, "does not compile: line {line}, column {col}: {reason}")
            }
            ErrorKind::Invalid => write!(f, "is invalid"),
        }
    }
}
