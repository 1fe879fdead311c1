//! `qisim explore`: every interleaving of a small config: proved, or a shortest counterexample.
//! The flags and the search are here; the verdict's output is in `output.rs`, `--estimate` in
//! `estimate.rs`, `--spill-dir`'s level files in `spill.rs`, and the files of `--checkpoint`
//! and `--resume` in `checkpoint.rs`.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use qisim_core::check::tools::consequence::{follow, follows};
use qisim_core::check::{self, ExploreOptions, LevelStore, MemLevels, Verdict};

use crate::args::{ConfigArgs, Output};
use crate::cluster::{self, ClusterArgs};
use crate::{progress_bar, Usage};

pub(crate) mod checkpoint;
mod estimate;
mod output;
mod spill;

use checkpoint::{DirReader, DirWriter};
use estimate::estimate;
use spill::FileLevels;

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
    /// Disable the symmetry reduction of submitters with equal workloads.
    #[arg(long = "no-symmetry")]
    pub(crate) no_symmetry: bool,
    /// Disable the symmetry reduction over ring rotation (states that differ by a turn of the
    /// ring are explored once).
    #[arg(long = "no-rotation")]
    pub(crate) no_rotation: bool,
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
    /// Keep the BFS levels in sequential files in DIR instead of RAM (as TLC does): RAM then
    /// holds the visited set and the parent links (removed when the search ends).
    #[arg(long = "spill-dir", value_name = "DIR")]
    pub(crate) spill_dir: Option<std::path::PathBuf>,
    /// Keep a checkpoint in DIR after every completed BFS level (append-only files and a
    /// manifest replaced atomically; docs/checkpoints.md): a run killed at any moment
    /// continues with --resume DIR and ends with the uninterrupted result.
    #[arg(long, value_name = "DIR")]
    pub(crate) checkpoint: Option<std::path::PathBuf>,
    /// Continue the checkpoint in DIR (same config and options as the run that wrote it;
    /// --threads may differ) at its last completed level, checkpointing there again.
    #[arg(long, value_name = "DIR")]
    pub(crate) resume: Option<std::path::PathBuf>,
    /// Do not explore: estimate how many states the exploration would store (a sample of the
    /// family's roots explored with a small bound and extrapolated; the playground's estimate),
    /// and the time at the rate the sample ran.
    /// It runs on one thread and has its own bound: `--threads` and `--max-states` are errors.
    #[arg(long, conflicts_with_all = ["cycles", "spill_dir", "target", "threads", "max_states",
                                      "checkpoint", "resume"])]
    pub(crate) estimate: bool,
    /// States one sample exploration of `--estimate` may store (all samples together at most
    /// three times this). Larger samples give tighter estimates; natively a million states
    /// take a few seconds.
    #[arg(
        long = "estimate-budget",
        value_name = "N",
        default_value_t = 1_000_000,
        requires = "estimate"
    )]
    pub(crate) estimate_budget: u64,
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
    #[command(flatten)]
    pub(crate) out: Output,
}

/// Says on stderr where a resumed run continues (before the core checks the checkpoint).
fn say_where(dir: &std::path::Path) {
    let m = std::fs::read_to_string(dir.join("manifest.json")).ok();
    let m: Option<serde_json::Value> = m.and_then(|t| serde_json::from_str(&t).ok());
    if let Some(m) = m {
        let re = if m["search"] == 1 {
            " of the shortest re-search"
        } else {
            ""
        };
        eprintln!(
            "resuming {} at depth {}{re} ({} states stored)",
            dir.display(),
            m["state"]["depth"],
            m["state"]["states"]
        );
    }
}

