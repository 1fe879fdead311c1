//! `qisim`: the native command line of qisim.
//!
//! ```text
//! qisim hunt     many seeds over all cores; findings with minimised replays
//! qisim explore  every interleaving of a small config: proved, or a shortest counterexample
//! qisim replay   run a replay string and print its timeline
//! qisim matrix   prove or refute every kernel version × caller mix × fault
//! qisim bench    step rate and schedules/s of a standard config
//! ```
//!
//! Exit codes: 0 nothing found (or proved), 1 a finding or counterexample, 2 bad usage or
//! config (the message names the field or flag and the allowed range), 3 `explore` stopped at
//! `--max-states` (nothing found, nothing proved).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qisim_core::check::{self, ExploreOptions, Verdict};
use qisim_core::config::{BatchDist, HardwareMode, PolicyKind, SchedulerConfig, TimedCosts};
use qisim_core::search::hunt::{self, HuntOptions, HuntResult};
use qisim_core::{Config, ConfigError, Simulation, Workload};
use serde_json::{json, Value};

#[derive(Parser, Debug)]
#[command(
    name = "qisim",
    version,
    about = "Simulate, hunt and prove the Intel VT-d queued-invalidation (qi_submit_sync) reclaim lockup",
    after_help = "Exit codes: 0 nothing found / proved, 1 a finding / counterexample, 2 bad usage or config, 3 explore stopped at --max-states (nothing proved)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run many seeds on all cores and report what they found.
    Hunt(HuntArgs),
    /// Explore every interleaving of a small deterministic config.
    Explore(ExploreArgs),
    /// Replay a schedule (`q1:...`) and print its timeline.
    Replay(ReplayArgs),
    /// Measure the step rate and schedules/s of a standard config.
    Bench(BenchArgs),
    /// Prove or refute every kernel version × caller mix × fault on a small ring
    /// (`docs/kernels.md` is its `--markdown` output).
    Matrix(MatrixArgs),
}

