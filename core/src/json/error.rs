//! The error type of the JSON reader: it implements [`serde::de::Error`] by keeping which
//! constructor serde called and its arguments, so that [`DeError::into_config_error`] can make a
//! typed [`ConfigError`] of it instead of parsing serde's English.

use std::fmt;

use serde::de::{self, Unexpected};

use crate::error::{number_text, ConfigError, FieldRange};

/// What serde was given, as its `Unexpected` says (owned).
#[derive(Clone, Debug)]
pub(super) enum Given {
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(String),
    Null,
    Array,
    Object,
    Other(String),
}

impl Given {
    fn of(u: Unexpected<'_>) -> Self {
        match u {
            Unexpected::Bool(b) => Given::Bool(b),
            Unexpected::Unsigned(n) => Given::Unsigned(n),
            Unexpected::Signed(n) => Given::Signed(n),
            Unexpected::Float(x) => Given::Float(x),
            Unexpected::Char(c) => Given::Str(c.to_string()),
            Unexpected::Str(s) => Given::Str(s.to_string()),
            Unexpected::Unit | Unexpected::Option => Given::Null,
            Unexpected::Seq => Given::Array,
            Unexpected::Map => Given::Object,
            other => Given::Other(other.to_string()),
        }
    }

    fn number(&self) -> Option<f64> {
        match *self {
            Given::Unsigned(n) => Some(n as f64),
            Given::Signed(n) => Some(n as f64),
            Given::Float(x) => Some(x),
            _ => None,
        }
    }

    /// As JSON writes it (a long string shortened).
    fn text(&self) -> String {
        match self {
            Given::Bool(b) => b.to_string(),
            Given::Unsigned(n) => n.to_string(),
            Given::Signed(n) => n.to_string(),
            Given::Float(x) => number_text(*x),
            Given::Str(s) => {
                let short: String = s.chars().take(40).collect();
                let q = serde_json::to_string(&short).unwrap_or_default();
                if short.len() < s.len() {
                    format!("{}…\"", &q[..q.len() - 1])
                } else {
                    q
                }
            }
            Given::Null => "null".into(),
            Given::Array => "an array".into(),
            Given::Object => "an object".into(),
            Given::Other(s) => s.clone(),
        }
    }
}

/// A serde error as the constructor serde called and its arguments.
#[derive(Clone, Debug)]
pub(crate) struct DeError(pub(super) Kind);

#[derive(Clone, Debug)]
pub(super) enum Kind {
    /// `invalid_type` (`wrong_type`) or `invalid_value`.
    Unexpected {
        given: Given,
        expected: String,
        wrong_type: bool,
    },
    UnknownVariant {
        value: String,
        allowed: &'static [&'static str],
    },
    UnknownField {
        value: String,
        allowed: &'static [&'static str],
    },
    MissingField(&'static str),
    Custom(String),
}

/// The whole numbers of the primitive type serde's visitor expects (its `expecting` text is
/// the type's name), or `None` when it is not an integer type.
fn type_range(expected: &str) -> Option<FieldRange> {
    let (min, max) = match expected {
        "u8" => (0.0, u8::MAX as f64),
        "u16" => (0.0, u16::MAX as f64),
        "u32" => (0.0, u32::MAX as f64),
        "u64" => (0.0, u64::MAX as f64),
        "usize" => (0.0, usize::MAX as f64),
        "i8" => (i8::MIN as f64, i8::MAX as f64),
        "i16" => (i16::MIN as f64, i16::MAX as f64),
        "i32" => (i32::MIN as f64, i32::MAX as f64),
        "i64" => (i64::MIN as f64, i64::MAX as f64),
        "isize" => (isize::MIN as f64, isize::MAX as f64),
        _ => return None,
    };
    Some(FieldRange::int(min, max))
}

/// What a field takes, in JSON's terms, from the `expecting` text of serde's visitor: the
/// primitive types' names and serde's own phrases, else that text unchanged.
fn expected_words(expected: &str) -> String {
    if type_range(expected).is_some() {
        return "a whole number".into();
    }
    match expected {
        "f32" | "f64" => "a number".into(),
        "a sequence" => "an array".into(),
        "a map" => "an object".into(),
        "string or map" => "a string or an object".into(),
        s if s.starts_with("struct ") => "an object".into(),
        s if s.starts_with("enum ") || s == "variant identifier" => "a string".into(),
        s => s.into(),
    }
}

impl DeError {
    /// The error of field `field`; `range` gives the field's allowed range (if it has one)
    /// when a number was refused.
    pub(super) fn into_config_error(
        self,
        field: &str,
        range: impl FnOnce() -> Option<FieldRange>,
    ) -> ConfigError {
        match self.0 {
            Kind::Unexpected {
                given,
                expected,
                wrong_type,
            } => {
                let numeric =
                    type_range(&expected).is_some() || matches!(&*expected, "f32" | "f64");
                if let (Some(x), true) = (given.number(), numeric) {
                    if let Some(r) = range().or_else(|| type_range(&expected)) {
                        return ConfigError::in_range(field, x, r);
                    }
                }
                if wrong_type {
                    ConfigError::wrong_type(field, &given.text(), &expected_words(&expected))
                } else {
                    ConfigError::new(field, format!("is {}, expected {expected}", given.text()))
                }
            }
            Kind::UnknownVariant { value, allowed } => {
                ConfigError::unknown_variant(field, &value, allowed)
            }
            Kind::UnknownField { value, allowed } => {
                ConfigError::unknown_field(field, &value, allowed)
            }
            Kind::MissingField(name) => ConfigError::missing_field(field, name),
            Kind::Custom(message) => ConfigError::new(field, message),
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.clone().into_config_error("", || None).message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(Kind::Custom(msg.to_string()))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError(Kind::Unexpected {
            given: Given::of(unexp),
            expected: exp.to_string(),
            wrong_type: true,
        })
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        DeError(Kind::Unexpected {
            given: Given::of(unexp),
            expected: exp.to_string(),
            wrong_type: false,
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError(Kind::UnknownVariant {
            value: variant.to_string(),
            allowed: expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError(Kind::UnknownField {
            value: field.to_string(),
            allowed: expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        DeError(Kind::MissingField(field))
    }
}
