//! The parts of a config the steps read ([`Params`]), shared by every state of a run or an
//! exploration root behind one `Arc`: constant, so they are no part of the state the explorer
//! hashes and copies.

use crate::config::{Config, FaultConfig, HardwareMode, Workload};
use crate::program::Compiled;

/// Parts of the config the steps need (shared, immutable).
#[derive(Clone, Debug)]
pub struct Params {
    pub workloads: Vec<Workload>,
    pub faults: FaultConfig,
    /// The kernel program: `qi_check_fault`, `mark` (step 7) and `reclaim` (step 8), compiled
    /// for the config's ring, with what the explorer may assume of it.
    pub program: Compiled,
    /// `hardware: async` (the VT-d engine as an actor); `sync` processes the queue inside
    /// the doorbell (QEMU).
    pub hw_async: bool,
    /// The soft-lockup watchdog's bound in a submitter's own steps (0: off).
    pub watchdog: u64,
    /// Effective `fetchDepth` (`QI_LENGTH` for no limit).
    pub fetch_depth: u32,
}

impl Params {
    /// From a validated config.
    pub fn from_config(cfg: &Config) -> Self {
        Params {
            workloads: (0..cfg.submitters as usize)
                .map(|i| cfg.workload_of(i).clone())
                .collect(),
            faults: cfg.faults.clone(),
            program: cfg
                .program_source()
                .compile(
                    cfg.qi_length,
                    crate::program::analysis::fault_bits(&cfg.faults),
                )
                .expect("Config::validate compiled the program"),
            hw_async: cfg.hardware == HardwareMode::Async,
            watchdog: cfg.watchdog,
            fetch_depth: cfg.effective_fetch_depth(),
        }
    }
}
