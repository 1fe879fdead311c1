//! Crossing the boundary: JS values to the core's types and back, and the JS errors that name
//! the bad field. Every binding goes through these.

use qisim_core::{Config, ConfigError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// `Number.MAX_SAFE_INTEGER`: larger integers do not survive a trip through a JS number.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A JS `Error` with `message` and a `field` property.
pub(crate) fn error(field: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &JsValue::from_str("field"), &JsValue::from_str(field));
    e.into()
}

pub(crate) fn config_error(what: &str, e: &ConfigError) -> JsValue {
    error(
        &e.field,
        &format!("invalid {what}: `{}` {}", e.field, e.message),
    )
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
/// sees every key of an object, so unknown fields are rejected (`deny_unknown_fields`).
pub(crate) fn js_to_json(v: &JsValue, path: &str) -> Result<serde_json::Value, (String, String)> {
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
            return Err((here(), format!("is {f}; numbers must be finite")));
        }
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 {
            return Ok(if f >= 0.0 {
                Value::from(f as u64)
            } else {
                Value::from(f as i64)
            });
        }
        if f.fract() == 0.0 {
            return Err((
                here(),
                format!(
                    "is {f}, beyond 2^53 - 1 = {MAX_SAFE_INTEGER}: this number cannot be \
                     represented exactly"
                ),
            ));
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
        return Err((here(), "is a BigInt outside the 64-bit range".to_string()));
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
    Err((here(), format!("has type {ty}, which is not plain data")))
}

/// Deserialises `value` into `T`; the error names the path of the bad field (`root` for the
/// value itself).
pub(crate) fn from_js<T: DeserializeOwned>(
    what: &str,
    root: &str,
    value: JsValue,
) -> Result<T, JsValue> {
    let named = |path: String| {
        if path == "." || path.is_empty() {
            root.to_string()
        } else if path.starts_with('[') {
            format!("{root}{path}")
        } else {
            path
        }
    };
    let json = js_to_json(&value, "").map_err(|(path, msg)| {
        let field = named(path);
        error(&field, &format!("invalid {what}: `{field}` {msg}"))
    })?;
    serde_path_to_error::deserialize(json).map_err(|e| {
        let field = named(e.path().to_string());
        error(
            &field,
            &format!("invalid {what}: `{field}`: {}", e.into_inner()),
        )
    })
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
        from_js("config", "config", value)?
    };
    if cfg.seed > MAX_SAFE_INTEGER {
        return Err(error(
            "seed",
            &format!(
                "invalid config: `seed` is {}; seeds above 2^53 - 1 = {MAX_SAFE_INTEGER} cannot \
                 be represented exactly as JS numbers",
                cfg.seed
            ),
        ));
    }
    Ok(cfg)
}

/// A validated config from JS.
pub(crate) fn valid_config(value: JsValue) -> Result<Config, JsValue> {
    let cfg = config_from_js(value)?;
    cfg.validate().map_err(|e| invalid_config(&cfg, &e))?;
    Ok(cfg)
}

/// A config the core refused, as a JS error; one whose `program` does not compile also carries
/// the `line` and `col` (1-based) an editor underlines.
pub(crate) fn invalid_config(cfg: &Config, e: &ConfigError) -> JsValue {
    let js = config_error("config", e);
    if let Some(p) = cfg.program_error().filter(|_| e.field == "program") {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("line"), &JsValue::from(p.line));
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str("col"), &JsValue::from(p.col));
    }
    js
}

/// A non-negative integer argument: a safe-integer number or a BigInt, at most `max`.
/// `undefined` gives `default` (if any).
pub(crate) fn u64_arg(
    name: &str,
    value: &JsValue,
    default: Option<u64>,
    max: u64,
) -> Result<u64, JsValue> {
    if value.is_undefined() {
        if let Some(d) = default {
            return Ok(d);
        }
        return Err(error(name, &format!("`{name}` is required")));
    }
    let v = if value.is_bigint() {
        u64::try_from(value.clone()).map_err(|_| {
            error(
                name,
                &format!("`{name}` is a BigInt outside 0..=2^64-1; give a non-negative integer"),
            )
        })?
    } else if let Some(f) = value.as_f64() {
        if !f.is_finite() || f.fract() != 0.0 || f < 0.0 {
            return Err(error(
                name,
                &format!("`{name}` is {f}; give a non-negative integer"),
            ));
        }
        if f > MAX_SAFE_INTEGER as f64 {
            return Err(error(
                name,
                &format!(
                    "`{name}` is {f}, above 2^53 - 1 = {MAX_SAFE_INTEGER}; such a number has \
                     already lost precision"
                ),
            ));
        }
        f as u64
    } else {
        return Err(error(
            name,
            &format!(
                "`{name}` has type {}; give a non-negative integer (number or BigInt)",
                value.js_typeof().as_string().unwrap_or_default()
            ),
        ));
    };
    if v > max {
        return Err(error(name, &format!("`{name}` is {v}; at most {max}")));
    }
    Ok(v)
}
