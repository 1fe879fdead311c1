//! Soak test: one simulation of 10^9 steps whose memory must stay flat.
//!
//! Reference config: ring 256, 4 submitters, fixed policy, random scheduler, batches uniform
//! 0..=3, `MAX_SUBMISSIONS` calls each (never finishes), watchdog on (100000), trace on but
//! bounded (`traceCapacity` 100000), `recordSchedule: false`. Every `EVERY` steps it prints
//! VmRSS/VmHWM from /proc/self/status and the sizes of everything in the run that could grow
//! (findings, throughput-series buckets, latency-histogram buckets, replay string); at the end
//! it fails (exit 1) if VmRSS after the first sample grew by more than `TOL_MB`.
//!
//! `cargo run --release -p qisim-core --example soak [STEPS] [EVERY] [TOL_MB]`
//! (defaults 1000000000, 100000000, 4); `scripts/soak.sh` runs it.

use std::time::Instant;

use qisim_core::{Config, Simulation};

fn reference(steps: u64) -> Config {
    Config {
        step_limit: steps,
        watchdog: 100_000,
        trace: true,
        trace_capacity: 100_000,
        ..Config::reference()
    }
}

/// (VmRSS, VmHWM) in KiB, from /proc/self/status (0 where unavailable).
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn arg(i: usize, default: u64) -> u64 {
    match std::env::args().nth(i) {
        Some(a) => a.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("soak: argument {i} `{a}` is not a number");
            std::process::exit(2)
        }),
        None => default,
    }
}

fn main() {
    let steps = arg(1, 1_000_000_000);
    let every = arg(2, 100_000_000).max(1);
    let tol_kib = arg(3, 4) * 1024;
    let cfg = reference(steps);
    println!("soak: {}", serde_json::to_string(&cfg).unwrap());
    let (rss0, _) = rss_kib();
    println!("soak: before the run VmRSS {rss0} KiB");
    let mut sim = Simulation::new(cfg).unwrap_or_else(|e| {
        eprintln!("soak: {e}");
        std::process::exit(2)
    });
    let start = Instant::now();
    let mut last = Instant::now();
    let mut baseline = None;
    let mut max_rss = 0;
    while sim.steps() < steps && !sim.is_done() {
        let n = every.min(steps - sim.steps());
        let taken = sim.step_n(n);
        let dt = last.elapsed().as_secs_f64();
        last = Instant::now();
        let (rss, hwm) = rss_kib();
        let m = sim.metrics();
        let hist_buckets: usize = m
            .per_submitter
            .iter()
            .map(|s| s.latency_steps.counts.len() + s.latency_ns.counts.len())
            .sum();
        println!(
            "soak: step {:>13}  {:>6.1} s  {:>5.1} M steps/s  VmRSS {rss:>7} KiB  VmHWM {hwm:>7} KiB  \
             findings {}  series buckets {} (width {})  histogram buckets {hist_buckets}  \
             replay chars {}  calls {}",
            sim.steps(),
            start.elapsed().as_secs_f64(),
            taken as f64 / dt / 1e6,
            sim.findings().len(),
            m.series.submissions.len(),
            m.series.bucket,
            sim.replay().len(),
            m.submissions,
        );
        match baseline {
            None => baseline = Some(rss),
            Some(_) => max_rss = max_rss.max(rss),
        }
        if taken < n {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let (rss, hwm) = rss_kib();
    let base = baseline.unwrap_or(rss);
    let growth = max_rss.max(rss).saturating_sub(base);
    println!(
        "soak: {} steps in {secs:.1} s = {:.2} M steps/s; outcome {:?}; VmRSS after the first sample {base} KiB, \
         max later {} KiB (growth {growth} KiB, tolerance {tol_kib} KiB); peak VmHWM {hwm} KiB",
        sim.steps(),
        sim.steps() as f64 / secs / 1e6,
        sim.outcome(),
        max_rss.max(rss),
    );
    if sim.steps() < steps {
        println!(
            "soak: FAIL: the run ended early after {} steps",
            sim.steps()
        );
        std::process::exit(1);
    }
    if growth > tol_kib {
        println!("soak: FAIL: memory is not flat (+{growth} KiB)");
        std::process::exit(1);
    }
    println!("soak: ok, memory flat");
}
