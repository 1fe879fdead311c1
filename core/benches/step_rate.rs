//! Step rate of the random scheduler on the reference workload: 4 submitters, ring 256,
//! batches of 0..=3 descriptors, fixed policy (legacy can end early in a lockup, which would
//! inflate a per-step figure). `cargo bench -p qisim-core --bench step_rate`; the README reports
//! the figures.
//!
//! - `hunt`: how hunts run (no schedule recorded; a finding's seed is re-run to record it);
//! - `recorded`: the schedule recorded for the replay string (the default for single runs);
//! - `traced`: recording plus the event trace (timelines).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qisim_core::{Config, Simulation};

const STEPS: u64 = 1_000_000;

fn step_rate(c: &mut Criterion) {
    let mut g = c.benchmark_group("step_rate");
    g.throughput(Throughput::Elements(STEPS));
    let modes: [(&str, bool, bool); 3] = [
        ("hunt", false, false),
        ("recorded", true, false),
        ("traced", true, true),
    ];
    for (name, record, trace) in modes {
        g.bench_with_input(BenchmarkId::new("random_4x256", name), &(), |b, _| {
            b.iter(|| {
                let cfg = Config {
                    seed: 1,
                    step_limit: STEPS,
                    record_schedule: record,
                    trace,
                    trace_capacity: 100_000,
                    ..Config::reference()
                };
                let mut sim = Simulation::new(cfg).unwrap();
                let n = sim.step_n(STEPS);
                assert_eq!(n, STEPS);
                n
            })
        });
    }
    g.finish();
}

criterion_group!(benches, step_rate);
criterion_main!(benches);
