//! Helpers shared by the wasm-bindgen tests (browser main thread and dedicated worker).
#![allow(dead_code)]

use wasm_bindgen::{JsCast, JsValue};

/// Parses JSON into a JS value.
pub fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

/// A JS value as serde_json data (through `JSON.stringify`).
pub fn json(v: &JsValue) -> serde_json::Value {
    let s = js_sys::JSON::stringify(v)
        .expect("stringify")
        .as_string()
        .expect("a string");
    serde_json::from_str(&s).expect("valid JSON")
}

/// Sets `obj[key] = value` and returns `obj`.
pub fn with(obj: JsValue, key: &str, value: JsValue) -> JsValue {
    js_sys::Reflect::set(&obj, &JsValue::from_str(key), &value).expect("set");
    obj
}

/// Asserts that `r` failed with a JS `Error` whose message and `field` property name `field`;
/// returns the message.
pub fn expect_field_error<T>(r: Result<T, JsValue>, field: &str) -> String {
    let e = match r {
        Ok(_) => panic!("expected an error naming `{field}`, got Ok"),
        Err(e) => e,
    };
    assert!(
        e.is_instance_of::<js_sys::Error>(),
        "not a JS Error: {e:?} (expected field `{field}`)"
    );
    let msg = js_sys::Error::from(e.clone())
        .message()
        .as_string()
        .unwrap_or_default();
    assert!(
        msg.contains(&format!("`{field}`")),
        "message does not name `{field}`: {msg}"
    );
    let f = js_sys::Reflect::get(&e, &JsValue::from_str("field"))
        .ok()
        .and_then(|v| v.as_string());
    assert_eq!(f.as_deref(), Some(field), "field property of: {msg}");
    msg
}

/// The canonical lockup config (DESIGN.md section 5): T1 submits one descriptor, T2 a wait
/// descriptor alone, ring of 8, replaying `choices`.
pub fn seed_config(policy: &str, choices: &str) -> JsValue {
    js(&format!(
        r#"{{"qiLength": 8, "submitters": 2,
            "perSubmitter": [{{"submissions": 1, "batch": {{"kind": "fixed", "count": 1}}}},
                             {{"submissions": 1, "batch": {{"kind": "fixed", "count": 0}}}}],
            "policy": "{policy}", "scheduler": {{"kind": "replay", "choices": "{choices}"}},
            "trace": true}}"#
    ))
}

/// Kinds of the findings of a report, in order.
pub fn kinds(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["kind"].as_str().expect("kind").to_string())
        .collect()
}

/// A small hunting config where the legacy policy loses completions: zero-count submissions.
pub fn hunt_config(policy: &str) -> JsValue {
    js(&format!(
        r#"{{"qiLength": 8, "submitters": 2, "policy": "{policy}",
            "workload": {{"submissions": 20, "zeroCountProb": 0.5,
                          "batch": {{"kind": "uniform", "min": 0, "max": 2}}}}}}"#
    ))
}
