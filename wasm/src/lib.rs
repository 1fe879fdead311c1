//! qisim-wasm: WebAssembly bindings of [`qisim_core`], a thin translation layer.
//!
//! Everything crossing the boundary is a plain JS object (the camelCase JSON schema of the
//! core). Every bad input becomes a thrown JS `Error` whose message names the field (and whose
//! `field` property holds its path); nothing here panics on user input.
//!
//! u64 values (seeds, step counts) are accepted as JS numbers when they are safe integers
//! (< 2^53) or as `BigInt`s; seeds must stay below 2^53 so that every result round-trips through
//! JS numbers without losing precision.

use qisim_core::search::hunt::{HuntOptions, HuntResult};
use qisim_core::{Actor, Config, ConfigError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

mod explore;
mod explore_pool;

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
fn js_to_json(v: &JsValue, path: &str) -> Result<serde_json::Value, (String, String)> {
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
fn valid_config(value: JsValue) -> Result<Config, JsValue> {
    let cfg = config_from_js(value)?;
    cfg.validate().map_err(|e| config_error("config", &e))?;
    Ok(cfg)
}

/// A non-negative integer argument: a safe-integer number or a BigInt, at most `max`.
/// `undefined` gives `default` (if any).
fn u64_arg(name: &str, value: &JsValue, default: Option<u64>, max: u64) -> Result<u64, JsValue> {
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

/// Steps per call into the core's step loop. V8 has no on-stack replacement for wasm: a call
/// that is running when its function is optimised finishes in the baseline tier, so one
/// `step(1e8)` would run unoptimised throughout. In chunks, every chunk after the tier-up runs
/// the optimised code; a chunk costs far less than it steps.
const STEP_CHUNK: u64 = 1 << 16;

/// Up to `n` steps of `sim` in chunks of [`STEP_CHUNK`]; returns the steps taken.
fn step_chunked(sim: &mut qisim_core::Simulation, n: u64) -> u64 {
    // Out of line, so that the loop below is not part of the function V8 optimises.
    #[inline(never)]
    fn chunk(sim: &mut qisim_core::Simulation, n: u64) -> u64 {
        sim.step_n(n)
    }
    let mut done = 0;
    while done < n {
        let want = (n - done).min(STEP_CHUNK);
        let took = chunk(sim, want);
        done += took;
        if took < want {
            break;
        }
    }
    done
}

/// A step-by-step simulation (wraps [`qisim_core::Simulation`]).
#[wasm_bindgen]
pub struct Simulation {
    inner: qisim_core::Simulation,
}

#[wasm_bindgen]
impl Simulation {
    /// Validates `config` (a plain object in the core's camelCase schema; `{}` = defaults).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Simulation, JsValue> {
        let cfg = config_from_js(config)?;
        let inner = qisim_core::Simulation::new(cfg).map_err(|e| config_error("config", &e))?;
        Ok(Simulation { inner })
    }

    /// Takes up to `n` scheduled steps (default 1); returns how many were taken (0 once done).
    pub fn step(&mut self, n: JsValue) -> Result<f64, JsValue> {
        let n = u64_arg("n", &n, Some(1), u64::MAX)?;
        Ok(step_chunked(&mut self.inner, n) as f64)
    }

    /// Runs to the end (or the step limit) and returns the `RunReport`.
    pub fn run(&mut self) -> Result<JsValue, JsValue> {
        step_chunked(&mut self.inner, u64::MAX);
        to_js(&self.inner.report())
    }

    /// The `RunReport` of the run so far.
    pub fn report(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.report())
    }

    /// Snapshot of the ring, registers and submitters (`StateView`).
    pub fn state(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.state())
    }

    /// Recorded trace events (empty unless the config has `trace: true`).
    pub fn trace(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.trace())
    }

    /// The column timeline of the recorded trace (DESIGN.md section 5).
    pub fn timeline(&self) -> String {
        self.inner.timeline()
    }

    /// The recorded trace as one row per step, in the core's timeline wording:
    /// `[{ step, actor, parts: [{ text, kind, finding?, title?, submitter?, faultPath? }], slots,
    /// hwSlots, swSlots }]` (`kind`: `op`, `hw`, `fault` or `finding`).
    #[wasm_bindgen(js_name = timelineRows)]
    pub fn timeline_rows(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.timeline_rows())
    }

    /// The schedule so far as a replay string (`q1:...`).
    pub fn replay(&self) -> String {
        self.inner.replay()
    }

    /// Steps `actor` (`"T1"`, `"T2"`, ... or `"HW"`) now, bypassing the scheduler.
    #[wasm_bindgen(js_name = stepActor)]
    pub fn step_actor(&mut self, actor: JsValue) -> Result<(), JsValue> {
        let name = actor.as_string().ok_or_else(|| {
            error(
                "actor",
                "`actor` must be a string: \"HW\" or \"T1\", \"T2\", ...",
            )
        })?;
        let a: Actor = name
            .parse()
            .map_err(|e: String| error("actor", &format!("`actor`: {e}")))?;
        if let Actor::Submitter(i) = a {
            let n = self.inner.config().submitters;
            if i >= n {
                return Err(error(
                    "actor",
                    &format!("`actor` is {name}; this simulation has submitters T1..T{n}"),
                ));
            }
        }
        self.inner
            .step_actor(a)
            .map_err(|e| error("actor", &format!("`actor`: {e}")))
    }

    /// Actors that can move now (`"T1"`, ..., `"HW"`).
    pub fn enabled(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.enabled())
    }

    /// True once the run is over.
    #[wasm_bindgen(js_name = isDone)]
    pub fn is_done(&self) -> bool {
        self.inner.is_done()
    }

    /// Steps taken so far.
    pub fn steps(&self) -> f64 {
        self.inner.steps() as f64
    }

    /// Stable hash of the trace as 16 hex digits (`undefined` unless `trace` is on).
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> Option<String> {
        self.inner.trace_hash().map(|h| format!("{h:016x}"))
    }
}

