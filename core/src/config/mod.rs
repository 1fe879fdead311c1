//! Simulation configuration: plain serde data, validated up front.
//!
//! The JSON schema (camelCase) is shared by the CLI and the wasm layer. Every field has a
//! default, so `{}` is a valid config (the kernel's ring of 256, two submitters).

use serde::{Deserialize, Serialize};

mod faults;
pub mod kernel;
mod policy;
pub mod preset;
mod ranges;
mod sched;
mod tagged;
mod validate;
mod workload;

pub use faults::{FaultConfig, IteTiming, IteWalk};
pub use policy::PolicyKind;
pub use ranges::field_range;
pub use sched::{SchedulerConfig, TimedCosts};
pub use workload::{BatchDist, TypeMix, Workload};

pub use crate::model::types::{inv_type_name, InvType};

/// Largest ring we accept; the kernel uses 256 (one 4 KiB page of 16-byte descriptors).
pub const MAX_QI_LENGTH: u32 = 1 << 16;
/// Smallest ring: a count-0 and a count-1 submission must fit (`count + 2 <= QI_LENGTH`).
pub const MIN_QI_LENGTH: u32 = 4;
/// Submitters (CPUs) per simulation.
pub const MAX_SUBMITTERS: u32 = 256;
/// Submissions per submitter.
pub const MAX_SUBMISSIONS: u64 = 1_000_000_000_000;
/// Upper bound for `stepLimit` (about 10^13: hours of native simulation).
pub const MAX_STEP_LIMIT: u64 = 10_000_000_000_000;
/// Upper bound for any simulated-nanosecond cost.
pub const MAX_COST_NS: u64 = 1_000_000_000;
/// Upper bound for PCT depth.
pub const MAX_PCT_DEPTH: u32 = 32;
/// Upper bound on recorded trace events kept in memory.
pub const MAX_TRACE_CAPACITY: u32 = 50_000_000;
/// Most entries of a `sequence` batch's `counts`.
pub const MAX_SEQUENCE: usize = 1_000_000;

/// How the hardware engine runs relative to software.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum HardwareMode {
    /// Real hardware: its own actor, one descriptor per step, between any two software steps.
    #[default]
    Async,
    /// QEMU's emulation: the whole queue is processed inside the `IQT` write.
    Sync,
}

impl HardwareMode {
    /// Lower-case name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            HardwareMode::Async => "async",
            HardwareMode::Sync => "sync",
        }
    }
}

/// Which findings end a run early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum StopOn {
    /// Run until completion, a lockup, a deadlock or the step limit (classifies consequences).
    #[default]
    Consequence,
    /// Stop at the first finding of any kind (fastest hunting).
    FirstFinding,
}

/// A complete simulation configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Config {
    /// `QI_LENGTH`: ring size in descriptors.
    pub qi_length: u32,
    /// Number of submitters (CPUs calling `qi_submit_sync`).
    pub submitters: u32,
    /// Workload of every submitter without an entry in `perSubmitter`.
    pub workload: Workload,
    /// Optional per-submitter workloads; if non-empty its length must equal `submitters`.
    pub per_submitter: Vec<Workload>,
    pub policy: PolicyKind,
    pub hardware: HardwareMode,
    /// How many descriptors hardware may hold fetched and pending at once (VT-d: hardware may
    /// fetch ahead of completion). 0 = no limit (up to `IQT`), the default: every smaller
    /// depth's behaviour is then included, so a proof holds for any engine; 1 = a serial
    /// engine (fetch one, complete it, fetch the next).
    pub fetch_depth: u32,
    /// The kernel version this config models (see [`crate::config::kernel`]); its policy and ITE walk
    /// must agree with `policy` and `faults.iteWalk`. Absent: none claimed (`null` is a type
    /// error, as everywhere in the schema).
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub kernel: Option<crate::config::kernel::Kernel>,
    /// A kernel program of one's own (`qil` text: `qi_check_fault`, `mark`, `reclaim`; see
    /// `docs/programs.md`), run instead of a shipped kernel. Absent: the shipped program of
    /// `kernel`, or the one `policy` and `faults.iteWalk` name.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub program: Option<String>,
    pub scheduler: SchedulerConfig,
    pub faults: FaultConfig,
    /// Seed of every random choice (workload, schedule, jitter).
    pub seed: u64,
    /// The run stops after this many steps.
    pub step_limit: u64,
    /// Soft-lockup watchdog: a submitter making no progress for this many of its own steps is
    /// reported as a suspected lockup (0 = off).
    pub watchdog: u64,
    /// Record the event trace (needed for timelines; off for fast hunting).
    pub trace: bool,
    /// Record the schedule for the replay string (on by default). Off, the run is faster and its
    /// memory flat, and `replay` is empty: the same seed re-run with it on gives the schedule.
    pub record_schedule: bool,
    /// Keep at most this many trace events (the oldest are dropped).
    pub trace_capacity: u32,
    /// Throughput-series bucket width in steps (or ns under `timed`); buckets merge pairwise
    /// when there would be more than `maxBuckets`.
    pub bucket: u64,
    pub max_buckets: u32,
    pub stop_on: StopOn,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            qi_length: 256,
            submitters: 2,
            workload: Workload::default(),
            per_submitter: Vec::new(),
            policy: PolicyKind::default(),
            hardware: HardwareMode::default(),
            fetch_depth: 0,
            kernel: None,
            program: None,
            scheduler: SchedulerConfig::default(),
            faults: FaultConfig::default(),
            seed: 0,
            step_limit: 10_000_000,
            watchdog: 100_000,
            trace: false,
            record_schedule: true,
            trace_capacity: 1_000_000,
            bucket: 1000,
            max_buckets: 512,
            stop_on: StopOn::default(),
        }
    }
}

