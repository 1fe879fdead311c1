//! `Config::validate`: every field in its range, named by its JSON path when it is not.

use super::*;
use crate::error::ConfigError;
use crate::replay;

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    v: T,
    lo: T,
    hi: T,
) -> Result<(), ConfigError> {
    if v < lo || v > hi {
        return Err(ConfigError::new(
            field,
            format!("is {v}; allowed range is {lo}..={hi}"),
        ));
    }
    Ok(())
}

fn check_prob(field: &str, p: f64) -> Result<(), ConfigError> {
    if !p.is_finite() || !(0.0..=1.0).contains(&p) {
        return Err(ConfigError::new(
            field,
            format!("is {p}; allowed range is 0..=1"),
        ));
    }
    Ok(())
}

impl Config {
    /// A config's own program: it parses and checks, and no other field claims to decide what
    /// the program decides.
    fn check_program(&self) -> Result<(), ConfigError> {
        if let Some(k) = self.kernel {
            return Err(ConfigError::new(
                "kernel",
                format!("is {}, but the config has its own `program`; a config runs either a shipped kernel or its own program: drop one", k.name()),
            ));
        }
        if self.policy != PolicyKind::default() {
            return Err(ConfigError::new(
                "policy",
                format!("is {}, but the config's `program` decides the marking and reclaim (its `mark` and `reclaim`): drop `policy`", self.policy.name()),
            ));
        }
        if self.faults.ite_walk != IteWalk::default() {
            return Err(ConfigError::new(
                "faults.iteWalk",
                "is set, but the config's `program` decides the ITE walk (its `qi_check_fault`): drop `iteWalk`".to_string(),
            ));
        }
        match self.program_error() {
            Some(e) => Err(ConfigError::new(
                "program",
                format!("does not compile: {e}"),
            )),
            None => Ok(()),
        }
    }

    /// Where the config's own `program` fails to parse or compile (line, column, what was
    /// expected), if it does: what an editor underlines.
    pub fn program_error(&self) -> Option<crate::program::ProgramError> {
        let text = self.program.as_deref()?;
        let bits = crate::program::analysis::fault_bits(&self.faults);
        crate::program::cache::compiled(text, self.qi_length, bits).err()
    }