/// Runs seeds `seedStart .. seedStart + seedCount` of `config` (its own `seed` is ignored) and
/// returns the `HuntResult`. `options`: `{ maxFindings, minimize }`.
#[wasm_bindgen]
pub fn hunt(
    config: JsValue,
    #[wasm_bindgen(js_name = seedStart)] seed_start: JsValue,
    #[wasm_bindgen(js_name = seedCount)] seed_count: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = valid_config(config)?;
    let start = u64_arg("seedStart", &seed_start, Some(0), MAX_SAFE_INTEGER)?;
    let count = u64_arg("seedCount", &seed_count, None, MAX_SAFE_INTEGER - start)?;
    let opts: HuntOptions = if options.is_undefined() || options.is_null() {
        HuntOptions::default()
    } else {
        from_js("hunt options", "options", options)?
    };
    let res = qisim_core::search::hunt::hunt(&cfg, start, count, &opts)
        .map_err(|e| config_error("config", &e))?;
    to_js(&res)
}

/// Merges two `HuntResult`s of the same config over disjoint seed ranges; the result does not
/// depend on the order or the split.
#[wasm_bindgen(js_name = mergeHuntResults)]
pub fn merge_hunt_results(a: JsValue, b: JsValue) -> Result<JsValue, JsValue> {
    let mut a: HuntResult = from_js("hunt result", "a", a)?;
    let b: HuntResult = from_js("hunt result", "b", b)?;
    for (field, x, y) in [
        ("policy", &a.policy, &b.policy),
        ("scheduler", &a.scheduler, &b.scheduler),
    ] {
        if x != y {
            return Err(error(
                field,
                &format!("cannot merge hunt results: `{field}` differs (`{x}` and `{y}`)"),
            ));
        }
    }
    // Hand-made results must not make the merge loop forever (it doubles bucket widths).
    for (name, r) in [("a", &a), ("b", &b)] {
        if r.series.bucket == 0 || r.series.max_buckets < 2 {
            return Err(error(
                &format!("{name}.series"),
                &format!(
                    "cannot merge hunt results: `{name}.series` needs bucket >= 1 and \
                     maxBuckets >= 2 (has {} and {})",
                    r.series.bucket, r.series.max_buckets
                ),
            ));
        }
        if let Some((s, e)) = r.seed_ranges.iter().find(|(s, e)| s > e) {
            return Err(error(
                &format!("{name}.seedRanges"),
                &format!(
                    "cannot merge hunt results: `{name}.seedRanges` has [{s}, {e}), start > end"
                ),
            ));
        }
    }
    for &(s, e) in &b.seed_ranges {
        if let Some(&(s2, e2)) = a.seed_ranges.iter().find(|(s2, e2)| s < *e2 && *s2 < e) {
            return Err(error(
                "seedRanges",
                &format!(
                    "cannot merge hunt results: `seedRanges` overlap: seeds {s}..{e} and \
                     {s2}..{e2} would be counted twice"
                ),
            ));
        }
    }
    a.merge(&b);
    to_js(&a)
}

