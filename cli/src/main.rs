//! `qisim`: the native command line of qisim.
//!
//! ```text
//! qisim hunt     many seeds over all cores; findings with minimised replays
//! qisim explore  every interleaving of a small config: proved, or a shortest counterexample
//! qisim replay   run a replay string and print its timeline
//! qisim matrix   prove or refute every kernel version × caller mix × fault
//! qisim bench    step rate and schedules/s of a standard config
//! qisim kernels  the shipped kernel programs
//! qisim show     print a kernel program, or check one's own
//! ```
//!
//! Exit codes: 0 nothing found (or proved), 1 a finding or counterexample, 2 bad usage or
//! config (the message names the field or flag and the allowed range), 3 `explore` stopped at
//! `--max-states` (nothing found, nothing proved).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use qisim_core::ConfigError;

mod args;
mod cluster;
mod cmd;

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
    Hunt(cmd::hunt::HuntArgs),
    /// Explore every interleaving of a small deterministic config.
    Explore(cmd::explore::ExploreArgs),
    /// Replay a schedule (`q1:...`) and print its timeline.
    Replay(cmd::replay::ReplayArgs),
    /// Measure the step rate and schedules/s of a standard config.
    Bench(cmd::bench::BenchArgs),
    /// Prove or refute every kernel version × caller mix × fault on a small ring
    /// (`docs/kernels.md` is its `--markdown` output).
    Matrix(cmd::matrix::MatrixArgs),
    /// List the shipped kernel programs.
    Kernels(cmd::kernels::KernelsArgs),
    /// Print a kernel program (`--kernel 7.0`), or check one (`--program FILE`) and say which
    /// of the explorer's reductions apply to it.
    Show(cmd::kernels::ShowArgs),
}

/// A usage or config error: exit code 2.
pub(crate) struct Usage(pub(crate) String);

impl From<ConfigError> for Usage {
    fn from(e: ConfigError) -> Self {
        let flag = match e.field.split(['.', '[']).next().unwrap_or("") {
            "qiLength" => " (flag --ring)",
            "submitters" => " (flag --submitters)",
            "perSubmitter" => " (flag --per-submitter)",
            "policy" => " (flags --policy, --kernel)",
            "program" => " (flag --program)",
            "kernel" => " (flags --kernel, --program)",
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

pub(crate) fn progress_bar(len: Option<u64>, quiet: bool) -> ProgressBar {
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

pub(crate) fn pool(workers: Option<usize>) -> Result<rayon::ThreadPool, Usage> {
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

pub(crate) fn print_json(v: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, v);
    let _ = writeln!(out);
}

/// Restores the default action of `SIGPIPE` (Rust ignores it, so `println!` into a closed pipe
/// panics): `qisim replay ... | head` ends quietly, as Unix filters do.
fn die_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    die_on_closed_pipe();
    let cli = Cli::parse();
    let r = match &cli.cmd {
        Cmd::Hunt(a) => cmd::hunt::run(a),
        Cmd::Explore(a) => cmd::explore::run(a),
        Cmd::Replay(a) => cmd::replay::run(a),
        Cmd::Bench(a) => cmd::bench::run(a),
        Cmd::Matrix(a) => cmd::matrix::run(a),
        Cmd::Kernels(a) => cmd::kernels::list(a),
        Cmd::Show(a) => cmd::kernels::show(a),
    };
    match r {
        Ok(code) => code,
        Err(Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
