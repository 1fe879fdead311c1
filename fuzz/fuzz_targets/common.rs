//! Checks shared by the config fuzz targets.

use qisim_core::{Config, Simulation};

/// Every run is clamped to this many steps so that no input can hang the fuzzer.
pub const STEP_CLAMP: u64 = 2_000;
/// Trace events kept (the trace ring buffer drops older ones).
pub const TRACE_CLAMP: u32 = 512;

/// Bytes → `Config` → `validate()` → a bounded run. Panics (a fuzzer crash) when a property
/// fails: a rejected config names a non-empty field; a valid config survives a JSON round trip
/// still valid and builds a `Simulation` whose run (clamped to `STEP_CLAMP` steps, small trace)
/// never panics, never takes more steps than the clamp, and whose report, trace and timeline
/// render. Returns whether the config was valid and ran.
pub fn check_json(data: &[u8]) -> bool {
    let Ok(mut cfg) = serde_json::from_slice::<Config>(data) else {
        return false;
    };
    if let Err(e) = cfg.validate() {
        assert!(!e.field.is_empty(), "ConfigError without a field: {e:?}");
        assert!(
            !e.message.is_empty(),
            "ConfigError without a message: {e:?}"
        );
        return false;
    }
    // What the CLI, wasm layer and shared URLs do: a valid config goes through JSON and back.
    let json = serde_json::to_string(&cfg).expect("a valid config serialises");
    let back: Config = serde_json::from_str(&json).expect("a serialised config parses");
    if let Err(e) = back.validate() {
        panic!("valid config {json} is invalid after a JSON round trip: {e}");
    }

    cfg.step_limit = cfg.step_limit.min(STEP_CLAMP);
    cfg.trace_capacity = cfg.trace_capacity.min(TRACE_CLAMP);
    let mut sim = Simulation::new(cfg).expect("a validated config builds a simulation");
    let report = sim.run();
    assert!(
        report.steps <= STEP_CLAMP,
        "{} steps > clamp {STEP_CLAMP}",
        report.steps
    );
    assert!(sim.is_done());
    assert!(sim.trace().len() <= TRACE_CLAMP as usize);
    let _ = sim.timeline();
    let _ = sim.state();
    serde_json::to_string(&report).expect("a report serialises");
    true
}
