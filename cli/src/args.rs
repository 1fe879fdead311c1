//! The flags every command shares: a config from a JSON file and/or flags.

use clap::{Args, ValueEnum};
use qisim_core::config::{BatchDist, HardwareMode, PolicyKind, SchedulerConfig, TimedCosts};
use qisim_core::{Config, Workload};

use crate::Usage;

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

/// Reads and checks a kernel program: an error names the file, line and column, as a
/// compiler does (`fix.qi:12:5: expected ...`).
pub(crate) fn read_program(path: &str) -> Result<String, Usage> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Usage(format!("flag --program: cannot read `{path}`: {e}")))?;
    qisim_core::program::Program::parse(&text)
        .map_err(|e| Usage(format!("{path}:{}:{}: {}", e.line, e.col, e.message)))?;
    Ok(text)
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
    /// The command that replays `replay` against `config` (the core's
    /// [`qisim_core::reproduce`]), naming this run's `--program` file.
    pub(crate) fn reproduce(
        &self,
        config: &Config,
        replay: &str,
    ) -> qisim_core::reproduce::Reproduce {
        let names = qisim_core::reproduce::ReproNames {
            program_file: self.program.clone(),
            config_file: None,
        };
        qisim_core::reproduce::replay(config, replay, &names)
    }

    /// The config: the file (or the defaults), then the flags.
    pub(crate) fn build(&self) -> Result<Config, Usage> {
        if self.preset.is_some() && self.config.is_some() {
            return Err(Usage(
                "flags --preset and --config both give the starting config; use one".into(),
            ));
        }
        let json = match (&self.config, &self.config_json) {
            (Some(path), _) => Some((
                format!("config file `{path}`"),
                std::fs::read_to_string(path)
                    .map_err(|e| Usage(format!("flag --config: cannot read `{path}`: {e}")))?,
            )),
            (None, Some(text)) => Some(("flag --config-json".to_string(), text.clone())),
            (None, None) => None,
        };
        if self.preset.is_some() && json.is_some() {
            return Err(Usage(
                "flags --preset and --config-json both give the starting config; use one".into(),
            ));
        }
        let mut c = match json {
            Some((what, text)) => {
                // The core's reader names the field (`workload.zeroCountProb`) that serde_json
                // only locates by line and column, and says what it allows.
                Config::from_json_str(&text).map_err(|e| {
                    if e.field == "config" {
                        Usage(format!("invalid {what}: the config {}", e.message))
                    } else {
                        Usage(format!("invalid {what}: field `{}` {}", e.field, e.message))
                    }
                })?
            }
            None => match &self.preset {
                Some(name) => {
                    let policy = match self.policy {
                        Some(PolicyArg::Fixed) => PolicyKind::Fixed,
                        _ => PolicyKind::Legacy,
                    };
                    qisim_core::config::preset::preset(name, policy)
                        .map_err(|e| Usage(format!("flag --preset: {e}")))?
                        .config
                }
                None => Config::default(),
            },
        };
        if let Some(r) = self.ring {
            c.qi_length = r;
        }
        if let Some(path) = &self.program {
            if self.kernel.is_some() {
                return Err(Usage(
                    "flags --program and --kernel both name the kernel program; use one (--kernel runs a shipped one)".into(),
                ));
            }
            c.program = Some(read_program(path)?);
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
            c.faults.ite_timing = qisim_core::config::IteTiming::AllFetched;
        }
        if let Some(t) = self.ite_timing {
            c.faults.ite_timing = t;
        }
        if self.no_ite_sid {
            c.faults.no_ite_sid = true;
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
                w.types = qisim_core::config::TypeMix::devtlb_share(p);
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
                let mut w = c.workload.with_counts(counts);
                if let Some(n) = self.submissions {
                    w.submissions = n;
                }
                if let Some(p) = self.zero_prob {
                    w.zero_count_prob = p;
                }
                ws.push(w);
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

fn parse_timing(s: &str) -> Result<qisim_core::config::IteTiming, String> {
    qisim_core::config::IteTiming::parse(s)
}

#[cfg(test)]
mod reproduce_tests {
    //! The core's reproduce commands ([`qisim_core::reproduce`]) parse back to the config they
    //! were made from: the flag table there and the flags here agree.
    use clap::Parser;
    use qisim_core::config::kernel::Kernel;
    use qisim_core::config::{BatchDist, TypeMix};
    use qisim_core::reproduce::{self, ReproNames};
    use qisim_core::{Config, PolicyKind};

    use crate::{Cli, Cmd};

    fn configs() -> Vec<Config> {
        let mut out = vec![Config::default()];
        for k in Kernel::ALL {
            for counts in [vec![0, 1], vec![1, 2, 0]] {
                let mut c = Config {
                    qi_length: 8,
                    ..Config::default()
                };
                k.apply(&mut c);
                c.workload.types = TypeMix::devtlb_share(0.5);
                c.per_submitter = counts
                    .iter()
                    .map(|&n| c.workload.with_counts(vec![n, n]))
                    .collect();
                c.submitters = counts.len() as u32;
                c.faults.ite_rate = 0.25;
                c.faults.device_gone_rate = 0.5;
                c.faults.max_faults = 1;
                c.faults.ite_timing = qisim_core::config::IteTiming::WaitFetched;
                c.faults.no_ite_sid = counts.len() == 3;
                c.workload.submissions = 7; // shadowed by the per-submitter counts
                c.workload.batch = BatchDist::Uniform { min: 1, max: 3 };
                out.push(c);
            }
        }
        // The canonical schedule's config: fixed counts per CPU, written as --per-submitter.
        for name in ["commit", "seed", "kernel-7.0"] {
            out.push(
                qisim_core::config::preset::preset(name, PolicyKind::Legacy)
                    .unwrap()
                    .config,
            );
        }
        let mut odd = Config {
            policy: PolicyKind::Legacy,
            submitters: 5,
            seed: 9,
            step_limit: 77,
            fetch_depth: 1,
            watchdog: 12345,
            bucket: 7,
            trace: true,
            scheduler: qisim_core::SchedulerConfig::Pct { depth: 2, steps: 0 },
            hardware: qisim_core::HardwareMode::Sync,
            ..Config::default()
        };
        odd.workload.drain = true;
        odd.workload.types.context = 0.5;
        odd.workload.batch = BatchDist::Uniform { min: 1, max: 2 };
        out.push(odd.clone());
        odd.per_submitter = vec![odd.workload.with_counts(vec![3]); 5];
        // A fixed count is a sequence of that count (the canonical schedule's config).
        odd.per_submitter[1].batch = BatchDist::Fixed { count: 2 };
        odd.per_submitter[3].batch = BatchDist::Uniform { min: 1, max: 1 };
        odd.per_submitter[2].think_ns = 5;
        odd.program = Some(Kernel::V7_0.shipped().source.to_string());
        odd.policy = PolicyKind::Fixed;
        out.push(odd);
        out
    }

    #[test]
    fn every_reproduce_command_builds_its_config() {
        let dir = std::env::temp_dir().join(format!("qisim-repro-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, cfg) in configs().into_iter().enumerate() {
            cfg.validate().unwrap_or_else(|e| panic!("config {i}: {e}"));
            for file in [false, true] {
                let names = ReproNames {
                    program_file: Some(dir.join(format!("p{i}.qi")).display().to_string()),
                    config_file: file.then(|| dir.join(format!("c{i}.json")).display().to_string()),
                };
                let r = reproduce::replay(&cfg, "q1:a", &names);
                if i == 1 + 2 * Kernel::ALL.len() {
                    assert!(
                        r.command.contains("--per-submitter 1 --per-submitter 0"),
                        "{}",
                        r.command
                    );
                }
                for f in &r.files {
                    std::fs::write(&f.name, &f.contents).unwrap();
                }
                let cli = Cli::try_parse_from(std::iter::once("qisim".to_string()).chain(r.args))
                    .unwrap_or_else(|e| panic!("{}: {e}", r.command));
                let Cmd::Replay(a) = cli.cmd else {
                    panic!("{}: not a replay", r.command)
                };
                let built = a
                    .cfg
                    .build()
                    .unwrap_or_else(|e| panic!("{}: {}", r.command, e.0));
                assert_eq!(built, reproduce::as_reproduced(&cfg), "{}", r.command);
                assert_eq!(a.replay, "q1:a");
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