#[derive(Args, Debug)]
struct MatrixArgs {
    /// QI_LENGTH of the explored ring.
    #[arg(long, default_value_t = 8, value_name = "N")]
    ring: u32,
    /// CPUs.
    #[arg(long, default_value_t = 2, value_name = "N")]
    submitters: u32,
    /// Calls per CPU.
    #[arg(long, default_value_t = 1, value_name = "N")]
    submissions: u64,
    /// Largest batch explored (realistic counts above it are left out).
    #[arg(long = "max-batch", default_value_t = 3, value_name = "N")]
    max_batch: u32,
    /// Stop a cell with `boundReached` after this many states.
    #[arg(long = "max-states", default_value_t = 5_000_000, value_name = "N")]
    max_states: u64,
    /// Print the Markdown page (docs/kernels.md).
    #[arg(long)]
    markdown: bool,
    #[command(flatten)]
    out: Output,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PolicyArg {
    Legacy,
    Fixed,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchedArg {
    Random,
    Pct,
    Timed,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum WalkArg {
    /// Kernels before 7.0: `(IQH - 1) | 1`, step -2.
    Stride2,
    /// 7.0 and later: `IQH - 1`, step -1.
    Stride1,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum HwArg {
    Sync,
    Async,
}

/// Config from a JSON file and/or flags (flags override the file).
#[derive(Args, Debug, Clone, Default)]
struct ConfigArgs {
    /// JSON config file (the `qisim_core::Config` schema of the wasm layer, camelCase).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Reclaim policy.
    #[arg(long, value_enum)]
    policy: Option<PolicyArg>,
    /// QI_LENGTH: ring size in descriptors (4..=65536).
    #[arg(long, value_name = "N")]
    ring: Option<u32>,
    /// Number of submitters (CPUs), 1..=256.
    #[arg(long, value_name = "N")]
    submitters: Option<u32>,
    /// qi_submit_sync calls per submitter.
    #[arg(long, value_name = "N")]
    submissions: Option<u64>,
    /// Descriptors per call: `N` or `MIN..MAX` (inclusive).
    #[arg(long, value_name = "N|MIN..MAX")]
    count: Option<String>,
    /// Per-submitter count sequence, one flag per submitter in order: `--per-submitter 1
    /// --per-submitter 0` (comma-separated for several submissions: `1,0,2`).
    #[arg(long = "per-submitter", value_name = "C1,C2,...")]
    per_submitter: Vec<String>,
    /// Probability that a call has count 0 (0..=1).
    #[arg(long = "zero-prob", value_name = "P")]
    zero_prob: Option<f64>,
    /// Scheduler.
    #[arg(long, value_enum)]
    scheduler: Option<SchedArg>,
    /// PCT bug depth (1..=32).
    #[arg(long = "pct-depth", value_name = "D")]
    pct_depth: Option<u32>,
    /// Hardware weight of the random scheduler (>0).
    #[arg(long = "hw-weight", value_name = "W")]
    hw_weight: Option<f64>,
    /// Seed of a single run.
    #[arg(long)]
    seed: Option<u64>,
    /// Steps after which a run stops.
    #[arg(long = "step-limit", value_name = "N")]
    step_limit: Option<u64>,
    /// Hardware engine: async (real hardware) or sync (QEMU).
    #[arg(long, value_enum)]
    hardware: Option<HwArg>,
    /// Share of device-TLB invalidations among the descriptors (0..=1; the rest are IOTLB).
    /// ITE and ICE faults happen only on device-TLB invalidations.
    #[arg(long = "devtlb-share", value_name = "P")]
    devtlb_share: Option<f64>,
    /// Fault injection: probability of an invalid descriptor (IQE) at each fetch (0..=1).
    #[arg(long = "iqe-rate", value_name = "P")]
    iqe_rate: Option<f64>,
    /// Fault injection: probability that a device-TLB invalidation times out (ITE) (0..=1).
    #[arg(long = "ite-rate", value_name = "P")]
    ite_rate: Option<f64>,
    /// Fault injection: probability of a completion error (ICE) on a device-TLB invalidation.
    #[arg(long = "ice-rate", value_name = "P")]
    ice_rate: Option<f64>,
    /// The kernel's ITE walk in qi_check_fault.
    #[arg(long = "ite-walk", value_enum)]
    ite_walk: Option<WalkArg>,
    /// Fault injection: probability that a device-TLB invalidation times out and its device is
    /// gone (ITE, then qi_check_fault returns -ETIMEDOUT) (0..=1).
    #[arg(long = "device-gone-rate", value_name = "P")]
    device_gone_rate: Option<f64>,
    /// A time-out (ITE, device gone) fires only once hardware has fetched every published
    /// descriptor (the kernel's assumption); default: as soon as its device-TLB invalidation
    /// is fetched (what the VT-d spec allows).
    #[arg(long = "ite-all-fetched")]
    ite_all_fetched: bool,
    /// At most this many faults per run (0 = no limit; `explore` needs >= 1 with faults).
    #[arg(long = "max-faults", value_name = "N")]
    max_faults: Option<u32>,
    /// How many descriptors hardware may hold fetched and pending (0 = no limit, the default;
    /// 1 = a serial engine).
    #[arg(long = "fetch-depth", value_name = "N")]
    fetch_depth: Option<u32>,
    /// Kernel preset: 6.9 (up to 6.11: legacy reclaim, stride-2 ITE walk), 6.12 (to 6.19:
    /// fixed, stride-2) or 7.0 (and later: fixed, stride-1). Sets policy, ITE walk and, unless
    /// --count or --per-submitter is given, the realistic batch sizes of that version's callers.
    #[arg(long, value_name = "VERSION")]
    kernel: Option<String>,
}

#[derive(Args, Debug)]
struct Output {
    /// Machine-readable JSON output.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args, Debug)]
struct HuntArgs {
    #[command(flatten)]
    cfg: ConfigArgs,
    /// Number of seeds to run.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    seeds: u64,
    /// First seed.
    #[arg(long = "seed-start", default_value_t = 0, value_name = "S")]
    seed_start: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Keep at most this many findings (the lowest seeds).
    #[arg(long = "max-findings", default_value_t = 100, value_name = "N")]
    max_findings: usize,
    /// Do not minimise findings.
    #[arg(long = "no-minimize")]
    no_minimize: bool,
    #[command(flatten)]
    out: Output,
}

#[derive(Args, Debug)]
struct ExploreArgs {
    #[command(flatten)]
    cfg: ConfigArgs,
    /// Stop with `boundReached` after this many states.
    #[arg(long = "max-states", default_value_t = check::DEFAULT_MAX_STATES, value_name = "N")]
    max_states: u64,
    /// Disable the partial-order reduction.
    #[arg(long = "no-por")]
    no_por: bool,
    /// Disable the symmetry reduction.
    #[arg(long = "no-symmetry")]
    no_symmetry: bool,
    /// Report `lostCompletion` itself instead of looking for its consequence.
    #[arg(long = "stop-on-cause")]
    stop_on_cause: bool,
    /// Decide liveness by fair-cycle (SCC) analysis of the whole graph instead of the stuck
    /// predicate (a cross-check; keeps every edge, no partial-order reduction).
    #[arg(long)]
    cycles: bool,
    /// Look only for this finding kind (e.g. `deadlock`, `freeCntInvariant`, `overrun`); other
    /// findings do not stop the search.
    #[arg(long, value_name = "KIND")]
    target: Option<String>,
    #[command(flatten)]
    out: Output,
}

#[derive(Args, Debug)]
struct ReplayArgs {
    /// The replay string, e.g. `q1:a6b6H3a5b2`.
    replay: String,
    #[command(flatten)]
    cfg: ConfigArgs,
    /// Print the RunReport as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct BenchArgs {
    #[command(flatten)]
    cfg: ConfigArgs,
    /// Seeds (schedules) to run.
    #[arg(long, default_value_t = 200, value_name = "N")]
    seeds: u64,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    #[command(flatten)]
    out: Output,
}

/// A usage or config error: exit code 2.
struct Usage(String);

impl From<ConfigError> for Usage {
    fn from(e: ConfigError) -> Self {
        let flag = match e.field.split(['.', '[']).next().unwrap_or("") {
            "qiLength" => " (flag --ring)",
            "submitters" => " (flag --submitters)",
            "perSubmitter" => " (flag --per-submitter)",
            "policy" => " (flags --policy, --kernel)",
            "fetchDepth" => " (flag --fetch-depth)",
            "faults" => match e.field.as_str() {
                "faults.iqeRate" => " (flag --iqe-rate)",
                "faults.iteRate" => " (flag --ite-rate)",
                "faults.iceRate" => " (flag --ice-rate)",
                "faults.deviceGoneRate" => " (flag --device-gone-rate)",
                "faults.iteWalk" => " (flags --ite-walk, --kernel)",
                "faults.maxFaults" => " (flag --max-faults)",
                _ => "",
            },
            "stepLimit" => " (flag --step-limit)",
            "seedCount" => " (flag --seeds)",
            "counts" => " (flags --count MIN..MAX, --submissions, --submitters)",
            "maxStates" => " (flag --max-states)",
            "scheduler" => match e.field.as_str() {
                "scheduler.hwWeight" => " (flag --hw-weight)",
                "scheduler.depth" => " (flag --pct-depth)",
                _ => " (flag --scheduler)",
            },
            "workload" => match e.field.rsplit('.').next().unwrap_or("") {
                "submissions" => " (flag --submissions)",
                "zeroCountProb" => " (flag --zero-prob)",
                "batch" | "count" | "min" | "max" => " (flag --count)",
                _ => "",
            },
            _ => "",
        };
        Usage(format!("{e}{flag}"))
    }
}

fn parse_count(s: &str) -> Result<BatchDist, Usage> {
    let bad = || {
        Usage(format!(
            "flag --count: `{s}` is not a count; expected `N` or `MIN..MAX` with 0 <= MIN <= MAX"
        ))
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let min: u32 = a.trim().parse().map_err(|_| bad())?;
            let max: u32 = b
                .trim()
                .trim_start_matches('=')
                .parse()
                .map_err(|_| bad())?;
            if min > max {
                return Err(bad());
            }
            Ok(BatchDist::Uniform { min, max })
        }
        None => Ok(BatchDist::Fixed {
            count: s.trim().parse().map_err(|_| bad())?,
        }),
    }
}

impl ConfigArgs {
    /// The config: the file (or the defaults), then the flags.
    fn build(&self) -> Result<Config, Usage> {
        let mut c = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Usage(format!("flag --config: cannot read `{path}`: {e}")))?;
                // serde_path_to_error names the field (`workload.zeroCountProb`) that serde_json
                // only locates by line and column.
                let de = &mut serde_json::Deserializer::from_str(&text);
                serde_path_to_error::deserialize::<_, Config>(de).map_err(|e| {
                    let field = e.path().to_string();
                    let inner = e.into_inner();
                    if field.is_empty() || field == "." {
                        Usage(format!("invalid config file `{path}`: {inner}"))
                    } else {
                        Usage(format!(
                            "invalid config file `{path}`: field `{field}`: {inner}"
                        ))
                    }
                })?
            }
            None => Config::default(),
        };
        if let Some(r) = self.ring {
            c.qi_length = r;
        }
        if let Some(k) = &self.kernel {
            let k = qisim_core::config::kernel::Kernel::parse(k)
                .map_err(|e| Usage(format!("flag --kernel: {e}")))?;
            k.apply(&mut c);
            if self.count.is_none() && self.per_submitter.is_empty() {
                c.workload = k.realistic_workload(&c.workload, c.qi_length);
            }
        }
        if let Some(p) = self.policy {
            c.policy = match p {
                PolicyArg::Legacy => PolicyKind::Legacy,
                PolicyArg::Fixed => PolicyKind::Fixed,
            };
        }
        if let Some(h) = self.hardware {
            c.hardware = match h {
                HwArg::Sync => HardwareMode::Sync,
                HwArg::Async => HardwareMode::Async,
            };
        }
        if let Some(p) = self.iqe_rate {
            c.faults.iqe_rate = p;
        }
        if let Some(p) = self.ite_rate {
            c.faults.ite_rate = p;
        }
        if let Some(p) = self.ice_rate {
            c.faults.ice_rate = p;
        }
        if let Some(p) = self.device_gone_rate {
            c.faults.device_gone_rate = p;
        }
        if let Some(n) = self.fetch_depth {
            c.fetch_depth = n;
        }
        if self.ite_all_fetched {
            c.faults.ite_all_fetched = true;
        }
        if let Some(w) = self.ite_walk {
            c.faults.ite_walk = match w {
                WalkArg::Stride2 => qisim_core::config::IteWalk::Stride2,
                WalkArg::Stride1 => qisim_core::config::IteWalk::Stride1,
            };
        }
        if let Some(n) = self.max_faults {
            c.faults.max_faults = n;
        }
        if let Some(p) = self.devtlb_share {
            if !(0.0..=1.0).contains(&p) {
                return Err(Usage(format!(
                    "flag --devtlb-share is {p}; allowed range is 0..=1"
                )));
            }
        }
        let batch = self.count.as_deref().map(parse_count).transpose()?;
        let each = |w: &mut Workload| {
            if let Some(p) = self.devtlb_share {
                w.types = qisim_core::config::TypeMix {
                    iotlb: 1.0 - p,
                    devtlb: p,
                    ..qisim_core::config::TypeMix::default()
                };
            }
            if let Some(n) = self.submissions {
                w.submissions = n;
            }
            if let Some(b) = &batch {
                w.batch = b.clone();
            }
            if let Some(p) = self.zero_prob {
                w.zero_count_prob = p;
            }
        };
        each(&mut c.workload);
        for w in &mut c.per_submitter {
            each(w);
        }
        if !self.per_submitter.is_empty() {
            let mut ws = Vec::new();
            for (i, s) in self.per_submitter.iter().enumerate() {
                let counts: Result<Vec<u32>, _> =
                    s.split(',').map(|x| x.trim().parse::<u32>()).collect();
                let counts = counts.map_err(|_| {
                    Usage(format!(
                        "flag --per-submitter (submitter {}): `{s}` is not a comma-separated list of counts",
                        i + 1
                    ))
                })?;
                ws.push(Workload {
                    submissions: self.submissions.unwrap_or(counts.len() as u64),
                    batch: BatchDist::Sequence { counts },
                    zero_count_prob: self.zero_prob.unwrap_or(0.0),
                    ..c.workload.clone()
                });
            }
            if self.submitters.is_none() {
                c.submitters = ws.len() as u32;
            }
            c.per_submitter = ws;
        }
        if let Some(n) = self.submitters {
            c.submitters = n;
        }
        match self.scheduler {
            Some(SchedArg::Random) => {
                c.scheduler = SchedulerConfig::Random {
                    hw_weight: self.hw_weight.unwrap_or(1.0),
                }
            }
            Some(SchedArg::Pct) => {
                c.scheduler = SchedulerConfig::Pct {
                    depth: self.pct_depth.unwrap_or(3),
                    steps: 0,
                }
            }
            Some(SchedArg::Timed) => {
                c.scheduler = SchedulerConfig::Timed {
                    costs: TimedCosts::default(),
                }
            }
            None => {}
        }
        match &mut c.scheduler {
            SchedulerConfig::Random { hw_weight } => {
                if let Some(w) = self.hw_weight {
                    *hw_weight = w;
                }
            }
            SchedulerConfig::Pct { depth, .. } => {
                if let Some(d) = self.pct_depth {
                    *depth = d;
                }
            }
            _ => {}
        }
        if self.hw_weight.is_some() && !matches!(c.scheduler, SchedulerConfig::Random { .. }) {
            return Err(Usage(
                "flag --hw-weight only applies to --scheduler random".into(),
            ));
        }
        if self.pct_depth.is_some() && !matches!(c.scheduler, SchedulerConfig::Pct { .. }) {
            return Err(Usage(
                "flag --pct-depth only applies to --scheduler pct".into(),
            ));
        }
        if let Some(s) = self.seed {
            c.seed = s;
        }
        if let Some(n) = self.step_limit {
            c.step_limit = n;
        }
        c.validate()?;
        Ok(c)
    }
}

fn progress_bar(len: Option<u64>, quiet: bool) -> ProgressBar {
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if quiet || !std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    } else {
        pb.set_draw_target(ProgressDrawTarget::stderr());
        let style = match len {
            Some(_) => ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} seeds ({per_sec}, eta {eta}) {msg}",
            ),
            None => ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}"),
        };
        if let Ok(s) = style {
            pb.set_style(s);
        }
        pb.enable_steady_tick(Duration::from_millis(200));
    }
    pb
}

