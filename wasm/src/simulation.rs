//! The step-by-step simulation class.

use qisim_core::Actor;
use wasm_bindgen::prelude::*;

use crate::convert::*;

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
