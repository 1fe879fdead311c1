//! Exhaustive exploration: every interleaving of a finite configuration, breadth first, with
//! state hashing, a partial-order reduction and symmetry reduction. Proves a policy free of
//! lockups and safety violations for the configuration, or returns a shortest counterexample as
//! a replay string the simulator reproduces.
//!
//! # What is explored
//!
//! States are [`System`] values; transitions are [`System::apply`] of one enabled actor. The
//! workload of each root must be deterministic (batch `fixed`, `sequence` or `uniform` with
//! `min == max`, `zeroCountProb` 0 or 1, at most one invalidation type with a positive weight);
//! anything else is rejected with a [`ConfigError`] naming the field. [`family`] (the one
//! family builder of every front end) turns a count range and a zero-count probability into
//! such roots. The scheduler, `seed`, `stepLimit`, `stopOn` and `trace` need no enumeration
//! (every schedule is explored); a positive fault rate means "this fault may happen" (both
//! branches are explored, up to `maxFaults`); `watchdog` is forced to 0 (the soft-lockup
//! watchdog is a heuristic; the explorer decides lockups exactly). Several initial
//! configurations (same ring, policy, hardware and number of submitters, different workloads)
//! are explored as one graph with [`explore_roots`].
//!
//! # State encoding and fingerprints
//!
//! Only 64-bit fingerprints of visited states are stored (an open-addressing table, 12 bytes a
//! slot), with a parent index (like stateright and SPIN's hash-compact); paths are rebuilt by
//! replaying the model from the root and matching fingerprints. The BFS queue holds the states
//! of the current and the next level packed into fixed-size byte records (no heap block per
//! state), unpacked into one scratch `System` for expansion (debug builds check that every
//! unpacked state has its stored fingerprint). A fingerprint hashes a canonical encoding of everything that can
//! influence future behaviour or an oracle:
//! - the ring: every slot's status and descriptor (kind, label with submitter, attempt, part and
//!   count, type, status address, SW and PD bits), hardware's copies of the pending descriptors
//!   (`pending_from..IQH`), `free_head`, `free_tail`, `free_cnt`, the `q_lock` owner, `IQT`,
//!   `IQH`, `pending_from`, `FSTS`, the device-gone flag, the fault count, and `halted`;
//! - per submitter: its workload (an id), program counter, `count`, `index`, `wait_index`, `rc`,
//!   `submissions_done`, `attempts` and `hw_done`.
//!
//! Excluded, because no step and no oracle reads them in a way that changes a successor or a
//! finding: hardware's copies outside the pending window (overwritten at the next fetch),
//! `last_lock_owner` (only the trace's hand-off flag and timed costs), `started_step`,
//! `started_ns`, `steps_since_progress` and `watchdog_fired` (watchdog off), the workload
//! generator (a deterministic workload never uses a random value), `types` (one type), pending
//! `found` (drained after every step) and the private invariant flag (every path stops at its
//! first reported finding). Dead values are normalised to 0: `index`, `wait_index` and `hw_done`
//! before the call's `write` (they are overwritten by it; a late hardware credit to a finished
//! call is reset by `write`), `count` once finished. Collisions of 64-bit fingerprints can in
//! principle merge two distinct states (probability about n²/2⁶⁵ for n states, 3·10⁻⁶ at 10⁷
//! states), as in every hash-compact checker.
//!
//! # Partial-order reduction (why it is sound)
//!
//! At most one submitter holds `q_lock`; while it does, every other submitter waits in `lock`
//! (or has finished), so the only enabled actors are the holder and the hardware engine. The
//! explorer then expands only the holder (an ample set of one transition α) when α is
//! independent of every hardware step that can happen before it. Hardware steps (fetches and
//! completions) only read descriptors and write statuses in its window `W = pending_from..IQT`
//! (a wait's status address is its own slot, or for an `IQE` repair copy the batch's wait
//! slot, both in `W`), which, while only hardware moves, can only shrink; so a condition
//! checked against `W` now holds for all those steps. Reductions are off with fault injection
//! (fault steps set `FSTS`, which the holder's poll reads). "Independent" is strict here:
//! both orders reach the same state *and every oracle reports the same findings* in both
//! orders. Per step of the holder:
//! - `check_space` that succeeds, or fails while hardware is idle: reads `free_cnt` and its own
//!   `count`, which hardware never touches.
//! - `unlock` inside the space or poll loop: writes `q_lock` and its `pc`; the `free_cnt`
//!   invariant check reads ring counters hardware never touches.
//! - `write` when none of its slots is in `W`: hardware reads descriptors and writes statuses
//!   only in `W`; its credit to the writer's previous batch is reset by `write` in both orders;
//!   the overrun oracle reads `W` membership, false in both orders.
//! - `doorbell`: hardware fetches and completes the same descriptors whether or not `IQT` moved
//!   (a larger `IQT` only enables more fetches later); the doorbell writes `IQT`, which hardware
//!   never changes.
//! - `poll` that sees `QI_DONE` with `wait_index` outside `W` (hardware cannot write that
//!   status again); a poll that does not see `QI_DONE` is always expanded fully, because its
//!   lockup check depends on whether hardware is idle.
//! - `mark` when its slots are outside `W`; its lost-completion oracle reads owners' `pc` and
//!   attempts, which hardware never changes.
//! - `reclaim` when the slots its walk reads (from `free_tail` to the first slot that stops it)
//!   are outside `W`.
//! - the final `unlock` (return) when no descriptor or pending copy in `W` belongs to the
//!   returning submitter (otherwise hardware's credit races with the premature-completion
//!   oracle, and its status write with the stray-write oracle's ownership).
//!
//! Hardware never disables the holder nor the holder the hardware. With these conditions the
//! usual ample-set argument (Peled; Clarke, Grumberg and Peled ch. 10) shows by induction on
//! the length of a path that every finding reachable in the full graph is reachable in the
//! reduced one: if the path does not start with α, α commutes to its front (or is prepended,
//! when the path never takes it) with the same findings on every transition. No cycle proviso
//! is needed for this (each induction step consumes one transition of the path), and anyway
//! every cycle of the model passes through a state where the lock is free, which is always
//! expanded in full. States with the lock free are never reduced.
//!
//! The reduced graph can make a counterexample longer (α is taken before hardware steps that a
//! shortest path would have put first). With [`ExploreOptions::shortest`] the explorer then
//! re-explores without the partial-order reduction, bounded to shorter paths, and keeps the
//! shorter counterexample if there is one: counterexamples are shortest.
//!
//! # Symmetry
//!
//! Submitters with the same workload are interchangeable: no step depends on a submitter's
//! index except through its workload (the workload generator is seeded per index, but a
//! deterministic workload never uses its random values; the lock hand-off flag only feeds the
//! trace). The fingerprint therefore encodes submitters sorted by (workload, local state, a
//! hash of the slots they occupy), with the labels in the ring and the lock owner renamed
//! consistently. A permutation of interchangeable submitters maps transitions to transitions
//! and findings to findings of the same kind, so the quotient graph has the same reachable
//! findings and the same shortest distances (BFS on the quotient is still shortest). Ties in
//! the sort key only happen between submitters whose encodings are equal, so the
//! representative is canonical. The partial-order reduction is defined from the lock holder
//! and the ring only, so it commutes with these permutations.
//!
//! # Liveness
//!
//! A state is *stuck* ([`System::stuck`], the one definition the simulator's lockup oracle
//! uses too) when hardware cannot move and every submitter that has not finished is in a loop
//! that can never exit: polling a wait slot whose status is neither `QI_DONE` nor `QI_ABORT`,
//! or retrying `check_space` with `free_cnt < count + 2`. Stuck is stable: the only
//! steps left are those spins, which change no status, counter or register. Conversely every
//! workload is finite, so every infinite run has finitely many steps other than spins; if
//! hardware runs whenever it can (weak fairness) and every spinning submitter gets the lock
//! infinitely often (strong fairness), the run ends in a stuck state. So "some call never
//! returns on a fair run" is exactly "a stuck state is reachable" (a cycle in which nothing
//! progresses is a cycle of spins in a stuck state), and the explorer checks it on every
//! state. Stuck being stable, the partial-order reduction preserves its reachability (the
//! commuted or prepended α is taken from a stuck state, which stays stuck). The counterexample
//! is extended by the spins that lead the simulator's own lockup oracle to fire (a poll or a
//! failed `check_space` in a stuck state), so the replay reproduces `lockup`. A state where nothing is enabled and work
//! remains is a `deadlock`.
//!
//! [`ExploreOptions::cycles`] replaces this argument by a direct check, as a cross-check: the
//! whole graph is kept (without the partial-order reduction) and searched for a *fair
//! non-progress cycle* — a strongly connected set in which every actor enabled somewhere also
//! steps inside (the `Graph` type below). The tests check that both give the same verdicts.
//!
//! `lostCompletion` is the cause, not a violation: exploration continues past it to find its
//! consequence (unless [`ExploreOptions::stop_on_cause`]). Every other finding kind is a
//! violation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::{BatchDist, Config, SchedulerConfig, StopOn, Workload};
use crate::error::ConfigError;
pub use crate::family::{count_family, family};
use crate::oracle::{Finding, FindingKind};
use crate::ring::{Desc, Ring, Status};
use crate::sim::Simulation;
use crate::submitter::{Pc, Submitter};
use crate::system::System;
use crate::trace::NoTrace;
use crate::Actor;