fn pool(workers: Option<usize>) -> Result<rayon::ThreadPool, Usage> {
    let n = workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if n == 0 || n > 1024 {
        return Err(Usage(format!(
            "flag --workers is {n}; allowed range is 1..=1024"
        )));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Usage(format!("cannot start {n} workers: {e}")))
}

/// Runs `seeds` seeds from `start` in chunks over the pool; the merged result does not depend
/// on the number of workers (chunks are fixed by the seed range, [`HuntResult::merge`] is
/// order-independent).
fn parallel_hunt(
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

fn print_json(v: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, v);
    let _ = writeln!(out);
}

fn hunt_summary(r: &HuntResult, secs: f64) -> Value {
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

fn cmd_hunt(a: &HuntArgs) -> Result<ExitCode, Usage> {
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

fn cmd_explore(a: &ExploreArgs) -> Result<ExitCode, Usage> {
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
        print_json(&v);
    } else {
        let s = v.stats();
        match &v {
            Verdict::Proved { .. } => match &opts.target {
                Some(k) => println!(
                    "proved: policy {} reaches no `{}` in any interleaving",
                    cfg.policy.name(),
                    k.name()
                ),
                None => println!(
                    "proved: policy {} has no lockup, deadlock or safety violation in any interleaving",
                    cfg.policy.name()
                ),
            },
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
            "  {:.3} s, {:.0} states/s, {:.1} bytes/state, por {}, symmetry {}",
            s.seconds.unwrap_or(0.0),
            s.states_per_second.unwrap_or(0.0),
            s.bytes_per_state,
            s.por,
            s.symmetry
        );
    }
    Ok(match v {
        Verdict::Counterexample { .. } => ExitCode::from(1),
        // Nothing found and nothing proved: a script must not read this as "proved".
        Verdict::BoundReached { .. } => ExitCode::from(3),
        _ => ExitCode::SUCCESS,
    })
}

fn cmd_replay(a: &ReplayArgs) -> Result<ExitCode, Usage> {
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

fn cmd_bench(a: &BenchArgs) -> Result<ExitCode, Usage> {
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

fn cmd_matrix(a: &MatrixArgs) -> Result<ExitCode, Usage> {
    use qisim_core::check::matrix::{self, MatrixSpec};
    let spec = MatrixSpec {
        qi_length: a.ring,
        submitters: a.submitters,
        submissions: a.submissions,
        max_batch: a.max_batch,
        max_states: a.max_states,
    };
    if a.max_batch == 0 || a.max_batch + 2 > a.ring {
        return Err(Usage(format!(
            "flag --max-batch is {}; allowed range is 1..={} on a ring of {} (a batch needs count + 2 free slots)",
            a.max_batch,
            a.ring.saturating_sub(2),
            a.ring
        )));
    }
    let pb = progress_bar(None, a.out.quiet || a.out.json || a.markdown);
    let cells = matrix::run(&spec, |c| {
        pb.set_message(format!(
            "{} / {} / {}: {}",
            c.kernel.name(),
            c.mix.label(),
            c.fault.label(),
            c.verdict
        ))
    })?;
    pb.finish_and_clear();
    if a.out.json {
        print_json(&cells);
    } else if a.markdown {
        print!("{}", matrix::render_markdown(&spec, &cells));
    } else {
        println!(
            "{:<6} {:<32} {:<26} {:<36} {:>8}  replay",
            "kernel", "callers (counts)", "fault", "verdict", "states"
        );
        for c in &cells {
            let counts: Vec<String> = c.counts.iter().map(|n| n.to_string()).collect();
            let verdict = match (&c.kind, c.steps) {
                (Some(k), Some(n)) => format!("{k} ({n} steps)"),
                _ => c.verdict.clone(),
            };
            let per = c
                .per_submitter
                .as_ref()
                .map(|p| format!(" counts {p:?}"))
                .unwrap_or_default();
            println!(
                "{:<6} {:<32} {:<26} {:<36} {:>8}  {}{}",
                c.kernel.name(),
                format!("{} ({})", c.mix.label(), counts.join(",")),
                c.fault.label(),
                verdict,
                c.states,
                c.replay.as_deref().unwrap_or(""),
                per
            );
        }
    }
    Ok(if cells.iter().any(|c| c.verdict == "boundReached") {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match &cli.cmd {
        Cmd::Hunt(a) => cmd_hunt(a),
        Cmd::Explore(a) => cmd_explore(a),
        Cmd::Replay(a) => cmd_replay(a),
        Cmd::Bench(a) => cmd_bench(a),
        Cmd::Matrix(a) => cmd_matrix(a),
    };
    match r {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
