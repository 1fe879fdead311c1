//! Reading JSON data into the core's types, with errors as data: every front end (the CLI's
//! config files and `--config-json`, the wasm layer's configs and options) goes through
//! [`from_value`] (or [`crate::Config::from_json`]), so a bad value is the same
//! [`ConfigError`] everywhere.
//!
//! serde's errors are taken structurally, not parsed from its English: the values are read
//! by a deserializer of [`serde_json::Value`]s (`de.rs`) whose error type (`error.rs`) records
//! which [`serde::de::Error`] constructor serde called (`invalid_type`, `invalid_value`,
//! `unknown_variant`, `unknown_field`, `missing_field`) with its arguments, and
//! `serde_path_to_error` names the field. A number the field's type cannot hold (`-1` or `2.5`
//! for a `u32`) becomes a [`Range`](crate::error::ErrorKind::Range) error with the field's real
//! range: the config's range table for a config field, else the range of its integer type.
//!
//! Numbers are read as JavaScript has them: a whole number written as a float (`8.0`) is the
//! integer.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::error::{ConfigError, FieldRange};

mod de;
mod error;

pub use de::Json;
use error::{DeError, Kind};

/// Reads `value` as a `T`. The error's `field` is the JSON path of the bad value, `root` for
/// `value` itself (and `root[i]...` below a top-level array).
pub fn from_value<T: DeserializeOwned>(value: &Value, root: &str) -> Result<T, ConfigError> {
    from_value_with(value, root, &|_, _| None)
}

/// [`from_value`], with the allowed ranges of numeric fields: `ranges(field, doc)` is the range
/// of `field` (a JSON path) given `doc`, the document with the bad value replaced by `0`, for
/// ranges that depend on other fields.
pub fn from_value_with<T: DeserializeOwned>(
    value: &Value,
    root: &str,
    ranges: &dyn Fn(&str, &Value) -> Option<FieldRange>,
) -> Result<T, ConfigError> {
    serde_path_to_error::deserialize(Json::<DeError>::new(value)).map_err(|e| {
        let mut path: Vec<Segment> = e.path().iter().cloned().collect();
        let e = e.into_inner();
        // An unknown key is named by its own path, also when the object refused it after
        // reading it (a field of another `kind` of a tagged object).
        if let Kind::UnknownField { value, .. } = &e.0 {
            if !matches!(path.last(), Some(Segment::Map { key }) if key == value) {
                path.push(Segment::Map { key: value.clone() });
            }
        }
        let field = field_name(root, &path);
        let range = || ranges(&field, &zeroed(value, &path));
        e.into_config_error(&field, range)
    })
}

/// The field at `path`: `a.b[1].c`, `root` for the value itself, `root[1].c` below a top-level
/// array.
fn field_name(root: &str, path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Seq { index } => {
                if out.is_empty() {
                    out.push_str(root);
                }
                out.push_str(&format!("[{index}]"));
            }
            Segment::Map { key: name } | Segment::Enum { variant: name } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    if out.is_empty() {
        root.to_string()
    } else {
        out
    }
}

/// `doc` with the value at `path` replaced by `0` (unchanged if the path leads nowhere).
fn zeroed(doc: &Value, path: &[Segment]) -> Value {
    let mut out = doc.clone();
    let mut cur = Some(&mut out);
    for seg in path {
        cur = match (seg, cur) {
            (Segment::Seq { index }, Some(Value::Array(a))) => a.get_mut(*index),
            (Segment::Map { key }, Some(Value::Object(m))) => m.get_mut(key.as_str()),
            _ => None,
        };
    }
    if let Some(v) = cur {
        *v = Value::from(0);
    }
    out
}

#[cfg(test)]
mod tests;