/// Default bound on stored states.
pub const DEFAULT_MAX_STATES: u64 = 20_000_000;

/// Options of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ExploreOptions {
    /// Stop with a `boundReached` verdict after storing this many states.
    pub max_states: u64,
    /// Partial-order reduction (see the module docs).
    pub por: bool,
    /// Symmetry reduction of submitters with identical workloads.
    pub symmetry: bool,
    /// Re-explore without the partial-order reduction to make a counterexample shortest.
    pub shortest: bool,
    /// Treat `lostCompletion` itself as a violation (default: look for its consequence).
    pub stop_on_cause: bool,
    /// Look only for this kind (other findings do not stop the search); `None`: any violation.
    pub target: Option<FindingKind>,
    /// Decide liveness by fair-cycle analysis of the whole state graph instead of the stuck
    /// predicate (a cross-check of the module docs' argument; slower: keeps every edge, and
    /// turns the partial-order reduction off).
    pub cycles: bool,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            max_states: DEFAULT_MAX_STATES,
            por: true,
            symmetry: true,
            shortest: true,
            stop_on_cause: false,
            target: None,
            cycles: false,
        }
    }
}

/// Statistics of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExploreStats {
    /// Distinct states stored.
    pub states: u64,
    /// Transitions executed (successors generated).
    pub transitions: u64,
    /// Deepest BFS level reached.
    pub max_depth: u64,
    /// Initial states (one per workload combination).
    pub roots: u64,
    /// Wall-clock seconds, filled in by the caller ([`Verdict::with_elapsed`]): core has no clock.
    pub seconds: Option<f64>,
    /// `states / seconds`, filled in with `seconds`.
    pub states_per_second: Option<f64>,
    /// Peak memory of the visited set, parent links and BFS queue, per stored state.
    pub bytes_per_state: f64,
    pub por: bool,
    pub symmetry: bool,
}

/// The result of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "verdict",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[allow(clippy::large_enum_variant)] // one verdict per exploration
pub enum Verdict {
    /// Every reachable state was explored: no finding, no lockup, no deadlock.
    Proved {
        #[serde(flatten)]
        stats: ExploreStats,
    },
    /// A shortest path to a violation.
    #[serde(rename_all = "camelCase")]
    Counterexample {
        /// The violation (`lockup`, `deadlock`, a safety kind, `staleWakeup`, ...).
        kind: FindingKind,
        /// The configuration the replay runs against (one of the roots).
        config: Config,
        /// Replay string (`q1:...`) for the simulator's replay scheduler.
        replay: String,
        steps: u64,
        /// Findings of the replay in the simulator.
        findings: Vec<Finding>,
        /// True if the simulator's replay reported `kind` as its first violation (the
        /// explorer and the simulator decide with the same code: a test sweeps this).
        reproduced: bool,
        /// The column timeline of the replay.
        timeline: String,
        #[serde(flatten)]
        stats: ExploreStats,
    },
    /// `maxStates` was reached before the search finished: nothing proved.
    BoundReached {
        max_states: u64,
        #[serde(flatten)]
        stats: ExploreStats,
    },
}

impl Verdict {
    /// The statistics.
    pub fn stats(&self) -> &ExploreStats {
        match self {
            Verdict::Proved { stats }
            | Verdict::Counterexample { stats, .. }
            | Verdict::BoundReached { stats, .. } => stats,
        }
    }

    fn stats_mut(&mut self) -> &mut ExploreStats {
        match self {
            Verdict::Proved { stats }
            | Verdict::Counterexample { stats, .. }
            | Verdict::BoundReached { stats, .. } => stats,
        }
    }

    /// Fills in the elapsed wall-clock time measured by the caller.
    pub fn with_elapsed(mut self, seconds: f64) -> Self {
        let s = self.stats_mut();
        s.seconds = Some(seconds);
        s.states_per_second = (seconds > 0.0).then(|| s.states as f64 / seconds);
        self
    }

    /// `proved`, `counterexample` or `boundReached`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Proved { .. } => "proved",
            Verdict::Counterexample { .. } => "counterexample",
            Verdict::BoundReached { .. } => "boundReached",
        }
    }
}

/// Progress of a running exploration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExploreProgress {
    pub states: u64,
    pub transitions: u64,
    pub depth: u64,
    pub queued: u64,
}

/// Checks that `w` is deterministic; `prefix` is its JSON path.
fn check_workload(prefix: &str, w: &Workload) -> Result<(), ConfigError> {
    match &w.batch {
        BatchDist::Fixed { .. } | BatchDist::Sequence { .. } => {}
        BatchDist::Uniform { min, max } if min == max => {}
        BatchDist::Uniform { min, max } => {
            return Err(ConfigError::new(
                &format!("{prefix}.batch"),
                format!(
                    "is uniform {min}..={max}; the explorer needs a deterministic workload: \
                     kind `fixed`, `sequence`, or uniform with min == max (to cover several \
                     counts, explore a family of sequences)"
                ),
            ))
        }
    }
    if w.zero_count_prob != 0.0 && w.zero_count_prob != 1.0 {
        return Err(ConfigError::new(
            &format!("{prefix}.zeroCountProb"),
            format!(
                "is {}; the explorer needs 0 or 1 (use a `sequence` batch with 0 counts)",
                w.zero_count_prob
            ),
        ));
    }
    check_types(prefix, w)
}

/// Checks that `w` has one invalidation type (the explorer does not enumerate type mixes).
pub(crate) fn check_types(prefix: &str, w: &Workload) -> Result<(), ConfigError> {
    if w.types.weights().iter().filter(|x| **x > 0.0).count() > 1 {
        return Err(ConfigError::new(
            &format!("{prefix}.types"),
            "has more than one type with a positive weight; the explorer needs one type"
                .to_string(),
        ));
    }
    Ok(())
}

