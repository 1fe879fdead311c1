//! Typed errors: every error names the offending field and says, as data, what is wrong with it.
//!
//! A [`ConfigError`] is `{ field, kind, ...the kind's data, message }` in JSON (the kind is
//! flattened): `{"field": "submitters", "kind": "range", "value": -1, "min": 1, "max": 256, ...,
//! "message": "is -1; allowed range is 1..=256"}`. The message is made from the kind (its
//! `Display`, in `kind.rs`, the one place of the wording) except for [`ErrorKind::Invalid`],
//! whose message is the whole story. The CLI prints the message; the wasm layer hands the whole
//! object to the page, which words it from the kind.

use serde::{Deserialize, Serialize};
use std::fmt;

mod kind;

pub use kind::{number_text, ErrorKind};

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
mod tests;
