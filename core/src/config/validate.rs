//! `Config::validate`: every field in its range, named by its JSON path when it is not.

use super::*;
use crate::error::ConfigError;
use crate::replay;

impl Config {
    /// Checks numeric field `field` against its row of the range table
    /// ([`super::field_range`]).
    fn check(&self, field: &str, v: f64) -> Result<(), ConfigError> {
        match field_range(field, self) {
            Some(r) => r.check(field, v),
            None => {
                debug_assert!(false, "`{field}` has no row in the range table");
                Ok(())
            }
        }
    }

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
            Some(e) => Err(ConfigError::program("program", &e)),
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
        self.check("qiLength", self.qi_length as f64)?;
        self.check("submitters", self.submitters as f64)?;
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
                self.check("scheduler.hwWeight", *hw_weight)?;
            }
            SchedulerConfig::Pct { depth, steps } => {
                self.check("scheduler.depth", *depth as f64)?;
                self.check("scheduler.steps", *steps as f64)?;
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
                    self.check(&format!("scheduler.costs.{name}"), v as f64)?;
                }
                self.check("scheduler.costs.jitter", costs.jitter)?;
            }
        }
        for f in crate::model::HwFault::ALL {
            self.check(FaultConfig::rate_field(f), self.faults.rate(f))?;
        }
        self.check("fetchDepth", self.fetch_depth as f64)?;
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
        self.check("stepLimit", self.step_limit as f64)?;
        self.check("watchdog", self.watchdog as f64)?;
        self.check("traceCapacity", self.trace_capacity as f64)?;
        self.check("bucket", self.bucket as f64)?;
        self.check("maxBuckets", self.max_buckets as f64)?;
        Ok(())
    }

    fn validate_workload(&self, prefix: &str, w: &Workload) -> Result<(), ConfigError> {
        self.check(&format!("{prefix}.submissions"), w.submissions as f64)?;
        self.check(&format!("{prefix}.zeroCountProb"), w.zero_count_prob)?;
        self.check(&format!("{prefix}.thinkNs"), w.think_ns as f64)?;
        let field = format!("{prefix}.batch");
        match &w.batch {
            BatchDist::Fixed { count } => self.check(&format!("{field}.count"), *count as f64)?,
            BatchDist::Uniform { min, max } => {
                self.check(&format!("{field}.max"), *max as f64)?;
                self.check(&format!("{field}.min"), *min as f64)?;
            }
            BatchDist::Sequence { counts } => {
                if counts.is_empty() {
                    return Err(ConfigError::new(
                        &format!("{field}.counts"),
                        "is empty; give at least one count".to_string(),
                    ));
                }
                if counts.len() > MAX_SEQUENCE {
                    return Err(ConfigError::too_big(
                        &format!("{field}.counts"),
                        counts.len() as f64,
                        MAX_SEQUENCE as u64,
                        "entries",
                    ));
                }
                // One range for every entry; the entry's own name only for the error.
                let range = field_range(&format!("{field}.counts"), self);
                if let Some(i) =
                    range.and_then(|r| counts.iter().position(|c| !r.contains(*c as f64)))
                {
                    self.check(&format!("{field}.counts[{i}]"), counts[i] as f64)?;
                }
            }
        }
        let weights = w.types.weights();
        for (t, wt) in InvType::ALL.iter().zip(weights) {
            self.check(&format!("{prefix}.types.{}", inv_type_name(*t)), wt)?;
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
