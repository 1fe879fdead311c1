//! `qisim hunt`: many seeds over all cores; findings with minimised replays.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use clap::Args;
use indicatif::ProgressBar;
use qisim_core::search::hunt::{self, HuntFinding, HuntOptions, HuntResult};
use qisim_core::{Config, ConfigError};
use serde_json::{json, Value};

use crate::args::{ConfigArgs, Output};
use crate::{pool, print_json, progress_bar, Usage};

#[derive(Args, Debug)]
pub(crate) struct HuntArgs {
    #[command(flatten)]
    pub(crate) cfg: ConfigArgs,
    /// Number of seeds to run.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub(crate) seeds: u64,
    /// First seed.
    #[arg(long = "seed-start", default_value_t = 0, value_name = "S")]
    pub(crate) seed_start: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub(crate) workers: Option<usize>,
    /// Keep at most this many findings (the lowest seeds).
    #[arg(long = "max-findings", default_value_t = 100, value_name = "N")]
    pub(crate) max_findings: usize,
    /// Do not minimise findings.
    #[arg(long = "no-minimize")]
    pub(crate) no_minimize: bool,
    #[command(flatten)]
    pub(crate) out: Output,
}

/// Runs `seeds` seeds from `start` in chunks over the pool; the merged result does not depend
/// on the number of workers (chunks are fixed by the seed range, [`HuntResult::merge`] is
/// order-independent).
pub(crate) fn parallel_hunt(
    cfg: &Config,
    start: u64,
    seeds: u64,
    opts: &HuntOptions,
    pool: &rayon::ThreadPool,
    pb: &ProgressBar,
) -> Result<HuntResult, Usage> {
    use rayon::prelude::*;
    if start.checked_add(seeds).is_none() {
        return Err(Usage(format!(
            "flags --seed-start {start} + --seeds {seeds} overflow u64"
        )));
    }
    let chunk = (seeds / 256).clamp(1, 1000);
    let chunks: Vec<(u64, u64)> = (0..seeds.div_ceil(chunk))
        .map(|k| {
            let s = start + k * chunk;
            (s, chunk.min(start + seeds - s))
        })
        .collect();
    let done = AtomicU64::new(0);
    let results: Result<Vec<HuntResult>, ConfigError> = pool.install(|| {
        chunks
            .par_iter()
            .map(|(s, n)| {
                hunt::hunt_with(cfg, *s, *n, opts, |_| {
                    done.fetch_add(1, Ordering::Relaxed);
                    pb.inc(1);
                    true
                })
            })
            .collect()
    });
    let mut total = HuntResult::empty(cfg, opts.max_findings);
    for r in results? {
        total.merge(&r);
    }
    Ok(total)
}

pub(crate) fn hunt_summary(r: &HuntResult, secs: f64) -> Value {
    let kinds: serde_json::Map<String, Value> = r
        .runs_with
        .iter()
        .map(|(k, n)| (k.name().to_string(), json!(n)))
        .collect();
    json!({
        "type": "summary",
        "policy": r.policy,
        "scheduler": r.scheduler,
        "seedRanges": r.seed_ranges,
        "schedules": r.schedules,
        "steps": r.steps,
        "completed": r.completed,
        "lockups": r.lockups,
        "safety": r.safety,
        "stepLimits": r.step_limits,
        "runsWith": kinds,
        "findingsKept": r.findings.len(),
        "seconds": secs,
        "stepsPerSecond": if secs > 0.0 { r.steps as f64 / secs } else { 0.0 },
        "schedulesPerSecond": if secs > 0.0 { r.schedules as f64 / secs } else { 0.0 },
    })
}

/// The `qisim replay` command of a finding: its minimised schedule, else the run itself.
fn reproduce(a: &HuntArgs, cfg: &Config, f: &HuntFinding) -> String {
    match &f.minimized {
        Some(m) => a.cfg.reproduce(&m.config, &m.replay).command,
        None => {
            let run = Config {
                seed: f.seed,
                ..cfg.clone()
            };
            a.cfg.reproduce(&run, &f.replay).command
        }
    }
}

pub(crate) fn run(a: &HuntArgs) -> Result<ExitCode, Usage> {
    let cfg = a.cfg.build()?;
    let pool = pool(a.workers)?;
    let opts = HuntOptions {
        max_findings: a.max_findings,
        minimize: !a.no_minimize,
    };
    let pb = progress_bar(Some(a.seeds), a.out.quiet || a.out.json);
    let t = Instant::now();
    let r = parallel_hunt(&cfg, a.seed_start, a.seeds, &opts, &pool, &pb)?;
    let secs = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let found = !r.runs_with.is_empty();
    if a.out.json {
        for f in &r.findings {
            let mut v = serde_json::to_value(f).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("type".into(), json!("finding"));
                m.insert("reproduce".into(), json!(reproduce(a, &cfg, f)));
            }
            print_json(&v);
        }
        print_json(&hunt_summary(&r, secs));
    } else {
        println!(
            "hunt: policy {}, scheduler {}, {} seeds from {} on {} workers in {:.2} s",
            r.policy,
            r.scheduler,
            r.schedules,
            a.seed_start,
            pool.current_num_threads(),
            secs
        );
        println!("  {:<22} {:>14}", "schedules", r.schedules);
        println!("  {:<22} {:>14}", "steps", r.steps);
        println!("  {:<22} {:>14}", "completed", r.completed);
        println!("  {:<22} {:>14}", "runs with a lockup", r.lockups);
        println!("  {:<22} {:>14}", "runs with safety bugs", r.safety);
        println!("  {:<22} {:>14}", "step limits", r.step_limits);
        for (k, n) in &r.runs_with {
            println!("  {:<22} {:>14}", format!("runs with {}", k.name()), n);
        }
        if secs > 0.0 {
            println!(
                "  {:<22} {:>14.0}\n  {:<22} {:>14.0}",
                "steps/s",
                r.steps as f64 / secs,
                "schedules/s",
                r.schedules as f64 / secs
            );
        }
        for f in r.findings.iter().take(5) {
            let kinds: Vec<&str> = f.kinds.iter().map(|k| k.name()).collect();
            println!(
                "\nseed {}: {} ({} steps)\n  replay    {}",
                f.seed,
                kinds.join(", "),
                f.steps,
                f.replay
            );
            if let Some(m) = &f.minimized {
                println!(
                    "  minimised {} ({} steps)\n{}",
                    m.replay, m.steps, m.timeline
                );
            }
            println!("  reproduce {}", reproduce(a, &cfg, f));
        }
        if r.findings.len() > 5 {
            println!(
                "... {} more findings kept (--json lists them)",
                r.findings.len() - 5
            );
        }
        if !found {
            println!("\nnothing found");
        }
    }
    Ok(if found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
