//! Parser robustness (issue 6): the config parser (serde_json + `Config::validate`) and the
//! replay parser never panic on any input, and every rejection says where the problem is.
//!
//! - Arbitrary strings, arbitrary JSON values and structured-random (schema-shaped) JSON go into
//!   the config parser: never a panic; a rejected config's `ConfigError.field` is a non-empty
//!   camelCase path that exists in the schema (web/lib/qisim-types.d.ts); an accepted one runs.
//! - One bad value at each field of the schema (negative, non-integer, huge, NaN, infinite, wrong
//!   type, missing tag fields, extra fields): the error names the field — `ConfigError.field`
//!   exactly, or serde_json's message names it (unknown/missing field), or, for the type and
//!   range errors where serde_json gives no name, its line/column points at the bad value.
//! - Replay strings: arbitrary and token-structured strings never panic and error positions are
//!   in range; encode/parse round-trips for arbitrary schedules.
//!
//! The fuzz targets in fuzz/ (`scripts/fuzz.sh`) check the same properties with libFuzzer.

use std::collections::BTreeSet;

use proptest::prelude::*;
use qisim_core::config::{SchedulerConfig, TimedCosts};
use qisim_core::model::HwFault;
use qisim_core::replay::{self, Schedule};
use qisim_core::{Actor, Config, ConfigError, Simulation};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// The schema
// ---------------------------------------------------------------------------------------------

/// Fields of a workload (under `workload.` and `perSubmitter[i].`).
const WORKLOAD_FIELDS: &[&str] = &[
    "submissions",
    "batch",
    "batch.kind",
    "batch.count",
    "batch.min",
    "batch.max",
    "batch.counts",
    "zeroCountProb",
    "drain",
    "thinkNs",
    "types",
    "types.iotlb",
    "types.devtlb",
    "types.context",
    "types.iec",
    "types.pasid",
];

/// Fields of `scheduler.costs` (timed scheduler).
const COST_FIELDS: &[&str] = &[
    "lockNs",
    "lockHandoffNs",
    "unlockNs",
    "checkSpaceNs",
    "descWriteNs",
    "doorbellNs",
    "pollNs",
    "relaxNs",
    "markNs",
    "reclaimNs",
    "hwIotlbNs",
    "hwDevtlbNs",
    "hwContextNs",
    "hwIecNs",
    "hwPasidNs",
    "hwWaitNs",
    "hwDrainNs",
    "hwTimeoutNs",
    "jitter",
];

/// Top-level and nested fields of the config.
const CONFIG_FIELDS: &[&str] = &[
    "qiLength",
    "submitters",
    "workload",
    "perSubmitter",
    "policy",
    "hardware",
    "fetchDepth",
    "kernel",
    "scheduler",
    "scheduler.kind",
    "scheduler.hwWeight",
    "scheduler.depth",
    "scheduler.steps",
    "scheduler.choices",
    "scheduler.costs",
    "faults",
    "faults.iqeRate",
    "faults.iteRate",
    "faults.iceRate",
    "faults.deviceGoneRate",
    "faults.iteWalk",
    "faults.iteTiming",
    "faults.noIteSid",
    "faults.maxFaults",
    "seed",
    "stepLimit",
    "watchdog",
    "trace",
    "recordSchedule",
    "traceCapacity",
    "bucket",
    "maxBuckets",
    "stopOn",
];

/// Every path of the schema, array indices removed (`perSubmitter[3].thinkNs` is
/// `perSubmitter.thinkNs`).
fn schema() -> BTreeSet<String> {
    let mut s: BTreeSet<String> = CONFIG_FIELDS.iter().map(|f| f.to_string()).collect();
    for w in WORKLOAD_FIELDS {
        s.insert(format!("workload.{w}"));
        s.insert(format!("perSubmitter.{w}"));
    }
    for c in COST_FIELDS {
        s.insert(format!("scheduler.costs.{c}"));
    }
    s
}