/// Validates `config` and returns it normalised (every default filled in).
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> Result<JsValue, JsValue> {
    to_js(&valid_config(config)?)
}

/// Version of the package (the workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A fresh random seed below 2^53 (from `crypto.getRandomValues`).
#[wasm_bindgen(js_name = freshSeed)]
pub fn fresh_seed() -> Result<f64, JsValue> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| error("seed", &format!("no random source: {e}")))?;
    Ok((u64::from_le_bytes(b) >> 11) as f64)
}

/// The kernel presets (oldest first): `{ name, range, policy, iteWalk, realisticCounts }`, the
/// realistic batch sizes for a ring of `qiLength` (default 256).
#[wasm_bindgen]
pub fn kernels(qi_length: Option<u32>) -> Result<JsValue, JsValue> {
    use qisim_core::config::kernel::{walk_name, Kernel};
    let q = qi_length.unwrap_or(256);
    let v: Vec<serde_json::Value> = Kernel::ALL
        .iter()
        .map(|k| {
            serde_json::json!({
                "name": k.name(),
                "range": k.range(),
                "policy": k.policy().name(),
                "iteWalk": walk_name(k.ite_walk()),
                "realisticCounts": k.realistic_counts(q),
            })
        })
        .collect();
    to_js(&v)
}

/// `config` as kernel `version` (`"6.9"`, `"6.12"`, `"7.0"`) runs it: `kernel`, `policy` and
/// `faults.iteWalk` set, and with `realistic` the workload's batches set to that version's
/// callers. Returns the validated config.
#[wasm_bindgen(js_name = kernelConfig)]
pub fn kernel_config(version: &str, config: JsValue, realistic: bool) -> Result<JsValue, JsValue> {
    let k = qisim_core::config::kernel::Kernel::parse(version)
        .map_err(|e| error("kernel", &format!("invalid kernel: `kernel` {e}")))?;
    let mut cfg = if config.is_undefined() || config.is_null() {
        Config::default()
    } else {
        config_from_js(config)?
    };
    k.apply(&mut cfg);
    if realistic {
        cfg.workload = k.realistic_workload(&cfg.workload, cfg.qi_length);
        for w in &mut cfg.per_submitter {
            *w = k.realistic_workload(w, cfg.qi_length);
        }
    }
    cfg.validate().map_err(|e| config_error("config", &e))?;
    to_js(&cfg)
}

/// The kernel matrix (`qisim matrix`): every kernel preset × caller mix × fault proved or
/// refuted on a small ring. `spec`: `{ qiLength, submitters, submissions, maxBatch, maxStates }`
/// (defaults 8, 2, 1, 3, 5000000). Returns the cells.
#[wasm_bindgen]
pub fn matrix(spec: JsValue) -> Result<JsValue, JsValue> {
    let spec: qisim_core::check::matrix::MatrixSpec = if spec.is_undefined() || spec.is_null() {
        Default::default()
    } else {
        from_js("matrix spec", "spec", spec)?
    };
    let cells = qisim_core::check::matrix::run(&spec, |_| {})
        .map_err(|e| config_error("matrix spec", &e))?;
    to_js(&cells)
}