/// Validates `cfg` for exploration and returns the config actually explored (watchdog off).
pub fn explorable(cfg: &Config) -> Result<Config, ConfigError> {
    cfg.validate()?;
    if !cfg.faults.is_off() && cfg.faults.max_faults == 0 {
        return Err(ConfigError::new(
            "faults.maxFaults",
            "is 0 (no limit); with fault injection the explorer needs a limit of at least 1 (every -EAGAIN restart is a new state), e.g. 1 or 2".to_string(),
        ));
    }
    // Only the workloads in use: `workload` is unused when `perSubmitter` is given.
    if cfg.per_submitter.is_empty() {
        check_workload("workload", &cfg.workload)?;
    }
    for (i, w) in cfg.per_submitter.iter().enumerate() {
        check_workload(&format!("perSubmitter[{i}]"), w)?;
    }
    let mut c = cfg.clone();
    c.watchdog = 0;
    c.stop_on = StopOn::Consequence;
    c.trace = false;
    Ok(c)
}

/// Explores `cfg` exhaustively.
pub fn explore(cfg: &Config, opts: &ExploreOptions) -> Result<Verdict, ConfigError> {
    explore_roots(std::slice::from_ref(cfg), opts, |_| true)
}

/// Explores one graph from several initial configs (same `qiLength`, `submitters`, `policy`,
/// `hardware`; workloads may differ). `progress` is called every 65536 states; returning false
/// stops with a `boundReached` verdict.
pub fn explore_roots(
    cfgs: &[Config],
    opts: &ExploreOptions,
    mut progress: impl FnMut(&ExploreProgress) -> bool,
) -> Result<Verdict, ConfigError> {
    let first = cfgs
        .first()
        .ok_or_else(|| ConfigError::new("config", "no configuration to explore".into()))?;
    let mut roots = Vec::with_capacity(cfgs.len());
    for c in cfgs {
        let c = explorable(c)?;
        for (field, same) in [
            ("qiLength", c.qi_length == first.qi_length),
            ("submitters", c.submitters == first.submitters),
            ("policy", c.policy == first.policy),
            ("hardware", c.hardware == first.hardware),
        ] {
            if !same {
                return Err(ConfigError::new(
                    field,
                    "differs between the explored configurations; only workloads may differ".into(),
                ));
            }
        }
        roots.push(c);
    }
    if opts.max_states == 0 {
        return Err(ConfigError::new(
            "maxStates",
            "is 0; allowed range is >= 1".into(),
        ));
    }
    if opts.cycles && first.submitters > 63 {
        return Err(ConfigError::new(
            "submitters",
            "is above 63; the cycle analysis handles at most 63".into(),
        ));
    }
    let por = opts.por && !opts.cycles;
    let mut ex = Explorer::new(roots, opts.symmetry);
    if opts.cycles {
        ex.graph = Some(Graph::default());
    }
    let mut out = ex.bfs(
        por,
        opts.max_states,
        u64::MAX,
        opts.stop_on_cause,
        opts.target,
        &mut progress,
    );
    if let (BfsEnd::Done, Some(g)) = (&out, &ex.graph) {
        if let Some(state) = g.fair_cycle() {
            out = BfsEnd::Violation(Violation {
                parent: state,
                fp: ex.fps[state as usize],
                kind: FindingKind::Lockup,
                depth: 0,
                at_parent: true,
            });
        }
    }
    let stats = ex.stats(por);
    if por && opts.shortest {
        if let BfsEnd::Violation(v) = &out {
            let depth = v.depth;
            let mut ex2 = Explorer::new(ex.roots.clone(), opts.symmetry);
            let out2 = ex2.bfs(
                false,
                opts.max_states,
                depth.saturating_sub(1),
                opts.stop_on_cause,
                opts.target,
                &mut progress,
            );
            if let BfsEnd::Violation(v2) = out2 {
                if v2.depth < depth {
                    ex = ex2;
                    out = BfsEnd::Violation(v2);
                }
            }
        }
    }
    Ok(match out {
        BfsEnd::Done => Verdict::Proved { stats },
        BfsEnd::Bound => Verdict::BoundReached {
            max_states: opts.max_states,
            stats,
        },
        BfsEnd::Violation(v) => ex.counterexample(&v, stats, opts.stop_on_cause, opts.target),
    })
}

/// The visited set: fingerprint -> state index, open addressing with linear probing over a
/// power-of-two table kept at most 3/4 full (12 bytes per slot). Fingerprint 0 is stored as 1
/// (a 2^-64 merge, like any fingerprint collision).
#[derive(Default)]
struct FpTable {
    keys: Vec<u64>,
    vals: Vec<u32>,
    len: usize,
}

impl FpTable {
    fn capacity(&self) -> usize {
        self.keys.len()
    }