/// `perSubmitter[3].batch.counts[7]` -> `perSubmitter.batch.counts`.
fn strip_indices(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_camel_segment(seg: &str) -> bool {
    let mut chars = seg.chars();
    matches!(chars.next(), Some('a'..='z')) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// A `ConfigError` names an existing field of the schema by its camelCase path.
fn check_config_error(e: &ConfigError) -> Result<(), String> {
    if e.field.is_empty() || e.message.is_empty() {
        return Err(format!("empty field or message: {e:?}"));
    }
    let path = strip_indices(&e.field);
    if !path.split('.').all(is_camel_segment) {
        return Err(format!("field `{}` is not a camelCase path", e.field));
    }
    if !schema().contains(&path) {
        return Err(format!("field `{}` is not in the schema", e.field));
    }
    if !e.to_string().contains(&e.field) {
        return Err(format!("`{e}` does not name `{}`", e.field));
    }
    Ok(())
}

/// Parses, validates and (if valid) briefly runs a config given as JSON text. Never panics (a
/// panic fails the test); returns whether the config was accepted.
fn exercise_text(text: &str) -> Result<bool, String> {
    match serde_json::from_str::<Config>(text) {
        Err(_) => Ok(false),
        Ok(cfg) => exercise_config(cfg),
    }
}

fn exercise_config(mut cfg: Config) -> Result<bool, String> {
    if let Err(e) = cfg.validate() {
        check_config_error(&e)?;
        if Simulation::new(cfg).err().as_ref() != Some(&e) {
            return Err(format!("Simulation::new disagrees with validate ({e})"));
        }
        return Ok(false);
    }
    // A valid config stays valid through JSON (CLI files, wasm, shared URLs).
    let json = serde_json::to_string(&cfg).map_err(|e| e.to_string())?;
    let back: Config = serde_json::from_str(&json).map_err(|e| format!("{json}: {e}"))?;
    back.validate()
        .map_err(|e| format!("{json} invalid after a round trip: {e}"))?;
    cfg.step_limit = cfg.step_limit.min(300);
    cfg.trace_capacity = cfg.trace_capacity.min(64);
    let mut sim = Simulation::new(cfg).map_err(|e| format!("valid but rejected: {e}"))?;
    let r = sim.run();
    if r.steps > 300 {
        return Err(format!("{} steps past the clamp", r.steps));
    }
    let _ = sim.timeline();
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// JSON documents with one bad value at a known path
// ---------------------------------------------------------------------------------------------

/// Sets `path` (`a.b[1].c`) in `doc`, creating objects and arrays (filled with `{}`) on the way.
fn set_path(doc: &mut Value, path: &str, v: Value) {
    let mut cur = doc;
    let segs: Vec<&str> = path.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        let last = k + 1 == segs.len();
        let (name, index) = match seg.find('[') {
            Some(b) => (
                &seg[..b],
                Some(seg[b + 1..seg.len() - 1].parse::<usize>().unwrap()),
            ),
            None => (*seg, None),
        };
        let obj = cur.as_object_mut().expect("path through an object");
        match index {
            None if last => {
                obj.insert(name.to_string(), v);
                return;
            }
            None => cur = obj.entry(name).or_insert_with(|| json!({})),
            Some(i) => {
                let arr = obj.entry(name).or_insert_with(|| json!([]));
                let arr = arr.as_array_mut().expect("indexed path through an array");
                while arr.len() <= i {
                    arr.push(if last { json!(1) } else { json!({}) });
                }
                if last {
                    arr[i] = v;
                    return;
                }
                cur = &mut arr[i];
            }
        }
    }
}

/// What kind of value a field holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    U32,
    U64,
    F64,
    Bool,
    /// A string enum (`policy`, `hardware`, ...).
    Enum,
    Str,
}

/// A leaf of the schema: its JSON path, the `ConfigError.field` naming it, its type, and a
/// document in which it is read (the right `kind` tags around it).
struct Leaf {
    json: String,
    field: String,
    ty: Ty,
    base: Value,
}

fn leaves() -> Vec<Leaf> {
    let leaf = |json: &str, field: &str, ty: Ty, base: Value| Leaf {
        json: json.to_string(),
        field: field.to_string(),
        ty,
        base,
    };
    let mut v = vec![
        leaf("qiLength", "qiLength", Ty::U32, json!({})),
        leaf("submitters", "submitters", Ty::U32, json!({})),
        leaf("policy", "policy", Ty::Enum, json!({})),
        leaf("hardware", "hardware", Ty::Enum, json!({})),
        leaf("fetchDepth", "fetchDepth", Ty::U32, json!({})),
        leaf("kernel", "kernel", Ty::Enum, json!({})),
        leaf("seed", "seed", Ty::U64, json!({})),
        leaf("stepLimit", "stepLimit", Ty::U64, json!({})),
        leaf("watchdog", "watchdog", Ty::U64, json!({})),
        leaf("trace", "trace", Ty::Bool, json!({})),
        leaf("recordSchedule", "recordSchedule", Ty::Bool, json!({})),
        leaf("traceCapacity", "traceCapacity", Ty::U32, json!({})),
        leaf("bucket", "bucket", Ty::U64, json!({})),
        leaf("maxBuckets", "maxBuckets", Ty::U32, json!({})),
        leaf("stopOn", "stopOn", Ty::Enum, json!({})),
        leaf("faults.iqeRate", "faults.iqeRate", Ty::F64, json!({})),
        leaf("faults.iteRate", "faults.iteRate", Ty::F64, json!({})),
        leaf("faults.iceRate", "faults.iceRate", Ty::F64, json!({})),
        leaf(
            "faults.deviceGoneRate",
            "faults.deviceGoneRate",
            Ty::F64,
            json!({}),
        ),
        leaf("faults.iteWalk", "faults.iteWalk", Ty::Enum, json!({})),
        leaf("faults.iteTiming", "faults.iteTiming", Ty::Enum, json!({})),
        leaf("faults.noIteSid", "faults.noIteSid", Ty::Bool, json!({})),
        leaf("faults.maxFaults", "faults.maxFaults", Ty::U32, json!({})),
        leaf(
            "scheduler.hwWeight",
            "scheduler.hwWeight",
            Ty::F64,
            json!({"scheduler": {"kind": "random"}}),
        ),
        leaf(
            "scheduler.depth",
            "scheduler.depth",
            Ty::U32,
            json!({"scheduler": {"kind": "pct"}}),
        ),
        leaf(
            "scheduler.steps",
            "scheduler.steps",
            Ty::U64,
            json!({"scheduler": {"kind": "pct"}}),
        ),
        leaf(
            "scheduler.choices",
            "scheduler.choices",
            Ty::Str,
            json!({"scheduler": {"kind": "replay", "choices": "q1:"}}),
        ),
    ];
    for c in COST_FIELDS {
        let ty = if *c == "jitter" { Ty::F64 } else { Ty::U64 };
        let p = format!("scheduler.costs.{c}");
        v.push(leaf(&p, &p, ty, json!({"scheduler": {"kind": "timed"}})));
    }
    // The same workload fields at `workload` and at `perSubmitter[1]`.
    for (prefix, base) in [
        ("workload", json!({})),
        (
            "perSubmitter[1]",
            json!({"submitters": 2, "perSubmitter": [{}, {}]}),
        ),
    ] {
        let w = |s: &str| format!("{prefix}.{s}");
        let with_batch = |batch: Value| {
            let mut b = base.clone();
            set_path(&mut b, &w("batch"), batch);
            b
        };
        v.extend([
            leaf(&w("submissions"), &w("submissions"), Ty::U64, base.clone()),
            leaf(
                &w("zeroCountProb"),
                &w("zeroCountProb"),
                Ty::F64,
                base.clone(),
            ),
            leaf(&w("drain"), &w("drain"), Ty::Bool, base.clone()),
            leaf(&w("thinkNs"), &w("thinkNs"), Ty::U64, base.clone()),
            leaf(
                &w("batch.count"),
                &w("batch.count"),
                Ty::U32,
                with_batch(json!({"kind": "fixed", "count": 1})),
            ),
            leaf(
                &w("batch.min"),
                &w("batch.min"),
                Ty::U32,
                with_batch(json!({"kind": "uniform", "min": 0, "max": 3})),
            ),
            leaf(
                &w("batch.max"),
                &w("batch.max"),
                Ty::U32,
                with_batch(json!({"kind": "uniform", "min": 0, "max": 3})),
            ),
            leaf(
                &w("batch.counts[1]"),
                &w("batch.counts[1]"),
                Ty::U32,
                with_batch(json!({"kind": "sequence", "counts": [1, 2, 3]})),
            ),
        ]);
        for t in ["iotlb", "devtlb", "context", "iec", "pasid"] {
            let p = w(&format!("types.{t}"));
            v.push(leaf(&p, &p, Ty::F64, base.clone()));
        }
    }
    v
}

/// The document `base` with `raw` (JSON text, possibly not representable as a `Value`, like
/// `NaN` or `1e400`) at `path`; returns the text and the byte span of `raw` in it.
fn doc_with_raw(base: &Value, path: &str, raw: &str) -> (String, std::ops::Range<usize>) {
    const MARK: &str = "\"@@BAD@@\"";
    let mut doc = base.clone();
    set_path(&mut doc, path, json!("@@BAD@@"));
    let text = doc.to_string();
    let start = text.find(MARK).expect("marker in the document");
    let text = text.replacen(MARK, raw, 1);
    (text, start..start + raw.len())
}

/// Where serde_json's type and range errors point (they carry no path, only a line and column):
/// just past the bad value. This holds inside `scheduler` and `batch` too: those are read as
/// plain structs (`qisim_core::config::tagged`), not as serde's internally tagged enums, which buffer
/// the object and report such errors at its closing brace.
fn serde_error_locates(err: &serde_json::Error, span: &std::ops::Range<usize>, key: &str) -> bool {
    let msg = err.to_string();
    if msg.contains(&format!("`{key}`")) {
        return true;
    }
    // One-line documents: the column is 1-based and points at the last byte read.
    let col = err.column();
    err.line() == 1 && col >= span.start && col <= span.end + 1
}

/// Bad raw values for a type: none of them may be accepted silently at that field.
fn bad_values(ty: Ty) -> Vec<&'static str> {
    let wrong_type = ["\"7\"", "true", "null", "[]", "{}", "NaN", "-Infinity"];
    let mut v: Vec<&str> = match ty {
        Ty::U32 => vec!["-1", "1.5", "4294967296", "1e400", "18446744073709551616"],
        Ty::U64 => vec!["-1", "0.5", "18446744073709551616", "1e400", "-0.0"],
        Ty::F64 => vec!["\"0.5\"", "1e400", "-1e400"],
        Ty::Bool => vec!["1", "\"true\"", "0"],
        Ty::Enum => vec!["\"bogus\"", "\"\"", "1", "\"Fixed\""],
        Ty::Str => vec!["1", "true", "[\"q1:\"]"],
    };
    v.extend(wrong_type.iter().filter(|w| match ty {
        // JSON strings are wrong types for numbers and bools only.
        Ty::Enum | Ty::Str => **w != "\"7\"",
        Ty::Bool => **w != "true",
        _ => true,
    }));
    v
}

