//! `qisim explore`: every interleaving of a small config: proved, or a shortest counterexample.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use qisim_core::check::{self, ExploreOptions, Verdict};

use crate::args::{ConfigArgs, Output};
use crate::{print_json, progress_bar, Usage};

#[derive(Args, Debug)]
pub(crate) struct ExploreArgs {
    #[command(flatten)]
    pub(crate) cfg: ConfigArgs,
    /// Stop with `boundReached` after this many states.
    #[arg(long = "max-states", default_value_t = check::DEFAULT_MAX_STATES, value_name = "N")]
    pub(crate) max_states: u64,
    /// Disable the partial-order reduction.
    #[arg(long = "no-por")]
    pub(crate) no_por: bool,
    /// Disable the symmetry reduction.
    #[arg(long = "no-symmetry")]
    pub(crate) no_symmetry: bool,
    /// Report `lostCompletion` itself instead of looking for its consequence.
    #[arg(long = "stop-on-cause")]
    pub(crate) stop_on_cause: bool,
    /// Decide liveness by fair-cycle (SCC) analysis of the whole graph instead of the stuck
    /// predicate (a cross-check; keeps every edge, no partial-order reduction).
    #[arg(long)]
    pub(crate) cycles: bool,
    /// Look only for this finding kind (e.g. `deadlock`, `freeCntInvariant`, `overrun`); other
    /// findings do not stop the search.
    #[arg(long, value_name = "KIND")]
    pub(crate) target: Option<String>,
    /// Threads of the search (0 = every core, the default). The result does not depend on
    /// it: same verdict, states, transitions and counterexample as one thread. `--cycles`
    /// runs on one thread (0 means 1 there; more is an error).
    #[arg(long, default_value_t = 0, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(check::MAX_THREADS)))]
    pub(crate) threads: u32,
    #[command(flatten)]
    pub(crate) out: Output,
}

pub(crate) fn run(a: &ExploreArgs) -> Result<ExitCode, Usage> {
    let cfg = a.cfg.build()?;
    // Count ranges and a zero-count probability are explored as every combination of the
    // counts they allow (the core's one family builder).
    let (roots, _) = check::family(&cfg)?;
    let opts = ExploreOptions {
        max_states: a.max_states,
        por: !a.no_por,
        symmetry: !a.no_symmetry,
        shortest: true,
        stop_on_cause: a.stop_on_cause,
        target: match &a.target {
            None => None,
            Some(t) => Some(
                qisim_core::FindingKind::ALL
                    .into_iter()
                    .find(|k| k.name() == t)
                    .ok_or_else(|| {
                        Usage(format!(
                            "flag --target: `{t}` is not a finding kind; expected one of {}",
                            qisim_core::FindingKind::ALL.map(|k| k.name()).join(", ")
                        ))
                    })?,
            ),
        },
        cycles: a.cycles,
        threads: a.threads,
    };
    let pb = progress_bar(None, a.out.quiet || a.out.json);
    let t = Instant::now();
    let v = check::explore_roots(&roots, &opts, |p| {
        pb.set_message(format!(
            "{} states, {} transitions, depth {}, {} queued",
            p.states, p.transitions, p.depth, p.queued
        ));
        true
    })?
    .with_elapsed(t.elapsed().as_secs_f64());
    pb.finish_and_clear();
    if a.out.json {
        let mut j = serde_json::to_value(&v).expect("a verdict serialises");
        if let Some(kb) = peak_rss_kb() {
            j["peakRssBytes"] = (kb * 1024).into();
        }
        print_json(&j);
    } else {
        let s = v.stats();
        match &v {
            Verdict::Proved { .. } => {
                match &opts.target {
                    Some(k) => println!(
                        "proved: policy {} reaches no `{}` in any interleaving",
                        cfg.policy.name(),
                        k.name()
                    ),
                    None => println!(
                        "proved: policy {} has no lockup, deadlock or safety violation in any interleaving",
                        cfg.policy.name()
                    ),
                }
                println!(
                    "  (up to a 64-bit fingerprint collision: probability <= {:.1e})",
                    s.collision_probability
                );
            }
            Verdict::Counterexample {
                kind,
                replay,
                steps,
                timeline,
                reproduced,
                findings,
                ..
            } => {
                let how = if a.cycles {
                    "path to a fair non-progress cycle"
                } else {
                    "shortest"
                };
                println!("counterexample: {} in {} steps ({how})", kind.name(), steps);
                println!("replay: {replay}");
                let ks: Vec<&str> = findings.iter().map(|f| f.kind.name()).collect();
                println!(
                    "simulator replay: {} ({})",
                    if *reproduced { "reproduced" } else { "NOT reproduced" },
                    ks.join(", ")
                );
                println!("\n{timeline}");
            }
            Verdict::BoundReached { max_states, .. } => println!(
                "bound reached: stopped after {max_states} states; nothing proved (raise --max-states)"
            ),
        }
        println!(
            "  {} workload combination(s), {} states, {} transitions, max depth {}",
            s.roots, s.states, s.transitions, s.max_depth
        );
        println!(
            "  {:.3} s, {:.0} states/s, {} thread(s), {:.1} bytes/state, por {}, symmetry {}",
            s.seconds.unwrap_or(0.0),
            s.states_per_second.unwrap_or(0.0),
            s.threads,
            s.bytes_per_state,
            s.por,
            s.symmetry
        );
        if let Some(kb) = peak_rss_kb() {
            println!(
                "  peak RSS {:.1} MB ({:.1} bytes/state)",
                kb as f64 / 1024.0,
                kb as f64 * 1024.0 / s.states.max(1) as f64
            );
        }
    }
    Ok(match v {
        Verdict::Counterexample { .. } => ExitCode::from(1),
        // Nothing found and nothing proved: a script must not read this as "proved".
        Verdict::BoundReached { .. } => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    })
}

/// The process's peak resident set (`VmHWM` of /proc/self/status, Linux), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