/// The actor names (`T1`, `HW`, `HW:fetch`, `HW:ITE`, ...) of a replay string, one per step
/// (at most `limit` steps, default 10^6): the core's codec, so pages never re-implement it.
#[wasm_bindgen(js_name = parseReplay)]
pub fn parse_replay(replay: &str, limit: Option<f64>) -> Result<Vec<String>, JsValue> {
    let limit = limit.unwrap_or(1e6);
    if !(limit >= 0.0 && limit <= MAX_SAFE_INTEGER as f64 && limit.fract() == 0.0) {
        return Err(error(
            "limit",
            &format!("invalid limit: `limit` is {limit}; allowed range is 0..={MAX_SAFE_INTEGER}"),
        ));
    }
    let actors = qisim_core::replay::parse_limited(replay, limit as u64)
        .map_err(|e| error("replay", &format!("invalid replay: `replay` {e}")))?;
    Ok(actors.iter().map(|a| a.to_string()).collect())
}

/// The canonical replay string of actor names (`["T1", "T1", "HW"]` → `q1:a2H`).
#[wasm_bindgen(js_name = encodeReplay)]
pub fn encode_replay(actors: Vec<String>) -> Result<String, JsValue> {
    let mut v = Vec::with_capacity(actors.len());
    for (i, a) in actors.iter().enumerate() {
        v.push(a.parse::<Actor>().map_err(|e| {
            error(
                &format!("actors[{i}]"),
                &format!("invalid actors: `actors[{i}]` {e}"),
            )
        })?);
    }
    Ok(qisim_core::replay::encode(&v))
}

/// The first `steps` choices of a replay string, as a replay string.
#[wasm_bindgen(js_name = cutReplay)]
pub fn cut_replay(replay: &str, steps: f64) -> Result<String, JsValue> {
    if !(steps >= 0.0 && steps <= MAX_SAFE_INTEGER as f64 && steps.fract() == 0.0) {
        return Err(error(
            "steps",
            &format!("invalid steps: `steps` is {steps}; allowed range is 0..={MAX_SAFE_INTEGER}"),
        ));
    }
    let sched = qisim_core::replay::parse_schedule(replay)
        .map_err(|e| error("replay", &format!("invalid replay: `replay` {e}")))?;
    let mut out = qisim_core::replay::Schedule::new();
    let mut left = steps as u64;
    for (a, n) in sched.runs() {
        let k = (*n).min(left);
        out.push_run(*a, k);
        left -= k;
    }
    Ok(out.encode())
}

/// Timeline name of a descriptor label (`ID1`, `WD2`, `ID1b`, `WD1'`), or `slot{N}` without one.
#[wasm_bindgen(js_name = labelName)]
pub fn label_name(label: JsValue, slot: Option<u32>) -> Result<String, JsValue> {
    if label.is_undefined() || label.is_null() {
        return Ok(format!("slot{}", slot.unwrap_or(0)));
    }
    let l: qisim_core::model::Label = from_js("label", "label", label)?;
    Ok(l.name())
}

/// The kernel's name of a `qi_submit_sync` return code (`-EAGAIN`, `-ETIMEDOUT`, ...).
#[wasm_bindgen(js_name = errnoName)]
pub fn errno_name(rc: i32) -> String {
    qisim_core::model::errno_name(rc)
}

/// Every finding kind with its properties from the core: `{ name, severity, terminal, safety }`
/// (severity: a consequence ranks above its cause; terminal: nothing useful happens after it).
#[wasm_bindgen(js_name = findingKinds)]
pub fn finding_kinds() -> Result<JsValue, JsValue> {
    let v: Vec<serde_json::Value> = qisim_core::FindingKind::ALL
        .iter()
        .map(|k| {
            serde_json::json!({
                "name": k.name(),
                "severity": k.severity(),
                "terminal": k.is_terminal(),
                "safety": k.is_safety(),
            })
        })
        .collect();
    to_js(&v)
}