    /// Checks every field; the error names the first bad field and its allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range("qiLength", self.qi_length, MIN_QI_LENGTH, MAX_QI_LENGTH)?;
        check_range("submitters", self.submitters, 1, MAX_SUBMITTERS)?;
        if !self.per_submitter.is_empty() && self.per_submitter.len() != self.submitters as usize {
            return Err(ConfigError::new(
                "perSubmitter",
                format!(
                    "has {} entries; it must be empty or have exactly `submitters` = {} entries",
                    self.per_submitter.len(),
                    self.submitters
                ),
            ));
        }
        // `workload` applies only when `perSubmitter` is empty.
        if self.per_submitter.is_empty() {
            self.validate_workload("workload", &self.workload)?;
        }
        for (i, w) in self.per_submitter.iter().enumerate() {
            self.validate_workload(&format!("perSubmitter[{i}]"), w)?;
        }
        match &self.scheduler {
            SchedulerConfig::Random { hw_weight } => {
                if !hw_weight.is_finite() || *hw_weight <= 0.0 || *hw_weight > 1e6 {
                    return Err(ConfigError::new(
                        "scheduler.hwWeight",
                        format!("is {hw_weight}; allowed range is >0 and <=1000000"),
                    ));
                }
            }
            SchedulerConfig::Pct { depth, steps } => {
                check_range("scheduler.depth", *depth, 1, MAX_PCT_DEPTH)?;
                check_range("scheduler.steps", *steps, 0, MAX_STEP_LIMIT)?;
            }
            SchedulerConfig::Replay { choices } => {
                // Run-length form: memory proportional to the string, not to the steps.
                let parsed = replay::parse_schedule(choices)
                    .map_err(|e| ConfigError::new("scheduler.choices", e.to_string()))?;
                if let Some(bad) = parsed.runs().iter().find_map(|(c, _)| match c {
                    crate::Actor::Submitter(i) if *i >= self.submitters => Some(*i),
                    _ => None,
                }) {
                    return Err(ConfigError::new(
                        "scheduler.choices",
                        format!(
                            "names submitter {} ({}); allowed are submitters 0..{} and H",
                            bad,
                            replay::actor_token(crate::Actor::Submitter(bad)),
                            self.submitters
                        ),
                    ));
                }
            }
            SchedulerConfig::Timed { costs } => {
                for (name, v) in costs.fields() {
                    check_range(&format!("scheduler.costs.{name}"), v, 0, MAX_COST_NS)?;
                }
                if !costs.jitter.is_finite() || !(0.0..=0.9).contains(&costs.jitter) {
                    return Err(ConfigError::new(
                        "scheduler.costs.jitter",
                        format!("is {}; allowed range is 0..=0.9", costs.jitter),
                    ));
                }
            }
        }
        for f in crate::model::HwFault::ALL {
            check_prob(FaultConfig::rate_field(f), self.faults.rate(f))?;
        }
        check_range("fetchDepth", self.fetch_depth, 0, self.qi_length)?;
        if let Some(k) = self.kernel {
            k.check(self)?;
        }
        if self.program.is_some() {
            self.check_program()?;
        }
        if self.program.is_none()
            && (self.faults.ite_rate > 0.0 || self.faults.device_gone_rate > 0.0)
            && self.faults.ite_walk == IteWalk::Stride2
            && self.qi_length % 2 == 1
        {
            return Err(ConfigError::new(
                "qiLength",
                format!(
                    "is {}; the stride-2 ITE walk starts at `(IQH - 1) | 1`, which needs an even QI_LENGTH (the kernel's is 256): use an even qiLength or iteWalk \"stride1\"",
                    self.qi_length
                ),
            ));
        }
        if !self.faults.is_off() && self.hardware == HardwareMode::Sync {
            return Err(ConfigError::new(
                "faults",
                "fault injection needs `hardware: \"async\"` (the synchronous QEMU-style engine has no fault model); set the rates to 0 or use async".to_string(),
            ));
        }
        check_range("stepLimit", self.step_limit, 1, MAX_STEP_LIMIT)?;
        check_range("watchdog", self.watchdog, 0, MAX_STEP_LIMIT)?;
        check_range("traceCapacity", self.trace_capacity, 1, MAX_TRACE_CAPACITY)?;
        check_range("bucket", self.bucket, 1, MAX_STEP_LIMIT)?;
        check_range("maxBuckets", self.max_buckets, 2, 1 << 20)?;
        Ok(())
    }

    fn validate_workload(&self, prefix: &str, w: &Workload) -> Result<(), ConfigError> {
        check_range(
            &format!("{prefix}.submissions"),
            w.submissions,
            0,
            MAX_SUBMISSIONS,
        )?;
        check_prob(&format!("{prefix}.zeroCountProb"), w.zero_count_prob)?;
        check_range(&format!("{prefix}.thinkNs"), w.think_ns, 0, MAX_COST_NS)?;
        // `check_space` needs `free_cnt >= count + 2` and at most QI_LENGTH - 1 slots are ever
        // free, so a larger batch would retry forever.
        let max_count = self.qi_length.saturating_sub(2);
        let field = format!("{prefix}.batch");
        match &w.batch {
            BatchDist::Fixed { count } => {
                check_range(&format!("{field}.count"), *count, 0, max_count)?
            }
            BatchDist::Uniform { min, max } => {
                check_range(&format!("{field}.max"), *max, 0, max_count)?;
                check_range(&format!("{field}.min"), *min, 0, *max)?;
            }
            BatchDist::Sequence { counts } => {
                if counts.is_empty() {
                    return Err(ConfigError::new(
                        &format!("{field}.counts"),
                        "is empty; give at least one count".to_string(),
                    ));
                }
                if counts.len() > 1_000_000 {
                    return Err(ConfigError::new(
                        &format!("{field}.counts"),
                        format!("has {} entries; at most 1000000", counts.len()),
                    ));
                }
                for (i, c) in counts.iter().enumerate() {
                    check_range(&format!("{field}.counts[{i}]"), *c, 0, max_count)?;
                }
            }
        }
        let weights = w.types.weights();
        for (t, wt) in InvType::ALL.iter().zip(weights) {
            if !wt.is_finite() || !(0.0..=1e9).contains(&wt) {
                return Err(ConfigError::new(
                    &format!("{prefix}.types.{}", inv_type_name(*t)),
                    format!("is {wt}; allowed range is 0..=1000000000"),
                ));
            }
        }
        if weights.iter().all(|w| *w == 0.0) && w.batch.max_count() > 0 {
            return Err(ConfigError::new(
                &format!("{prefix}.types"),
                "all weights are 0; at least one type needs a positive weight".to_string(),
            ));
        }
        Ok(())
    }
}