/// The checkpoint directory and whether it is resumed: `--resume DIR` checkpoints into DIR
/// too (`--checkpoint`, if also given, must name it).
fn checkpoint_dir(a: &ExploreArgs) -> Result<Option<(&std::path::Path, bool)>, Usage> {
    Ok(match (&a.checkpoint, &a.resume) {
        (None, None) => None,
        (Some(c), None) => Some((c.as_path(), false)),
        (Some(c), Some(r)) if c != r => {
            return Err(Usage(format!(
                "flags --checkpoint {} and --resume {}: a resumed run checkpoints where it \
                 resumed; give --resume DIR alone",
                c.display(),
                r.display()
            )))
        }
        (_, Some(r)) => Some((r.as_path(), true)),
    })
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
        rotation: !a.no_rotation,
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
    if a.estimate {
        return estimate(a, &roots, &opts);
    }
    let pb = progress_bar(None, a.out.quiet || a.out.json);
    let t = Instant::now();
    if let Some(d) = &a.spill_dir {
        if !d.is_dir() {
            return Err(Usage(format!(
                "flag --spill-dir: `{}` is not a directory",
                d.display()
            )));
        }
    }
    if a.cluster.cluster {
        let ckpt = checkpoint_dir(a)?;
        if let Some((dir, true)) = ckpt {
            say_where(dir);
        }
        let run = cluster::explore(&a.cluster, &cfg, &roots, &opts, ckpt, &pb)?;
        let v = run.verdict.with_elapsed(t.elapsed().as_secs_f64());
        pb.finish_and_clear();
        return Ok(finish(a, &cfg, &opts, v, Some(&run.stats)));
    }
    let mut searches = 0u32;
    let mut levels = || -> Box<dyn LevelStore> {
        searches += 1;
        match &a.spill_dir {
            Some(d) => Box::new(FileLevels::new(d, searches)),
            None => Box::<MemLevels>::default(),
        }
    };
    let progress = |p: &check::ExploreProgress| {
        pb.set_message(format!(
            "{} states, {} transitions, depth {}, {} queued",
            p.states, p.transitions, p.depth, p.queued
        ));
        true
    };
    let v = match checkpoint_dir(a)? {
        None => check::explore_roots_with(&roots, &opts, progress, &mut levels),
        Some((dir, resume)) => {
            let writer = DirWriter::new(dir, resume)
                .map_err(|e| Usage(format!("flag --checkpoint: {e}")))?;
            let reader = resume.then(|| Box::new(DirReader::new(dir)) as _);
            if resume {
                say_where(dir);
            }
            let flag = if resume { "--resume" } else { "--checkpoint" };
            let r = check::explore_roots_checkpointed(
                &roots,
                &opts,
                progress,
                &mut levels,
                Box::new(writer),
                reader,
            );
            match r {
                Err(e) if e.field.starts_with("checkpoint") => {
                    return Err(Usage(format!(
                        "flag {flag} {}: {}",
                        dir.display(),
                        e.message
                    )))
                }
                r => r,
            }
        }
    }
    .map_err(|e| match e.field.as_str() {
        // The options' own fields are flags, not config fields.
        "threads" => Usage(format!("flag --threads: {}", e.message)),
        "maxStates" => Usage(format!("flag --max-states: {}", e.message)),
        "cycles" => Usage(format!("flag --cycles: {}", e.message)),
        _ => e.into(),
    })?
    .with_elapsed(t.elapsed().as_secs_f64());
    pb.finish_and_clear();
    Ok(finish(a, &cfg, &opts, v, None))
}

/// Prints verdict `v` (followed to its consequence) and gives the exit code.
fn finish(
    a: &ExploreArgs,
    cfg: &qisim_core::Config,
    opts: &ExploreOptions,
    v: Verdict,
    cluster: Option<&serde_json::Value>,
) -> ExitCode {
    // A first cause (a stray write that stops the reclaim) followed to the hang it leads to.
    let consequence = match &v {
        Verdict::Counterexample { kind, config, .. } if follows(*kind) && opts.target.is_none() => {
            follow(config, *kind, opts.max_states)
        }
        _ => None,
    };
    output::print(a, cfg, opts, &v, consequence.as_ref(), cluster);
    match v {
        Verdict::Counterexample { .. } => ExitCode::from(1),
        // Nothing found and nothing proved: a script must not read this as "proved".
        Verdict::BoundReached { .. } => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    }
}
