//! Exhaustive exploration from JS: in one call (`explore`, on the calling thread), its
//! estimate, and the family of configurations it covers. The pool's partitioned exploration
//! is `explore_pool.rs`.

use qisim_core::check::ExploreOptions;
use qisim_core::Config;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{config_error, config_from_js, error, error_of, from_js, to_js};

/// Splits an options object into the keys in `ours` (defined values only) and the rest, which
/// is the core's options type. `undefined`/`null` options give no keys and `None`.
#[allow(clippy::type_complexity)]
pub(crate) fn split_options(
    what: &str,
    options: &JsValue,
    ours: &[&str],
) -> Result<(Vec<(String, JsValue)>, Option<JsValue>), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((Vec::new(), None));
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(error(
            "options",
            &format!("invalid {what}: `options` must be an object"),
        ));
    }
    let mut mine = Vec::new();
    let rest = js_sys::Object::new();
    for entry in js_sys::Object::entries(options.unchecked_ref()).iter() {
        let pair = js_sys::Array::from(&entry);
        let (key, value) = (pair.get(0), pair.get(1));
        match key.as_string() {
            Some(k) if ours.contains(&k.as_str()) => {
                if !value.is_undefined() && !value.is_null() {
                    mine.push((k, value));
                }
            }
            _ => {
                let _ = js_sys::Reflect::set(&rest, &key, &value);
            }
        }
    }
    Ok((mine, Some(rest.into())))
}

/// The roots an exploration of `cfg` covers: every per-submitter sequence of `counts` when
/// given, else the core's family of `cfg`.
pub(crate) fn explored_roots(
    cfg: &Config,
    counts: Option<&[u32]>,
    what: &str,
) -> Result<Vec<Config>, JsValue> {
    use qisim_core::check::count_family;
    match counts {
        Some(c) => {
            // count_family enumerates every submission slot before it checks the total.
            let slots: u128 = (0..cfg.submitters as usize)
                .map(|i| u128::from(cfg.workload_of(i).submissions))
                .sum();
            if slots > 64 {
                return Err(error(
                    "counts",
                    &format!(
                        "invalid {what}: `counts` over {slots} submissions gives too many \
                         workload combinations; explore at most 64 submissions"
                    ),
                ));
            }
            count_family(cfg, c).map_err(|e| config_error(what, &e))
        }
        None => Ok(qisim_core::check::tools::family::family(cfg)
            .map_err(|e| config_error("config", &e))?
            .0),
    }
}

/// The fields of the explore options a core error may name (the rest are the config's).
pub(crate) const OPTION_FIELDS: &[&str] = &["threads", "maxStates", "search", "counts"];

/// The roots and options of an exploration from JS: `options` is the core's
/// `ExploreOptions` plus `counts` (see [`explore`]) and the keys in `ours`, returned as given.
#[allow(clippy::type_complexity)]
pub(crate) fn explore_input(
    config: JsValue,
    options: &JsValue,
    ours: &[&str],
) -> Result<(Vec<Config>, ExploreOptions, Vec<(String, JsValue)>), JsValue> {
    let cfg = config_from_js(config)?;
    let keys: Vec<&str> = ours.iter().copied().chain(["counts"]).collect();
    let (mut mine, rest) = split_options("explore options", options, &keys)?;
    let counts: Option<Vec<u32>> = match mine.iter().position(|(k, _)| k == "counts") {
        Some(i) => Some(from_js("explore options", "counts", mine.remove(i).1)?),
        None => None,
    };
    let opts: ExploreOptions = match rest {
        Some(r) => from_js("explore options", "options", r)?,
        None => ExploreOptions::default(),
    };
    let cfgs = explored_roots(&cfg, counts.as_deref(), "explore options")?;
    Ok((cfgs, opts, mine))
}

