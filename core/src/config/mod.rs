//! Simulation configuration: plain serde data, validated up front.
//!
//! The JSON schema (camelCase) is shared by the CLI and the wasm layer. Every field has a
//! default, so `{}` is a valid config (the kernel's ring of 256, two submitters).

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::replay;

pub mod kernel;
mod tagged;

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

/// Reclaim policy (steps 7 and 8 of `qi_submit_sync`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum PolicyKind {
    /// Before the fix: mark own invalidation slots `QI_DONE`, reclaim every `QI_DONE`/`QI_ABORT`.
    Legacy,
    /// The fix: mark own slots (wait slot too) `QI_FREE`, reclaim only `QI_FREE`.
    #[default]
    Fixed,
}

impl PolicyKind {
    /// Lower-case name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Legacy => "legacy",
            PolicyKind::Fixed => "fixed",
        }
    }
}

/// How the hardware engine runs relative to software.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum HardwareMode {
    /// Real hardware: its own actor, one descriptor per step, between any two software steps.
    #[default]
    Async,
    /// QEMU's emulation: the whole queue is processed inside the `IQT` write.
    Sync,
}

/// Distribution of the descriptor count of one submission (before the zero-count draw). Read
/// through `config/tagged.rs`, so errors name the inner field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "crate::config::tagged::RawBatch"
)]
pub enum BatchDist {
    /// Always `count` descriptors.
    Fixed { count: u32 },
    /// Uniform in `min..=max`.
    Uniform { min: u32, max: u32 },
    /// Submission `i` uses `counts[i % counts.len()]`: exact workloads for tests and the explorer.
    Sequence { counts: Vec<u32> },
}

impl Default for BatchDist {
    fn default() -> Self {
        BatchDist::Uniform { min: 1, max: 4 }
    }
}

impl BatchDist {
    /// Largest count this distribution can produce.
    pub fn max_count(&self) -> u32 {
        match self {
            BatchDist::Fixed { count } => *count,
            BatchDist::Uniform { max, .. } => *max,
            BatchDist::Sequence { counts } => counts.iter().copied().max().unwrap_or(0),
        }
    }
}

/// Weight of each invalidation type in a batch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TypeMix {
    pub iotlb: f64,
    pub devtlb: f64,
    pub context: f64,
    pub iec: f64,
    pub pasid: f64,
}

impl Default for TypeMix {
    fn default() -> Self {
        TypeMix {
            iotlb: 1.0,
            devtlb: 0.0,
            context: 0.0,
            iec: 0.0,
            pasid: 0.0,
        }
    }
}

impl TypeMix {
    /// Weights in [`InvType::ALL`] order.
    pub fn weights(&self) -> [f64; 5] {
        [self.iotlb, self.devtlb, self.context, self.iec, self.pasid]
    }
}

/// What one submitter (CPU) submits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Workload {
    /// Number of `qi_submit_sync` calls.
    pub submissions: u64,
    /// Descriptor count per call.
    pub batch: BatchDist,
    /// Probability that a call has count 0 (a wait descriptor alone), drawn before `batch`.
    pub zero_count_prob: f64,
    /// `QI_OPT_WAIT_DRAIN`: the wait descriptor also drains page requests (PD).
    pub drain: bool,
    /// Simulated think time between calls (timed scheduler only).
    pub think_ns: u64,
    /// Types of the invalidation descriptors.
    pub types: TypeMix,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            submissions: 100,
            batch: BatchDist::default(),
            zero_count_prob: 0.0,
            drain: false,
            think_ns: 0,
            types: TypeMix::default(),
        }
    }
}

