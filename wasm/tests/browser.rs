//! The bindings in a browser page (headless Chromium through `wasm-pack test`).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use qisim_core::check::tools::matrix::{Fault, Mix, Row};
use qisim_core::config::kernel::Kernel;
use qisim_wasm::{
    check_program, complete_schedule, cut_replay, encode_replay, errno_name, estimate_explore,
    explore, explore_family, fault_paths, finding_kinds, fresh_seed, histogram_quantile, hunt,
    kernel_config, kernels, label_name, matrix, merge_hunt_results, parse_replay, program_matrix,
    timeline_rows, validate_config, version, Simulation, MAX_SAFE_INTEGER,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn seed_scenario_legacy_loses_wd2_and_locks_up() {
    let mut sim = Simulation::new(seed_config("legacy", "q1:a6b6H3a5b2")).unwrap();
    let report = json(&sim.run().unwrap());
    assert_eq!(kinds(&report), ["lostCompletion", "lockup"]);
    assert_eq!(report["outcome"]["kind"], "lockup");
    assert_eq!(report["findings"][0]["submitter"], 1);
    assert_eq!(report["findings"][0]["slot"], 2);
    assert_eq!(report["findings"][0]["step"], 18);
    assert_eq!(report["replay"], "q1:a6b6H3a5b2");
    assert!(sim.is_done());
    let timeline = sim.timeline();
    assert!(
        timeline.contains("reclaim: ID1,WD1,WD2 -> QI_FREE"),
        "{timeline}"
    );
    assert!(timeline.contains("!! lockup"), "{timeline}");
    // The trace and the state are plain objects.
    let trace = sim.trace().unwrap();
    assert!(js_sys::Array::is_array(&trace));
    let first = json(&trace)[0].clone();
    assert_eq!(first["actor"], "T1");
    assert_eq!(first["op"], "lock");
    let state = sim.state().unwrap();
    let proto = js_sys::Object::get_prototype_of(&state);
    assert_eq!(proto, js_sys::Object::get_prototype_of(&js("{}")));
    assert_eq!(json(&state)["qiLength"], 8);
    assert_eq!(sim.replay(), "q1:a6b6H3a5b2");
}

#[wasm_bindgen_test]
fn seed_scenario_fixed_completes() {
    let mut sim = Simulation::new(seed_config("fixed", "q1:a6b6H3a5b5")).unwrap();
    let report = json(&sim.run().unwrap());
    assert!(kinds(&report).is_empty(), "{report}");
    assert_eq!(report["outcome"]["kind"], "completed");
    assert_eq!(report["metrics"]["submissions"], 2);
    assert!(sim.timeline().contains("mark ID1,WD1 QI_FREE"));
}

#[wasm_bindgen_test]
fn stepping_by_hand_matches_the_scheduled_run() {
    // T1 six steps, T2 six, HW three, T1 five, T2 two: the replay string of the seed scenario.
    let mut sim = Simulation::new(seed_config("legacy", "q1:")).unwrap();
    for (actor, n) in [("T1", 6), ("T2", 6), ("HW", 3), ("T1", 5), ("T2", 2)] {
        for _ in 0..n {
            sim.step_actor(JsValue::from_str(actor)).unwrap();
        }
    }
    assert_eq!(sim.replay(), "q1:a6b6H3a5b2");
    assert!(sim.is_done());
    assert_eq!(
        kinds(&json(&sim.report().unwrap())),
        ["lostCompletion", "lockup"]
    );
    expect_field_error(sim.step_actor(JsValue::from_str("T1")), "actor");
}

#[wasm_bindgen_test]
fn step_counts_and_limits() {
    let mut sim = Simulation::new(js(r#"{"policy": "fixed", "stepLimit": 1000}"#)).unwrap();
    assert_eq!(sim.step(JsValue::UNDEFINED).unwrap(), 1.0);
    assert_eq!(sim.step(JsValue::from_f64(99.0)).unwrap(), 99.0);
    assert_eq!(sim.steps(), 100.0);
    assert_eq!(sim.step(JsValue::from_f64(1e9)).unwrap(), 900.0);
    assert!(sim.is_done());
    assert_eq!(sim.step(JsValue::from_f64(5.0)).unwrap(), 0.0);
    assert_eq!(json(&sim.report().unwrap())["outcome"]["kind"], "stepLimit");
    let enabled = json(
        &Simulation::new(JsValue::UNDEFINED)
            .unwrap()
            .enabled()
            .unwrap(),
    );
    assert_eq!(enabled, serde_json::json!(["T1", "T2"]));
}

/// `step(n)` runs in chunks (for V8's tier-up): the same run as single steps, across several
/// chunk boundaries, and it stops exactly at the end.
#[wasm_bindgen_test]
fn long_steps_equal_single_steps() {
    let cfg = r#"{"policy": "fixed", "stepLimit": 200000, "seed": 7,
        "workload": {"submissions": 100000, "zeroCountProb": 0.3}}"#;
    let mut long = Simulation::new(js(cfg)).unwrap();
    let mut single = Simulation::new(js(cfg)).unwrap();
    let took = long.step(JsValue::from_f64(1e12)).unwrap();
    let mut n = 0.0;
    while single.step(JsValue::UNDEFINED).unwrap() == 1.0 {
        n += 1.0;
    }
    assert_eq!((took, n), (200_000.0, 200_000.0));
    let (a, b) = (
        json(&long.report().unwrap()),
        json(&single.report().unwrap()),
    );
    assert_eq!(a["runHash"], b["runHash"]);
    assert_eq!(a["metrics"], b["metrics"]);
    assert_eq!(a["outcome"], b["outcome"]);
}

#[wasm_bindgen_test]
fn hunt_finds_lockups_under_legacy_only() {
    let legacy = json(
        &hunt(
            hunt_config("legacy"),
            JsValue::from_f64(0.0),
            JsValue::from_f64(60.0),
            js(r#"{"minimize": false}"#),
        )
        .unwrap(),
    );
    assert_eq!(legacy["schedules"], 60);
    assert!(legacy["lockups"].as_u64().unwrap() > 0, "{legacy}");
    assert_eq!(legacy["seedRanges"], serde_json::json!([[0, 60]]));
    assert_eq!(legacy["policy"], "legacy");
    let fixed = json(
        &hunt(
            hunt_config("fixed"),
            JsValue::from_f64(0.0),
            JsValue::from_f64(60.0),
            JsValue::UNDEFINED,
        )
        .unwrap(),
    );
    assert_eq!(fixed["lockups"], 0);
    assert_eq!(fixed["safety"], 0);
    assert_eq!(fixed["findings"], serde_json::json!([]));
}

#[wasm_bindgen_test]
fn merged_chunks_equal_one_hunt() {
    let opts = || js(r#"{"minimize": false, "maxFindings": 10}"#);
    let n = |x: f64| JsValue::from_f64(x);
    let whole = hunt(hunt_config("legacy"), n(5.0), n(40.0), opts()).unwrap();
    let a = hunt(hunt_config("legacy"), n(5.0), n(13.0), opts()).unwrap();
    let b = hunt(hunt_config("legacy"), n(18.0), n(20.0), opts()).unwrap();
    let c = hunt(hunt_config("legacy"), n(38.0), n(7.0), opts()).unwrap();
    let ab = merge_hunt_results(c.clone(), a.clone()).unwrap();
    let merged = merge_hunt_results(b.clone(), ab).unwrap();
    assert_eq!(json(&merged), json(&whole));
    // Seeds counted twice are refused.
    expect_field_error(merge_hunt_results(a.clone(), a), "seedRanges");
    // Hand-made results that would make the merge loop forever are refused.
    let broken = json(&b);
    let mut zero = broken.clone();
    zero["series"]["bucket"] = 0.into();
    expect_field_error(
        merge_hunt_results(js(&zero.to_string()), c.clone()),
        "a.series",
    );
    let mut tiny = broken.clone();
    tiny["series"]["maxBuckets"] = 1.into();
    expect_field_error(
        merge_hunt_results(c.clone(), js(&tiny.to_string())),
        "b.series",
    );
    // Results of different policies do not merge.
    let f = hunt(hunt_config("fixed"), n(100.0), n(2.0), opts()).unwrap();
    expect_field_error(merge_hunt_results(b, f), "policy");
}

#[wasm_bindgen_test]
fn validate_config_fills_defaults() {
    let cfg = json(&validate_config(JsValue::UNDEFINED).unwrap());
    assert_eq!(cfg["qiLength"], 256);
    assert_eq!(cfg["policy"], "fixed");
    let cfg = json(&validate_config(js(r#"{"qiLength": 16, "seed": 7}"#)).unwrap());
    assert_eq!(cfg["qiLength"], 16);
    assert_eq!(cfg["seed"], 7);
    assert_eq!(cfg["workload"]["batch"]["kind"], "uniform");
    // A seed given as a BigInt below 2^53 is exact.
    let big = with(
        js("{}"),
        "seed",
        js_sys::BigInt::from(MAX_SAFE_INTEGER).into(),
    );
    assert_eq!(
        json(&validate_config(big).unwrap())["seed"],
        MAX_SAFE_INTEGER
    );
}

#[wasm_bindgen_test]
fn bad_config_fields_are_named() {
    let nan = with(js("{}"), "qiLength", JsValue::from_f64(f64::NAN));
    expect_field_error(validate_config(nan), "qiLength");
    let inf = with(js("{}"), "stepLimit", JsValue::from_f64(f64::INFINITY));
    expect_field_error(validate_config(inf), "stepLimit");
    expect_field_error(validate_config(js(r#"{"qiLength": -8}"#)), "qiLength");
    expect_field_error(validate_config(js(r#"{"qiLength": 8.5}"#)), "qiLength");
    expect_field_error(validate_config(js(r#"{"qiLength": "8"}"#)), "qiLength");
    expect_field_error(validate_config(js(r#"{"qiLength": 2}"#)), "qiLength");
    expect_field_error(validate_config(js(r#"{"policy": "lazy"}"#)), "policy");
    expect_field_error(validate_config(js(r#"{"trace": "yes"}"#)), "trace");
    // Extra fields, at the top and deeper down.
    expect_field_error(validate_config(js(r#"{"qiLenght": 8}"#)), "qiLenght");
    expect_field_error(
        validate_config(js(r#"{"workload": {"submission": 1}}"#)),
        "workload.submission",
    );
    expect_field_error(
        validate_config(js(r#"{"scheduler": {"kind": "random", "hwWieght": 2}}"#)),
        "scheduler.hwWieght",
    );
    // Inside the tagged objects (`scheduler`, `batch`) the path goes down to the field.
    expect_field_error(
        validate_config(js(r#"{"scheduler": {"kind": "pct", "depth": -1}}"#)),
        "scheduler.depth",
    );
    expect_field_error(
        validate_config(js(
            r#"{"workload": {"batch": {"kind": "uniform", "min": 0, "max": 2.5}}}"#,
        )),
        "workload.batch.max",
    );
    // A field of another kind is named like any unknown key.
    let msg = expect_field_error(
        validate_config(js(r#"{"scheduler": {"kind": "random", "depth": 2}}"#)),
        "scheduler.depth",
    );
    assert!(msg.contains("expected one of `kind`, `hwWeight`"), "{msg}");
    // Missing required replay choices.
    let msg = expect_field_error(
        validate_config(js(r#"{"scheduler": {"kind": "replay"}}"#)),
        "scheduler",
    );
    assert!(msg.contains("choices"), "{msg}");
    expect_field_error(
        validate_config(js(
            r#"{"scheduler": {"kind": "replay", "choices": "q1:a6!"}}"#,
        )),
        "scheduler.choices",
    );
    expect_field_error(
        validate_config(js(
            r#"{"scheduler": {"kind": "replay", "choices": "q1:c"}}"#,
        )),
        "scheduler.choices",
    );
    // Nested paths.
    expect_field_error(
        validate_config(js(
            r#"{"workload": {"batch": {"kind": "fixed", "count": 300}}}"#,
        )),
        "workload.batch.count",
    );
    let nan_count = js(r#"{"kind": "fixed"}"#);
    let nan_count = with(nan_count, "count", JsValue::from_f64(f64::NAN));
    let cfg = with(js("{}"), "workload", with(js("{}"), "batch", nan_count));
    expect_field_error(validate_config(cfg), "workload.batch.count");
    expect_field_error(
        validate_config(js(
            r#"{"submitters": 2, "perSubmitter": [{}, {"submissions": -1}]}"#,
        )),
        "perSubmitter[1].submissions",
    );
    expect_field_error(
        validate_config(js(r#"{"workload": {"zeroCountProb": 1.5}}"#)),
        "workload.zeroCountProb",
    );
    // Huge numbers: beyond 2^53 as a number (already imprecise), as a BigInt, and absurd.
    expect_field_error(validate_config(js(r#"{"seed": 9007199254740993}"#)), "seed");
    let big = with(
        js("{}"),
        "seed",
        js_sys::BigInt::from(MAX_SAFE_INTEGER + 1).into(),
    );
    expect_field_error(validate_config(big), "seed");
    let huge = with(js("{}"), "seed", js_sys::BigInt::from(u64::MAX).into());
    expect_field_error(validate_config(huge), "seed");
    expect_field_error(validate_config(js(r#"{"stepLimit": 1e300}"#)), "stepLimit");
    expect_field_error(
        validate_config(js(r#"{"qiLength": 4294967296}"#)),
        "qiLength",
    );
    // Not an object at all.
    expect_field_error(validate_config(JsValue::from_str("qiLength=8")), "config");
    expect_field_error(validate_config(JsValue::from_f64(1.0)), "config");
    // The constructor and hunt report the same way.
    expect_field_error(Simulation::new(js(r#"{"qiLength": null}"#)), "qiLength");
    expect_field_error(
        hunt(
            js(r#"{"submitters": 0}"#),
            JsValue::from_f64(0.0),
            JsValue::from_f64(1.0),
            JsValue::UNDEFINED,
        ),
        "submitters",
    );
}

/// The data of a thrown error: its own properties (`field`, `kind`, the kind's data, `detail`,
/// `message`).
fn error_data(e: &JsValue) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for key in js_sys::Object::get_own_property_names(&js_sys::Object::from(e.clone())).iter() {
        let k = key.as_string().unwrap();
        let v = js_sys::Reflect::get(e, &key).unwrap();
        out.insert(
            k,
            json(&js_sys::Array::of1(&v)).as_array().unwrap()[0].clone(),
        );
    }
    serde_json::Value::Object(out)
}

/// A config error is data: every key of the core's `ConfigError` is a property of the Error.
#[wasm_bindgen_test]
fn config_errors_carry_their_kind() {
    let data = |cfg: &str| error_data(&validate_config(js(cfg)).unwrap_err());
    // -1 CPUs: the validator's range (not "0 or more").
    let e = data(r#"{"submitters": -1}"#);
    assert_eq!(e["field"], "submitters");
    assert_eq!(e["kind"], "range");
    assert_eq!(
        (&e["value"], &e["min"], &e["max"], &e["integer"]),
        (&(-1).into(), &1.into(), &256.into(), &true.into()),
        "{e}"
    );
    assert_eq!(e["detail"], "is -1; allowed range is 1..=256");
    assert_eq!(
        e["message"],
        "invalid config: `submitters` is -1; allowed range is 1..=256"
    );
    let e = data(r#"{"submitters": 2.5}"#);
    assert_eq!((&e["kind"], &e["value"]), (&"range".into(), &2.5.into()));
    let e = data(r#"{"policy": "bogus"}"#);
    assert_eq!(e["kind"], "unknownVariant");
    assert_eq!(e["value"], "bogus");
    assert_eq!(e["allowed"], serde_json::json!(["legacy", "fixed"]));
    let e = data(r#"{"workload": {"count": 1}}"#);
    assert_eq!(
        (&e["field"], &e["kind"], &e["value"]),
        (
            &"workload.count".into(),
            &"unknownField".into(),
            &"count".into()
        )
    );
    let e = data(r#"{"scheduler": {"depth": 2}}"#);
    assert_eq!(
        (&e["field"], &e["kind"], &e["name"]),
        (&"scheduler".into(), &"missingField".into(), &"kind".into())
    );
    let e = data(r#"{"qiLength": "8"}"#);
    assert_eq!(
        (&e["kind"], &e["expected"]),
        (&"wrongType".into(), &"a whole number".into())
    );
    let e = data(r#"{"submitters": 3, "perSubmitter": [{}]}"#);
    assert_eq!(e["kind"], "invalid");
    // Not finite: a wrong type (JSON has no NaN).
    let nan = with(js("{}"), "qiLength", JsValue::from_f64(f64::NAN));
    let e = error_data(&validate_config(nan).unwrap_err());
    assert_eq!(
        (&e["kind"], &e["value"]),
        (&"wrongType".into(), &"NaN".into())
    );
    // The arguments too.
    let e = error_data(
        &hunt(
            hunt_config("fixed"),
            JsValue::from_f64(-1.0),
            JsValue::from_f64(1.0),
            JsValue::UNDEFINED,
        )
        .unwrap_err(),
    );
    assert_eq!(
        (&e["field"], &e["kind"], &e["min"]),
        (&"seedStart".into(), &"range".into(), &0.into())
    );
    let e = error_data(
        &hunt(
            hunt_config("fixed"),
            JsValue::from_f64(0.0),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )
        .unwrap_err(),
    );
    assert_eq!(
        (&e["kind"], &e["name"]),
        (&"missingField".into(), &"seedCount".into())
    );
    assert_eq!(e["message"], "`seedCount` is required");
}

#[wasm_bindgen_test]
fn bad_arguments_are_named() {
    let cfg = || hunt_config("fixed");
    let n = |x: f64| JsValue::from_f64(x);
    for bad in [
        n(f64::NAN),
        n(-1.0),
        n(0.5),
        n(9007199254740992.0),
        JsValue::from_str("0"),
        JsValue::NULL,
    ] {
        expect_field_error(hunt(cfg(), bad, n(1.0), JsValue::UNDEFINED), "seedStart");
    }
    expect_field_error(
        hunt(cfg(), n(0.0), JsValue::UNDEFINED, JsValue::UNDEFINED),
        "seedCount",
    );
    expect_field_error(
        hunt(
            cfg(),
            n(MAX_SAFE_INTEGER as f64),
            n(2.0),
            JsValue::UNDEFINED,
        ),
        "seedCount",
    );
    // BigInt seed ranges work when exact.
    let r = hunt(
        cfg(),
        js_sys::BigInt::from(3u64).into(),
        js_sys::BigInt::from(2u64).into(),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(json(&r)["seedRanges"], serde_json::json!([[3, 5]]));
    expect_field_error(
        hunt(cfg(), n(0.0), n(1.0), js(r#"{"maxFindings": -1}"#)),
        "maxFindings",
    );
    expect_field_error(
        hunt(cfg(), n(0.0), n(1.0), js(r#"{"minimise": true}"#)),
        "minimise",
    );
    expect_field_error(merge_hunt_results(js("{}"), js("{}")), "a");
    let mut sim = Simulation::new(JsValue::UNDEFINED).unwrap();
    expect_field_error(sim.step(n(-1.0)), "n");
    expect_field_error(sim.step(n(f64::NAN)), "n");
    expect_field_error(sim.step(JsValue::from_str("10")), "n");
    expect_field_error(sim.step_actor(JsValue::from_str("T3")), "actor");
    expect_field_error(sim.step_actor(JsValue::from_str("T0")), "actor");
    expect_field_error(sim.step_actor(JsValue::from_str("hw")), "actor");
    expect_field_error(sim.step_actor(n(1.0)), "actor");
    // Nothing above poisoned the simulation: it still runs.
    let report = json(&sim.run().unwrap());
    assert_eq!(report["outcome"]["kind"], "completed");
}

#[wasm_bindgen_test]
fn fresh_seeds_and_version() {
    let a = fresh_seed().unwrap();
    let b = fresh_seed().unwrap();
    for s in [a, b] {
        assert!(s >= 0.0 && s <= MAX_SAFE_INTEGER as f64 && s.fract() == 0.0);
    }
    assert_ne!(a, b);
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn explore_proves_fixed_and_finds_the_legacy_lockup() {
    let cfg = |policy: &str| {
        js(&format!(
            r#"{{"qiLength": 8, "submitters": 2, "policy": "{policy}",
                "perSubmitter": [{{"submissions": 1, "batch": {{"kind": "fixed", "count": 1}}}},
                                 {{"submissions": 1, "batch": {{"kind": "fixed", "count": 0}}}}]}}"#
        ))
    };
    let legacy = json(&explore(cfg("legacy"), JsValue::UNDEFINED).unwrap());
    assert_eq!(legacy["verdict"], "counterexample", "{legacy}");
    assert_eq!(legacy["kind"], "lockup");
    assert_eq!(legacy["reproduced"], true);
    // The counterexample replays in the simulator.
    let replay = legacy["replay"].as_str().unwrap().to_string();
    let mut c = legacy["config"].clone();
    c["scheduler"] = serde_json::json!({"kind": "replay", "choices": replay});
    let mut sim = Simulation::new(js(&c.to_string())).unwrap();
    assert!(kinds(&json(&sim.run().unwrap())).contains(&"lockup".to_string()));
    let fixed = json(&explore(cfg("fixed"), js(r#"{"maxStates": 100000}"#)).unwrap());
    assert_eq!(fixed["verdict"], "proved", "{fixed}");
    assert!(fixed["states"].as_u64().unwrap() > 0);
    // A family of count sequences as one graph.
    let family = js(r#"{"qiLength": 6, "submitters": 2, "policy": "fixed",
                        "workload": {"submissions": 1, "batch": {"kind": "fixed", "count": 1}}}"#);
    let calls = js_sys::Array::new();
    let push = js_sys::Function::new_with_args("calls, p", "calls.push(p); return true;")
        .bind1(&JsValue::NULL, &calls);
    let opts = with(js(r#"{"counts": [0, 1, 2]}"#), "onProgress", push.into());
    let v = json(&explore(family, opts).unwrap());
    assert_eq!(v["verdict"], "proved", "{v}");
    assert!(v["roots"].as_u64().unwrap() > 1);
}

#[wasm_bindgen_test]
fn explore_bad_input_is_named() {
    // What the explorer cannot enumerate is an error naming the field, never dropped.
    let mixed = js(
        r#"{"qiLength": 6, "workload": {"submissions": 1, "types": {"iotlb": 1, "devtlb": 1}}}"#,
    );
    expect_field_error(explore(mixed, JsValue::UNDEFINED), "workload.types");
    let zeros = js(
        r#"{"qiLength": 6, "workload": {"submissions": 2, "zeroCountProb": 0.5,
            "batch": {"kind": "sequence", "counts": [1, 2]}}}"#,
    );
    expect_field_error(explore_family(zeros), "workload.zeroCountProb");
    let det = || {
        js(
            r#"{"qiLength": 6, "workload": {"submissions": 1, "batch": {"kind": "fixed", "count": 1}}}"#,
        )
    };
    expect_field_error(explore(det(), js(r#"{"counts": []}"#)), "counts");
    expect_field_error(explore(det(), js(r#"{"counts": [-1]}"#)), "counts[0]");
    expect_field_error(explore(det(), js(r#"{"maxStates": "many"}"#)), "maxStates");
    expect_field_error(explore(det(), js(r#"{"depth": 3}"#)), "depth");
    expect_field_error(explore(det(), js(r#"{"onProgress": 1}"#)), "onProgress");
    expect_field_error(explore(det(), js("[]")), "options");
    let big = js(
        r#"{"workload": {"submissions": 1000000000000, "batch": {"kind": "fixed", "count": 1}}}"#,
    );
    expect_field_error(explore(big, js(r#"{"counts": [1]}"#)), "counts");
}

#[wasm_bindgen_test]
fn fault_injection_crosses_the_boundary() {
    let cfg = r#"{"qiLength": 16, "submitters": 2, "policy": "fixed", "trace": true, "seed": 3,
                  "faults": {"iteRate": 0.3, "iceRate": 0.2, "iqeRate": 0.1, "iteWalk": "stride2"},
                  "workload": {"submissions": 10, "types": {"iotlb": 1, "devtlb": 1}}}"#;
    let mut sim = Simulation::new(js(cfg)).unwrap();
    let report = json(&sim.run().unwrap());
    let trace = json(&sim.trace().unwrap());
    let events = trace.as_array().unwrap();
    assert!(events.iter().any(|e| e["op"] == "hwFault"), "{trace}");
    assert!(events
        .iter()
        .any(|e| e["actor"].as_str().unwrap_or("").starts_with("HW:")));
    // The replay (with fault steps) reproduces the run.
    let mut c: serde_json::Value = serde_json::from_str(cfg).unwrap();
    c["trace"] = false.into();
    c["scheduler"] = serde_json::json!({"kind": "replay", "choices": report["replay"]});
    let again = json(&Simulation::new(js(&c.to_string())).unwrap().run().unwrap());
    assert_eq!(again["runHash"], report["runHash"]);
    expect_field_error(
        validate_config(js(r#"{"faults": {"iteWalk": "stride3"}}"#)),
        "faults.iteWalk",
    );
    expect_field_error(
        validate_config(js(r#"{"faults": {"iteRate": 2}}"#)),
        "faults.iteRate",
    );
}

/// The explored family comes from the core: a count range and a zero-count probability are
/// honoured (the lockup the CLI finds with `--count 1..2 --zero-prob 0.5`).
#[wasm_bindgen_test]
fn explore_honours_the_zero_count_probability() {
    let cfg = js(r#"{"qiLength": 8, "submitters": 2, "policy": "legacy",
            "workload": {"submissions": 1, "zeroCountProb": 0.5,
                         "batch": {"kind": "uniform", "min": 1, "max": 2}}}"#);
    let fam = json(&explore_family(cfg.clone()).unwrap());
    assert_eq!(fam["roots"], 9);
    assert_eq!(fam["counts"], serde_json::json!([0, 1, 2]));
    let v = json(&explore(cfg, JsValue::UNDEFINED).unwrap());
    assert_eq!(v["verdict"], "counterexample", "{v}");
    assert_eq!(v["kind"], "lockup");
    assert_eq!(v["reproduced"], true);
}

/// Kernel presets and the matrix cross the boundary from the core.
#[wasm_bindgen_test]
fn kernel_presets_and_matrix() {
    let ks = json(&kernels(Some(8)).unwrap());
    let names: Vec<&str> = ks
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    // Every preset of the core, oldest first, each with its program.
    let core: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names, core);
    assert_eq!((names[0], names[names.len() - 1]), ("5.15", "7.2"));
    let at = |n: &str| &ks[names.iter().position(|k| *k == n).unwrap()];
    assert_eq!(at("6.9")["policy"], "legacy");
    assert_eq!(at("7.0")["iteWalk"], "stride1");
    assert_eq!(at("5.15.203")["iteWalk"], "stride1");
    assert!(ks.as_array().unwrap().iter().all(|k| k["program"]
        .as_str()
        .is_some_and(|p| p.contains("qi_check_fault"))));
    let c = json(&kernel_config("6.9", JsValue::UNDEFINED, true).unwrap());
    assert_eq!(
        (c["kernel"].as_str(), c["policy"].as_str()),
        (Some("6.9"), Some("legacy"))
    );
    assert_eq!(c["faults"]["iteWalk"], "stride2");
    expect_field_error(kernel_config("6.10", JsValue::UNDEFINED, false), "kernel");
    // A config that contradicts its kernel is rejected, naming the field.
    expect_field_error(
        validate_config(js(r#"{"kernel": "6.9", "policy": "fixed"}"#)),
        "policy",
    );
    let cells = json(&matrix(js(r#"{"submissions": 1, "maxBatch": 1}"#)).unwrap());
    let cells = cells.as_array().unwrap();
    assert_eq!(
        cells.len(),
        Row::kernels().len() * Mix::ALL.len() * Fault::ALL.len()
    );
    assert!(cells.iter().all(|c| c["reproduced"] != false));
    let legacy_drain = cells
        .iter()
        .find(|c| c["kernel"] == "6.9" && c["mix"] == "withDrain" && c["fault"] == "none")
        .unwrap();
    assert_eq!(legacy_drain["kind"], "lockup");
}

/// The rules pages need come from the core: replay codec, label and errno names, finding kinds,
/// histogram quantiles.
#[wasm_bindgen_test]
fn model_rules_come_from_the_core() {
    let names = parse_replay("q1:a2FHG{30}", None).unwrap();
    assert_eq!(names, vec!["T1", "T1", "HW:fetch", "HW", "HW:GONE", "T31"]);
    assert_eq!(encode_replay(names).unwrap(), "q1:a2FHG{30}");
    assert_eq!(cut_replay("q1:a6b6H3a5b2", 8.0).unwrap(), "q1:a6b2");
    expect_field_error(parse_replay("q1:X", None), "replay");
    expect_field_error(parse_replay("q1:a9", Some(3.0)), "replay");
    expect_field_error(encode_replay(vec!["T0".into()]), "actors[0]");
    let l = js(r#"{"submitter": 0, "attempt": 1, "part": 1, "count": 3}"#);
    assert_eq!(label_name(l, None).unwrap(), "ID1b'");
    assert_eq!(label_name(JsValue::NULL, Some(4)).unwrap(), "slot4");
    assert_eq!(errno_name(-110), "-ETIMEDOUT");
    let kinds = json(&finding_kinds().unwrap());
    let lockup = kinds
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "lockup")
        .unwrap();
    assert_eq!(lockup["terminal"], true);
    let walk = kinds
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "walkLoop")
        .unwrap();
    assert_eq!(walk["terminal"], true);
    let h = js(r#"{"counts": [0, 2, 0, 1], "total": 3, "min": 1, "max": 3, "sum": 5}"#);
    assert_eq!(histogram_quantile(h.clone(), 0.5).unwrap(), 1.0);
    assert_eq!(histogram_quantile(h, 1.0).unwrap(), 3.0);
    let bad = js(r#"{"counts": [1], "total": 1, "min": 5, "max": 1, "sum": 5}"#);
    expect_field_error(histogram_quantile(bad, 0.5), "histogram");
}

/// One preset table, from the core.
#[wasm_bindgen_test]
fn presets_come_from_the_core() {
    let ps = json(&qisim_wasm::presets("fixed").unwrap());
    let names: Vec<&str> = ps
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[..4], ["commit", "seed", "mix8", "faultStorm"]);
    assert!(names.contains(&"kernel-6.9"));
    let seed = &ps[0];
    assert_eq!(seed["config"]["scheduler"]["choices"], "q1:a6b6H3a5b5");
    for p in ps.as_array().unwrap() {
        validate_config(js(&p["config"].to_string())).unwrap();
    }
    expect_field_error(qisim_wasm::presets("Fixed"), "policy");
}

/// Fault paths, timeline rows, the completion and the state estimate cross the boundary from the
/// core, and bad input names its field.
#[wasm_bindgen_test]
fn fault_paths_rows_completion_and_estimate_come_from_the_core() {
    // F1 of docs/findings.md: the lockup carries its fault path, worded by faultPaths().
    let f1 = js(
        r#"{"qiLength": 8, "submitters": 1, "policy": "fixed", "trace": true,
        "faults": {"iqeRate": 0.5, "maxFaults": 1},
        "perSubmitter": [{"submissions": 1, "batch": {"kind": "fixed", "count": 2},
                          "types": {"iotlb": 0, "devtlb": 1}}],
        "scheduler": {"kind": "replay", "choices": "q1:a4HEa"}}"#,
    );
    let mut sim = Simulation::new(f1).unwrap();
    let report = json(&sim.run().unwrap());
    assert_eq!(report["findings"][0]["faultPath"], "F1", "{report}");
    let paths = json(&fault_paths().unwrap());
    assert_eq!(paths.as_array().unwrap().len(), 6);
    assert_eq!(paths[0]["id"], "F1");
    assert!(paths[0]["description"].as_str().unwrap().contains("IQE"));
    // Rows: one per step, the finding placed with T1 and labelled.
    let rows = json(&sim.timeline_rows().unwrap());
    assert_eq!(
        rows.as_array().unwrap().len() as u64,
        report["steps"].as_u64().unwrap()
    );
    let last = rows.as_array().unwrap().last().unwrap();
    let part = last["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "finding")
        .unwrap();
    assert_eq!(
        (part["finding"].clone(), part["faultPath"].clone()),
        ("lockup".into(), "F1".into())
    );
    // The same rows from the trace and findings handed back.
    let again =
        json(&timeline_rows(sim.trace().unwrap(), js(&report["findings"].to_string())).unwrap());
    assert_eq!(again, rows);
    expect_field_error(
        timeline_rows(js(r#"[{"step": 0}]"#), JsValue::UNDEFINED),
        "events[0]",
    );
    // Completion: the seed scenario's first 9 steps continue to the lockup.
    let cfg = || seed_config("legacy", "q1:a");
    let c =
        json(&complete_schedule(cfg(), JsValue::from_str("q1:a6b3"), JsValue::UNDEFINED).unwrap());
    assert!(c["steps"].as_u64().unwrap() >= 9, "{c}");
    assert!(c["replay"].as_str().unwrap().starts_with("q1:a6b3"), "{c}");
    expect_field_error(
        complete_schedule(cfg(), JsValue::from_str("q1:H"), JsValue::UNDEFINED),
        "replay",
    );
    expect_field_error(
        complete_schedule(cfg(), JsValue::from_f64(1.0), JsValue::UNDEFINED),
        "replay",
    );
    expect_field_error(
        complete_schedule(cfg(), JsValue::from_str("q1:a"), JsValue::from_f64(-1.0)),
        "limit",
    );
    expect_field_error(
        complete_schedule(cfg(), JsValue::from_str("q1:a"), JsValue::from_f64(1e7)),
        "limit",
    );
    // Estimate: a small family is counted exactly, as explore counts it.
    let fam = || {
        js(r#"{"qiLength": 6, "submitters": 2, "policy": "fixed",
              "workload": {"submissions": 1, "batch": {"kind": "fixed", "count": 1}}}"#)
    };
    let e = json(&estimate_explore(fam(), js(r#"{"counts": [0, 1, 2]}"#)).unwrap());
    let v = json(&explore(fam(), js(r#"{"counts": [0, 1, 2]}"#)).unwrap());
    assert_eq!(e["method"], "exact", "{e}");
    assert_eq!(e["states"], v["states"], "{e} {v}");
    assert_eq!(e["workloads"], 9);
    expect_field_error(estimate_explore(fam(), js(r#"{"sample": 1}"#)), "sample");
    expect_field_error(estimate_explore(fam(), js(r#"{"budget": 5}"#)), "budget");
    expect_field_error(
        estimate_explore(fam(), js(r#"{"maxStates": 5}"#)),
        "maxStates",
    );
    expect_field_error(
        estimate_explore(fam(), js(r#"{"counts": [-1]}"#)),
        "counts[0]",
    );
}

/// Kernels as programs across the boundary: each kernel's text, the check of one's own (line
/// and column as data), a config running it, its matrix; a broken program in a config is an
/// Error naming `program` with `line` and `col`.
#[wasm_bindgen_test]
fn kernel_programs() {
    let ks = json(&kernels(Some(8)).unwrap());
    let text = ks[2]["program"].as_str().unwrap().to_string();
    assert!(text.contains("int qi_check_fault(int index, int wait_index)"));
    assert!(check_program(&text).unwrap().is_null());
    let bad = text.replace("free_cnt++;", "free_cnt++ +;");
    let line = text
        .lines()
        .position(|l| l.contains("free_cnt++;"))
        .unwrap()
        + 1;
    let e = json(&check_program(&bad).unwrap());
    assert_eq!(e["line"], line as u64, "{e}");
    assert!(e["message"].as_str().unwrap().contains("expected"), "{e}");
    // A config with its own program runs it.
    let cfg = serde_json::json!({ "qiLength": 8, "submitters": 2, "program": text });
    let c = json(&validate_config(js(&cfg.to_string())).unwrap());
    assert_eq!(c["program"].as_str(), Some(text.as_str()));
    // A broken one is refused: field `program`, with the line and column an editor underlines.
    let cfg = serde_json::json!({ "qiLength": 8, "program": bad });
    let err = validate_config(js(&cfg.to_string())).unwrap_err();
    let field = js_sys::Reflect::get(&err, &JsValue::from_str("field")).unwrap();
    assert_eq!(field.as_string().as_deref(), Some("program"));
    let l = js_sys::Reflect::get(&err, &JsValue::from_str("line")).unwrap();
    assert_eq!(l.as_f64(), Some(line as f64));
    assert_eq!(error_data(&err)["kind"], "program");
    // The matrix of one's own program: a row of cells, named by it.
    let spec = js(r#"{"maxStates": 200000}"#);
    let cells = json(&program_matrix(spec, "mine.qi", &text, None).unwrap());
    assert_eq!(
        cells.as_array().unwrap().len(),
        Mix::ALL.len() * Fault::ALL.len()
    );
    assert_eq!(cells[0]["program"], "mine.qi");
    expect_field_error(
        program_matrix(JsValue::UNDEFINED, "b.qi", &bad, None),
        "program",
    );
}
