//! The command line that reproduces a run (`qisim_core::reproduce`): the playground's
//! reproduce box shows what the CLI itself prints.

use qisim_core::check::ExploreOptions;
use qisim_core::reproduce::{self, ReproNames};
use wasm_bindgen::prelude::*;

use crate::explore::split_options;
use crate::{config_from_js, from_js, to_js};

fn names(names: JsValue) -> Result<ReproNames, JsValue> {
    if names.is_undefined() || names.is_null() {
        Ok(ReproNames::default())
    } else {
        from_js("reproduce names", "names", names)
    }
}

/// `qisim replay` of `replay` against `config`: `{ command, args, files: [{ name, contents }] }`.
/// `names`: `{ programFile, configFile }` (optional): the file a kernel program goes into
/// (default `program.qi`), and a file for the fields without a flag of their own (default:
/// inline as `--config-json`).
#[wasm_bindgen(js_name = reproduceReplay)]
pub fn reproduce_replay(
    config: JsValue,
    replay: &str,
    names_: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    qisim_core::replay::parse(replay)
        .map_err(|e| crate::error("replay", &format!("invalid replay: {e}")))?;
    to_js(&reproduce::replay(&cfg, replay, &names(names_)?))
}

/// `qisim explore` of `config` with the explorer `options` (as for `explore`; `counts`,
/// `onProgress` and `threads` do not change the result and are left out): as
/// [`reproduce_replay`].
#[wasm_bindgen(js_name = reproduceExplore)]
pub fn reproduce_explore(
    config: JsValue,
    options: JsValue,
    names_: JsValue,
) -> Result<JsValue, JsValue> {
    let cfg = config_from_js(config)?;
    let (_, rest) = split_options(
        "explore options",
        &options,
        &["onProgress", "threads", "signal"],
    )?;
    let opts: ExploreOptions = match rest {
        Some(r) => from_js("explore options", "options", r)?,
        None => ExploreOptions::default(),
    };
    to_js(&reproduce::explore(&cfg, &opts, &names(names_)?))
}

/// What `config` runs, in words: `{ subject, faults, timing }` (`kernel 7.0`,
/// `ITE 50%; at most 1 fault`, `time-out once any fetched`), for a result's heading.
#[wasm_bindgen(js_name = describeRun)]
pub fn describe_run(config: JsValue) -> Result<JsValue, JsValue> {
    to_js(&reproduce::describe(&config_from_js(config)?))
}