/// Simulated costs in nanoseconds for the timed scheduler.
///
/// Defaults are order-of-magnitude figures for a server CPU and an integrated IOMMU, not
/// measurements: an uncontended spinlock is a cached atomic (~20 ns), a hand-off moves the lock's
/// cache line between cores (~100 ns), a 128-bit descriptor store is ~10 ns, the `IQT` MMIO write
/// is an uncached posted write (~150 ns), a status poll that misses because the IOMMU wrote the
/// line costs ~60 ns. Hardware latencies are per descriptor; device-TLB invalidations wait for an
/// ATS round trip over PCIe (~2 µs).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TimedCosts {
    pub lock_ns: u64,
    pub lock_handoff_ns: u64,
    pub unlock_ns: u64,
    pub check_space_ns: u64,
    pub desc_write_ns: u64,
    pub doorbell_ns: u64,
    pub poll_ns: u64,
    pub relax_ns: u64,
    pub mark_ns: u64,
    pub reclaim_ns: u64,
    pub hw_iotlb_ns: u64,
    pub hw_devtlb_ns: u64,
    pub hw_context_ns: u64,
    pub hw_iec_ns: u64,
    pub hw_pasid_ns: u64,
    pub hw_wait_ns: u64,
    /// Extra wait-descriptor latency with `drain` (page-request drain).
    pub hw_drain_ns: u64,
    /// Time until a device-TLB invalidation is declared timed out (`ITE`).
    pub hw_timeout_ns: u64,
    /// Each cost is multiplied by a seeded factor in `[1 - jitter, 1 + jitter]`.
    pub jitter: f64,
}

impl Default for TimedCosts {
    fn default() -> Self {
        TimedCosts {
            lock_ns: 20,
            lock_handoff_ns: 100,
            unlock_ns: 10,
            check_space_ns: 5,
            desc_write_ns: 10,
            doorbell_ns: 150,
            poll_ns: 60,
            relax_ns: 10,
            mark_ns: 5,
            reclaim_ns: 5,
            hw_iotlb_ns: 500,
            hw_devtlb_ns: 2000,
            hw_context_ns: 300,
            hw_iec_ns: 300,
            hw_pasid_ns: 400,
            hw_wait_ns: 100,
            hw_drain_ns: 1000,
            hw_timeout_ns: 50_000,
            jitter: 0.25,
        }
    }
}

impl TimedCosts {
    /// Hardware latency of one invalidation descriptor.
    pub fn hw_ns(&self, t: InvType) -> u64 {
        match t {
            InvType::Iotlb => self.hw_iotlb_ns,
            InvType::Devtlb => self.hw_devtlb_ns,
            InvType::Context => self.hw_context_ns,
            InvType::Iec => self.hw_iec_ns,
            InvType::Pasid => self.hw_pasid_ns,
        }
    }

    fn fields(&self) -> [(&'static str, u64); 18] {
        [
            ("lockNs", self.lock_ns),
            ("lockHandoffNs", self.lock_handoff_ns),
            ("unlockNs", self.unlock_ns),
            ("checkSpaceNs", self.check_space_ns),
            ("descWriteNs", self.desc_write_ns),
            ("doorbellNs", self.doorbell_ns),
            ("pollNs", self.poll_ns),
            ("relaxNs", self.relax_ns),
            ("markNs", self.mark_ns),
            ("reclaimNs", self.reclaim_ns),
            ("hwIotlbNs", self.hw_iotlb_ns),
            ("hwDevtlbNs", self.hw_devtlb_ns),
            ("hwContextNs", self.hw_context_ns),
            ("hwIecNs", self.hw_iec_ns),
            ("hwPasidNs", self.hw_pasid_ns),
            ("hwWaitNs", self.hw_wait_ns),
            ("hwDrainNs", self.hw_drain_ns),
            ("hwTimeoutNs", self.hw_timeout_ns),
        ]
    }
}

/// Which actor runs next. Read through `config/tagged.rs`, so errors name the inner field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "crate::config::tagged::RawScheduler"
)]
pub enum SchedulerConfig {
    /// Uniform over enabled actors; the hardware engine has weight `hwWeight` (default 1;
    /// submitters 1).
    Random { hw_weight: f64 },
    /// PCT (Burckhardt et al. 2010) with bug depth `depth` (default 3): d - 1 priority change
    /// points spread over the first `steps` steps (default 0 = estimate from the workload).
    Pct { depth: u32, steps: u64 },
    /// A recorded choice sequence (see [`crate::replay`]).
    Replay { choices: String },
    /// Discrete-event simulation over simulated nanoseconds (`costs` default: [`TimedCosts`]).
    Timed { costs: TimedCosts },
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig::Random { hw_weight: 1.0 }
    }
}