/// For each leaf and each bad raw value: rejected, and the error locates the field.
#[test]
fn bad_json_values_are_rejected_naming_the_field() {
    let mut checked = 0;
    for leaf in leaves() {
        let key = leaf.json.rsplit('.').next().unwrap();
        let key = key.split('[').next().unwrap();
        for raw in bad_values(leaf.ty) {
            let (text, span) = doc_with_raw(&leaf.base, &leaf.json, raw);
            match serde_json::from_str::<Config>(&text) {
                Err(e) => assert!(
                    serde_error_locates(&e, &span, key),
                    "{text}: `{e}` does not locate `{}` (value at {span:?})",
                    leaf.json
                ),
                Ok(cfg) => {
                    let e = cfg.validate().expect_err(&format!("{text} accepted"));
                    assert_eq!(e.field, leaf.field, "{text}: {e}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} cases");
}

/// Values that are well-typed but out of range: `ConfigError.field` is exactly the field.
#[test]
fn out_of_range_values_name_the_field() {
    let huge = 10_000_000_000_001u64; // MAX_STEP_LIMIT + 1
    let mut cases: Vec<(String, Value, Value)> = vec![];
    let mut case = |path: &str, bad: Value, base: Value| cases.push((path.to_string(), bad, base));
    for n in [0, 3, 65_537] {
        case("qiLength", json!(n), json!({}));
    }
    for n in [0, 257, u32::MAX] {
        case("submitters", json!(n), json!({}));
    }
    for n in [0, huge, u64::MAX] {
        case("stepLimit", json!(n), json!({}));
        case("bucket", json!(n), json!({}));
    }
    case("watchdog", json!(huge), json!({}));
    for n in [0, 50_000_001, u32::MAX] {
        case("traceCapacity", json!(n), json!({}));
    }
    for n in [0, 1, (1 << 20) + 1] {
        case("maxBuckets", json!(n), json!({}));
    }
    for n in [257, u32::MAX] {
        case("fetchDepth", json!(n), json!({}));
    }
    for f in ["iqeRate", "iteRate", "iceRate", "deviceGoneRate"] {
        for p in [-0.1, 1.5, 1e300, -1e-300] {
            case(&format!("faults.{f}"), json!(p), json!({}));
        }
    }
    let random = json!({"scheduler": {"kind": "random"}});
    for w in [0.0, -1.0, 1e6 + 1.0, 1e300] {
        case("scheduler.hwWeight", json!(w), random.clone());
    }
    let pct = json!({"scheduler": {"kind": "pct"}});
    for d in [0, 33, u32::MAX] {
        case("scheduler.depth", json!(d), pct.clone());
    }
    case("scheduler.steps", json!(huge), pct);
    let timed = json!({"scheduler": {"kind": "timed"}});
    for c in COST_FIELDS {
        let bad = if *c == "jitter" {
            vec![json!(-0.1), json!(0.95), json!(1e300)]
        } else {
            vec![json!(1_000_000_001u64), json!(u64::MAX)]
        };
        for b in bad {
            case(&format!("scheduler.costs.{c}"), b, timed.clone());
        }
    }
    for (prefix, base) in [
        ("workload", json!({})),
        (
            "perSubmitter[1]",
            json!({"submitters": 2, "perSubmitter": [{}, {}]}),
        ),
    ] {
        let w = |s: &str| format!("{prefix}.{s}");
        let with_batch = |batch: Value| {
            let mut b = base.clone();
            set_path(&mut b, &w("batch"), batch);
            b
        };
        case(&w("submissions"), json!(1_000_000_000_001u64), base.clone());
        case(&w("submissions"), json!(u64::MAX), base.clone());
        for p in [-0.5, 1.01, 1e300] {
            case(&w("zeroCountProb"), json!(p), base.clone());
        }
        case(&w("thinkNs"), json!(1_000_000_001u64), base.clone());
        for t in ["iotlb", "devtlb", "context", "iec", "pasid"] {
            for x in [-1.0, 1e9 + 1.0, 1e300] {
                case(&w(&format!("types.{t}")), json!(x), base.clone());
            }
        }
        // Ring 256: at most 254 descriptors per call.
        for c in [255, u32::MAX] {
            case(
                &w("batch.count"),
                json!(c),
                with_batch(json!({"kind": "fixed"})),
            );
            case(
                &w("batch.max"),
                json!(c),
                with_batch(json!({"kind": "uniform", "min": 0})),
            );
            case(
                &w("batch.counts[2]"),
                json!(c),
                with_batch(json!({"kind": "sequence", "counts": [1, 2, 3]})),
            );
        }
        case(
            &w("batch.min"),
            json!(4),
            with_batch(json!({"kind": "uniform", "max": 3})),
        );
    }
    assert!(cases.len() > 100);
    for (path, bad, base) in cases {
        let mut doc = base.clone();
        set_path(&mut doc, &path, bad);
        let text = doc.to_string();
        let cfg: Config = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let e = cfg.validate().expect_err(&text);
        assert_eq!(e.field, path, "{text}: {e}");
        check_config_error(&e).unwrap();
    }
}

/// NaN and infinities cannot be written in JSON, but reach the core from JS objects (wasm) and
/// from Rust callers: every float field rejects them, naming the field.
#[test]
fn non_finite_floats_name_the_field() {
    type Set = fn(&mut Config, f64);
    let base = Config::default;
    let fields: Vec<(&str, Config, Set)> = vec![
        ("workload.zeroCountProb", base(), |c, x| {
            c.workload.zero_count_prob = x
        }),
        ("workload.types.iotlb", base(), |c, x| {
            c.workload.types.iotlb = x
        }),
        ("workload.types.devtlb", base(), |c, x| {
            c.workload.types.devtlb = x
        }),
        ("workload.types.context", base(), |c, x| {
            c.workload.types.context = x
        }),
        ("workload.types.iec", base(), |c, x| {
            c.workload.types.iec = x
        }),
        ("workload.types.pasid", base(), |c, x| {
            c.workload.types.pasid = x
        }),
        ("faults.iqeRate", base(), |c, x| c.faults.iqe_rate = x),
        ("faults.iteRate", base(), |c, x| c.faults.ite_rate = x),
        ("faults.iceRate", base(), |c, x| c.faults.ice_rate = x),
        ("faults.deviceGoneRate", base(), |c, x| {
            c.faults.device_gone_rate = x
        }),
        ("scheduler.hwWeight", base(), |c, x| {
            c.scheduler = SchedulerConfig::Random { hw_weight: x }
        }),
        ("scheduler.costs.jitter", base(), |c, x| {
            c.scheduler = SchedulerConfig::Timed {
                costs: TimedCosts {
                    jitter: x,
                    ..TimedCosts::default()
                },
            }
        }),
        (
            "perSubmitter[1].zeroCountProb",
            Config {
                per_submitter: vec![Default::default(); 2],
                ..base()
            },
            |c, x| c.per_submitter[1].zero_count_prob = x,
        ),
    ];
    for (field, cfg, set) in fields {
        for x in [f64::NAN, -f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut c = cfg.clone();
            set(&mut c, x);
            let e = c.validate().expect_err(&format!("{field} = {x} accepted"));
            assert_eq!(e.field, field, "{field} = {x}: {e}");
        }
    }
}

/// Unknown keys anywhere, and missing required keys of tagged variants, are named.
#[test]
fn extra_and_missing_fields_are_named() {
    let objects = [
        "",
        "workload",
        "workload.batch",
        "workload.types",
        "perSubmitter[0]",
        "scheduler",
        "scheduler.costs",
        "faults",
    ];
    for at in objects {
        let mut doc = json!({
            "submitters": 1,
            "perSubmitter": [{}],
            "workload": {"batch": {"kind": "fixed", "count": 1}, "types": {}},
            "scheduler": {"kind": "timed", "costs": {}},
            "faults": {},
        });
        let path = if at.is_empty() {
            "bogusField".to_string()
        } else {
            format!("{at}.bogusField")
        };
        set_path(&mut doc, &path, json!(1));
        let e = serde_json::from_value::<Config>(doc.clone()).expect_err(&doc.to_string());
        assert!(
            e.to_string().contains("unknown field `bogusField`"),
            "{doc}: {e}"
        );
        // The same through text, where serde_json adds the position.
        let e = serde_json::from_str::<Config>(&doc.to_string()).unwrap_err();
        assert!(e.to_string().contains("`bogusField`"), "{doc}: {e}");
    }
    let missing = [
        (json!({"workload": {"batch": {"count": 1}}}), "kind"),
        (json!({"workload": {"batch": {"kind": "fixed"}}}), "count"),
        (
            json!({"workload": {"batch": {"kind": "uniform", "min": 1}}}),
            "max",
        ),
        (
            json!({"workload": {"batch": {"kind": "uniform", "max": 1}}}),
            "min",
        ),
        (
            json!({"workload": {"batch": {"kind": "sequence"}}}),
            "counts",
        ),
        (json!({"scheduler": {"depth": 3}}), "kind"),
        (json!({"scheduler": {"kind": "replay"}}), "choices"),
        (
            json!({"perSubmitter": [{"batch": {"kind": "fixed"}}]}),
            "count",
        ),
    ];
    for (doc, field) in missing {
        let e = serde_json::from_str::<Config>(&doc.to_string()).expect_err(&doc.to_string());
        assert!(
            e.to_string().contains(&format!("missing field `{field}`")),
            "{doc}: {e}"
        );
    }
    // Every other field has a default: a config with any subset of keys is complete.
    Config::default().validate().unwrap();
    assert_eq!(
        serde_json::from_str::<Config>("{}").unwrap(),
        Config::default()
    );
}

/// Regression: the random scheduler's weight is `hwWeight` (web/lib/qisim-types.d.ts, `ConfigError`
/// field `scheduler.hwWeight`), in and out. Until 136957b `rename_all` on `SchedulerConfig`
/// renamed only the variants and serde read and wrote `hw_weight`.
#[test]
fn hw_weight_key_is_camel_case() {
    let cfg: Config =
        serde_json::from_str(r#"{"scheduler": {"kind": "random", "hwWeight": 2}}"#).unwrap();
    assert_eq!(cfg.scheduler, SchedulerConfig::Random { hw_weight: 2.0 });
    let text = serde_json::to_string(&Config::default()).unwrap();
    assert!(text.contains("\"hwWeight\""), "{text}");
}

/// Every key of a serialised config (all scheduler variants) is camelCase and in the schema.
#[test]
fn serialised_keys_are_in_the_schema() {
    fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.push(p.clone());
                    walk(x, &p, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, prefix, out)),
            _ => {}
        }
    }
    let schedulers = [
        SchedulerConfig::Random { hw_weight: 1.0 },
        SchedulerConfig::Pct { depth: 3, steps: 0 },
        SchedulerConfig::Replay {
            choices: "q1:".into(),
        },
        SchedulerConfig::Timed {
            costs: TimedCosts::default(),
        },
    ];
    let schema = schema();
    let mut odd = BTreeSet::new();
    for s in schedulers {
        let cfg = Config {
            scheduler: s,
            per_submitter: vec![Default::default(); 2],
            ..Config::default()
        };
        let mut paths = vec![];
        walk(&serde_json::to_value(&cfg).unwrap(), "", &mut paths);
        for p in paths {
            if !schema.contains(&p) || !p.split('.').all(is_camel_segment) {
                odd.insert(p);
            }
        }
    }
    assert!(
        odd.is_empty(),
        "keys outside the schema: {odd:?} (a new config field? add it to CONFIG_FIELDS, \
         WORKLOAD_FIELDS or COST_FIELDS at the top of core/tests/parsers.rs, and to leaves())"
    );
}

// ---------------------------------------------------------------------------------------------
// Random inputs into the config parser
// ---------------------------------------------------------------------------------------------

/// Any JSON value, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|x| json!(x)), // non-finite becomes null
        "[a-zA-Z0-9:_ ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A number that is often valid somewhere and often on an edge.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        12 => (0u64..6).prop_map(|n| json!(n)),
        3 => (0u64..300).prop_map(|n| json!(n)),
        2 => (0.0f64..1.0).prop_map(|x| json!(x)),
        2 => prop::sample::select(vec![
            json!(-1), json!(-0.5), json!(1.5), json!(2), json!(3), json!(4), json!(254),
            json!(255), json!(256), json!(257), json!(65_536), json!(65_537),
            json!(u32::MAX), json!(u64::MAX), json!(1_000_000_000_000u64),
            json!(10_000_000_000_001u64), json!(1e300), json!(-1e300), json!(0.9),
            json!(1.0), json!(1e6),
        ]),
        1 => any_json(),
    ]
}

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        16 => prop::sample::select(options).prop_map(|s| json!(s)),
        1 => Just(json!("bogus")),
        1 => number(),
    ]
}

