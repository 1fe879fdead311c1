//! Native step rate of one simulation, printed as JSON `{"stepsPerSec", "steps", "seconds"}`.
//! The reference config (4 submitters, ring 256, batches uniform 0..=3, random scheduler,
//! watchdog 0, stepLimit 2e7, fixed policy, schedule not recorded) or a JSON config file given
//! as the first argument. `scripts/bench-wasm.mjs` runs the same config in wasm and compares:
//! `cargo run --release -p qisim-core --example steprate [config.json]`.

use std::time::Instant;

use qisim_core::{Config, Simulation};

fn reference() -> Config {
    Config {
        step_limit: 20_000_000,
        ..Config::reference()
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