/// An optional field that, when present, must hold a value (not `null`).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

impl Config {
    /// Reads a config from JSON (not yet validated). An error names the field by its JSON path
    /// (`config` for the document itself); a number the field's type cannot hold reports the
    /// field's range from the validator's table ([`field_range`]): `submitters: -1` is
    /// "allowed range is 1..=256", as `submitters: 0` is.
    pub fn from_json(value: &serde_json::Value) -> Result<Config, crate::ConfigError> {
        crate::json::from_value_with(value, "config", &|field, doc| {
            let cfg = crate::json::from_value::<Config>(doc, "config").unwrap_or_default();
            field_range(field, &cfg)
        })
    }

    /// [`Config::from_json`] of JSON text; text that is not JSON is an error of `config`
    /// (kind `invalid`, with serde_json's line and column).
    pub fn from_json_str(text: &str) -> Result<Config, crate::ConfigError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| crate::ConfigError::new("config", format!("is not JSON: {e}")))?;
        Config::from_json(&value)
    }

    /// The effective fetch depth: `fetchDepth`, or `QI_LENGTH` for 0 (no limit).
    pub fn effective_fetch_depth(&self) -> u32 {
        if self.fetch_depth == 0 {
            self.qi_length
        } else {
            self.fetch_depth
        }
    }

    /// The reference workload of the step-rate benchmarks (criterion, `steprate`, the soak): 4
    /// submitters, ring 256, batches uniform in `0..=3`, fixed policy (it never stops early),
    /// random scheduler, submissions without end, watchdog off, schedule not recorded.
    pub fn reference() -> Config {
        Config {
            qi_length: 256,
            submitters: 4,
            policy: PolicyKind::Fixed,
            watchdog: 0,
            record_schedule: false,
            workload: Workload {
                submissions: MAX_SUBMISSIONS,
                batch: BatchDist::Uniform { min: 0, max: 3 },
                ..Workload::default()
            },
            ..Config::default()
        }
    }

    /// The text of the kernel program this config runs: its own `program`, the shipped
    /// program of `kernel`, or the one `policy` × `faults.iteWalk` names.
    pub fn program_text(&self) -> std::borrow::Cow<'_, str> {
        use crate::program::library;
        if let Some(p) = &self.program {
            return p.as_str().into();
        }
        if let Some(k) = self.kernel {
            return k.shipped().source.into();
        }
        library::for_parts(self.policy, self.faults.ite_walk).into()
    }

    /// The kernel program this config runs, parsed (a validated config's always parses).
    pub fn program_source(&self) -> crate::program::Program {
        crate::program::Program::parse(&self.program_text())
            .expect("Config::validate checked the program")
    }

    /// The workload of submitter `i`.
    pub fn workload_of(&self, i: usize) -> &Workload {
        self.per_submitter.get(i).unwrap_or(&self.workload)
    }
}