/// Runs the replay string `replay` on `config`, then every enabled actor in turn (the core
/// shrinker's completion) for at most `limit` more steps (default 5000, at most 10^6) or until
/// the run ends: `{ replay, steps, kinds, ended }`. Throws, naming `replay`, `limit` or the config
/// field, for bad input or a replay that does not run on `config`.
#[wasm_bindgen(js_name = completeSchedule)]
pub fn complete_schedule(
    config: JsValue,
    replay: JsValue,
    limit: JsValue,
) -> Result<JsValue, JsValue> {
    use qisim_core::search::shrink::{complete, MAX_COMPLETION_STEPS};
    let cfg = config_from_js(config)?;
    let replay = replay.as_string().ok_or_else(|| {
        error(
            "replay",
            "invalid replay: `replay` must be a replay string (`q1:...`)",
        )
    })?;
    let limit = u64_arg("limit", &limit, Some(5000), MAX_COMPLETION_STEPS)?;
    let c = complete(&cfg, &replay, limit)
        .map_err(|e| error_of(&e, &["replay", "limit"], "schedule"))?;
    to_js(&c)
}

/// Trace events (a `Simulation`'s `trace()`) as one row per step in the core's timeline wording
/// (see `Simulation.timelineRows`); `findings` (optional, the run's) place each finding with the
/// submitter it concerns. Throws, naming the field, for events that are not the core's.
#[wasm_bindgen(js_name = timelineRows)]
pub fn timeline_rows(events: JsValue, findings: JsValue) -> Result<JsValue, JsValue> {
    let events: Vec<qisim_core::trace::Event> = from_js("trace events", "events", events)?;
    let findings: Vec<qisim_core::Finding> = if findings.is_undefined() || findings.is_null() {
        Vec::new()
    } else {
        from_js("findings", "findings", findings)?
    };
    to_js(&qisim_core::trace::rows(&events, &findings))
}

/// The fault paths of `docs/findings.md` a finding's `faultPath` names: `[{ id, description }]`
/// (`id` `"F1"` … `"F6"`), from the core.
#[wasm_bindgen(js_name = faultPaths)]
pub fn fault_paths() -> Result<JsValue, JsValue> {
    let v: Vec<serde_json::Value> = qisim_core::model::FaultPath::ALL
        .iter()
        .map(|p| serde_json::json!({ "id": p.id(), "description": p.description() }))
        .collect();
    to_js(&v)
}

/// The `q`-quantile (0..=1) of a latency histogram of a report or hunt result.
#[wasm_bindgen(js_name = histogramQuantile)]
pub fn histogram_quantile(histogram: JsValue, q: f64) -> Result<f64, JsValue> {
    if !(0.0..=1.0).contains(&q) {
        return Err(error(
            "q",
            &format!("invalid quantile: `q` is {q}; allowed range is 0..=1"),
        ));
    }
    let h: qisim_core::metrics::Histogram = from_js("histogram", "histogram", histogram)?;
    // A hand-made histogram must not reach the core's invariants: min <= max, and no bucket
    // beyond the last one a u64 sample can fall in.
    if h.min > h.max || h.counts.len() > 496 {
        return Err(error(
            "histogram",
            "invalid histogram: `histogram` needs min <= max and at most 496 buckets",
        ));
    }
    Ok(h.quantile(q) as f64)
}

/// The preset table of the core (`commit`, `seed`, `mix8`, `faultStorm`, `kernel-6.9`, ...):
/// `[{ name, title, note, config, seeds }]` under `policy` (`"legacy"` or `"fixed"`; kernel
/// presets keep their version's policy).
#[wasm_bindgen]
pub fn presets(policy: &str) -> Result<JsValue, JsValue> {
    let policy = match policy {
        "legacy" => qisim_core::PolicyKind::Legacy,
        "fixed" => qisim_core::PolicyKind::Fixed,
        _ => {
            return Err(error(
                "policy",
                &format!(
                    "invalid policy: `policy` is \"{policy}\"; allowed: \"legacy\", \"fixed\""
                ),
            ))
        }
    };
    let v: Result<Vec<_>, _> = qisim_core::config::preset::NAMES
        .iter()
        .map(|n| qisim_core::config::preset::preset(n, policy))
        .collect();
    to_js(&v.map_err(|e| error("preset", &e))?)
}
