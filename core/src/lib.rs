//! qisim-core: a deterministic, step-level model of the Intel VT-d queued-invalidation
//! submission path (`qi_submit_sync()` in Linux's `drivers/iommu/intel/dmar.c`), its hardware
//! engine, the legacy and fixed reclaim policies, schedulers and the oracles that find the
//! lost-completion soft lockup. No I/O, threads, clocks or platform dependencies: everything
//! follows from the config and its seed.
//!
//! # The public surface
//!
//! What the CLI, the wasm bindings and any Rust user call; everything else is the crate's own.
//!
//! - [`Config`] (and [`config`]: the schema, kernel versions, presets), read from JSON with
//!   [`json::from_value`] / [`Config::from_json`]; every refusal is a [`ConfigError`] whose
//!   [`ErrorKind`] is data (a range, the allowed names, a count too big, ...).
//! - [`Simulation`] and [`run`] (module [`sim`]): step, run and report one schedule; [`sched`]
//!   the schedulers, [`trace`] its events and wording, [`metrics`] its measures, [`replay`] the
//!   `q1:` replay strings, [`reproduce`] the command line that reproduces a run.
//! - [`search`]: many seeds ([`search::hunt`]), minimisation and completion
//!   ([`search::shrink`]).
//! - [`check`]: exhaustive exploration ([`check::explore`], [`check::ExploreOptions`],
//!   [`check::Verdict`]); its drivers and state machine for callers that run the rounds
//!   themselves ([`check::Driver`], [`check::Exploration`], [`check::pool`]); the tools built on
//!   it ([`check::tools`]: families, estimates, the kernel matrix, provable configs).
//! - [`program`]: kernels as programs (parse, check, the shipped kernels and patches).
//! - [`model`]: the state and the vocabulary the reports and views use.
//!
//! ```
//! use qisim_core::check::{explore, ExploreOptions, Verdict};
//! use qisim_core::{Config, ErrorKind, PolicyKind, Simulation};
//!
//! // Simulate one schedule of the fixed policy.
//! let cfg = Config { policy: PolicyKind::Fixed, ..Config::default() };
//! let report = Simulation::new(cfg).unwrap().run();
//! assert!(report.findings.is_empty());
//!
//! // Prove a small configuration: every interleaving.
//! let small = Config::from_json_str(
//!     r#"{"submitters": 2, "workload": {"submissions": 1, "batch": {"kind": "fixed", "count": 1},
//!         "types": {"iotlb": 1, "devtlb": 0, "context": 0, "iec": 0, "pasid": 0}}}"#,
//! );
//! let verdict = explore(&small.unwrap(), &ExploreOptions::default()).unwrap();
//! assert!(matches!(verdict, Verdict::Proved { .. }));
//!
//! // A bad field is named, with what is allowed, as data.
//! let e = Config::from_json_str(r#"{"submitters": -1}"#).unwrap_err();
//! assert_eq!(e.field, "submitters");
//! assert!(matches!(e.kind, ErrorKind::Range { min, .. } if min == 1.0));
//! ```

pub mod check;
pub mod config;
mod error;
mod hash;
pub mod json;
pub mod metrics;
pub mod model;
pub mod program;
pub mod replay;
pub mod reproduce;
pub mod sched;
pub mod search;
pub mod sim;
pub mod trace;

pub use config::{BatchDist, Config, HardwareMode, PolicyKind, SchedulerConfig, StopOn, Workload};
pub use error::{ConfigError, ErrorKind, FieldRange, ReplayError};
pub use model::{Finding, FindingKind};
pub use sim::{run, Outcome, RunReport, Simulation};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Who takes a step: a submitter (CPU, `T1` is index 0), the hardware engine completing its
/// oldest pending descriptor (`HW`; it fetches it first when nothing is pending), the hardware
/// engine fetching one more descriptor ahead (`HW:fetch`), or the hardware engine taking a step
/// that faults (`HW:IQE`, `HW:ITE`, `HW:ICE`, `HW:GONE`; fault injection). See
/// [`model::hardware`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub enum Actor {
    Submitter(u32),
    Hardware,
    Fetch,
    Fault(model::HwFault),
}

impl Actor {
    /// True for the hardware engine, faulting or not.
    pub fn is_hardware(self) -> bool {
        !matches!(self, Actor::Submitter(_))
    }
}

impl std::fmt::Display for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Column headers and replay errors: `T1`.. for submitters, `HW` for the engine.
        match self {
            Actor::Submitter(i) => write!(f, "T{}", i + 1),
            Actor::Hardware => f.write_str("HW"),
            Actor::Fetch => f.write_str("HW:fetch"),
            Actor::Fault(x) => write!(f, "HW:{}", x.name()),
        }
    }
}

impl std::str::FromStr for Actor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "HW" => return Ok(Actor::Hardware),
            "HW:fetch" => return Ok(Actor::Fetch),
            _ => {}
        }
        if let Some(f) = model::HwFault::ALL
            .into_iter()
            .find(|f| s.strip_prefix("HW:") == Some(f.name()))
        {
            return Ok(Actor::Fault(f));
        }
        s.strip_prefix('T')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .map(|n| Actor::Submitter(n - 1))
            .ok_or_else(|| format!("`{s}` is not an actor; expected `HW`, `HW:fetch`, `HW:IQE`, `HW:ITE`, `HW:ICE`, `HW:GONE` or `T1`, `T2`, ..."))
    }
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
