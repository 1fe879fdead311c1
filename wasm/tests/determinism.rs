//! Determinism across platforms: the configs of `core/tests/fixtures/trace_hashes.json` (written
//! by the native test `core/tests/determinism.rs`) give the same trace hash, step count and
//! schedule in the browser as natively.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use qisim_wasm::Simulation;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("../../core/tests/fixtures/trace_hashes.json");

#[wasm_bindgen_test]
fn trace_hashes_match_native() {
    let cases: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).expect("fixture parses");
    assert!(!cases.is_empty(), "empty fixture");
    let mut mismatches = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let config = js(&case["config"].to_string());
        let mut sim = Simulation::new(config)
            .unwrap_or_else(|e| panic!("{name}: config rejected in wasm: {e:?}"));
        let report = json(&sim.run().expect("report"));
        let replay: String = report["replay"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        let got = (
            report["traceHash"].clone(),
            report["steps"].clone(),
            serde_json::Value::from(replay),
        );
        let want = (
            case["traceHash"].clone(),
            case["steps"].clone(),
            case["replayPrefix"].clone(),
        );
        // The class method agrees with the report.
        assert_eq!(
            sim.trace_hash().map(serde_json::Value::from),
            Some(got.0.clone()),
            "{name}"
        );
        if got != want {
            mismatches.push(format!("{name}: wasm {got:?}, native {want:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
