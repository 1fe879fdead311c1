//! Typed errors: every error names the offending field and says, as data, what is wrong with it.
//!
//! A [`ConfigError`] is `{ field, kind, ...the kind's data, message }` in JSON (the kind is
//! flattened): `{"field": "submitters", "kind": "range", "value": -1, "min": 1, "max": 256, ...,
//! "message": "is -1; allowed range is 1..=256"}`. The message is made from the kind (its
//! `Display`, the one place of the wording) except for [`ErrorKind::Invalid`], whose message is
//! the whole story. The CLI prints the message; the wasm layer hands the whole object to the
//! page, which words it from the kind.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rejected configuration, option or argument: `field` is its JSON path (camelCase; `config`,
/// or the argument's name, for the value as a whole), `kind` what is wrong, `message` the same in
/// words (without the field).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigError {
    pub field: String,
    #[serde(flatten)]
    pub kind: ErrorKind,
    pub message: String,
}

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

/// The allowed values of a numeric field (see [`crate::config::field_range`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldRange {
    pub min: f64,
    pub max: f64,
    pub min_exclusive: bool,
    pub integer: bool,
}

impl FieldRange {
    /// Whole numbers `min..=max`.
    pub const fn int(min: f64, max: f64) -> Self {
        FieldRange {
            min,
            max,
            min_exclusive: false,
            integer: true,
        }
    }

    /// Any finite number in `min..=max`.
    pub const fn real(min: f64, max: f64) -> Self {
        FieldRange {
            min,
            max,
            min_exclusive: false,
            integer: false,
        }
    }

    /// Any finite number above `min` and at most `max`.
    pub const fn above(min: f64, max: f64) -> Self {
        FieldRange {
            min,
            max,
            min_exclusive: true,
            integer: false,
        }
    }

    /// Whether `v` is allowed.
    pub fn contains(&self, v: f64) -> bool {
        let low = if self.min_exclusive {
            v > self.min
        } else {
            v >= self.min
        };
        v.is_finite() && low && v <= self.max && (!self.integer || v.fract() == 0.0)
    }

    /// `Ok` when `v` is allowed, else the range error of `field`.
    pub fn check(&self, field: &str, v: f64) -> Result<(), ConfigError> {
        if self.contains(v) {
            Ok(())
        } else {
            Err(ConfigError::in_range(field, v, *self))
        }
    }
}

impl ConfigError {
    /// An error of kind [`ErrorKind::Invalid`]: `message` says what is wrong and what is allowed.
    pub fn new(field: &str, message: String) -> Self {
        ConfigError {
            field: field.to_string(),
            kind: ErrorKind::Invalid,
            message,
        }
    }

    /// An error of `kind`, worded by the kind.
    pub fn of(field: &str, kind: ErrorKind) -> Self {
        ConfigError {
            field: field.to_string(),
            message: kind.to_string(),
            kind,
        }
    }

    /// The same error with a message of its own (the kind stays the data).
    pub fn with_message(mut self, message: String) -> Self {
        self.message = message;
        self
    }

    /// `value` is not a whole number in `min..=max`.
    pub fn range(field: &str, value: f64, min: f64, max: f64) -> Self {
        Self::in_range(field, value, FieldRange::int(min, max))
    }

    /// `value` is outside `range`.
    pub fn in_range(field: &str, value: f64, range: FieldRange) -> Self {
        Self::of(
            field,
            ErrorKind::Range {
                value,
                min: range.min,
                max: range.max,
                min_exclusive: range.min_exclusive,
                integer: range.integer,
            },
        )
    }

