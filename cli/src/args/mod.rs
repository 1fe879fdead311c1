//! The flags every command shares: a config from a JSON file and/or flags. The clap
//! definitions are here; `build.rs` turns them into a core [`qisim_core::Config`].

use clap::{Args, ValueEnum};

mod build;

pub(crate) use build::read_program;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum PolicyArg {
    Legacy,
    Fixed,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum SchedArg {
    Random,
    Pct,
    Timed,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum WalkArg {
    /// Kernels before 7.0: `(IQH - 1) | 1`, step -2.
    Stride2,
    /// 7.0 and later: `IQH - 1`, step -1.
    Stride1,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum HwArg {
    Sync,
    Async,
}

/// Config from a JSON file and/or flags (flags override the file).
#[derive(Args, Debug, Clone, Default)]
pub(crate) struct ConfigArgs {
    /// JSON config file (the `qisim_core::Config` schema of the wasm layer, camelCase).
    #[arg(long, value_name = "FILE", conflicts_with = "config_json")]
    pub(crate) config: Option<String>,
    /// The same JSON inline (what the playground's and `qisim explore`'s reproduce commands
    /// give for fields without a flag of their own).
    #[arg(long = "config-json", value_name = "JSON")]
    pub(crate) config_json: Option<String>,
    /// Reclaim policy.
    #[arg(long, value_enum)]
    pub(crate) policy: Option<PolicyArg>,
    /// QI_LENGTH: ring size in descriptors (4..=65536).
    #[arg(long, value_name = "N")]
    pub(crate) ring: Option<u32>,
    /// Number of submitters (CPUs), 1..=256.
    #[arg(long, value_name = "N")]
    pub(crate) submitters: Option<u32>,
    /// qi_submit_sync calls per submitter.
    #[arg(long, value_name = "N")]
    pub(crate) submissions: Option<u64>,
    /// Descriptors per call: `N` or `MIN..MAX` (inclusive).
    #[arg(long, value_name = "N|MIN..MAX")]
    pub(crate) count: Option<String>,
    /// Per-submitter count sequence, one flag per submitter in order: `--per-submitter 1
    /// --per-submitter 0` (comma-separated for several submissions: `1,0,2`).
    #[arg(long = "per-submitter", value_name = "C1,C2,...")]
    pub(crate) per_submitter: Vec<String>,
    /// Probability that a call has count 0 (0..=1).
    #[arg(long = "zero-prob", value_name = "P")]
    pub(crate) zero_prob: Option<f64>,
    /// Scheduler.
    #[arg(long, value_enum)]
    pub(crate) scheduler: Option<SchedArg>,
    /// PCT bug depth (1..=32).
    #[arg(long = "pct-depth", value_name = "D")]
    pub(crate) pct_depth: Option<u32>,
    /// Hardware weight of the random scheduler (>0).
    #[arg(long = "hw-weight", value_name = "W")]
    pub(crate) hw_weight: Option<f64>,
    /// Seed of a single run.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Steps after which a run stops.
    #[arg(long = "step-limit", value_name = "N")]
    pub(crate) step_limit: Option<u64>,
    /// Hardware engine: async (real hardware) or sync (QEMU).
    #[arg(long, value_enum)]
    pub(crate) hardware: Option<HwArg>,
    /// Share of device-TLB invalidations among the descriptors (0..=1; the rest are IOTLB).
    /// ITE and ICE faults happen only on device-TLB invalidations.
    #[arg(long = "devtlb-share", value_name = "P")]
    pub(crate) devtlb_share: Option<f64>,
    /// Fault injection: probability of an invalid descriptor (IQE) at each fetch (0..=1).
    #[arg(long = "iqe-rate", value_name = "P")]
    pub(crate) iqe_rate: Option<f64>,
    /// Fault injection: probability that a device-TLB invalidation times out (ITE) (0..=1).
    #[arg(long = "ite-rate", value_name = "P")]
    pub(crate) ite_rate: Option<f64>,
    /// Fault injection: probability of a completion error (ICE) on a device-TLB invalidation.
    #[arg(long = "ice-rate", value_name = "P")]
    pub(crate) ice_rate: Option<f64>,
    /// The kernel's ITE walk in qi_check_fault.
    #[arg(long = "ite-walk", value_enum)]
    pub(crate) ite_walk: Option<WalkArg>,
    /// Fault injection: probability that a device-TLB invalidation times out and its device is
    /// gone (ITE, then qi_check_fault returns -ETIMEDOUT) (0..=1).
    #[arg(long = "device-gone-rate", value_name = "P")]
    pub(crate) device_gone_rate: Option<f64>,
    /// When a time-out (ITE, device gone) may fire: any-fetched (as soon as its device-TLB
    /// invalidation is fetched, as the VT-d spec allows; the default), wait-fetched (once its
    /// batch's wait descriptor is fetched: what the stride-1 walk needs) or all-fetched (once
    /// hardware fetched everything published)
    #[arg(long = "ite-timing", value_name = "WHEN", value_parser = parse_timing)]
    pub(crate) ite_timing: Option<qisim_core::config::IteTiming>,
    /// Hardware that reports no ITESID (it reads 0): qi_check_fault cannot tell a gone device
    /// from a slow one
    #[arg(long = "no-ite-sid")]
    pub(crate) no_ite_sid: bool,
    /// Old spelling of `--ite-timing all-fetched`.
    #[arg(long = "ite-all-fetched", hide = true)]
    pub(crate) ite_all_fetched: bool,
    /// At most this many faults per run (0 = no limit; `explore` needs >= 1 with faults).
    #[arg(long = "max-faults", value_name = "N")]
    pub(crate) max_faults: Option<u32>,
    /// How many descriptors hardware may hold fetched and pending (0 = no limit, the default;
    /// 1 = a serial engine).
    #[arg(long = "fetch-depth", value_name = "N")]
    pub(crate) fetch_depth: Option<u32>,
    /// Kernel preset: 6.9 (up to 6.11: legacy reclaim, stride-2 ITE walk), 6.12 (to 6.19:
    /// fixed, stride-2) or 7.0 (and later: fixed, stride-1). Sets policy, ITE walk and, unless
    /// --count or --per-submitter is given, the realistic batch sizes of that version's callers.
    #[arg(long, value_name = "VERSION")]
    pub(crate) kernel: Option<String>,
    /// Run this kernel program (a `qil` file: `qi_check_fault`, `mark` and `reclaim`, see
    /// docs/programs.md) instead of a shipped kernel; `qisim show --kernel 7.0` prints one to
    /// start from.
    #[arg(long, value_name = "FILE")]
    pub(crate) program: Option<String>,
    /// Start from a preset of the core's table (the playground's and the qi-sim element's):
    /// commit, seed, mix8, faultStorm, kernel-6.9, kernel-6.12, kernel-7.0; other flags
    /// override it.
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
}

#[derive(Args, Debug)]
pub(crate) struct Output {
    /// Machine-readable JSON output.
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

fn parse_timing(s: &str) -> Result<qisim_core::config::IteTiming, String> {
    qisim_core::config::IteTiming::parse(s)
}

#[cfg(test)]
mod reproduce_tests;
