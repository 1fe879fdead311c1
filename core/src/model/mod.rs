//! The model of one IOMMU's invalidation queue and `qi_submit_sync()`, one file per part of
//! `dmar.c` and the VT-d spec: the shared vocabulary ([`types`]), the ring ([`ring`]), a CPU's
//! program counter ([`pc`]) and locals ([`submitter`]), the queue engine ([`hardware`]),
//! `qi_check_fault()` ([`fault`]) and which fault path of `docs/findings.md` a finding is on
//! ([`fault_path`]), the reclaim policies ([`policy`]), the findings ([`finding`]), how each
//! is decided ([`oracle`], [`liveness`]) and worded ([`wording`]), and the whole system with its
//! atomic steps ([`system`], [`step`], [`hw_step`]); [`workload`] draws each CPU's calls.
//! [`state`] is how each state type describes its fields to the explorer.

pub mod call;
pub mod fault;
pub mod fault_path;
pub mod finding;
pub mod hardware;
pub mod hw_step;
pub mod liveness;
pub mod oracle;
pub mod params;
pub mod pc;
pub mod policy;
pub mod ring;
pub mod state;
pub mod step;
pub mod submitter;
pub mod system;
pub mod tally;
pub mod types;
pub mod view;
pub mod wording;
pub mod workload;

pub use fault_path::FaultPath;
pub use finding::{Finding, FindingKind};
pub use params::Params;
pub use pc::Pc;
pub use ring::Ring;
pub use submitter::{errno_name, Submitter, EAGAIN, EINVAL, ETIMEDOUT};
pub use system::System;
pub use tally::{Returned, StepCounters, StepInfo, StepKind, Tally};
pub use types::{fsts, inv_type_name, Desc, HwFault, InvType, Label, Status};
pub use view::{StateView, SubmitterView};
pub use workload::WorkloadGen;