impl SchedulerConfig {
    /// Short name: `random`, `pct`, `replay`, `timed`.
    pub fn name(&self) -> &'static str {
        match self {
            SchedulerConfig::Random { .. } => "random",
            SchedulerConfig::Pct { .. } => "pct",
            SchedulerConfig::Replay { .. } => "replay",
            SchedulerConfig::Timed { .. } => "timed",
        }
    }
}

/// Which `qi_check_fault` walk runs after an `ITE` (DESIGN.md section 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum IteWalk {
    /// Kernels before 7.0: start at `(IQH - 1) | 1`, step -2 (one descriptor + one wait per
    /// submission assumed).
    Stride2,
    /// 7.0 and later: start at `IQH - 1`, step -1.
    #[default]
    Stride1,
}

/// Fault injection in the hardware engine. Off (all zero) by default. Each time the engine is
/// scheduled at a descriptor a fault applies to, the fault happens with its rate (drawn from a
/// stream of its own, so fault-free runs keep their schedules).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Probability an invalidation descriptor is invalid (`IQE`).
    pub iqe_rate: f64,
    /// Probability a device-TLB invalidation times out (`ITE`).
    pub ite_rate: f64,
    /// Probability of an invalidation completion error on a device-TLB invalidation (`ICE`).
    pub ice_rate: f64,
    /// Probability a device-TLB invalidation times out and its device is gone (an `ITE` after
    /// which `qi_check_fault` returns `-ETIMEDOUT`: `ite_sid` names a device that
    /// `pci_device_is_present()` denies).
    pub device_gone_rate: f64,
    /// The kernel's `ITE` walk.
    pub ite_walk: IteWalk,
    /// An `ITE` (or device gone) fires only once hardware has fetched every published
    /// descriptor (`IQH == IQT`): the device time-out is long, and the kernel's walk assumes
    /// hardware fetched the batch's wait descriptor before it fired. Off (the default), a
    /// time-out may fire as soon as its device-TLB invalidation is fetched, as the VT-d spec
    /// allows.
    pub ite_all_fetched: bool,
    /// At most this many faults per run (0 = no limit). The exhaustive explorer needs a limit:
    /// every `-EAGAIN` restart is a new attempt, so unbounded faults mean unbounded states.
    pub max_faults: u32,
}

impl FaultConfig {
    /// True when no fault can ever be injected.
    pub fn is_off(&self) -> bool {
        crate::model::HwFault::ALL
            .iter()
            .all(|f| self.rate(*f) == 0.0)
    }

    /// The rate of one fault kind.
    pub fn rate(&self, f: crate::model::HwFault) -> f64 {
        match f {
            crate::model::HwFault::Iqe => self.iqe_rate,
            crate::model::HwFault::Ite => self.ite_rate,
            crate::model::HwFault::Ice => self.ice_rate,
            crate::model::HwFault::Gone => self.device_gone_rate,
        }
    }

    /// JSON name of the rate of one fault kind.
    pub fn rate_field(f: crate::model::HwFault) -> &'static str {
        match f {
            crate::model::HwFault::Iqe => "faults.iqeRate",
            crate::model::HwFault::Ite => "faults.iteRate",
            crate::model::HwFault::Ice => "faults.iceRate",
            crate::model::HwFault::Gone => "faults.deviceGoneRate",
        }
    }
}

/// Which findings end a run early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
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
    pub kernel: Option<crate::config::kernel::Kernel>,
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

    /// The workload of submitter `i`.
    pub fn workload_of(&self, i: usize) -> &Workload {
        self.per_submitter.get(i).unwrap_or(&self.workload)
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
        if (self.faults.ite_rate > 0.0 || self.faults.device_gone_rate > 0.0)
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
