//! The executors of an exploration: each runs the rounds the exploration (`search/`) issues
//! where it likes and reports them through a protocol; none decides anything. One
//! [`Driver`] trait, and [`Exploration::run`], the loop that drives one:
//!
//! - [`Local`] (`local.rs`): the slice protocol on this thread, one slice per partition;
//! - `Threads` (`threads.rs`, feature `threads`): the same slices and partitions as jobs on
//!   a pool of native threads, kept for the exploration;
//! - [`OwnerPool`] (`pool.rs`): the owner protocol on this thread, one [`Owner`]
//!   (`owners.rs`, the worker side) per partition, exchanging the bytes a pool of Web Workers
//!   exchanges (the wasm `ExploreCoordinator` drives Web Workers through the same protocol).
//!
//! `slicing.rs` is what the local and thread drivers share. Each driver also checkpoints its
//! partitions' part ([`Driver::checkpoint`], [`Driver::restore`]: the slice drivers their
//! fingerprint logs, re-partitioned on a resume; `OwnerPool` each owner's
//! [`Owner::checkpoint`]).

mod local;
mod owners;
mod pool;
mod slicing;
#[cfg(feature = "threads")]
mod threads;

pub use local::Local;
pub use owners::Owner;
pub use pool::OwnerPool;
#[cfg(feature = "threads")]
pub(crate) use threads::available;
#[cfg(feature = "threads")]
pub use threads::Threads;

use crate::check::checkpoint::{CheckpointReader, CheckpointWriter, PartRecord};
use crate::check::partition::Rules;
use crate::check::search::{Exploration, Next, Round};
use crate::check::{ExploreProgress, Verdict};

/// Runs the rounds of an exploration: expands each round the exploration issues and absorbs
/// the oldest one in flight into it, through its protocol
/// ([`Exploration::slices`] or [`Exploration::owners`]).
pub trait Driver {
    /// Threads (or workers) the steps run on.
    fn threads(&self) -> usize;
    /// Rounds expanded ahead of the oldest one in flight before it is absorbed (0: each
    /// round is absorbed before the next is issued).
    fn ahead(&self) -> usize {
        0
    }
    /// Search `search` of the exploration starts (0, or 1 for the shortest re-search), with
    /// `rules`: fresh expanders, partitions or owners.
    fn start(&mut self, search: u32, rules: &Rules);
    /// Expands `round`, the round `x` issued last.
    fn expand(&mut self, x: &Exploration, round: Round);
    /// Absorbs the oldest round in flight and reports it to `x`; the progress to report, if
    /// any. When `x` drops the rounds in flight (a violation or `maxStates`), the driver
    /// forgets what it expanded of them.
    fn absorb(&mut self, x: &mut Exploration) -> Option<ExploreProgress>;
    /// At a checkpoint of search `search` (the level at `depth` expanded next): appends every
    /// partition's part through `w`, syncs it, and returns their records
    /// (`check/checkpoint/`).
    fn checkpoint(
        &mut self,
        search: u32,
        depth: u64,
        w: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        let _ = (search, depth, w);
        Err("this driver keeps no checkpoints".into())
    }
    /// On a resume, right after [`Driver::start`]: rebuilds the partitions from the
    /// checkpoint's records `parts` (their files read through `r`; `w` continues them).
    fn restore(
        &mut self,
        parts: &[PartRecord],
        r: &mut dyn CheckpointReader,
        w: &mut dyn CheckpointWriter,
    ) -> Result<(), String> {
        let _ = (parts, r, w);
        Err("this driver keeps no checkpoints".into())
    }
}

impl Exploration<'_> {
    /// Runs the exploration on `drv` to its verdict, calling `progress` after every round
    /// (see the module docs of [`crate::check`]); returning false stops with `boundReached`.
    pub fn run(
        &mut self,
        drv: &mut dyn Driver,
        mut progress: impl FnMut(&ExploreProgress) -> bool,
    ) -> Verdict {
        let mut search = None;
        loop {
            match self.next_step() {
                Next::Done(v) => return v,
                Next::Checkpoint { search: s, depth } => {
                    let r = match self.checkpoint_writer() {
                        Some(w) => drv.checkpoint(s, depth, w),
                        None => continue,
                    };
                    if let Err(e) = r.and_then(|parts| self.commit_checkpoint(parts)) {
                        self.fail_checkpoint(e);
                    }
                    continue;
                }
                Next::Round { search: s, round } => {
                    if search != Some(s) {
                        drv.start(s, self.rules());
                        self.set_threads(drv.threads());
                        search = Some(s);
                        let restored = match self.checkpoint_restore() {
                            Some((mut r, parts, w)) => drv.restore(&parts, &mut *r, w),
                            None => Ok(()),
                        };
                        if let Err(e) = restored {
                            self.fail_checkpoint(e);
                        }
                    }
                    drv.expand(self, round);
                    if self.in_flight() <= drv.ahead() {
                        continue;
                    }
                }
                Next::Wait => {}
            }
            if let Some(p) = drv.absorb(self) {
                if !progress(&p) {
                    self.cancel();
                }
            }
        }
    }
}