/// An object with a random subset of `fields` (each from its strategy) and sometimes an extra key.
fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let n = fields.len();
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .into_iter()
        .map(|(k, s)| prop::option::weighted(0.3, s.prop_map(move |v| (k.to_string(), v))).boxed())
        .collect();
    (
        parts,
        prop::option::weighted(0.02, ("[a-z]{1,6}", any_json())),
    )
        .prop_map(move |(kvs, extra)| {
            let mut m = Map::with_capacity(n + 1);
            for (k, v) in kvs.into_iter().flatten() {
                m.insert(k, v);
            }
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            Value::Object(m)
        })
        .boxed()
}

fn batch() -> BoxedStrategy<Value> {
    object(vec![
        ("kind", pick(&["fixed", "uniform", "sequence"]).boxed()),
        ("count", number().boxed()),
        ("min", number().boxed()),
        ("max", number().boxed()),
        (
            "counts",
            prop::collection::vec(number(), 0..5)
                .prop_map(Value::Array)
                .boxed(),
        ),
    ])
}

fn workload() -> BoxedStrategy<Value> {
    let types = object(
        ["iotlb", "devtlb", "context", "iec", "pasid"]
            .into_iter()
            .map(|t| (t, number().boxed()))
            .collect(),
    );
    object(vec![
        ("submissions", number().boxed()),
        ("batch", batch()),
        ("zeroCountProb", number().boxed()),
        ("drain", any::<bool>().prop_map(Value::Bool).boxed()),
        ("thinkNs", number().boxed()),
        ("types", types),
    ])
}

