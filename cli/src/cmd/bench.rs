//! `qisim bench`: step rate and schedules/s of a standard config.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use qisim_core::search::hunt::{self, HuntOptions};
use serde_json::json;

use crate::args::{ConfigArgs, Output, SchedArg};
use crate::cmd::hunt::parallel_hunt;
use crate::{pool, print_json, progress_bar, Usage};

#[derive(Args, Debug)]
pub(crate) struct BenchArgs {
    #[command(flatten)]
    pub(crate) cfg: ConfigArgs,
    /// Seeds (schedules) to run.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub(crate) seeds: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub(crate) workers: Option<usize>,
    #[command(flatten)]
    pub(crate) out: Output,
}

pub(crate) fn run(a: &BenchArgs) -> Result<ExitCode, Usage> {
    // The standard config, then any flags the user gave.
    let mut base = a.cfg.clone();
    base.ring.get_or_insert(256);
    base.submitters.get_or_insert(4);
    base.count.get_or_insert_with(|| "0..3".into());
    base.scheduler.get_or_insert(SchedArg::Random);
    base.submissions.get_or_insert(1000);
    let mut cfg = base.build()?;
    cfg.stop_on = qisim_core::StopOn::Consequence;
    let pool = pool(a.workers)?;
    let opts = HuntOptions {
        max_findings: 0,
        minimize: false,
    };
    let pb = progress_bar(Some(a.seeds), a.out.quiet || a.out.json);
    // Single-thread step rate over a few seeds (one schedule is too short to time), then the
    // whole pool.
    let t = Instant::now();
    let one = hunt::hunt(&cfg, 0, a.seeds.clamp(1, 20), &opts)?;
    let one_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let r = parallel_hunt(&cfg, 0, a.seeds, &opts, &pool, &pb)?;
    let secs = t.elapsed().as_secs_f64();
    pb.finish_and_clear();
    let v = json!({
        "type": "bench",
        "config": { "policy": cfg.policy.name(), "qiLength": cfg.qi_length, "submitters": cfg.submitters,
                    "submissions": cfg.workload.submissions, "batch": cfg.workload.batch, "scheduler": cfg.scheduler.name() },
        "workers": pool.current_num_threads(),
        "singleThreadStepsPerSecond": if one_secs > 0.0 { one.steps as f64 / one_secs } else { 0.0 },
        "schedules": r.schedules,
        "steps": r.steps,
        "seconds": secs,
        "stepsPerSecond": if secs > 0.0 { r.steps as f64 / secs } else { 0.0 },
        "schedulesPerSecond": if secs > 0.0 { r.schedules as f64 / secs } else { 0.0 },
    });
    if a.out.json {
        print_json(&v);
    } else {
        println!(
            "bench: {} submitters, ring {}, {} submissions each, batch {:?}, {} scheduler, policy {}",
            cfg.submitters,
            cfg.qi_length,
            cfg.workload.submissions,
            cfg.workload.batch,
            cfg.scheduler.name(),
            cfg.policy.name()
        );
        println!(
            "  single thread: {:.1} M steps/s",
            v["singleThreadStepsPerSecond"].as_f64().unwrap_or(0.0) / 1e6
        );
        println!(
            "  {} workers: {} schedules, {} steps in {:.2} s: {:.1} M steps/s, {:.1} schedules/s",
            pool.current_num_threads(),
            r.schedules,
            r.steps,
            secs,
            v["stepsPerSecond"].as_f64().unwrap_or(0.0) / 1e6,
            v["schedulesPerSecond"].as_f64().unwrap_or(0.0)
        );
    }
    Ok(ExitCode::SUCCESS)
}
