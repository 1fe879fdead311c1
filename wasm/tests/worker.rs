//! The bindings inside a dedicated Web Worker (where the pool runs them).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use qisim_wasm::{fresh_seed, hunt, merge_hunt_results, Simulation};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
fn runs_in_a_dedicated_worker() {
    let global = js_sys::global();
    let has = |name: &str| js_sys::Reflect::has(&global, &JsValue::from_str(name)).unwrap();
    assert!(
        !has("document") && has("postMessage"),
        "not a dedicated worker"
    );
    assert_eq!(
        js_sys::Object::get_prototype_of(&global)
            .constructor()
            .name()
            .as_string()
            .as_deref(),
        Some("DedicatedWorkerGlobalScope")
    );
}

#[wasm_bindgen_test]
fn seed_scenario_in_a_worker() {
    let mut sim = Simulation::new(seed_config("legacy", "q1:a6b6H3a5b2")).unwrap();
    assert_eq!(
        kinds(&json(&sim.run().unwrap())),
        ["lostCompletion", "lockup"]
    );
    let mut sim = Simulation::new(seed_config("fixed", "q1:a6b6H3a5b5")).unwrap();
    assert!(kinds(&json(&sim.run().unwrap())).is_empty());
}

#[wasm_bindgen_test]
fn hunt_chunks_in_a_worker() {
    let n = |x: f64| JsValue::from_f64(x);
    let opts = || js(r#"{"minimize": true, "maxFindings": 3}"#);
    let a = hunt(hunt_config("legacy"), n(0.0), n(20.0), opts()).unwrap();
    let b = hunt(hunt_config("legacy"), n(20.0), n(20.0), opts()).unwrap();
    let whole = hunt(hunt_config("legacy"), n(0.0), n(40.0), opts()).unwrap();
    let merged = json(&merge_hunt_results(b, a).unwrap());
    assert_eq!(merged, json(&whole));
    assert!(merged["lockups"].as_u64().unwrap() > 0);
    // Minimised counterexamples come back as plain data.
    let first = &merged["findings"][0];
    assert!(first["minimized"]["replay"]
        .as_str()
        .unwrap()
        .starts_with("q1:"));
    // Fresh seeds are whole numbers below 2^53, drawn anew each time (crypto.getRandomValues
    // in a worker).
    let (a, b) = (fresh_seed().unwrap(), fresh_seed().unwrap());
    for s in [a, b] {
        assert!(
            s.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&s),
            "{s}"
        );
    }
    assert_ne!(a, b, "two fresh seeds are equal");
}

#[wasm_bindgen_test]
fn errors_in_a_worker_are_errors() {
    expect_field_error(
        Simulation::new(js(
            r#"{"workload": {"batch": {"kind": "fixed", "count": -1}}}"#,
        )),
        "workload.batch.count",
    );
}
