//! Structured config fuzzing: the fuzzer's bytes drive a generator of schema-shaped JSON configs
//! (every field optional, values mostly in range and often on an edge, sometimes of the wrong
//! type), which then go through the same checks as `config_json` (`common::check_json`). Raw
//! bytes rarely make valid JSON with the right keys; this target reaches the simulator with
//! thousands of different valid configs: rings, submitters, batch distributions, schedulers
//! (random, PCT, timed, replay), fault injection, policies, watchdog and stop conditions.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[path = "common.rs"]
mod common;

const EDGES: &[i128] = &[
    -1,
    0,
    1,
    2,
    3,
    4,
    5,
    254,
    255,
    256,
    257,
    65_535,
    65_536,
    65_537,
    1_000_000_000,
    1_000_000_001,
    1_000_000_000_000,
    1_000_000_000_001,
    10_000_000_000_000,
    10_000_000_000_001,
    u32::MAX as i128,
    u32::MAX as i128 + 1,
    u64::MAX as i128,
];

/// An arbitrary JSON value of the wrong kind (rarely used).
fn junk(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(String::from(u.arbitrary::<&str>()?)),
        3 => json!([]),
        4 => json!({}),
        _ => json!(u.arbitrary::<f64>()?), // NaN and infinities become null
    })
}

/// An unsigned integer field: small values most of the time, `max` and edges sometimes.
fn int(u: &mut Unstructured, small: u64) -> Result<Value> {
    Ok(match u.int_in_range(0..=15)? {
        0 => json!(*u.choose(EDGES)? as f64), // the edge as a float: not an integer
        1 => {
            let e = *u.choose(EDGES)?;
            if e < 0 {
                json!(e as i64)
            } else {
                json!(e as u64)
            }
        }
        2 => json!(u.arbitrary::<u64>()?),
        3 if u.ratio(1, 8)? => junk(u)?,
        _ => json!(u.int_in_range(0..=small)?),
    })
}

/// A probability-like float.
fn prob(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => json!(*u.choose(&[-0.5, 0.0, 1.0, 1.5, 1e-300, 1e300, 0.9, 0.95])?),
        1 if u.ratio(1, 4)? => junk(u)?,
        2..=4 => json!(0.0),
        _ => json!(f64::from(u.int_in_range(0..=1000u32)?) / 1000.0),
    })
}

fn pick(u: &mut Unstructured, options: &[&str]) -> Result<Value> {
    Ok(if u.ratio(1, 20)? {
        junk(u)?
    } else {
        json!(*u.choose(options)?)
    })
}

/// Inserts `key` with a generated value with probability 1/2.
fn maybe(
    u: &mut Unstructured,
    m: &mut Map<String, Value>,
    key: &str,
    f: impl FnOnce(&mut Unstructured) -> Result<Value>,
) -> Result<()> {
    if u.arbitrary()? {
        let v = f(u)?;
        m.insert(key.to_string(), v);
    }
    Ok(())
}

fn batch(u: &mut Unstructured) -> Result<Value> {
    let mut m = Map::new();
    let kind = *u.choose(&["fixed", "uniform", "sequence"])?;
    m.insert("kind".into(), json!(kind));
    match kind {
        "fixed" => m.insert("count".into(), int(u, 6)?),
        "uniform" => {
            m.insert("min".into(), int(u, 3)?);
            m.insert("max".into(), int(u, 6)?)
        }
        _ => {
            let n = u.int_in_range(0..=8)?;
            let counts = (0..n).map(|_| int(u, 6)).collect::<Result<Vec<_>>>()?;
            m.insert("counts".into(), Value::Array(counts))
        }
    };
    Ok(Value::Object(m))
}

fn workload(u: &mut Unstructured) -> Result<Value> {
    let mut m = Map::new();
    maybe(u, &mut m, "submissions", |u| int(u, 8))?;
    maybe(u, &mut m, "batch", batch)?;
    maybe(u, &mut m, "zeroCountProb", prob)?;
    maybe(u, &mut m, "drain", |u| Ok(Value::Bool(u.arbitrary()?)))?;
    maybe(u, &mut m, "thinkNs", |u| int(u, 1000))?;
    maybe(u, &mut m, "types", |u| {
        let mut t = Map::new();
        for k in ["iotlb", "devtlb", "context", "iec", "pasid"] {
            maybe(u, &mut t, k, prob)?;
        }
        Ok(Value::Object(t))
    })?;
    Ok(Value::Object(m))
}

