//! The parts of a config the steps read ([`Params`]), shared by every state of a run or an
//! exploration root behind one `Arc`: constant, so they are no part of the state the explorer
//! hashes and copies.

use std::sync::Arc;

use crate::config::{Config, FaultConfig, HardwareMode, Workload};
use crate::program::Compiled;

/// Parts of the config the steps need (shared, immutable).
#[derive(Clone, Debug)]
pub struct Params {
    pub workloads: Vec<Workload>,
    pub faults: FaultConfig,
    /// The kernel program: `qi_check_fault`, `mark` (step 7) and `reclaim` (step 8), compiled
    /// for the config's ring, with what the explorer may assume of it.
    pub program: Arc<Compiled>,
    /// `hardware: async` (the VT-d engine as an actor); `sync` processes the queue inside
    /// the doorbell (QEMU).
    pub hw_async: bool,
    /// The soft-lockup watchdog's bound in a submitter's own steps (0: off).
    pub watchdog: u64,
    /// Effective `fetchDepth` (`QI_LENGTH` for no limit).
    pub fetch_depth: u32,
    /// Which freed slots' descriptors a step may still read (`System::desc_dead`), from the
    /// program's facts and the faults.
    pub dead: DeadRules,
}

/// Which descriptors in `QI_FREE` slots a step may still read or revive (`reads_free` in
/// `system.rs`), decided once per config from the program's facts (`program::analysis`):
/// - a copy `desc[i] = desc[wait_index]` (the `IQE` repair) reads a polling CPU's own wait
///   descriptor, even from a slot another CPU freed under it; only when `qi_check_fault` runs
///   (fault injection, or one that is not quiet); any other copy may read any slot;
/// - a `mark` that sets a non-`QI_FREE` status on a CPU's own slots revives one freed under
///   it; one that may write such a status anywhere, any slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadRules {
    /// Every freed slot may be read.
    pub any: bool,
    /// A polling CPU's own wait slot may be read.
    pub own_wait: bool,
    /// A CPU before its mark may revive `index .. index + count + extra`.
    pub mark_extra: Option<u32>,
}

impl Params {
    /// The locals a stored frame has, or `None` when no function of the program can suspend
    /// under this config (then no frame is ever part of the state).
    #[inline]
    pub fn frame_locals(&self) -> Option<usize> {
        self.program
            .facts
            .yields
            .iter()
            .any(|y| *y)
            .then_some(self.program.max_locals)
    }
}

impl Default for DeadRules {
    fn default() -> Self {
        DeadRules {
            any: true,
            own_wait: true,
            mark_extra: None,
        }
    }
}

impl Params {
    /// From a validated config.
    pub fn from_config(cfg: &Config) -> Self {
        Params {
            workloads: (0..cfg.submitters as usize)
                .map(|i| cfg.workload_of(i).clone())
                .collect(),
            faults: cfg.faults.clone(),
            program: crate::program::cache::compiled(
                &cfg.program_text(),
                cfg.qi_length,
                crate::program::analysis::fault_bits(&cfg.faults),
            )
            .expect("Config::validate checked the program"),
            hw_async: cfg.hardware == HardwareMode::Async,
            watchdog: cfg.watchdog,
            fetch_depth: cfg.effective_fetch_depth(),
            dead: DeadRules::default(),
        }
        .with_dead_rules()
    }

    fn with_dead_rules(mut self) -> Self {
        let f = &self.program.facts;
        self.dead = DeadRules {
            any: f.revives_anywhere || (f.copies && !f.copies_own_wait_only),
            own_wait: f.copies && (!self.faults.is_off() || !f.quiet_without_fault),
            mark_extra: f.mark_revives,
        };
        self
    }
}