/// Exhaustively explores `config` (every interleaving; see `qisim_core::check`) and returns
/// the `Verdict` (`proved`, `counterexample` or `boundReached`). The explored family is the
/// core's (`exploreFamily`): a count range and a zero-count probability become every
/// per-submitter sequence of the counts they allow. `options`: the core's `ExploreOptions`
/// (`{ maxStates, por, symmetry, rotation, shortest, stopOnCause }`) plus, optionally, `counts: number[]`
/// to explore every per-submitter sequence of exactly those counts instead, and
/// `onProgress({ states, transitions, depth, queued })`, called after every chunk of 8192 expanded states, which may
/// return `false` to stop (a `boundReached` verdict).
#[wasm_bindgen]
pub fn explore(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    use qisim_core::check::explore_roots;
    let (cfgs, opts, mine) = explore_input(config, &options, &["onProgress"])?;
    let callback: Option<js_sys::Function> = match mine.into_iter().next() {
        Some((_, f)) => Some(f.dyn_into().map_err(|_| {
            error(
                "onProgress",
                "invalid explore options: `onProgress` must be a function",
            )
        })?),
        None => None,
    };
    let mut thrown: Option<JsValue> = None;
    let started = js_sys::Date::now();
    let verdict = explore_roots(&cfgs, &opts, |p| {
        let Some(f) = &callback else { return true };
        let Ok(arg) = to_js(p) else { return true };
        match f.call1(&JsValue::NULL, &arg) {
            Ok(r) => r != JsValue::FALSE,
            Err(e) => {
                thrown = Some(e);
                false
            }
        }
    })
    .map_err(|e| error_of(&e, OPTION_FIELDS, "explore options"))?;
    if let Some(e) = thrown {
        return Err(e);
    }
    to_js(&verdict.with_elapsed((js_sys::Date::now() - started) / 1000.0))
}

/// Estimates, before exploring, how many states `explore(config, options)` will store
/// (`qisim_core::check::tools::estimate`): a sample of the family's roots explored with a small bound
/// and extrapolated. `options`: the core's `EstimateOptions` (`{ sample, budget, por, symmetry,
/// rotation, stopOnCause }`) plus, as for `explore`, `counts: number[]`. Returns `{ states, low,
/// high, workloads, sampled, explored, method, counterexample }` (`method`: `exact`, `extrapolated` or
/// `lowerBound`, whose `high` is null; `explored`: states the estimate itself stored, for the
/// measured rate).
#[wasm_bindgen(js_name = estimateExplore)]
pub fn estimate_explore(config: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    use qisim_core::check::tools::estimate::{estimate_roots, EstimateOptions};
    let cfg = config_from_js(config)?;
    let (mine, rest) = split_options("estimate options", &options, &["counts"])?;
    let counts: Option<Vec<u32>> = match mine.into_iter().next() {
        Some((_, v)) => Some(from_js("estimate options", "counts", v)?),
        None => None,
    };
    let opts: EstimateOptions = match rest {
        Some(r) => from_js("estimate options", "options", r)?,
        None => EstimateOptions::default(),
    };
    let roots = explored_roots(&cfg, counts.as_deref(), "estimate options")?;
    let e = estimate_roots(&roots, &opts)
        .map_err(|e| error_of(&e, &["sample", "budget"], "estimate options"))?;
    to_js(&e)
}

/// The configurations one exploration of `config` covers: `{ roots, counts }` (the number of
/// workload combinations, and the descriptor counts every call ranges over; empty for a single
/// deterministic config). Throws, naming the field, for what the explorer cannot enumerate.
#[wasm_bindgen(js_name = exploreFamily)]
pub fn explore_family(config: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    let (roots, counts) =
        qisim_core::check::tools::family::family(&cfg).map_err(|e| config_error("config", &e))?;
    to_js(&serde_json::json!({ "roots": roots.len(), "counts": counts }))
}

/// The nearest config the explorer proves comfortably (`qisim_core::check::tools::provable`):
/// `{ config, changes: [{ field, from, to, why }], roots }`: a fault budget, one descriptor
/// type, then fewer calls and CPUs. Throws, naming the field, when nothing smaller explores.
#[wasm_bindgen(js_name = provableConfig)]
pub fn provable_config(config: JsValue) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    let p = qisim_core::check::tools::provable::provable(&cfg)
        .map_err(|e| config_error("config", &e))?;
    to_js(&p)
}