    /// Inserts `fp -> val` unless present; returns the existing value if present.
    #[inline]
    fn insert(&mut self, fp: u64, val: u32) -> Option<u32> {
        if (self.len + 1) * 4 > self.keys.len() * 3 {
            self.grow();
        }
        let fp = fp.max(1);
        let mask = self.keys.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            let k = self.keys[i];
            if k == fp {
                return Some(self.vals[i]);
            }
            if k == 0 {
                self.keys[i] = fp;
                self.vals[i] = val;
                self.len += 1;
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    fn get(&self, fp: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let fp = fp.max(1);
        let mask = self.keys.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            match self.keys[i] {
                0 => return None,
                k if k == fp => return Some(self.vals[i]),
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let cap = (self.keys.len() * 2).max(1 << 12);
        let keys = std::mem::replace(&mut self.keys, vec![0; cap]);
        let vals = std::mem::replace(&mut self.vals, vec![0; cap]);
        let mask = cap - 1;
        for (k, v) in keys.into_iter().zip(vals) {
            if k != 0 {
                let mut i = (k as usize) & mask;
                while self.keys[i] != 0 {
                    i = (i + 1) & mask;
                }
                self.keys[i] = k;
                self.vals[i] = v;
            }
        }
    }
}

/// Fast 64-bit mixing hash over words (wyhash-style folded multiply).
#[derive(Clone, Copy)]
struct Mix(u64);

impl Mix {
    const P0: u64 = 0xa076_1d64_78bd_642f;
    const P1: u64 = 0xe703_7ed1_a0b4_28db;
    #[inline(always)]
    fn new() -> Self {
        Mix(0x1234_5678_9abc_def1)
    }
    #[inline(always)]
    fn word(&mut self, w: u64) {
        self.0 = folded_mul(self.0 ^ w ^ Self::P0, Self::P1);
    }
    #[inline(always)]
    fn finish(self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The 128-bit product of `a` and `b`, its halves xored.
#[inline(always)]
fn folded_mul(a: u64, b: u64) -> u64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let x = u128::from(a) * u128::from(b);
        (x as u64) ^ ((x >> 64) as u64)
    }
    // wasm32 has no 64x64 -> 128 multiply: `u128` arithmetic is a call to the generic 128-bit
    // `__multi3` (a fifth of the explorer's time in V8). Four 32-bit products give the same bits.
    #[cfg(target_arch = "wasm32")]
    {
        folded_mul_halves(a, b)
    }
}

/// [`folded_mul`] from 32-bit halves.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
fn folded_mul_halves(a: u64, b: u64) -> u64 {
    const LO: u64 = 0xffff_ffff;
    let (a0, a1, b0, b1) = (a & LO, a >> 32, b & LO, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // Carries out of the low word's upper half (each term < 2^32, the sum < 2^34).
    let mid = (p00 >> 32) + (p01 & LO) + (p10 & LO);
    let lo = (p00 & LO) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    lo ^ hi
}

fn pc_code(pc: Pc) -> u64 {
    match pc {
        Pc::Lock => 0,
        Pc::CheckSpace => 1,
        Pc::SpaceUnlock => 2,
        Pc::Write => 3,
        Pc::Doorbell => 4,
        Pc::Poll => 5,
        Pc::PollUnlock => 6,
        Pc::PollLock => 7,
        Pc::Mark => 8,
        Pc::Reclaim => 9,
        Pc::Unlock => 10,
        Pc::Finished => 11,
    }
}

fn status_code(s: Status) -> u64 {
    match s {
        Status::Free => 0,
        Status::InUse => 1,
        Status::Done => 2,
        Status::Abort => 3,
    }
}

/// True before the call's `write` (index, wait_index and hw_done are dead then).
#[inline]
fn before_write(pc: Pc) -> bool {
    matches!(
        pc,
        Pc::Lock | Pc::CheckSpace | Pc::SpaceUnlock | Pc::Write | Pc::Finished
    )
}

/// Scratch space of the canonical encoder.
struct Encoder {
    symmetry: bool,
    /// Workload id of each submitter, per root.
    wids: Vec<Vec<u32>>,
    /// Per root: whether sorting can merge anything (else symmetry has nothing to permute).
    sym_roots: Vec<bool>,
    keys: Vec<(u64, u64, u64, u32)>,
    foot: Vec<Mix>,
    /// Original index -> canonical index.
    rename: Vec<u32>,
}

impl Encoder {
    /// Local state of submitter `s` (with workload id `wid`) as two words.
    #[inline]
    fn local(wid: u32, s: &crate::submitter::Submitter) -> (u64, u64) {
        let dead = before_write(s.pc);
        let fin = s.pc == Pc::Finished;
        let a =
            u64::from(wid) << 40 | pc_code(s.pc) << 32 | if fin { 0 } else { u64::from(s.count) };
        let (index, wait, hw) = if dead {
            (0, 0, 0)
        } else {
            (s.index, s.wait_index, s.hw_done)
        };
        let b = u64::from(index)
            | u64::from(wait) << 16
            | u64::from(hw) << 32
            | (s.rc as u32 as u64 & 0xff) << 56;
        let mut m = Mix::new();
        m.word(b);
        m.word(s.submissions_done);
        m.word(u64::from(s.attempts));
        (a, m.finish())
    }

    fn fingerprint(&mut self, root: usize, sys: &System) -> u64 {
        let n = sys.subs.len();
        let wids = &self.wids[root];
        let ring = &sys.ring;
        self.rename.clear();
        if self.symmetry && self.sym_roots[root] {
            self.foot.clear();
            self.foot.resize(n, Mix::new());
            for (slot, d) in ring.desc.iter().enumerate() {
                if let Some(l) = d.label() {
                    let f = &mut self.foot[l.submitter as usize];
                    f.word(slot as u64 | u64::from(l.part) << 20 | u64::from(l.count) << 40);
                    f.word(u64::from(l.attempt) | status_code(ring.desc_status[slot]) << 40);
                }
            }
            for slot in pending_slots(ring) {
                if let Some(l) = ring.fetched[slot as usize].label() {
                    let f = &mut self.foot[l.submitter as usize];
                    f.word(u64::from(slot) | 1 << 19 | u64::from(l.part) << 20);
                    f.word(u64::from(l.attempt) | u64::from(l.count) << 32);
                }
            }
            self.keys.clear();
            for (i, s) in sys.subs.iter().enumerate() {
                let (a, b) = Self::local(wids[i], s);
                self.keys.push((a, b, self.foot[i].finish(), i as u32));
            }
            // Workload id is the top of `a`: only submitters of one workload are permuted.
            self.keys.sort_unstable();
            self.rename.resize(n, 0);
            for (c, k) in self.keys.iter().enumerate() {
                self.rename[k.3 as usize] = c as u32;
            }
        } else {
            self.rename.extend(0..n as u32);
            self.keys.clear();
            for (i, s) in sys.subs.iter().enumerate() {
                let (a, b) = Self::local(wids[i], s);
                self.keys.push((a, b, 0, i as u32));
            }
        }
        let mut m = Mix::new();
        for k in &self.keys {
            m.word(k.0);
            m.word(k.1);
        }
        let r = &self.rename;
        for (slot, d) in ring.desc.iter().enumerate() {
            hash_desc(&mut m, status_code(ring.desc_status[slot]), d, r);
        }
        // Hardware's copies of the pending descriptors (the rest are never read again).
        for slot in pending_slots(ring) {
            hash_desc(&mut m, 0, &ring.fetched[slot as usize], r);
        }
        let lock = ring.q_lock.map_or(0, |o| u64::from(r[o as usize]) + 1);
        m.word(u64::from(ring.free_head) | u64::from(ring.free_tail) << 32);
        m.word(u64::from(ring.free_cnt) | u64::from(ring.iqt) << 32);
        m.word(
            u64::from(ring.iqh)
                | u64::from(ring.fsts) << 32
                | u64::from(sys.halted) << 40
                | u64::from(ring.ite_gone) << 41
                | u64::from(ring.faults) << 48,
        );
        m.word(u64::from(ring.pending_from) | lock << 32);
        m.finish()
    }
}

/// Slots `pending_from..IQH`: fetched and pending in hardware.
fn pending_slots(ring: &Ring) -> impl Iterator<Item = u32> + '_ {
    (0..ring.pending()).map(move |k| ring.add(ring.pending_from, k))
}

/// Hashes one descriptor (with status code `st`), its submitter renamed by `r`.
#[inline]
fn hash_desc(m: &mut Mix, st: u64, d: &Desc, r: &[u32]) {
    match d {
        Desc::Empty => m.word(st),
        Desc::Inv { ty, label } => {
            m.word(st | 1 << 2 | (*ty as u64) << 4 | u64::from(r[label.submitter as usize]) << 8);
            m.word(u64::from(label.attempt) | u64::from(label.part) << 32);
            m.word(u64::from(label.count));
        }
        Desc::Wait {
            status_addr,
            sw,
            drain,
            label,
        } => {
            m.word(
                st | 2 << 2
                    | u64::from(*sw) << 4
                    | u64::from(*drain) << 5
                    | u64::from(r[label.submitter as usize]) << 8
                    | u64::from(*status_addr) << 32,
            );
            m.word(u64::from(label.attempt) | u64::from(label.part) << 32);
            m.word(u64::from(label.count));
        }
    }
}

/// `*dst = src.clone()`, reusing `dst`'s vectors (the hot path of the search: no allocation
/// once the queue recycles expanded states). Copies every public and crate-visible field (the
/// config copies only when `params` differs); `System`'s private
/// fields are an oracle flag that is false in every explored state (a `freeCntInvariant`
/// finding ends the search) and a scratch vector that is empty between steps. `Ring` and
/// `Submitter` are destructured exhaustively, so a new field there fails to compile here; for
/// `System` (which has private fields) debug builds compare the full `Debug` output of a
/// sample of copies.
fn copy_into(dst: &mut System, src: &System) {
    let System {
        params,
        ring,
        subs,
        found,
        halted,
        run_mask,
        lock_mask,
        counters,
        hw_steps,
        last_return,
        policy,
        hw_async,
        watchdog,
        fetch_depth,
        ..
    } = src;
    if !std::sync::Arc::ptr_eq(&dst.params, params) {
        dst.params = params.clone();
        dst.policy = *policy;
        dst.hw_async = *hw_async;
        dst.watchdog = *watchdog;
        dst.fetch_depth = *fetch_depth;
    }
    let Ring {
        qi_length,
        desc,
        desc_status,
        free_head,
        free_tail,
        free_cnt,
        q_lock,
        last_lock_owner,
        iqt,
        iqh,
        pending_from,
        fetched,
        fsts,
        ite_gone,
        faults,
    } = ring;
    let d = &mut dst.ring;
    d.qi_length = *qi_length;
    d.desc.clone_from(desc);
    d.desc_status.clone_from(desc_status);
    d.free_head = *free_head;
    d.free_tail = *free_tail;
    d.free_cnt = *free_cnt;
    d.q_lock = *q_lock;
    d.last_lock_owner = *last_lock_owner;
    d.iqt = *iqt;
    d.iqh = *iqh;
    d.pending_from = *pending_from;
    d.fetched.clone_from(fetched);
    d.fsts = *fsts;
    d.ite_gone = *ite_gone;
    d.faults = *faults;
    dst.subs.truncate(subs.len());
    for (i, s) in subs.iter().enumerate() {
        if i == dst.subs.len() {
            dst.subs.push(s.clone());
            continue;
        }
        let Submitter {
            pc,
            count,
            index,
            wait_index,
            rc,
            submissions_done,
            submissions_total,
            attempts,
            hw_done,
            types,
            started_step,
            started_ns,
            steps_since_progress,
            watchdog_fired,
            gen,
        } = s;
        let d = &mut dst.subs[i];
        d.pc = *pc;
        d.count = *count;
        d.index = *index;
        d.wait_index = *wait_index;
        d.rc = *rc;
        d.submissions_done = *submissions_done;
        d.submissions_total = *submissions_total;
        d.attempts = *attempts;
        d.hw_done = *hw_done;
        d.types.clone_from(types);
        d.started_step = *started_step;
        d.started_ns = *started_ns;
        d.steps_since_progress = *steps_since_progress;
        d.watchdog_fired = *watchdog_fired;
        d.gen.clone_from(gen);
    }
    dst.found.clone_from(found);
    dst.halted = *halted;
    dst.run_mask = *run_mask;
    dst.lock_mask = *lock_mask;
    dst.counters.clone_from(counters);
    dst.hw_steps = *hw_steps;
    dst.last_return = *last_return;
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COPIES: AtomicU64 = AtomicU64::new(0);
        if COPIES.fetch_add(1, Ordering::Relaxed) % 4096 == 0 {
            assert_eq!(
                format!("{dst:?}"),
                format!("{src:?}"),
                "explore::copy_into misses a field of System"
            );
        }
    }
}

/// A state packed into a fixed-size byte record of the BFS queue (cache-friendly, no heap
/// blocks per state). It keeps every field the steps and oracles read; on unpacking, the fields
/// no step reads in an exploration are reset: `started_step`, `started_ns`,
/// `steps_since_progress`, `watchdog_fired` (watchdog off, metrics unused), the workload
/// generator (a deterministic workload never uses its values) and `found` (empty between
/// steps). `types` is rebuilt as `count` copies of the batch's type (one type per workload).
struct Packed {
    /// Record size in bytes.
    size: usize,
    slots: usize,
    subs: usize,
}

const DESC_BYTES: usize = 3 + 4 * 4;
const SLOT_BYTES: usize = 1 + 2 * DESC_BYTES;
const SUB_BYTES: usize = 2 + 6 * 4 + 2 * 8;
const HEAD_BYTES: usize = 4 + 4 + 9 * 4 + 3;

/// Packs one descriptor into [`DESC_BYTES`] bytes.
fn pack_desc(d: &Desc, out: &mut Vec<u8>) {
    let (kind, bits, l, addr) = match d {
        Desc::Empty => (0u8, 0u8, None, 0u32),
        Desc::Inv { ty, label } => (1, *ty as u8, Some(*label), 0),
        Desc::Wait {
            status_addr,
            sw,
            drain,
            label,
        } => (
            2,
            u8::from(*sw) | u8::from(*drain) << 1,
            Some(*label),
            *status_addr,
        ),
    };
    let l = l.unwrap_or(crate::ring::Label {
        submitter: 0,
        attempt: 0,
        part: 0,
        count: 0,
    });
    out.extend_from_slice(&[kind, bits, l.submitter as u8]);
    for v in [l.attempt, l.part, l.count, addr] {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// [`pack_desc`] inverted.
fn unpack_desc(rd: &mut Rd) -> Desc {
    let (kind, bits, submitter) = (rd.u8(), rd.u8(), u32::from(rd.u8()));
    let label = crate::ring::Label {
        submitter,
        attempt: rd.u32(),
        part: rd.u32(),
        count: rd.u32(),
    };
    let addr = rd.u32();
    match kind {
        0 => Desc::Empty,
        1 => Desc::Inv {
            ty: crate::config::InvType::ALL[usize::from(bits)],
            label,
        },
        _ => Desc::Wait {
            status_addr: addr,
            sw: bits & 1 != 0,
            drain: bits & 2 != 0,
            label,
        },
    }
}

impl Packed {
    fn new(sys: &System) -> Self {
        let slots = sys.ring.desc.len();
        let subs = sys.subs.len();
        Packed {
            size: HEAD_BYTES + slots * SLOT_BYTES + subs * SUB_BYTES,
            slots,
            subs,
        }
    }

    fn pack(&self, sys: &System, idx: u32, root: u32, out: &mut Vec<u8>) {
        let start = out.len();
        let r = &sys.ring;
        out.extend_from_slice(&idx.to_le_bytes());
        out.extend_from_slice(&root.to_le_bytes());
        for v in [
            r.free_head,
            r.free_tail,
            r.free_cnt,
            r.iqt,
            r.iqh,
            r.pending_from,
            r.q_lock.map_or(0, |o| o + 1),
            r.last_lock_owner.map_or(0, |o| o + 1),
            r.faults,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&[r.fsts, u8::from(sys.halted), u8::from(r.ite_gone)]);
        for (k, (d, st)) in r.desc.iter().zip(&r.desc_status).enumerate() {
            out.push(status_code(*st) as u8);
            pack_desc(d, out);
            // Only the copies of pending descriptors are ever read again.
            let pending = r.dist(r.pending_from, k as u32) < r.pending();
            pack_desc(if pending { &r.fetched[k] } else { &Desc::Empty }, out);
        }
        for s in &sys.subs {
            out.extend_from_slice(&[pc_code(s.pc) as u8, s.types.first().map_or(0, |t| *t as u8)]);
            for v in [
                s.count,
                s.index,
                s.wait_index,
                s.rc as u32,
                s.attempts,
                s.hw_done,
            ] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&s.submissions_done.to_le_bytes());
            out.extend_from_slice(&s.submissions_total.to_le_bytes());
        }
        debug_assert_eq!(out.len() - start, self.size);
    }

    /// Unpacks `rec` into `dst`; returns (state index, root).
    fn unpack(&self, rec: &[u8], roots: &[System], dst: &mut System) -> (u32, u32) {
        let mut rd = Rd { b: rec, at: 0 };
        let idx = rd.u32();
        let root = rd.u32();
        let rs = &roots[root as usize];
        if !std::sync::Arc::ptr_eq(&dst.params, &rs.params) {
            copy_into(dst, rs);
        }
        let r = &mut dst.ring;
        r.free_head = rd.u32();
        r.free_tail = rd.u32();
        r.free_cnt = rd.u32();
        r.iqt = rd.u32();
        r.iqh = rd.u32();
        r.pending_from = rd.u32();
        r.q_lock = rd.u32().checked_sub(1);
        r.last_lock_owner = rd.u32().checked_sub(1);
        r.faults = rd.u32();
        r.fsts = rd.u8();
        dst.halted = rd.u8() != 0;
        r.ite_gone = rd.u8() != 0;
        for k in 0..self.slots {
            r.desc_status[k] = match rd.u8() {
                0 => Status::Free,
                1 => Status::InUse,
                2 => Status::Done,
                _ => Status::Abort,
            };
            r.desc[k] = unpack_desc(&mut rd);
            r.fetched[k] = unpack_desc(&mut rd);
        }
        for i in 0..self.subs {
            let pc = PCS[usize::from(rd.u8())];
            let ty = crate::config::InvType::ALL[usize::from(rd.u8())];
            let s = &mut dst.subs[i];
            s.pc = pc;
            s.count = rd.u32();
            s.index = rd.u32();
            s.wait_index = rd.u32();
            s.rc = rd.u32() as i32;
            s.attempts = rd.u32();
            s.hw_done = rd.u32();
            s.submissions_done = rd.u64();
            s.submissions_total = rd.u64();
            s.types.clear();
            s.types.resize(s.count as usize, ty);
            s.started_step = 0;
            s.started_ns = 0;
            s.steps_since_progress = 0;
            s.watchdog_fired = false;
            s.gen.clone_from(&rs.subs[i].gen);
        }
        dst.found.clear();
        dst.refresh_masks();
        (idx, root)
    }
}

/// Little-endian reader over a packed record.
struct Rd<'a> {
    b: &'a [u8],
    at: usize,
}

impl Rd<'_> {
    #[inline]
    fn u8(&mut self) -> u8 {
        self.at += 1;
        self.b[self.at - 1]
    }
    #[inline]
    fn u32(&mut self) -> u32 {
        let mut a = [0u8; 4];
        a.copy_from_slice(&self.b[self.at..self.at + 4]);
        self.at += 4;
        u32::from_le_bytes(a)
    }
    #[inline]
    fn u64(&mut self) -> u64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.b[self.at..self.at + 8]);
        self.at += 8;
        u64::from_le_bytes(a)
    }
}

