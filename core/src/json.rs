//! Reading JSON data into the core's types, with errors as data: every front end (the CLI's
//! config files and `--config-json`, the wasm layer's configs and options) goes through
//! [`from_value`] (or [`crate::Config::from_json`]), so a bad value is the same
//! [`ConfigError`] everywhere.
//!
//! serde's errors are taken structurally, not parsed from its English: the values are read
//! by a deserializer of [`serde_json::Value`]s whose error type records which
//! [`serde::de::Error`] constructor serde called (`invalid_type`, `invalid_value`,
//! `unknown_variant`, `unknown_field`, `missing_field`) with its arguments, and
//! `serde_path_to_error` names the field. A number the field's type cannot hold (`-1` or `2.5`
//! for a `u32`) becomes a [`Range`](crate::error::ErrorKind::Range) error with the field's real range: the config's
//! range table for a config field, else the range of its integer type.
//!
//! Numbers are read as JavaScript has them: a whole number written as a float (`8.0`) is the
//! integer.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::Value;
use serde_path_to_error::Segment;

use crate::error::{number_text, ConfigError, FieldRange};

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

/// What serde was given, as its `Unexpected` says (owned).
#[derive(Clone, Debug)]
enum Given {
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
pub(crate) struct DeError(Kind);

#[derive(Clone, Debug)]
enum Kind {
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
    fn into_config_error(
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

/// A deserializer of a borrowed JSON value, generic over its error type (serde_json's own
/// `Value` deserializer is fixed to `serde_json::Error`, which keeps only a message).
pub struct Json<'de, E> {
    value: &'de Value,
    error: PhantomData<E>,
}

impl<'de, E> Json<'de, E> {
    pub fn new(value: &'de Value) -> Self {
        Json {
            value,
            error: PhantomData,
        }
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, x) => Unexpected::Float(x.unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Json<'de, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, E: de::Error> de::Deserializer<'de> for Json<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    let x = n.as_f64().unwrap_or(f64::NAN);
                    // A whole number written as a float is that integer (as in JavaScript).
                    if x.fract() == 0.0 && x >= 0.0 && x < u64::MAX as f64 {
                        visitor.visit_u64(x as u64)
                    } else if x.fract() == 0.0 && x >= i64::MIN as f64 && x < 0.0 {
                        visitor.visit_i64(x as i64)
                    } else {
                        visitor.visit_f64(x)
                    }
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => {
                let mut seq = SeqDeserializer::new(a.iter().map(Json::new));
                let v = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(v)
            }
            Value::Object(m) => {
                let mut map =
                    MapDeserializer::new(m.iter().map(|(k, v)| (k.as_str(), Json::new(v))));
                let v = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(v)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.value {
            Value::String(s) => visitor.visit_enum(StrDeserializer::<E>::new(s)),
            Value::Object(m) if m.len() == 1 => {
                let (variant, value) = m.iter().next().expect("one entry");
                visitor.visit_enum(Variant {
                    variant,
                    value: Json::<E>::new(value),
                })
            }
            v => Err(E::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// An externally tagged enum value `{"variant": value}`.
struct Variant<'de, E> {
    variant: &'de str,
    value: Json<'de, E>,
}

impl<'de, E: de::Error> de::EnumAccess<'de> for Variant<'de, E> {
    type Error = E;
    type Variant = Json<'de, E>;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Json<'de, E>), E> {
        let v = seed.deserialize(StrDeserializer::<E>::new(self.variant))?;
        Ok((v, self.value))
    }
}

impl<'de, E: de::Error> de::VariantAccess<'de> for Json<'de, E> {
    type Error = E;

    fn unit_variant(self) -> Result<(), E> {
        match self.value {
            Value::Null => Ok(()),
            v => Err(E::invalid_type(unexpected(v), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, E> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, E> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::Config;
    use serde::Deserialize;
    use serde_json::json;

    /// The error of config JSON `v` (read, then validated).
    fn err(v: Value) -> ConfigError {
        match Config::from_json(&v) {
            Err(e) => e,
            Ok(cfg) => cfg.validate().expect_err(&v.to_string()),
        }
    }

    fn range(e: &ConfigError) -> (f64, f64, f64, bool) {
        match e.kind {
            ErrorKind::Range {
                value,
                min,
                max,
                integer,
                ..
            } => (value, min, max, integer),
            ref k => panic!("{e}: kind {k:?}, not a range"),
        }
    }

    #[test]
    fn a_negative_cpu_count_has_the_validators_range() {
        let e = err(json!({"submitters": -1}));
        assert_eq!(e.field, "submitters");
        assert_eq!(range(&e), (-1.0, 1.0, 256.0, true));
        assert_eq!(e.message, "is -1; allowed range is 1..=256");
        // The same range as the validator's for 0.
        let zero = err(json!({"submitters": 0}));
        assert_eq!(range(&zero).1..=range(&zero).2, 1.0..=256.0);
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({"field": "submitters", "kind": "range", "value": -1.0, "min": 1.0,
                   "max": 256.0, "minExclusive": false, "integer": true,
                   "message": "is -1; allowed range is 1..=256"})
        );
    }

    #[test]
    fn a_float_for_an_integer_is_a_range_error_saying_so() {
        let e = err(json!({"submitters": 2.5}));
        assert_eq!(range(&e), (2.5, 1.0, 256.0, true));
        assert_eq!(
            e.message,
            "is 2.5, not a whole number; allowed range is 1..=256"
        );
        let e = err(json!({"workload": {"batch": {"kind": "uniform", "min": 0, "max": 1.5}}}));
        assert_eq!(e.field, "workload.batch.max");
        assert_eq!(range(&e), (1.5, 0.0, 254.0, true));
        // Too big for the type: the validator's range too.
        let e = err(json!({"qiLength": 5_000_000_000u64}));
        assert_eq!(range(&e), (5e9, 4.0, 65536.0, true));
        // A whole number written as a float is that number.
        let cfg = Config::from_json(&json!({"qiLength": 8.0, "seed": 1e3})).unwrap();
        assert_eq!((cfg.qi_length, cfg.seed), (8, 1000));
    }

    #[test]
    fn ranges_that_depend_on_other_fields_read_them() {
        let e = err(json!({"qiLength": 8, "workload": {"batch": {"kind": "fixed", "count": -1}}}));
        assert_eq!(e.field, "workload.batch.count");
        assert_eq!(range(&e), (-1.0, 0.0, 6.0, true));
        let e = err(json!({"workload": {"batch": {"kind": "uniform", "min": -1, "max": 3}}}));
        assert_eq!(range(&e), (-1.0, 0.0, 3.0, true));
        let e = err(json!({"qiLength": 16, "fetchDepth": -3}));
        assert_eq!(range(&e), (-3.0, 0.0, 16.0, true));
        let e = err(json!({"qiLength": 16, "perSubmitter": [
            {}, {"batch": {"kind": "sequence", "counts": [1, -2]}}]}));
        assert_eq!(e.field, "perSubmitter[1].batch.counts[1]");
        assert_eq!(range(&e), (-2.0, 0.0, 14.0, true));
        // Validated the same way.
        let e = err(json!({"qiLength": 16, "submitters": 2, "perSubmitter": [
            {}, {"batch": {"kind": "sequence", "counts": [1, 15]}}]}));
        assert_eq!(e.field, "perSubmitter[1].batch.counts[1]");
        assert_eq!(range(&e), (15.0, 0.0, 14.0, true));
        // Another bad field: the ranges of the defaults.
        let e = err(json!({"qiLength": "x", "fetchDepth": -3}));
        assert_eq!(range(&e), (-3.0, 0.0, 256.0, true));
    }

    #[test]
    fn a_field_without_a_row_has_its_types_range() {
        let e = err(json!({"seed": -1}));
        assert_eq!(range(&e), (-1.0, 0.0, u64::MAX as f64, true));
        assert_eq!(
            e.message,
            "is -1; allowed range is 0..=18446744073709551615"
        );
        let e = err(json!({"faults": {"maxFaults": 1e10}}));
        assert_eq!(e.field, "faults.maxFaults");
        assert_eq!(range(&e), (1e10, 0.0, u32::MAX as f64, true));
        let e = from_value::<Vec<u32>>(&json!([1, -1]), "counts").unwrap_err();
        assert_eq!(e.field, "counts[1]");
        assert_eq!(range(&e), (-1.0, 0.0, u32::MAX as f64, true));
    }

    #[test]
    fn an_unknown_policy_lists_the_allowed_ones() {
        let e = err(json!({"policy": "bogus"}));
        assert_eq!(e.field, "policy");
        assert_eq!(
            e.kind,
            ErrorKind::UnknownVariant {
                value: "bogus".into(),
                allowed: vec!["legacy".into(), "fixed".into()],
            }
        );
        assert_eq!(
            e.message,
            "is unknown variant `bogus`, expected one of `legacy`, `fixed`"
        );
        let e = err(json!({"scheduler": {"kind": "fifo"}}));
        assert_eq!(e.field, "scheduler.kind");
        assert!(
            matches!(&e.kind, ErrorKind::UnknownVariant { allowed, .. } if allowed.len() == 4),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_field_is_named_by_its_path() {
        let e = err(json!({"qiLength": 8, "ringSize": 4}));
        assert_eq!(e.field, "ringSize");
        match &e.kind {
            ErrorKind::UnknownField { value, allowed } => {
                assert_eq!(value, "ringSize");
                assert!(allowed.iter().any(|a| a == "qiLength"), "{allowed:?}");
            }
            k => panic!("{k:?}"),
        }
        assert!(e
            .message
            .starts_with("is an unknown field, expected one of `"));
        let e = err(json!({"workload": {"count": 1}}));
        assert_eq!(e.field, "workload.count");
        assert!(matches!(&e.kind, ErrorKind::UnknownField { value, .. } if value == "count"));
        // A field of another scheduler kind: the kind's own fields are the allowed ones.
        let e = err(json!({"scheduler": {"kind": "random", "depth": 2}}));
        assert_eq!(e.field, "scheduler.depth");
        assert_eq!(
            e.kind,
            ErrorKind::UnknownField {
                value: "depth".into(),
                allowed: vec!["kind".into(), "hwWeight".into()],
            }
        );
    }

    #[test]
    fn a_missing_tag_or_field_is_named() {
        let e = err(json!({"scheduler": {"depth": 2}}));
        assert_eq!(e.field, "scheduler");
        assert_eq!(
            e.kind,
            ErrorKind::MissingField {
                name: "kind".into()
            }
        );
        assert_eq!(e.message, "is missing field `kind`");
        let e = err(json!({"scheduler": {"kind": "replay"}}));
        assert_eq!(
            e.kind,
            ErrorKind::MissingField {
                name: "choices".into()
            }
        );
        let e = err(json!({"perSubmitter": [{"batch": {"kind": "uniform", "max": 2}}]}));
        assert_eq!(e.field, "perSubmitter[0].batch");
        assert_eq!(e.kind, ErrorKind::MissingField { name: "min".into() });
    }

    #[test]
    fn a_value_of_the_wrong_type() {
        let wrong = |v: Value| {
            let e = err(v);
            match e.kind {
                ErrorKind::WrongType { value, expected } => (e.field, value, expected),
                k => panic!("{k:?}"),
            }
        };
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            wrong(json!({"qiLength": "eight"})),
            s("qiLength", "\"eight\"", "a whole number")
        );
        assert_eq!(
            wrong(json!({"scheduler": {"kind": "random", "hwWeight": null}})),
            s("scheduler.hwWeight", "null", "a number")
        );
        assert_eq!(
            wrong(json!({"scheduler": {"kind": "timed", "costs": {"lockNs": "fast"}}})),
            s("scheduler.costs.lockNs", "\"fast\"", "a whole number")
        );
        assert_eq!(wrong(json!({"trace": 1})), s("trace", "1", "a boolean"));
        assert_eq!(
            wrong(json!({"workload": 5})),
            s("workload", "5", "an object")
        );
        assert_eq!(wrong(json!({"policy": 2})), s("policy", "2", "a string"));
        assert_eq!(wrong(json!("x")), s("config", "\"x\"", "an object"));
        let e = err(json!({"program": 5}));
        assert_eq!(e.message, "is 5, expected a string");
    }

    #[test]
    fn too_big_program_and_invalid_come_from_the_validator() {
        let e = err(json!({"workload": {"batch": {"kind": "sequence",
            "counts": vec![1; crate::config::MAX_SEQUENCE + 1]}}}));
        assert_eq!(e.field, "workload.batch.counts");
        assert!(
            matches!(e.kind, ErrorKind::TooBig { count, max: 1_000_000, .. } if count == 1_000_001.0),
            "{e}"
        );
        assert_eq!(
            e.message,
            "gives 1000001 entries; at most 1000000 are allowed"
        );
        let e = err(json!({"program": "fn mark(\n  oops"}));
        assert_eq!(e.field, "program");
        assert!(
            matches!(
                e.kind,
                ErrorKind::Program {
                    line: 1..,
                    col: 1..,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.message.starts_with("does not compile: line "), "{e}");
        let e = err(json!({"submitters": 3, "perSubmitter": [{}, {}]}));
        assert_eq!(
            (e.field.as_str(), &e.kind),
            ("perSubmitter", &ErrorKind::Invalid)
        );
        let e = Config::from_json_str("{").unwrap_err();
        assert_eq!((e.field.as_str(), &e.kind), ("config", &ErrorKind::Invalid));
        assert!(e.message.contains("line 1"), "{e}");
    }

    #[test]
    fn the_reader_takes_what_serde_json_takes() {
        #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
        enum E {
            A,
            B(u32),
            C { x: u8 },
            D(u8, i8),
        }
        #[derive(Debug, PartialEq, Deserialize, serde::Serialize)]
        #[serde(tag = "t")]
        enum Tagged {
            P { y: Option<f64> },
        }
        let v = json!([["A", {"B": 3}, {"C": {"x": 4}}, {"D": [1, -1]}],
                       [{"t": "P", "y": null}, {"t": "P", "y": 2}], "text", [1, 2]]);
        type T = (Vec<E>, Vec<Tagged>, String, (u8, u64));
        assert_eq!(
            from_value::<T>(&v, "v").unwrap(),
            serde_json::from_value::<T>(v.clone()).unwrap()
        );
        let e = from_value::<Vec<E>>(&json!([{"B": -1}]), "v").unwrap_err();
        assert_eq!(e.field, "v[0].B");
        let e = from_value::<Vec<E>>(&json!(["Z"]), "v").unwrap_err();
        assert!(matches!(e.kind, ErrorKind::UnknownVariant { .. }), "{e}");
        // Every valid config reads back the same.
        let cfg = Config {
            per_submitter: vec![crate::Workload::default(); 2],
            scheduler: crate::SchedulerConfig::Pct { depth: 2, steps: 9 },
            kernel: Some(crate::config::kernel::Kernel::V6_9),
            ..Config::default()
        };
        let back = Config::from_json(&serde_json::to_value(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
    }
}