fn replay_choices(u: &mut Unstructured) -> Result<String> {
    let mut s = String::from("q1:");
    for _ in 0..u.int_in_range(0..=24)? {
        s.push_str(u.choose(&["a", "b", "c", "d", "H", "H", "E", "T", "C", "{1}", " "])?);
        if u.ratio(1, 4)? {
            s.push_str(&u.int_in_range(2..=40u32)?.to_string());
        }
    }
    Ok(s)
}

const COSTS: &[&str] = &[
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
];

fn scheduler(u: &mut Unstructured) -> Result<Value> {
    let mut m = Map::new();
    let kind = *u.choose(&["random", "pct", "replay", "timed"])?;
    m.insert("kind".into(), json!(kind));
    match kind {
        "random" => maybe(u, &mut m, "hwWeight", |u| {
            Ok(json!(
                *u.choose(&[0.01, 0.5, 1.0, 2.0, 50.0, 1e6, 0.0, -1.0])?
            ))
        })?,
        "pct" => {
            maybe(u, &mut m, "depth", |u| int(u, 5))?;
            maybe(u, &mut m, "steps", |u| int(u, 3000))?;
        }
        "replay" => {
            let c = replay_choices(u)?;
            m.insert("choices".into(), json!(c));
        }
        _ => maybe(u, &mut m, "costs", |u| {
            let mut c = Map::new();
            for k in COSTS {
                maybe(u, &mut c, k, |u| int(u, 5000))?;
            }
            maybe(u, &mut c, "jitter", prob)?;
            Ok(Value::Object(c))
        })?,
    }
    Ok(Value::Object(m))
}

fn config(u: &mut Unstructured) -> Result<Value> {
    let mut m = Map::new();
    maybe(u, &mut m, "qiLength", |u| {
        Ok(if u.ratio(1, 6)? {
            int(u, 64)?
        } else {
            json!(u.int_in_range(4..=64u32)?)
        })
    })?;
    let submitters = u.int_in_range(1..=6u32)?;
    maybe(u, &mut m, "submitters", |u| {
        Ok(if u.ratio(1, 8)? {
            int(u, 300)?
        } else {
            json!(submitters)
        })
    })?;
    maybe(u, &mut m, "workload", workload)?;
    if u.ratio(1, 4)? {
        let n = if u.ratio(7, 8)? {
            submitters
        } else {
            u.int_in_range(0..=7)?
        };
        let ws = (0..n).map(|_| workload(u)).collect::<Result<Vec<_>>>()?;
        m.insert("perSubmitter".into(), Value::Array(ws));
    }
    maybe(u, &mut m, "policy", |u| pick(u, &["legacy", "fixed"]))?;
    maybe(u, &mut m, "hardware", |u| pick(u, &["async", "sync"]))?;
    maybe(u, &mut m, "scheduler", scheduler)?;
    maybe(u, &mut m, "faults", |u| {
        let mut f = Map::new();
        for k in ["iqeRate", "iteRate", "iceRate"] {
            maybe(u, &mut f, k, prob)?;
        }
        maybe(u, &mut f, "iteWalk", |u| pick(u, &["stride1", "stride2"]))?;
        Ok(Value::Object(f))
    })?;
    maybe(u, &mut m, "seed", |u| Ok(json!(u.arbitrary::<u64>()?)))?;
    maybe(u, &mut m, "stepLimit", |u| int(u, 3000))?;
    maybe(u, &mut m, "watchdog", |u| int(u, 200))?;
    maybe(u, &mut m, "trace", |u| Ok(Value::Bool(u.arbitrary()?)))?;
    maybe(u, &mut m, "recordSchedule", |u| {
        Ok(Value::Bool(u.arbitrary()?))
    })?;
    maybe(u, &mut m, "traceCapacity", |u| int(u, 100))?;
    maybe(u, &mut m, "bucket", |u| int(u, 100))?;
    maybe(u, &mut m, "maxBuckets", |u| int(u, 16))?;
    maybe(u, &mut m, "stopOn", |u| {
        pick(u, &["consequence", "firstFinding"])
    })?;
    if u.ratio(1, 50)? {
        m.insert("bogusField".into(), junk(u)?);
    }
    Ok(Value::Object(m))
}

/// `QISIM_FUZZ_PRINT=1 <binary> <input>` prints the config an input stands for (to reproduce a
/// crash as JSON).
fn print_docs() -> bool {
    static PRINT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PRINT.get_or_init(|| std::env::var_os("QISIM_FUZZ_PRINT").is_some())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(doc) = config(&mut u) {
        let text = doc.to_string();
        if print_docs() {
            eprintln!("config: {text}");
        }
        common::check_json(text.as_bytes());
    }
});
