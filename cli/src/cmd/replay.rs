//! `qisim replay`: run a replay string and print its timeline.

use std::process::ExitCode;

use clap::Args;
use qisim_core::config::SchedulerConfig;
use qisim_core::Simulation;

use crate::args::ConfigArgs;
use crate::{print_json, Usage};

#[derive(Args, Debug)]
pub(crate) struct ReplayArgs {
    /// The replay string, e.g. `q1:a6b6H3a5b2`.
    pub(crate) replay: String,
    #[command(flatten)]
    pub(crate) cfg: ConfigArgs,
    /// Print the RunReport as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn run(a: &ReplayArgs) -> Result<ExitCode, Usage> {
    let mut cfg = a.cfg.build()?;
    qisim_core::replay::parse(&a.replay).map_err(|e| Usage(format!("argument <REPLAY>: {e}")))?;
    cfg.scheduler = SchedulerConfig::Replay {
        choices: a.replay.clone(),
    };
    cfg.trace = true;
    let mut sim = Simulation::new(cfg)?;
    let report = sim.run();
    if a.json {
        print_json(&report);
    } else {
        println!("{}", sim.timeline());
        println!(
            "outcome: {} after {} steps",
            serde_json::to_value(&report.outcome)
                .ok()
                .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(String::from))
                .unwrap_or_default(),
            report.steps
        );
    }
    let found = !report.findings.is_empty();
    Ok(if found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
