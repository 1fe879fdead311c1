//! The verdict of `qisim explore` as the user reads it: one JSON object with `--json`, else
//! the verdict, its counterexample and consequence, and the search's statistics in text.

use qisim_core::check::tools::consequence::Consequence;
use qisim_core::check::{ExploreOptions, Verdict};
use qisim_core::Config;

use super::ExploreArgs;
use crate::print_json;

/// Prints verdict `v` of the exploration `opts` of `cfg`, with the `consequence` its first
/// cause was followed to.
pub(super) fn print(
    a: &ExploreArgs,
    cfg: &Config,
    opts: &ExploreOptions,
    v: &Verdict,
    consequence: Option<&Consequence>,
    cluster: Option<&serde_json::Value>,
) {
    if a.out.json {
        let mut j = serde_json::to_value(v).expect("a verdict serialises");
        if let Some(c) = cluster {
            j["cluster"] = c.clone();
        }
        if let Some(kb) = peak_rss_kb() {
            j["peakRssBytes"] = (kb * 1024).into();
        }
        if let Some(c) = consequence {
            j["consequence"] = serde_json::to_value(c).expect("a consequence serialises");
        }
        if let Verdict::Counterexample { config, replay, .. } = v {
            j["reproduce"] = a.cfg.reproduce(config, replay).command.into();
        }
        print_json(&j);
    } else {
        let s = v.stats();
        match v {
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
                config,
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
                println!("reproduce: {}", a.cfg.reproduce(config, replay).command);
                let ks: Vec<&str> = findings.iter().map(|f| f.kind.name()).collect();
                println!(
                    "simulator replay: {} ({})",
                    if *reproduced { "reproduced" } else { "NOT reproduced" },
                    ks.join(", ")
                );
                println!("\n{timeline}");
                if let Some(c) = consequence {
                    let ks: Vec<&str> = c.findings.iter().map(|k| k.name()).collect();
                    println!(
                        "consequence: with {} calls per CPU the same cause ends in {} ({} steps): replay {} with {0} calls per CPU ({})\n",
                        c.calls,
                        c.kind.name(),
                        c.steps,
                        c.replay,
                        ks.join(", ")
                    );
                }
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
            "  {:.3} s, {:.0} states/s, {} thread(s), {:.1} bytes/state",
            s.seconds.unwrap_or(0.0),
            s.states_per_second.unwrap_or(0.0),
            s.threads,
            s.bytes_per_state,
        );
        println!(
            "  reductions used (asked for and sound for this program): por {}, symmetry {}, rotation {}, dead descriptors {}",
            s.por, s.symmetry, s.rotation, s.dead_descriptors
        );
        if let Some(kb) = peak_rss_kb() {
            println!(
                "  peak RSS {:.1} MB ({:.1} bytes/state)",
                kb as f64 / 1024.0,
                kb as f64 * 1024.0 / s.states.max(1) as f64
            );
        }
    }
}

/// The process's peak resident set (`VmHWM` of /proc/self/status, Linux), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
