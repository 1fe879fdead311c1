//! Step rate of the random scheduler on the reference workload: 4 submitters, ring 256.
//! `cargo bench -p qisim-core --bench step_rate`; the README reports the figure.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use qisim_core::{BatchDist, Config, PolicyKind, Simulation, Workload};

/// The reference workload: 4 submitters, ring 256, batches of 0..=3, random scheduler.
pub fn reference(policy: PolicyKind, seed: u64) -> Config {
    Config {
        qi_length: 256,
        submitters: 4,
        policy,
        seed,
        step_limit: 1_000_000,
        watchdog: 0,
        workload: Workload {
            submissions: qisim_core::config::MAX_SUBMISSIONS,
            batch: BatchDist::Uniform { min: 0, max: 3 },
            ..Workload::default()
        },
        ..Config::default()
    }
}

fn step_rate(c: &mut Criterion) {
    let mut g = c.benchmark_group("step_rate");
    g.throughput(Throughput::Elements(1_000_000));
    for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
        g.bench_with_input(
            BenchmarkId::new("random_4x256", policy.name()),
            &policy,
            |b, p| {
                b.iter(|| {
                    let mut sim = Simulation::new(reference(*p, 1)).unwrap();
                    sim.step_n(1_000_000)
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, step_rate);
criterion_main!(benches);