    /// `value` names none of `allowed`.
    pub fn unknown_variant(field: &str, value: &str, allowed: &[&str]) -> Self {
        Self::of(
            field,
            ErrorKind::UnknownVariant {
                value: value.to_string(),
                allowed: allowed.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    /// Object `field` has a key `value` that is none of `allowed`.
    pub fn unknown_field(field: &str, value: &str, allowed: &[&str]) -> Self {
        Self::of(
            field,
            ErrorKind::UnknownField {
                value: value.to_string(),
                allowed: allowed.iter().map(|s| s.to_string()).collect(),
            },
        )
    }

    /// Object `field` lacks its required field `name`.
    pub fn missing_field(field: &str, name: &str) -> Self {
        Self::of(
            field,
            ErrorKind::MissingField {
                name: name.to_string(),
            },
        )
    }

    /// `field` is `value` (as written in JSON), not `expected`.
    pub fn wrong_type(field: &str, value: &str, expected: &str) -> Self {
        Self::of(
            field,
            ErrorKind::WrongType {
                value: value.to_string(),
                expected: expected.to_string(),
            },
        )
    }

    /// `field` makes `count` items `what`, more than `max` (e.g. `gives 2000000 workload
    /// combinations; at most 1000000 are allowed`).
    pub fn too_big(field: &str, count: f64, max: u64, what: &str) -> Self {
        Self::of(
            field,
            ErrorKind::TooBig {
                count: count.min(f64::MAX),
                max,
                what: what.to_string(),
                base: None,
                exponent: None,
            },
        )
    }

    /// `field` makes `base^exponent` items `what`, more than `max` (e.g. `gives 3^16 = 43046721
    /// workload combinations; at most 1000000 are allowed`).
    pub fn too_big_power(field: &str, base: u64, exponent: u64, max: u64, what: &str) -> Self {
        let count = (base as f64).powf(exponent as f64).min(f64::MAX);
        Self::of(
            field,
            ErrorKind::TooBig {
                count,
                max,
                what: what.to_string(),
                base: Some(base),
                exponent: Some(exponent),
            },
        )
    }

    /// A kernel program that does not compile (the parser's or compiler's error).
    pub fn program(field: &str, e: &crate::program::ProgramError) -> Self {
        Self::of(
            field,
            ErrorKind::Program {
                line: e.line,
                col: e.col,
                reason: e.message.clone(),
            },
        )
    }
}

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

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid config: `{}` {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A replay string that does not parse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayError {
    /// Byte offset in the replay string.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid replay string at position {}: {}",
            self.position, self.message
        )
    }
}

impl std::error::Error for ReplayError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_kind_is_flat_in_json_and_reads_back() {
        let e = ConfigError::unknown_variant("policy", "bogus", &["legacy", "fixed"]);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            json!({"field": "policy", "kind": "unknownVariant", "value": "bogus",
                   "allowed": ["legacy", "fixed"],
                   "message": "is unknown variant `bogus`, expected one of `legacy`, `fixed`"})
        );
        assert_eq!(serde_json::from_value::<ConfigError>(v).unwrap(), e);
        let e = ConfigError::new("faults", "needs async hardware".into());
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"field": "faults", "kind": "invalid", "message": "needs async hardware"})
        );
        assert_eq!(
            e.to_string(),
            "invalid config: `faults` needs async hardware"
        );
    }

    #[test]
    fn each_kind_words_its_message() {
        let m = |e: ConfigError| e.message;
        assert_eq!(
            m(ConfigError::range("qiLength", 3.0, 4.0, 65536.0)),
            "is 3; allowed range is 4..=65536"
        );
        assert_eq!(
            m(ConfigError::in_range("x", 0.0, FieldRange::above(0.0, 1e6))),
            "is 0; allowed range is >0 and <=1000000"
        );
        assert_eq!(
            m(ConfigError::in_range(
                "x",
                f64::NAN,
                FieldRange::real(0.0, 1.0)
            )),
            "is NaN; allowed range is 0..=1"
        );
        assert_eq!(
            m(ConfigError::unknown_field(
                "scheduler.depth",
                "depth",
                &["kind"]
            )),
            "is an unknown field, expected `kind`"
        );
        assert_eq!(
            m(ConfigError::missing_field("scheduler", "choices")),
            "is missing field `choices`"
        );
        assert_eq!(
            m(ConfigError::wrong_type(
                "qiLength",
                "\"eight\"",
                "a whole number"
            )),
            "is \"eight\", expected a whole number"
        );
        assert_eq!(
            m(ConfigError::too_big(
                "counts",
                2e6,
                1_000_000,
                "workload combinations"
            )),
            "gives 2000000 workload combinations; at most 1000000 are allowed"
        );
        assert_eq!(
            m(ConfigError::too_big_power(
                "counts",
                3,
                16,
                1_000_000,
                "workload combinations"
            )),
            "gives 3^16 = 43046721 workload combinations; at most 1000000 are allowed"
        );
        let huge = ConfigError::too_big_power("counts", 3, 1000, 1_000_000, "x");
        assert_eq!(huge.message, "gives 3^1000 x; at most 1000000 are allowed");
        // Still a number in JSON (not `null`).
        assert!(serde_json::to_value(&huge).unwrap()["count"].is_number());
        assert_eq!(
            m(ConfigError::too_big_power("counts", 3, 70, 1_000_000, "x")),
            "gives 3^70 (about 2.5e33) x; at most 1000000 are allowed"
        );
        let p = crate::program::ProgramError::at(3, 7, "expected `;`");
        assert_eq!(
            m(ConfigError::program("program", &p)),
            "does not compile: line 3, column 7: expected `;`"
        );
    }

    #[test]
    fn numbers_are_written_in_full_or_with_an_exponent() {
        assert_eq!(number_text(u64::MAX as f64), "18446744073709551615");
        assert_eq!(number_text(1e13), "10000000000000");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(number_text(-1.0), "-1");
        assert_eq!(number_text(1e20), "1e20");
        assert_eq!(number_text(f64::INFINITY), "Infinity");
        assert_eq!(number_text(f64::NAN), "NaN");
    }
}
