//! `qisim explore --estimate`: how many states the exploration would store and how long it
//! would take, without running it.

use std::process::ExitCode;
use std::time::Instant;

use qisim_core::check::tools::estimate::{EstimateOptions, Method};
use qisim_core::check::{self, ExploreOptions};
use qisim_core::Config;

use super::ExploreArgs;
use crate::{print_json, Usage};

/// `--estimate`: the core's estimate of the exploration `opts` would run, and the time it would
/// take at the rate of the estimate's own sample explorations (one thread).
pub(super) fn estimate(
    a: &ExploreArgs,
    roots: &[Config],
    opts: &ExploreOptions,
) -> Result<ExitCode, Usage> {
    let o = EstimateOptions {
        por: opts.por,
        symmetry: opts.symmetry,
        rotation: opts.rotation,
        stop_on_cause: opts.stop_on_cause,
        budget: a.estimate_budget,
        ..EstimateOptions::default()
    };
    let t = Instant::now();
    let e =
        check::tools::estimate::estimate_roots(roots, &o).map_err(|e| match e.field.as_str() {
            "budget" => Usage(format!("flag --estimate-budget: {}", e.message)),
            _ => e.into(),
        })?;
    let secs = t.elapsed().as_secs_f64();
    let rate = e.explored as f64 / secs.max(1e-9);
    if a.out.json {
        let mut j = serde_json::to_value(&e).expect("an estimate serialises");
        j["seconds"] = secs.into();
        j["statesPerSecond"] = rate.into();
        print_json(&j);
        return Ok(ExitCode::SUCCESS);
    }
    match (e.method, e.high) {
        (Method::Exact, _) => println!(
            "estimate: exactly {} states (the whole family fits --estimate-budget)",
            e.states
        ),
        (Method::LowerBound, _) => println!(
            "estimate: more than {} states (even one root exceeds --estimate-budget; raise it)",
            e.states
        ),
        (Method::Extrapolated, high) => {
            println!(
                "estimate: about {} states: at least {} (found within --estimate-budget), at most about {} (if roots shared no states; from a sample of {} roots)",
                e.states,
                e.low,
                high.unwrap_or(e.states),
                e.sampled
            );
            println!(
                "  about {:.0} s on one thread at the sample's rate (between {:.0} and {:.0} s)",
                e.states as f64 / rate,
                e.low as f64 / rate,
                high.unwrap_or(e.states) as f64 / rate
            );
        }
    }
    println!(
        "  {} workload combination(s); the estimate stored {} states in {secs:.2} s ({rate:.0} states/s)",
        e.workloads, e.explored
    );
    if e.counterexample {
        println!("  a sample found a counterexample: the exploration may stop sooner");
    }
    Ok(ExitCode::SUCCESS)
}
