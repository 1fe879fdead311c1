//! The shared flags onto a core config: the JSON file or preset first, then each flag, then
//! the core's validation, so every command starts from the same [`Config`].

use qisim_core::config::{BatchDist, HardwareMode, PolicyKind, SchedulerConfig, TimedCosts};
use qisim_core::{Config, Workload};

use super::{ConfigArgs, HwArg, PolicyArg, SchedArg, WalkArg};
use crate::Usage;

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