/// [`pc_code`] inverted.
const PCS: [Pc; 12] = [
    Pc::Lock,
    Pc::CheckSpace,
    Pc::SpaceUnlock,
    Pc::Write,
    Pc::Doorbell,
    Pc::Poll,
    Pc::PollUnlock,
    Pc::PollLock,
    Pc::Mark,
    Pc::Reclaim,
    Pc::Unlock,
    Pc::Finished,
];

/// Any of slots `index .. index + len` (mod the ring length) in hardware's window
/// `pending_from..IQT`, where hardware reads descriptors and writes statuses.
#[inline]
fn any_in_window(sys: &System, index: u32, len: u32) -> bool {
    let r = &sys.ring;
    (0..len).any(|k| r.in_hw_window(r.add(index, k)))
}

/// The ample set of a state: `Some(holder)` when the lock holder's next step is independent
/// of every hardware step that can precede it (module docs), else `None` (expand in full).
fn ample(sys: &System) -> Option<Actor> {
    // Fault steps set FSTS, which the holder's poll reads (qi_check_fault): no reduction.
    if !sys.params.faults.is_off() {
        return None;
    }
    let h = sys.ring.q_lock?;
    if !sys.hw_enabled() {
        // Only the holder can move.
        return Some(Actor::Submitter(h));
    }
    let s = &sys.subs[h as usize];
    let r = &sys.ring;
    let ok = match s.pc {
        Pc::CheckSpace => r.free_cnt >= s.count + 2,
        Pc::SpaceUnlock | Pc::PollUnlock | Pc::Doorbell => true,
        Pc::Write => !any_in_window(sys, r.free_head, s.count + 1),
        Pc::Poll => {
            r.desc_status[s.wait_index as usize] == Status::Done && !r.in_hw_window(s.wait_index)
        }
        Pc::Mark => !any_in_window(sys, s.index, s.count + 1),
        Pc::Reclaim => {
            // The walk reads free_tail .. the first slot that stops it (inclusive).
            let mut slot = r.free_tail;
            let mut ok = true;
            for _ in 0..=r.qi_length {
                if r.in_hw_window(slot) {
                    ok = false;
                    break;
                }
                if !crate::policy::reclaimable(sys.policy, r, slot) {
                    break;
                }
                slot = r.add(slot, 1);
            }
            ok
        }
        Pc::Unlock => {
            // Hardware's credit to this submitter (from a descriptor or a pending copy in the
            // window) would race with the premature-completion oracle.
            let mine = |d: &Desc| d.label().is_some_and(|l| l.submitter == h);
            let mut k = r.pending_from;
            let mut ok = true;
            while k != r.iqt {
                if mine(&r.desc[k as usize]) || mine(&r.fetched[k as usize]) {
                    ok = false;
                    break;
                }
                k = r.add(k, 1);
            }
            ok
        }
        Pc::Lock | Pc::PollLock | Pc::Finished => false,
    };
    ok.then_some(Actor::Submitter(h))
}

