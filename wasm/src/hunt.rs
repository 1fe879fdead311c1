//! Hunts: many seeds in one call, and merging the results of disjoint seed ranges (the worker
//! pool's chunks).

use qisim_core::search::hunt::{HuntOptions, HuntResult};
use wasm_bindgen::prelude::*;

use crate::convert::*;

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
