//! Crossing the boundary: JS values to the core's types and back, and the JS errors that name
//! the bad field. Every binding goes through these.

use qisim_core::{Config, ConfigError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `Number.MAX_SAFE_INTEGER`: larger integers do not survive a trip through a JS number.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A JS `Error` carrying `e` as data: every key of the serialised [`ConfigError`] is a
/// property (`field`, `kind`, and the kind's own: `value`, `min`, `max`, `minExclusive`,
/// `integer`, `allowed`, `name`, `expected`, `count`, `what`, `line`, `col`, ...), `detail` is
/// the core's message (without the field), and `message` is `message` (the whole sentence,
/// naming the field).
pub(crate) fn js_error(e: &ConfigError, message: &str) -> JsValue {
    let js = js_sys::Error::new(message);
    if let Ok(data) = e.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        if let Some(obj) = data.dyn_ref::<js_sys::Object>() {
            for entry in js_sys::Object::entries(obj).iter() {
                let pair = js_sys::Array::from(&entry);
                let key = pair.get(0);
                if key.as_string().as_deref() == Some("message") {
                    continue;
                }
                // Setting a property on a fresh Error object cannot fail.
                let _ = js_sys::Reflect::set(&js, &key, &pair.get(1));
            }
        }
    }
    let _ = js_sys::Reflect::set(
        &js,
        &JsValue::from_str("detail"),
        &JsValue::from_str(&e.message),
    );
    js.into()
}

/// A JS `Error` with `message` about `field`, of kind `invalid` (the message says it all).
pub(crate) fn error(field: &str, message: &str) -> JsValue {
    js_error(&ConfigError::new(field, message.to_string()), message)
}

/// A core error as a JS error: `invalid {what}: `field` {message}`, with the error's data.
pub(crate) fn config_error(what: &str, e: &ConfigError) -> JsValue {
    js_error(e, &format!("invalid {what}: `{}` {}", e.field, e.message))
}

/// A core error as a JS error: `what` when it names one of `ours` (the call's own arguments),
/// else the config.
pub(crate) fn error_of(e: &ConfigError, ours: &[&str], what: &str) -> JsValue {
    let what = if ours.contains(&e.field.as_str()) {
        what
    } else {
        "config"
    };
    config_error(what, e)
}

/// Converts a JS value into JSON data, rejecting what JSON cannot hold exactly: `NaN`,
/// infinities, integers beyond 2^53 given as numbers (they already lost precision), BigInts
/// outside the 64-bit range, functions and symbols. `undefined` object members are left out (as
/// missing), so serde's defaults apply. Unlike a direct `serde_wasm_bindgen` deserialisation this
/// sees every key of an object, so unknown fields are rejected (`deny_unknown_fields`). An
/// error's field is the path below `v` (`.` for `v` itself).
pub(crate) fn js_to_json(v: &JsValue, path: &str) -> Result<serde_json::Value, ConfigError> {
    use serde_json::Value;
    let here = || {
        if path.is_empty() {
            ".".to_string()
        } else {
            path.to_string()
        }
    };
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        if !f.is_finite() {
            let given = match f {
                f if f.is_nan() => "NaN",
                f if f > 0.0 => "Infinity",
                _ => "-Infinity",
            };
            return Err(ConfigError::wrong_type(&here(), given, "a finite number"));
        }
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 {
            return Ok(if f >= 0.0 {
                Value::from(f as u64)
            } else {
                Value::from(f as i64)
            });
        }
        if f.fract() == 0.0 {
            let safe = MAX_SAFE_INTEGER as f64;
            return Err(
                ConfigError::range(&here(), f, -safe, safe).with_message(format!(
                    "is {f}, beyond 2^53 - 1 = {MAX_SAFE_INTEGER}: this number cannot be \
                 represented exactly"
                )),
            );
        }
        return Ok(serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null));
    }
    if v.is_bigint() {
        if let Ok(u) = u64::try_from(v.clone()) {
            return Ok(Value::from(u));
        }
        if let Ok(i) = i64::try_from(v.clone()) {
            return Ok(Value::from(i));
        }
        return Err(ConfigError::new(
            &here(),
            "is a BigInt outside the 64-bit range".to_string(),
        ));
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if js_sys::Array::is_array(v) {
        let arr = js_sys::Array::from(v);
        let mut out = Vec::with_capacity(arr.length() as usize);
        for (i, item) in arr.iter().enumerate() {
            out.push(js_to_json(&item, &format!("{path}[{i}]"))?);
        }
        return Ok(Value::Array(out));
    }
    if v.is_object() && !v.is_function() {
        let obj = js_sys::Object::unchecked_from_js_ref(v);
        let mut out = serde_json::Map::new();
        for entry in js_sys::Object::entries(obj).iter() {
            let pair = js_sys::Array::from(&entry);
            let key = pair.get(0).as_string().unwrap_or_default();
            let value = pair.get(1);
            if value.is_undefined() {
                continue;
            }
            let sub = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            out.insert(key, js_to_json(&value, &sub)?);
        }
        return Ok(Value::Object(out));
    }
    let ty = v.js_typeof().as_string().unwrap_or_default();
    Err(ConfigError::wrong_type(
        &here(),
        &format!("a {ty}"),
        "plain data (a number, string, boolean, array or object)",
    ))
}

