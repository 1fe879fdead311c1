//! Native step rate of one simulation, printed as JSON `{"stepsPerSec", "steps", "seconds"}`.
//! The reference config (4 submitters, ring 256, batches uniform 0..=3, random scheduler,
//! watchdog 0, stepLimit 2e7, fixed policy, schedule not recorded) or a JSON config file given
//! as the first argument. `scripts/bench-wasm.mjs` runs the same config in wasm and compares:
//! `cargo run --release -p qisim-core --example steprate [config.json]`.

use std::time::Instant;

use qisim_core::{BatchDist, Config, PolicyKind, Simulation, Workload};

fn reference() -> Config {
    Config {
        qi_length: 256,
        submitters: 4,
        policy: PolicyKind::Fixed,
        step_limit: 20_000_000,
        watchdog: 0,
        record_schedule: false,
        workload: Workload {
            submissions: qisim_core::config::MAX_SUBMISSIONS,
            batch: BatchDist::Uniform { min: 0, max: 3 },
            ..Workload::default()
        },
        ..Config::default()
    }
}

fn main() {
    let cfg = match std::env::args().nth(1) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                eprintln!("steprate: cannot read {path}: {e}");
                std::process::exit(2)
            });
            serde_json::from_str(&text).unwrap_or_else(|e| {
                eprintln!("steprate: {path}: {e}");
                std::process::exit(2)
            })
        }
        None => reference(),
    };
    let mut sim = Simulation::new(cfg).unwrap_or_else(|e| {
        eprintln!("steprate: {e}");
        std::process::exit(2)
    });
    let t = Instant::now();
    let steps = sim.step_n(u64::MAX);
    let seconds = t.elapsed().as_secs_f64();
    println!(
        "{{\"stepsPerSec\": {:.0}, \"steps\": {steps}, \"seconds\": {seconds:.4}}}",
        steps as f64 / seconds
    );
}
