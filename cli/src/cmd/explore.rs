//! `qisim explore`: every interleaving of a small config: proved, or a shortest counterexample.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use qisim_core::check::tools::consequence::{follow, follows};
use qisim_core::check::tools::estimate::{EstimateOptions, Method};
use qisim_core::check::{self, Block, ExploreOptions, LevelStore, MemLevels, Verdict};
use qisim_core::Config;

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
    /// Do not explore: estimate how many states the exploration would store (a sample of the
    /// family's roots explored with a small bound and extrapolated; the playground's estimate),
    /// and the time at the rate the sample ran.
    /// It runs on one thread and has its own bound: `--threads` and `--max-states` are errors.
    #[arg(long, conflicts_with_all = ["cycles", "spill_dir", "target", "threads", "max_states"])]
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
    let mut searches = 0u32;
    let mut levels = || -> Box<dyn LevelStore> {
        searches += 1;
        match &a.spill_dir {
            Some(d) => Box::new(FileLevels::new(d, searches)),
            None => Box::<MemLevels>::default(),
        }
    };
    let v = check::explore_roots_with(
        &roots,
        &opts,
        |p| {
            pb.set_message(format!(
                "{} states, {} transitions, depth {}, {} queued",
                p.states, p.transitions, p.depth, p.queued
            ));
            true
        },
        &mut levels,
    )
    .map_err(|e| match e.field.as_str() {
        // The options' own fields are flags, not config fields.
        "threads" => Usage(format!("flag --threads: {}", e.message)),
        "maxStates" => Usage(format!("flag --max-states: {}", e.message)),
        _ => e.into(),
    })?
    .with_elapsed(t.elapsed().as_secs_f64());
    pb.finish_and_clear();
    // A first cause (a stray write that stops the reclaim) followed to the hang it leads to.
    let consequence = match &v {
        Verdict::Counterexample { kind, config, .. } if follows(*kind) && opts.target.is_none() => {
            follow(config, *kind, opts.max_states)
        }
        _ => None,
    };
    if a.out.json {
        let mut j = serde_json::to_value(&v).expect("a verdict serialises");
        if let Some(kb) = peak_rss_kb() {
            j["peakRssBytes"] = (kb * 1024).into();
        }
        if let Some(c) = &consequence {
            j["consequence"] = serde_json::to_value(c).expect("a consequence serialises");
        }
        if let Verdict::Counterexample { config, replay, .. } = &v {
            j["reproduce"] = a.cfg.reproduce(config, replay).command.into();
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
                if let Some(c) = &consequence {
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
    Ok(match v {
        Verdict::Counterexample { .. } => ExitCode::from(1),
        // Nothing found and nothing proved: a script must not read this as "proved".
        Verdict::BoundReached { .. } => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    })
}

/// `--estimate`: the core's estimate of the exploration `opts` would run, and the time it would
/// take at the rate of the estimate's own sample explorations (one thread).
fn estimate(a: &ExploreArgs, roots: &[Config], opts: &ExploreOptions) -> Result<ExitCode, Usage> {
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

/// The process's peak resident set (`VmHWM` of /proc/self/status, Linux), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The BFS levels in two sequential files of the spill dir, written in order and read back once
/// in order (blocks as `records: u32, bytes: u32, bytes...`, little-endian); removed on drop.
/// An I/O error stops the search with a message naming the file.
struct FileLevels {
    paths: [PathBuf; 2],
    /// The file being written.
    w: usize,
    writer: Option<BufWriter<File>>,
    reader: Option<BufReader<File>>,
}

impl FileLevels {
    fn new(dir: &Path, search: u32) -> Self {
        let name = |s: &str| dir.join(format!("qisim-levels-{}-{search}-{s}", std::process::id()));
        let mut f = FileLevels {
            paths: [name("a"), name("b")],
            w: 0,
            writer: None,
            reader: None,
        };
        f.writer = Some(BufWriter::with_capacity(1 << 20, f.create(0)));
        f
    }

    fn fail(&self, i: usize, e: std::io::Error) -> ! {
        panic!(
            "spilling the BFS levels to {}: {e}",
            self.paths[i].display()
        )
    }

    fn create(&self, i: usize) -> File {
        File::create(&self.paths[i]).unwrap_or_else(|e| self.fail(i, e))
    }
}

impl LevelStore for FileLevels {
    fn push(&mut self, block: Block) {
        let w = self.writer.as_mut().expect("a writer");
        let r = w
            .write_all(&block.records.to_le_bytes())
            .and_then(|_| w.write_all(&(block.bytes.len() as u32).to_le_bytes()))
            .and_then(|_| w.write_all(&block.bytes));
        if let Err(e) = r {
            self.fail(self.w, e);
        }
    }

    fn advance(&mut self) {
        let written = self.w;
        if let Some(w) = self.writer.take() {
            if let Err(e) = w.into_inner().map_err(|e| e.into_error()) {
                self.fail(written, e);
            }
        }
        self.reader = None;
        let f = File::open(&self.paths[written]).unwrap_or_else(|e| self.fail(written, e));
        self.reader = Some(BufReader::with_capacity(1 << 20, f));
        self.w ^= 1;
        self.writer = Some(BufWriter::with_capacity(1 << 20, self.create(self.w)));
    }

    fn pop(&mut self) -> Option<Block> {
        let read = self.w ^ 1;
        let r = self.reader.as_mut()?;
        let mut head = [0u8; 8];
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
            Err(e) => self.fail(read, e),
        }
        let records = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as usize;
        let mut bytes = vec![0u8; len];
        if let Err(e) = r.read_exact(&mut bytes) {
            self.fail(read, e);
        }
        Some(Block { records, bytes })
    }

    fn ram_bytes(&self) -> u64 {
        2 << 20
    }
}

impl Drop for FileLevels {
    fn drop(&mut self) {
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileLevels;
    use qisim_core::check::{self, ExploreOptions, LevelStore, MemLevels};
    use qisim_core::{BatchDist, Config, PolicyKind, Workload};

    /// Levels in files give the verdict, counts and counterexample of levels in RAM, and the
    /// files are removed afterwards.
    #[test]
    fn spilled_levels_give_the_same_result() {
        let dir = std::env::temp_dir().join(format!("qisim-spill-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
            let base = Config {
                qi_length: 6,
                submitters: 2,
                policy,
                workload: Workload {
                    submissions: 2,
                    batch: BatchDist::Fixed { count: 1 },
                    ..Workload::default()
                },
                ..Config::default()
            };
            let roots = check::count_family(&base, &[0, 1, 2]).unwrap();
            let o = ExploreOptions {
                threads: 2,
                ..ExploreOptions::default()
            };
            let mut n = 0;
            let mut files = || -> Box<dyn LevelStore> {
                n += 1;
                Box::new(FileLevels::new(&dir, n))
            };
            let a = check::explore_roots_with(&roots, &o, |_| true, &mut files).unwrap();
            let b = check::explore_roots_with(&roots, &o, |_| true, &mut || {
                Box::<MemLevels>::default()
            })
            .unwrap();
            let key = |v: &check::Verdict| {
                let mut j = serde_json::to_value(v).unwrap();
                for k in ["bytesPerState", "peakBytes"] {
                    j.as_object_mut().unwrap().remove(k);
                }
                j
            };
            assert!(a.stats().states > 100, "{policy:?}");
            assert_eq!(key(&a), key(&b), "{policy:?}");
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "files left");
        std::fs::remove_dir(&dir).unwrap();
    }
}