/// Bit of an actor in enabled/taken masks: submitter i is bit i (< 63), hardware bit 63.
fn actor_bit(a: Actor) -> u64 {
    match a {
        Actor::Submitter(i) if i < 63 => 1 << i,
        _ => 1 << 63,
    }
}

/// The explored state graph, for the fair-cycle analysis ([`ExploreOptions::cycles`]).
///
/// A state lies on a *fair non-progress cycle* if it is in a strongly connected set C of the
/// graph in which every actor enabled somewhere in C also takes a step inside C (strong
/// fairness for the lock hand-off and for hardware). No cycle contains a return (it increments
/// `submissions_done`), a `write` or a hardware step (both move pointers forward for good), so
/// every cycle is a non-progress cycle of spins, and hardware's enabledness is constant on it
/// (weak and strong fairness coincide for it). Found by the usual refinement: compute SCCs;
/// an SCC with an actor enabled but never taken inside drops the states where that actor is
/// enabled and is decomposed again.
#[derive(Default)]
struct Graph {
    /// (from, to, actor bit index).
    edges: Vec<(u32, u32, u8)>,
    /// Enabled actors per expanded state.
    masks: Vec<u64>,
}

impl Graph {
    fn set_mask(&mut self, idx: u32, mask: u64) {
        let i = idx as usize;
        if self.masks.len() <= i {
            self.masks.resize(i + 1, 0);
        }
        self.masks[i] = mask;
    }

