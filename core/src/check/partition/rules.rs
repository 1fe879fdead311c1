//! What an exploration explores and what counts as a violation: the same for every expander
//! and partition of a search.

use crate::check::reduce::fingerprint::Fingerprinter;
use crate::check::store::pack::Packed;
use crate::check::wire::MSG_HEAD;
use crate::config::Config;
use crate::model::{FindingKind, System};

/// What is explored and what counts as a violation: the same for every expander and partition
/// of an exploration (a Web Worker builds its own from the same configs and options).
#[derive(Clone)]
pub struct Rules {
    pub(crate) roots: Vec<Config>,
    pub(crate) root_sys: Vec<System>,
    pub(crate) pk: Packed,
    /// Fingerprinter template (each expander clones it: it has scratch space).
    pub(crate) enc: Fingerprinter,
    pub(crate) por: bool,
    pub(crate) stop_on_cause: bool,
    pub(crate) target: Option<FindingKind>,
    /// Keep the graph for the fair-cycle analysis (one partition only).
    pub(crate) cycles: bool,
    /// Number of partitions of the visited set.
    pub(crate) parts: usize,
    /// Checkpoints are kept: each partition logs the fingerprints it accepts
    /// (`check/checkpoint/`).
    pub(crate) checkpoints: bool,
}

impl Rules {
    /// The rules of exploring `roots` (already checked by `explore_roots`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        roots: Vec<Config>,
        symmetry: bool,
        rotation: bool,
        por: bool,
        stop_on_cause: bool,
        target: Option<FindingKind>,
        cycles: bool,
        parts: usize,
    ) -> Self {
        let root_sys: Vec<System> = roots.iter().map(System::new).collect();
        assert!(
            !cycles || parts == 1,
            "the fair-cycle analysis runs on one partition"
        );
        Rules {
            pk: Packed::new(&root_sys[0]),
            enc: Fingerprinter::new(symmetry, rotation, &root_sys),
            root_sys,
            roots,
            por,
            stop_on_cause,
            target,
            cycles,
            parts: parts.max(1),
            checkpoints: false,
        }
    }

    /// The same rules for a search that keeps checkpoints: a pool worker's owner logs the
    /// fingerprints it accepts for [`Owner::checkpoint`](crate::check::pool::Owner::checkpoint).
    pub fn with_checkpoints(mut self) -> Self {
        self.checkpoints = true;
        self
    }

    /// Whether finding `kind` ends the search.
    pub(crate) fn is_violation(
        kind: FindingKind,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> bool {
        if let Some(t) = target {
            // An endless walk is a CPU that never returns: a lockup too.
            return kind == t || t == FindingKind::Lockup && kind.hangs();
        }
        match kind {
            FindingKind::LostCompletion => stop_on_cause,
            FindingKind::SuspectedLockup => false,
            _ => true,
        }
    }

    /// Bytes of a successor message.
    pub fn msg_size(&self) -> usize {
        MSG_HEAD + self.pk.size
    }

    /// Bytes of a level record.
    pub fn record_size(&self) -> usize {
        self.pk.size
    }
}
