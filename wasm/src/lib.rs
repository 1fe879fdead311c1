//! qisim-wasm: WebAssembly bindings of [`qisim_core`], a thin translation layer.
//!
//! Everything crossing the boundary is a plain JS object (the camelCase JSON schema of the
//! core). Every bad input becomes a thrown JS `Error` whose message names the field (and whose
//! `field` property holds its path); nothing here panics on user input.
//!
//! u64 values (seeds, step counts) are accepted as JS numbers when they are safe integers
//! (< 2^53) or as `BigInt`s; seeds must stay below 2^53 so that every result round-trips through
//! JS numbers without losing precision.

use qisim_core::{Actor, Config};
use wasm_bindgen::prelude::*;

mod convert;
mod explore;
mod explore_pool;
mod hunt;
mod lab;
mod reproduce;
mod simulation;
mod story;

pub use convert::MAX_SAFE_INTEGER;
pub(crate) use convert::*;
pub use explore::*;
pub use explore_pool::*;
pub use hunt::*;
pub use reproduce::*;
pub use simulation::*;
pub use story::*;

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

/// The kernel presets (oldest first): `{ name, range, policy, iteWalk, realisticCounts,
/// program }`, the realistic batch sizes for a ring of `qiLength` (default 256) and the text
/// of the kernel's program (`core/kernels/*.qi`).
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
                "program": k.shipped().source,
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
    cfg.validate().map_err(|e| invalid_config(&e))?;
    to_js(&cfg)
}

/// The kernel matrix (`qisim matrix`): every kernel preset × caller mix × fault proved or
/// refuted on a small ring. `spec`: `{ qiLength, submitters, submissions, maxBatch, maxStates }`
/// (defaults 8, 2, 1, 3, 5000000). Returns the cells.
#[wasm_bindgen]
pub fn matrix(spec: JsValue) -> Result<JsValue, JsValue> {
    let spec: qisim_core::check::tools::matrix::MatrixSpec =
        if spec.is_undefined() || spec.is_null() {
            Default::default()
        } else {
            from_js("matrix spec", "spec", spec)?
        };
    let cells = qisim_core::check::tools::matrix::run(&spec, |_| {})
        .map_err(|e| config_error("matrix spec", &e))?;
    to_js(&cells)
}

/// Checks a kernel program (`qil` text) without running it: `null` when it compiles, else
/// `{ line, col, message }` (1-based), what an editor underlines.
#[wasm_bindgen(js_name = checkProgram)]
pub fn check_program(text: &str) -> Result<JsValue, JsValue> {
    match qisim_core::program::Program::parse(text) {
        Ok(_) => Ok(JsValue::NULL),
        Err(e) => to_js(&e),
    }
}

/// The kernel matrix of a program of one's own: `program` (text) run with the callers of
/// kernel `callers` (`"7.0"` by default) on every caller mix × fault. `spec` as for
/// [`matrix`]. Returns the cells (each with `program: name`).
#[wasm_bindgen(js_name = programMatrix)]
pub fn program_matrix(
    spec: JsValue,
    name: &str,
    program: &str,
    callers: Option<String>,
) -> Result<JsValue, JsValue> {
    let spec = lab::spec_of(spec)?;
    let rows = [lab::program_row(name, program, callers)?];
    let cells = qisim_core::check::tools::matrix::run_rows(&spec, &rows, |_| {})
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
                "plain": k.plain(),
                "severity": k.severity(),
                "terminal": k.is_terminal(),
                "safety": k.is_safety(),
            })
        })
        .collect();
    to_js(&v)
}

/// Every outcome `kind` of a run report with the same in words: `{ name, plain }`.
#[wasm_bindgen(js_name = outcomeKinds)]
pub fn outcome_kinds() -> Result<JsValue, JsValue> {
    let v: Vec<serde_json::Value> = qisim_core::Outcome::KINDS
        .iter()
        .map(|(name, plain)| serde_json::json!({ "name": name, "plain": plain }))
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