    /// A state on a fair non-progress cycle, if any.
    fn fair_cycle(&self) -> Option<u32> {
        let n = self.masks.len();
        // Adjacency in CSR form (edges between expanded states only).
        let mut start = vec![0usize; n + 1];
        for &(f, t, _) in &self.edges {
            if (t as usize) < n {
                start[f as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut adj = vec![(0u32, 0u8); start[n]];
        for &(f, t, a) in &self.edges {
            if (t as usize) < n {
                adj[fill[f as usize]] = (t, a);
                fill[f as usize] += 1;
            }
        }
        let mut stamp = vec![0u32; n];
        let mut comp = vec![u32::MAX; n];
        let mut index = vec![u32::MAX; n];
        let mut low = vec![0u32; n];
        let mut gen = 0u32;
        let mut work: Vec<Vec<u32>> = vec![(0..n as u32).collect()];
        while let Some(set) = work.pop() {
            gen += 1;
            for &v in &set {
                stamp[v as usize] = gen;
                index[v as usize] = u32::MAX;
            }
            let ncomp = tarjan(
                &set, gen, &stamp, &start, &adj, &mut comp, &mut index, &mut low,
            );
            let mut enabled = vec![0u64; ncomp];
            let mut taken = vec![0u64; ncomp];
            let mut cyclic = vec![false; ncomp];
            for &v in &set {
                let c = comp[v as usize] as usize;
                enabled[c] |= self.masks[v as usize];
                for &(t, a) in &adj[start[v as usize]..start[v as usize + 1]] {
                    if stamp[t as usize] == gen && comp[t as usize] as usize == c {
                        taken[c] |= 1u64 << a;
                        cyclic[c] = true;
                    }
                }
            }
            let mut subs: Vec<Vec<u32>> = vec![Vec::new(); ncomp];
            for &v in &set {
                let c = comp[v as usize] as usize;
                if !cyclic[c] {
                    continue;
                }
                let bad = enabled[c] & !taken[c];
                if bad == 0 {
                    return Some(v);
                }
                if self.masks[v as usize] & bad == 0 {
                    subs[c].push(v);
                }
            }
            work.extend(subs.into_iter().filter(|s| !s.is_empty()));
        }
        None
    }
}

/// Iterative Tarjan over the states of `set` (those with `stamp == gen`); fills `comp` and
/// returns the number of components.
#[allow(clippy::too_many_arguments)]
fn tarjan(
    set: &[u32],
    gen: u32,
    stamp: &[u32],
    start: &[usize],
    adj: &[(u32, u8)],
    comp: &mut [u32],
    index: &mut [u32],
    low: &mut [u32],
) -> usize {
    let mut next = 0u32;
    let mut ncomp = 0usize;
    let mut stack: Vec<u32> = Vec::new();
    let mut on = vec![false; 0];
    on.resize(index.len(), false);
    let mut call: Vec<(u32, usize)> = Vec::new();
    for &root in set {
        if index[root as usize] != u32::MAX {
            continue;
        }
        call.push((root, start[root as usize]));
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on[root as usize] = true;
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let vu = v as usize;
            if *pos < start[vu + 1] {
                let (w, _) = adj[*pos];
                *pos += 1;
                let wu = w as usize;
                if stamp[wu] != gen {
                    continue;
                }
                if index[wu] == u32::MAX {
                    index[wu] = next;
                    low[wu] = next;
                    next += 1;
                    stack.push(w);
                    on[wu] = true;
                    call.push((w, start[wu]));
                } else if on[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
            } else {
                call.pop();
                if let Some(&(p, _)) = call.last() {
                    low[p as usize] = low[p as usize].min(low[vu]);
                }
                if low[vu] == index[vu] {
                    while let Some(w) = stack.pop() {
                        on[w as usize] = false;
                        comp[w as usize] = ncomp as u32;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    ncomp
}

/// A violation found by the BFS: a transition from stored state `parent` into a state with
/// fingerprint `fp` (a finding of `kind`, a stuck state, or a deadlock).
#[derive(Clone, Debug)]
struct Violation {
    parent: u32,
    fp: u64,
    kind: FindingKind,
    /// Depth of the violating state (transitions from the root).
    depth: u64,
    /// The violating state has no transition (deadlock at a stored state: `parent` itself).
    at_parent: bool,
}

enum BfsEnd {
    Done,
    Bound,
    Violation(Violation),
}

struct Explorer {
    roots: Vec<Config>,
    enc: Encoder,
    seen: FpTable,
    /// Parent index of each stored state (u32::MAX for roots) and its fingerprint.
    parent: Vec<u32>,
    fps: Vec<u64>,
    /// Root config of each root state.
    root_of: HashMap<u32, usize>,
    transitions: u64,
    max_depth: u64,
    peak_queue_bytes: u64,
    /// The state graph, kept for the fair-cycle analysis.
    graph: Option<Graph>,
}

impl Explorer {
    fn new(roots: Vec<Config>, symmetry: bool) -> Self {
        let mut table: Vec<Workload> = Vec::new();
        let mut wids = Vec::new();
        for c in &roots {
            let mut ids = Vec::new();
            for i in 0..c.submitters as usize {
                let w = c.workload_of(i);
                let id = match table.iter().position(|t| t == w) {
                    Some(p) => p,
                    None => {
                        table.push(w.clone());
                        table.len() - 1
                    }
                };
                ids.push(id as u32);
            }
            wids.push(ids);
        }
        Explorer {
            roots,
            enc: Encoder {
                symmetry,
                // Sorting is needed if two submitters share a workload, or if another root
                // may be a permutation of this one (different roots merge by symmetry).
                sym_roots: wids
                    .iter()
                    .map(|w| wids.len() > 1 || (1..w.len()).any(|i| w[..i].contains(&w[i])))
                    .collect(),
                wids,
                keys: Vec::new(),
                foot: Vec::new(),
                rename: Vec::new(),
            },
            seen: FpTable::default(),
            parent: Vec::new(),
            fps: Vec::new(),
            root_of: HashMap::new(),
            transitions: 0,
            max_depth: 0,
            peak_queue_bytes: 0,
            graph: None,
        }
    }

    fn stats(&self, por: bool) -> ExploreStats {
        let states = self.parent.len() as u64;
        let table = self.seen.capacity() as u64 * 12;
        let links = states * 12;
        let graph = self.graph.as_ref().map_or(0, |g| {
            (g.edges.capacity() * std::mem::size_of::<(u32, u32, u8)>() + g.masks.capacity() * 8)
                as u64
        });
        let bytes = table + links + self.peak_queue_bytes + graph;
        ExploreStats {
            states,
            transitions: self.transitions,
            max_depth: self.max_depth,
            roots: self.roots.len() as u64,
            seconds: None,
            states_per_second: None,
            bytes_per_state: if states > 0 {
                bytes as f64 / states as f64
            } else {
                0.0
            },
            por,
            symmetry: self.enc.symmetry,
        }
    }

    fn is_violation(kind: FindingKind, stop_on_cause: bool, target: Option<FindingKind>) -> bool {
        if let Some(t) = target {
            return kind == t;
        }
        match kind {
            FindingKind::LostCompletion => stop_on_cause,
            FindingKind::SuspectedLockup => false,
            _ => true,
        }
    }

    /// Breadth-first search, level by level. The queue holds packed states ([`Packed`]) in one
    /// contiguous buffer per level. States at depth `max_depth` are not expanded.
    #[allow(clippy::too_many_arguments)]
    fn bfs(
        &mut self,
        por: bool,
        max_states: u64,
        max_depth: u64,
        stop_on_cause: bool,
        target: Option<FindingKind>,
        progress: &mut impl FnMut(&ExploreProgress) -> bool,
    ) -> BfsEnd {
        let cycles = self.graph.is_some();
        let root_sys: Vec<System> = self.roots.iter().map(System::new).collect();
        let pk = Packed::new(&root_sys[0]);
        let mut cur: Vec<u8> = Vec::new();
        let mut next: Vec<u8> = Vec::new();
        for (ri, sys) in root_sys.iter().enumerate() {
            let fp = self.enc.fingerprint(ri, sys);
            let idx = self.parent.len() as u32;
            if self.seen.insert(fp, idx).is_some() {
                continue;
            }
            self.parent.push(u32::MAX);
            self.fps.push(fp);
            self.root_of.insert(idx, ri);
            pk.pack(sys, idx, ri as u32, &mut cur);
        }
        let mut enabled: Vec<Actor> = Vec::new();
        let mut next_report = 1u64 << 16;
        let mut sys = root_sys[0].clone();
        let mut scratch = root_sys[0].clone();
        let mut depth = 0u64;
        while !cur.is_empty() {
            self.max_depth = depth;
            let queued = (cur.len() + next.capacity()) as u64;
            self.peak_queue_bytes = self.peak_queue_bytes.max(queued + cur.capacity() as u64);
            if depth >= max_depth {
                break;
            }
            for rec in cur.chunks_exact(pk.size) {
                let (idx, root) = pk.unpack(rec, &root_sys, &mut sys);
                debug_assert_eq!(
                    self.enc.fingerprint(root as usize, &sys),
                    self.fps[idx as usize],
                    "a packed state unpacks to a different state"
                );
                if self.parent.len() as u64 >= next_report {
                    next_report += 1 << 16;
                    let p = ExploreProgress {
                        states: self.parent.len() as u64,
                        transitions: self.transitions,
                        depth,
                        queued: ((cur.len() + next.len()) / pk.size) as u64,
                    };
                    if !progress(&p) {
                        return BfsEnd::Bound;
                    }
                }
                match por.then(|| ample(&sys)).flatten() {
                    Some(a) => {
                        enabled.clear();
                        enabled.push(a);
                    }
                    None => sys.enabled_into(&mut enabled),
                }
                if let Some(g) = &mut self.graph {
                    let mask = enabled.iter().fold(0u64, |m, a| m | actor_bit(*a));
                    g.set_mask(idx, mask);
                }
                if enabled.is_empty() {
                    if !sys.all_done() && target.is_none_or(|t| t == FindingKind::Deadlock) {
                        return BfsEnd::Violation(Violation {
                            parent: idx,
                            fp: self.fps[idx as usize],
                            kind: FindingKind::Deadlock,
                            depth,
                            at_parent: true,
                        });
                    }
                    continue;
                }
                for &a in enabled.iter() {
                    copy_into(&mut scratch, &sys);
                    scratch.apply(a, depth, 0, &mut NoTrace);
                    self.transitions += 1;
                    let fp = self.enc.fingerprint(root as usize, &scratch);
                    let kind = scratch
                        .found
                        .iter()
                        .map(|f| f.kind)
                        .find(|k| {
                            Self::is_violation(*k, stop_on_cause, target)
                                && !(cycles && *k == FindingKind::Lockup)
                        })
                        .or_else(|| {
                            (!cycles
                                && target.is_none_or(|t| t == FindingKind::Lockup)
                                && scratch.stuck())
                            .then_some(FindingKind::Lockup)
                        });
                    if let Some(kind) = kind {
                        return BfsEnd::Violation(Violation {
                            parent: idx,
                            fp,
                            kind,
                            depth: depth + 1,
                            at_parent: false,
                        });
                    }
                    let ni = self.parent.len() as u32;
                    if let Some(old) = self.seen.get(fp) {
                        if let Some(g) = &mut self.graph {
                            g.edges
                                .push((idx, old, actor_bit(a).trailing_zeros() as u8));
                        }
                        continue;
                    }
                    if let Some(g) = &mut self.graph {
                        g.edges.push((idx, ni, actor_bit(a).trailing_zeros() as u8));
                    }
                    if u64::from(ni) >= max_states {
                        return BfsEnd::Bound;
                    }
                    self.seen.insert(fp, ni);
                    self.parent.push(idx);
                    self.fps.push(fp);
                    pk.pack(&scratch, ni, root, &mut next);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            next.clear();
            depth += 1;
        }
        BfsEnd::Done
    }

    /// Rebuilds the path to `v` by replaying the model and matching fingerprints, extends a
    /// stuck state until the simulator's lockup oracle fires, and replays it in the simulator.
    fn counterexample(
        &mut self,
        v: &Violation,
        stats: ExploreStats,
        stop_on_cause: bool,
        target: Option<FindingKind>,
    ) -> Verdict {
        let mut chain = Vec::new();
        let mut i = v.parent;
        loop {
            chain.push(self.fps[i as usize]);
            let p = self.parent[i as usize];
            if p == u32::MAX {
                break;
            }
            i = p;
        }
        chain.reverse();
        let ri = self.root_of[&i];
        let cfg = self.roots[ri].clone();
        let mut sys = System::new(&cfg);
        let mut path: Vec<Actor> = Vec::new();
        let mut enabled = Vec::new();
        let mut step = 0u64;
        // Follow the stored chain, then the violating transition.
        let targets: Vec<(u64, bool)> = chain[1..]
            .iter()
            .map(|fp| (*fp, false))
            .chain((!v.at_parent).then_some((v.fp, true)))
            .collect();
        for (fp, last) in targets {
            sys.enabled_into(&mut enabled);
            let mut found = None;
            for &a in &enabled {
                let mut n = sys.clone();
                n.apply(a, step, 0, &mut NoTrace);
                let ok = self.enc.fingerprint(ri, &n) == fp
                    && (!last
                        || n.found.iter().any(|f| f.kind == v.kind)
                        || (v.kind == FindingKind::Lockup && n.stuck()));
                if ok {
                    found = Some((a, n));
                    break;
                }
            }
            let (a, mut n) = found.expect("a stored transition replays");
            n.found.retain(|f| f.kind == FindingKind::Lockup);
            path.push(a);
            step += 1;
            sys = n;
        }
        if v.kind == FindingKind::Lockup && !sys.found.iter().any(|f| f.kind == FindingKind::Lockup)
        {
            // Spin until a spinner polls or checks for space in the stuck state (where the
            // simulator's lockup oracle runs, System::check_lockup).
            let bound = 4 * (sys.subs.len() as u64 + 1);
            for _ in 0..bound {
                sys.enabled_into(&mut enabled);
                let pick = match sys.ring.q_lock {
                    Some(h) => Some(Actor::Submitter(h)),
                    None => enabled.first().copied(),
                };
                let Some(a) = pick else { break };
                sys.apply(a, step, 0, &mut NoTrace);
                path.push(a);
                step += 1;
                if sys.found.iter().any(|f| f.kind == FindingKind::Lockup) || sys.halted {
                    break;
                }
            }
        }
        let replay = crate::replay::encode(&path);
        let mut c = cfg.clone();
        c.scheduler = SchedulerConfig::Replay {
            choices: replay.clone(),
        };
        c.trace = true;
        c.step_limit = c.step_limit.max(path.len() as u64 + 1);
        let (findings, timeline, reproduced) = match Simulation::new(c) {
            Ok(mut sim) => {
                let rep = sim.run();
                // The simulator decides with the same code: its first violation on this
                // schedule is the explorer's.
                let first = rep
                    .findings
                    .iter()
                    .map(|f| f.kind)
                    .find(|k| Self::is_violation(*k, stop_on_cause, target));
                let reproduced = first == Some(v.kind);
                (rep.findings, sim.timeline(), reproduced)
            }
            Err(_) => (Vec::new(), String::new(), false),
        };
        Verdict::Counterexample {
            kind: v.kind,
            config: cfg,
            replay,
            steps: path.len() as u64,
            findings,
            reproduced,
            timeline,
            stats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{folded_mul, folded_mul_halves};

    /// The wasm32 fingerprint multiply gives the native bits (fingerprints, and so state counts
    /// and counterexamples, are the same on every platform).
    #[test]
    fn folded_mul_from_halves_equals_the_wide_product() {
        let edges = [
            0,
            1,
            u64::MAX,
            u64::MAX - 1,
            1 << 32,
            (1 << 32) - 1,
            1 << 63,
        ];
        for a in edges {
            for b in edges {
                assert_eq!(folded_mul_halves(a, b), folded_mul(a, b), "{a:#x} * {b:#x}");
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let (a, b) = (x, x.rotate_left(29) ^ 0xe703_7ed1_a0b4_28db);
            assert_eq!(folded_mul_halves(a, b), folded_mul(a, b), "{a:#x} * {b:#x}");
        }
    }
}