fn replay_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "q1:[a-dHETC0-9 ]{0,16}",
        "q1:\\{[0-9]{1,3}\\}[0-9]{0,3}",
        ".{0,8}"
    ]
}

fn scheduler() -> BoxedStrategy<Value> {
    let costs = object(COST_FIELDS.iter().map(|c| (*c, number().boxed())).collect());
    object(vec![
        ("kind", pick(&["random", "pct", "replay", "timed"]).boxed()),
        ("hwWeight", number().boxed()),
        ("depth", number().boxed()),
        ("steps", number().boxed()),
        ("choices", replay_text().prop_map(Value::String).boxed()),
        ("costs", costs),
    ])
}

/// A schema-shaped config document with random, often invalid, values.
fn config_json() -> BoxedStrategy<Value> {
    let faults = object(vec![
        ("iqeRate", number().boxed()),
        ("iteRate", number().boxed()),
        ("iceRate", number().boxed()),
        ("deviceGoneRate", number().boxed()),
        ("iteWalk", pick(&["stride1", "stride2"]).boxed()),
    ]);
    object(vec![
        ("qiLength", number().boxed()),
        ("submitters", number().boxed()),
        ("workload", workload()),
        (
            "perSubmitter",
            prop::collection::vec(workload(), 0..4)
                .prop_map(Value::Array)
                .boxed(),
        ),
        ("policy", pick(&["legacy", "fixed"]).boxed()),
        ("hardware", pick(&["async", "sync"]).boxed()),
        ("scheduler", scheduler()),
        ("faults", faults),
        ("seed", number().boxed()),
        ("stepLimit", number().boxed()),
        ("watchdog", number().boxed()),
        ("trace", any::<bool>().prop_map(Value::Bool).boxed()),
        (
            "recordSchedule",
            any::<bool>().prop_map(Value::Bool).boxed(),
        ),
        ("traceCapacity", number().boxed()),
        ("bucket", number().boxed()),
        ("maxBuckets", number().boxed()),
        ("stopOn", pick(&["consequence", "firstFinding"]).boxed()),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any string into the config parser: never a panic.
    #[test]
    fn config_parser_survives_any_string(s in "\\PC{0,64}") {
        exercise_text(&s).map_err(TestCaseError::fail)?;
    }

    /// JSON-ish text (the alphabet of configs) into the config parser.
    #[test]
    fn config_parser_survives_json_like_text(
        s in "[{}\\[\\]\":,0-9.eE+ -]{0,8}|\\{\"(qiLength|submitters|workload|scheduler|seed)\":[{}\\[\\]\":,0-9a-z.eE+ -]{0,24}\\}"
    ) {
        exercise_text(&s).map_err(TestCaseError::fail)?;
    }

    /// Any JSON value, at the top and where the nested objects go.
    #[test]
    fn config_parser_survives_any_json(v in any_json(), at in 0usize..5) {
        let doc = match at {
            0 => v,
            1 => json!({"workload": v}),
            2 => json!({"scheduler": v}),
            3 => json!({"perSubmitter": [v]}),
            _ => json!({"workload": {"batch": v}}),
        };
        let by_value = serde_json::from_value::<Config>(doc.clone());
        let by_text = serde_json::from_str::<Config>(&doc.to_string());
        prop_assert_eq!(by_value.is_ok(), by_text.is_ok(), "{}", doc);
        exercise_text(&doc.to_string()).map_err(TestCaseError::fail)?;
    }

    /// Schema-shaped random configs: rejected ones name a schema field, accepted ones run.
    #[test]
    fn structured_random_configs(doc in config_json()) {
        let text = doc.to_string();
        let by_value = serde_json::from_value::<Config>(doc.clone());
        let by_text = serde_json::from_str::<Config>(&text);
        prop_assert_eq!(by_value.is_ok(), by_text.is_ok(), "{}", text);
        exercise_text(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
    }
}

/// The structured generator is not just producing rejects: a fair share of its configs are valid
/// and run (so the property above does exercise the simulator).
#[test]
fn structured_random_configs_are_often_valid() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config as RunnerConfig, TestRunner};
    let mut runner = TestRunner::new(RunnerConfig::default());
    let strategy = config_json();
    let (mut parsed, mut valid) = (0, 0);
    for _ in 0..400 {
        let doc = strategy.new_tree(&mut runner).unwrap().current();
        if let Ok(cfg) = serde_json::from_value::<Config>(doc) {
            parsed += 1;
            if exercise_config(cfg).unwrap() {
                valid += 1;
            }
        }
    }
    eprintln!("structured configs: {parsed} of 400 parse, {valid} are valid and run");
    assert!(
        parsed >= 60 && valid >= 25,
        "parsed {parsed}, valid {valid} of 400"
    );
}

// ---------------------------------------------------------------------------------------------
// The replay parser
// ---------------------------------------------------------------------------------------------

fn actor() -> impl Strategy<Value = Actor> {
    prop_oneof![
        6 => (0u32..40).prop_map(Actor::Submitter),
        3 => Just(Actor::Hardware),
        2 => prop::sample::select(HwFault::ALL.to_vec()).prop_map(Actor::Fault),
        1 => any::<u32>().prop_map(Actor::Submitter),
    ]
}

/// Checks everything the replay parser promises about `s`.
fn check_replay(s: &str) -> Result<(), TestCaseError> {
    match replay::parse_limited(s, 10_000) {
        Err(e) => {
            prop_assert!(e.position <= s.len(), "{:?}: {}", s, e);
            prop_assert!(s.is_char_boundary(e.position), "{:?}: {}", s, e);
            prop_assert!(!e.message.is_empty());
            prop_assert!(e.to_string().contains(&e.position.to_string()));
        }
        Ok(choices) => {
            let canonical = replay::encode(&choices);
            prop_assert_eq!(&replay::parse(&canonical).unwrap(), &choices);
            prop_assert_eq!(
                &replay::encode(&replay::parse(&canonical).unwrap()),
                &canonical
            );
            let sched = replay::parse_schedule(s).unwrap();
            prop_assert_eq!(sched.len(), choices.len() as u64);
            prop_assert_eq!(sched.encode(), canonical);
            // Runs are maximal and non-empty.
            for w in sched.runs().windows(2) {
                prop_assert_ne!(w[0].0, w[1].0);
            }
            prop_assert!(sched.runs().iter().all(|(_, n)| *n >= 1));
            // The limit is exact.
            let n = choices.len() as u64;
            prop_assert!(replay::parse_limited(s, n).is_ok());
            if n > 0 {
                prop_assert!(replay::parse_limited(s, n - 1).is_err());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any string: never a panic, errors at a character boundary inside the string.
    #[test]
    fn replay_parser_survives_any_string(s in "\\PC{0,40}") {
        check_replay(&s)?;
        check_replay(&format!("q1:{s}"))?;
    }

    /// Strings of replay tokens, valid and broken (unclosed braces, zero and huge run lengths,
    /// huge submitter numbers, non-ASCII).
    #[test]
    fn replay_parser_survives_token_soup(
        tokens in prop::collection::vec(
            prop_oneof![
                "[a-zHETC]",
                "[0-9]{1,3}",
                "\\{[0-9]{0,11}\\}?",
                Just("{-1}".to_string()),
                Just("99999999999999999999".to_string()),
                Just("1099511627776".to_string()), // MAX_RUN
                Just("1099511627777".to_string()),
                "[ \t\n]",
                "[^a-zA-Z0-9{} \t\n]",
            ],
            0..12,
        ),
        prefix in prop_oneof![8 => Just("q1:"), 1 => Just("q2:"), 1 => Just("")],
    ) {
        check_replay(&format!("{prefix}{}", tokens.concat()))?;
    }

    /// encode/parse round-trip for arbitrary schedules; the encoding is canonical.
    #[test]
    fn replay_round_trip(runs in prop::collection::vec((actor(), 1u64..5), 0..40)) {
        let mut choices = vec![];
        for (a, n) in &runs {
            choices.extend(std::iter::repeat_n(*a, *n as usize));
        }
        let s = replay::encode(&choices);
        prop_assert_eq!(&replay::parse(&s).unwrap(), &choices);
        prop_assert_eq!(replay::parse_schedule(&s).unwrap(), Schedule::from_choices(&choices));
        prop_assert_eq!(replay::encode(&replay::parse(&s).unwrap()), s.clone());
        prop_assert!(!s.contains(' '));
        check_replay(&s)?;
    }

    /// Non-canonical spellings (split runs, explicit counts, `{N}` for small N, whitespace) parse
    /// to the same choices and re-encode to the canonical string.
    #[test]
    fn replay_non_canonical_spellings(
        parts in prop::collection::vec((actor(), 1u64..4, any::<bool>(), "[ \t\n]{0,2}"), 0..30),
    ) {
        let mut text = String::from("q1:");
        let mut choices = vec![];
        for (a, n, braces, ws) in &parts {
            match a {
                Actor::Submitter(i) if *braces => text.push_str(&format!("{{{i}}}")),
                _ => text.push_str(&replay::actor_token(*a)),
            }
            if *n > 1 || *braces {
                text.push_str(&n.to_string());
            }
            text.push_str(ws);
            choices.extend(std::iter::repeat_n(*a, *n as usize));
        }
        prop_assert_eq!(&replay::parse(&text).unwrap(), &choices, "{:?}", text);
        prop_assert_eq!(replay::encode(&replay::parse(&text).unwrap()), replay::encode(&choices));
    }
}

/// Replay strings as scheduler choices in a config: rejected with `scheduler.choices`, or run.
#[test]
fn replay_strings_in_configs() {
    for (choices, ok) in [
        ("q1:a6b6H3a5b2", true),
        ("q1:", true),
        ("q1:a3bH2", true),
        ("q1:c", false),   // submitter 2 of 2
        ("q1:{2}", false), // the same, spelled out
        ("q1:{4294967295}", false),
        ("q1:a0", false),
        ("q1:{", false),
        ("q2:a", false),
        ("q1:a1099511627777", false), // longer than MAX_RUN
        ("q1:a100000001", true),      // long, but kept run-length encoded: accepted
    ] {
        let cfg = Config {
            submitters: 2,
            qi_length: 8,
            scheduler: SchedulerConfig::Replay {
                choices: choices.to_string(),
            },
            ..Config::default()
        };
        match cfg.validate() {
            Ok(()) => {
                assert!(ok, "{choices} accepted");
                exercise_config(cfg).unwrap();
            }
            Err(e) => {
                assert!(!ok, "{choices}: {e}");
                assert_eq!(e.field, "scheduler.choices", "{choices}: {e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions found by fuzzing (scripts/fuzz.sh)
// ---------------------------------------------------------------------------------------------

/// Found by the `config_structured` fuzz target (fuzz/corpus/config_structured/
/// regression-odd-ring-stride2-ite; minimised by hand to this config). With an odd `qiLength`
/// the stride-2 ITE walk of `qi_check_fault` starts at `head = (IQH - 1 + len) % len | 1`, which
/// is `len` itself when IQH = 0, and `desc_status[len]` panics: "index out of bounds: the len is
/// 5 but the index is 5" at core/src/system.rs:959 (`System::qi_check_fault`). Replay `a4FTa` (`a4Ta` before fetch and completion were split):
/// T1 writes its descriptor (slot 0) and wait (slot 1) and rings the doorbell, hardware times
/// out at slot 0 (ITE, IQH = 0), T1's next poll runs the walk. The kernel's ring is 256 (even),
/// so the model, not the kernel, was at fault: it accepted any `qiLength` in 4..=65536. Fixed:
/// `validate` rejects odd rings for the stride-2 walk, naming `qiLength`.
#[test]
fn odd_ring_with_stride2_ite_walk_does_not_panic() {
    for qi_length in [5, 7, 15, 255] {
        let text = format!(
            r#"{{"qiLength": {qi_length}, "submitters": 1,
                "workload": {{"submissions": 1, "batch": {{"kind": "fixed", "count": 1}},
                             "types": {{"iotlb": 0, "devtlb": 1}}}},
                "faults": {{"iteRate": 1, "iteWalk": "stride2"}},
                "scheduler": {{"kind": "replay", "choices": "q1:a4Ta"}}}}"#
        );
        let cfg: Config = serde_json::from_str(&text).unwrap();
        // Either rejected up front, naming a field, or it runs.
        match cfg.validate() {
            Err(e) => check_config_error(&e).unwrap(),
            Ok(()) => {
                Simulation::new(cfg).unwrap().run();
            }
        }
    }
}

/// The same ring and fault with the stride-1 walk (7.0 kernels), and an even ring with stride 2,
/// run to the end of the replay.
#[test]
fn even_ring_or_stride1_ite_walk_runs() {
    for (qi_length, walk) in [
        (5, "stride1"),
        (4, "stride2"),
        (6, "stride2"),
        (256, "stride2"),
    ] {
        let text = format!(
            r#"{{"qiLength": {qi_length}, "submitters": 1,
                "workload": {{"submissions": 1, "batch": {{"kind": "fixed", "count": 1}},
                             "types": {{"iotlb": 0, "devtlb": 1}}}},
                "faults": {{"iteRate": 1, "iteWalk": "{walk}"}},
                "scheduler": {{"kind": "replay", "choices": "q1:a4FTa"}}}}"#
        );
        let cfg: Config = serde_json::from_str(&text).unwrap();
        let r = Simulation::new(cfg).unwrap().run();
        assert_eq!(r.steps, 7, "{text}: {:?}", r.outcome);
    }
}