/// `value` as JSON data; an error's field is named from `root` (the value itself).
fn json_of(root: &str, value: &JsValue) -> Result<serde_json::Value, ConfigError> {
    js_to_json(value, "").map_err(|mut e| {
        e.field = if e.field == "." || e.field.is_empty() {
            root.to_string()
        } else if e.field.starts_with('[') {
            format!("{root}{}", e.field)
        } else {
            e.field
        };
        e
    })
}

/// Deserialises `value` into `T` through the core's reader; the error names the path of the
/// bad field (`root` for the value itself) and carries its kind.
pub(crate) fn from_js<T: DeserializeOwned>(
    what: &str,
    root: &str,
    value: JsValue,
) -> Result<T, JsValue> {
    json_of(root, &value)
        .and_then(|json| qisim_core::json::from_value(&json, root))
        .map_err(|e| config_error(what, &e))
}

/// Serialises `value` as plain JSON-compatible JS values (objects, arrays, numbers, null).
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error("result", &format!("cannot convert the result to JS: {e}")))
}

/// A config from JS (`undefined`/`null` = all defaults), not yet validated by the core.
pub(crate) fn config_from_js(value: JsValue) -> Result<Config, JsValue> {
    let cfg: Config = if value.is_undefined() || value.is_null() {
        Config::default()
    } else {
        // The core's reader: a number the field's type refuses reports the validator's range.
        json_of("config", &value)
            .and_then(|json| Config::from_json(&json))
            .map_err(|e| config_error("config", &e))?
    };
    if cfg.seed > MAX_SAFE_INTEGER {
        let e = ConfigError::range("seed", cfg.seed as f64, 0.0, MAX_SAFE_INTEGER as f64)
            .with_message(format!(
                "is {}; seeds above 2^53 - 1 = {MAX_SAFE_INTEGER} cannot be represented \
                 exactly as JS numbers",
                cfg.seed
            ));
        return Err(config_error("config", &e));
    }
    Ok(cfg)
}

/// A validated config from JS.
pub(crate) fn valid_config(value: JsValue) -> Result<Config, JsValue> {
    let cfg = config_from_js(value)?;
    cfg.validate().map_err(|e| invalid_config(&e))?;
    Ok(cfg)
}

/// A config the core refused, as a JS error; one whose `program` does not compile is of kind
/// `program` and carries the `line` and `col` (1-based) an editor underlines.
pub(crate) fn invalid_config(e: &ConfigError) -> JsValue {
    config_error("config", e)
}

/// A non-negative integer argument: a safe-integer number or a BigInt, at most `max`.
/// `undefined` gives `default` (if any).
pub(crate) fn u64_arg(
    name: &str,
    value: &JsValue,
    default: Option<u64>,
    max: u64,
) -> Result<u64, JsValue> {
    let fail = |e: ConfigError| js_error(&e, &format!("`{name}` {}", e.message));
    // Numbers are exact up to 2^53 - 1; a BigInt up to `max`.
    let number_max = max.min(MAX_SAFE_INTEGER) as f64;
    if value.is_undefined() {
        if let Some(d) = default {
            return Ok(d);
        }
        return Err(fail(
            ConfigError::missing_field(name, name).with_message("is required".into()),
        ));
    }
    let v = if value.is_bigint() {
        u64::try_from(value.clone()).map_err(|_| {
            fail(ConfigError::new(
                name,
                "is a BigInt outside 0..=2^64-1; give a non-negative integer".into(),
            ))
        })?
    } else if let Some(f) = value.as_f64() {
        if f.is_nan() {
            return Err(fail(ConfigError::wrong_type(name, "NaN", "a whole number")));
        }
        if f.is_infinite() || f.fract() != 0.0 || f < 0.0 {
            return Err(fail(ConfigError::range(name, f, 0.0, number_max)));
        }
        if f > MAX_SAFE_INTEGER as f64 {
            return Err(fail(
                ConfigError::range(name, f, 0.0, number_max).with_message(format!(
                    "is {f}, above 2^53 - 1 = {MAX_SAFE_INTEGER}; such a number has already \
                     lost precision"
                )),
            ));
        }
        f as u64
    } else {
        let given = match value.as_string() {
            Some(s) => serde_json::to_string(&s).unwrap_or_default(),
            None if value.is_null() => "null".to_string(),
            None => format!("a {}", value.js_typeof().as_string().unwrap_or_default()),
        };
        return Err(fail(ConfigError::wrong_type(
            name,
            &given,
            "a non-negative integer (number or BigInt)",
        )));
    };
    if v > max {
        return Err(fail(ConfigError::range(name, v as f64, 0.0, max as f64)));
    }
    Ok(v)
}
