//! Exhaustive exploration: every interleaving of a finite configuration, breadth first, with
//! state hashing, a partial-order reduction and symmetry reductions (interchangeable submitters,
//! ring rotation). Proves a policy free of
//! lockups and safety violations for the configuration, or returns a shortest counterexample as
//! a replay string the simulator reproduces.
//!
//! # What is explored
//!
//! States are [`System`](crate::model::System) values; transitions are [`System::apply`](crate::model::System::apply) of one enabled actor. The
//! workload of each root must be deterministic (batch `fixed`, `sequence` or `uniform` with
//! `min == max`, `zeroCountProb` 0 or 1, at most one invalidation type with a positive weight);
//! anything else is rejected with a [`ConfigError`] naming the field. [`family()`] (the one
//! family builder of every front end) turns a count range and a zero-count probability into
//! such roots. The scheduler, `seed`, `stepLimit`, `stopOn` and `trace` need no enumeration
//! (every schedule is explored); a positive fault rate means "this fault may happen" (both
//! branches are explored, up to `maxFaults`); `watchdog` is forced to 0 (the soft-lockup
//! watchdog is a heuristic; the explorer decides lockups exactly). Several initial
//! configurations (same ring, policy, hardware and number of submitters, different workloads)
//! are explored as one graph with [`explore_roots`].
//!
//! # How
//!
//! The folder reads top down: `search/` → `drivers/` → `partition/` → `reduce/`, with
//! `store/`, `wire/` and `tools/` beside them.
//!
//! Breadth first, level by level, each level in rounds (`search/`: one state machine, the
//! [`Exploration`]): a driver (`drivers/`) runs the two steps of `partition/` on a round —
//! expand its records in contiguous slices (each successor sent to the partition of the
//! visited set that owns its fingerprint) and absorb each owner's inboxes in slice order — and
//! reports it through a protocol; the search then merges the owners' new states back into
//! generation order. One thread (`drivers/local.rs`) runs the steps with one slice and one
//! partition; N threads (`drivers/threads.rs`, feature `threads`: a pool kept for the
//! exploration) run 4N slices and N partitions as jobs; owners that keep the states they own
//! (`drivers/owners.rs`) run them on a pool of Web Workers, or on this thread
//! (`drivers/pool.rs`), exchanging plain byte buffers (`wire/`). The result does not depend on
//! the number of threads or workers — same verdict, states, transitions and counterexample —
//! because each owner sees the copies of a fingerprint in generation order and keeps the
//! first, and the merge restores the sequential order of the next level (the argument in
//! `partition/`; a unit test compares every parent link, `core/tests/explore_threads.rs` and
//! `core/tests/explore_pool.rs` the verdicts on a sweep).
//!
//! Only 64-bit fingerprints of visited states are stored (`store/table.rs`: a plain set, 8
//! bytes a slot; like SPIN's hash-compact and stateright), plus per state its parent index and
//! the actor byte of the transition from it (5 bytes, `search/links.rs`). Paths are rebuilt by
//! replaying those actors from the root (`search/path.rs`): the records the search stores are
//! actual states, not canonical representatives (symmetry only changes the fingerprint), so the
//! replay goes through the very states the search expanded. The levels hold states packed into
//! fixed-size records (`store/pack.rs`), stored in RAM as blocks of XOR-deltas between
//! consecutive records (`wire/block.rs`, ~4× smaller; `store/level.rs` keeps them), unpacked
//! into one scratch `System` for expansion (debug builds check on a sample that a record
//! unpacks to a state with its fingerprint). What a state is, field by field, is written once,
//! in each state type's `visit` ([`crate::model::state`]); `reduce/fingerprint.rs` hashes it
//! canonically (with the symmetry reductions), `store/pack.rs` stores it.
//! Three facts make states that differ only in what no later step reads hash alike: a
//! submitter is named by its *future*, the calls it has left, not its whole workload
//! (`reduce/future.rs`: states of different roots merge); a descriptor in a free slot that
//! nothing can read any more is left out ([`Ring::desc_dead`](crate::model::Ring::desc_dead),
//! decided with the model's own rules: a polling owner under `IQE` injection, a legacy `mark`
//! still to come); and the ring is read from a canonical turn (rotation,
//! `ExploreOptions::rotation`). Rotation alone merged almost nothing: a state's turn is fixed
//! by the slots consumed so far, which the workload fixes — once futures and dead descriptors
//! forget the past, states reached by different histories coincide up to a turn.
//! `reduce/reduction_tests.rs` checks each reduction against the model: two states it merges,
//! run in lockstep on random walks over configurations of every kind, must show the explorer
//! the same actors, findings and fingerprints. `reduce/ample.rs` is the partial-order
//! reduction and its soundness argument; `search/cycles.rs` the fair-cycle cross-check of the
//! liveness argument below (one thread: it keeps the graph and a fingerprint → index table).
//! `tools/` holds what is built on the explorer (families of roots, the estimate, the kernel
//! matrix and its pages, ...).
//!
//! # Checkpoints
//!
//! With [`Exploration::checkpointed`] (or [`explore_roots_checkpointed`]) the search stops at
//! each level boundary ([`Next::Checkpoint`]) to append its new links, fingerprints and level
//! to logs and commit a manifest, and a killed exploration resumes from them to the
//! uninterrupted result ([`checkpoint`]: what is written, the traits the caller implements,
//! the owners' part).
//!
//! # Fingerprint collisions
//!
//! Two distinct states with the same fingerprint are merged, and the second one's successors
//! may be missed. With n states stored and fingerprints behaving as independent uniform 64-bit
//! values, P(some collision) ≤ n(n−1)/2 · 2⁻⁶⁴ (the birthday bound; ≈ 1.4·10⁻⁶ at 7.3 M states,
//! ≈ 3.8·10⁻³ at 375 M). Every verdict reports it as
//! [`ExploreStats::collision_probability`]: a `proved` holds with at least one minus that
//! probability, as SPIN reports for its hash-compact mode. Counterexamples are not affected
//! (they are replayed in the simulator).
//!
//! # `maxStates`, progress and cancellation
//!
//! Checked after each round, on the coordinating thread: the search stops with
//! `boundReached` once more than `maxStates` states are stored (so it may store up to a round's
//! new states more), and the progress callback runs after every round (a few thousand states);
//! returning false stops with `boundReached`, keeping the statistics so far.
//!
//! # Liveness
//!
//! A state is *stuck* ([`System::stuck`](crate::model::System::stuck), the one definition the simulator's lockup oracle
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
//! steps inside (`search/cycles.rs`). The tests check that both give the same verdicts.
//!
//! `lostCompletion` is the cause, not a violation: exploration continues past it to find its
//! consequence (unless [`ExploreOptions::stop_on_cause`]). Every other finding kind is a
//! violation.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::ConfigError;
use crate::model::FindingKind;

pub mod checkpoint;
mod drivers;
mod partition;
pub mod pool;
mod reduce;
mod search;
mod store;
pub mod tools;
mod verdict;
mod wire;

// The public surface of the explorer: the entry points and options below, the verdicts, the
// level stores a caller may supply (the CLI's files), the state machine and its drivers for a
// caller that runs the rounds itself (`pool`), and the tools built on it. The steps, the
// reductions, the stores' insides and the wire formats are the crate's own.
#[cfg(feature = "threads")]
pub use drivers::Threads;
pub use drivers::{Driver, Local};
pub use partition::Violation;
pub use search::{Edges, Exploration, Next, Owners, Round, Slices};
pub use store::level::{LevelStore, MemLevels};
pub use tools::family::{count_family, explorable, family};
pub use verdict::{ExploreProgress, ExploreStats, Verdict};
pub use wire::{read_blocks, write_blocks, Block};

/// Most threads [`ExploreOptions::threads`] accepts.
pub const MAX_THREADS: u32 = 256;

/// Default bound on stored states.
pub const DEFAULT_MAX_STATES: u64 = 20_000_000;

/// Options of an exploration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ExploreOptions {
    /// Stop with a `boundReached` verdict after storing this many states.
    pub max_states: u64,
    /// Partial-order reduction (see the module docs).
    pub por: bool,
    /// Symmetry reduction of submitters with identical workloads.
    pub symmetry: bool,
    /// Symmetry reduction over ring rotation: states that differ by a turn of the ring are
    /// one (up to `qi_length`× fewer states; by turns of 2 when the stride-2 `ITE` walk can
    /// run, none on an odd ring then; see `fingerprint.rs` and `model::fault::rotation_step`).
    pub rotation: bool,
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
    /// Threads of the search (the visited set is split into as many partitions): 1 to
    /// [`MAX_THREADS`], or 0 for every core. The result does not depend on it (same verdict,
    /// states, transitions and counterexample). Only builds with the `threads` feature (the
    /// native CLI) run more than one; without it (WebAssembly) 0 means 1 and more than 1 is an
    /// error: a browser runs the partition steps on a pool of Web Workers ([`pool`]).
    /// `cycles` runs on one thread: 0 means 1 there, more is an error.
    pub threads: u32,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            max_states: DEFAULT_MAX_STATES,
            por: true,
            symmetry: true,
            rotation: true,
            shortest: true,
            stop_on_cause: false,
            target: None,
            cycles: false,
            threads: 1,
        }
    }
}

/// Explores `cfg` exhaustively.
pub fn explore(cfg: &Config, opts: &ExploreOptions) -> Result<Verdict, ConfigError> {
    explore_roots(std::slice::from_ref(cfg), opts, |_| true)
}

/// Explores one graph from several initial configs (same `qiLength`, `submitters`, `policy`,
/// `hardware`; workloads may differ). `progress` is called after every round of the search (see the module docs), on the calling thread; returning false
/// stops with a `boundReached` verdict.
pub fn explore_roots(
    cfgs: &[Config],
    opts: &ExploreOptions,
    progress: impl FnMut(&ExploreProgress) -> bool,
) -> Result<Verdict, ConfigError> {
    explore_roots_with(cfgs, opts, progress, &mut || Box::<MemLevels>::default())
}

/// [`explore_roots`] with the BFS levels in stores made by `levels` (one per search: the
/// shortest-counterexample re-search makes a second one), e.g. files natively.
pub fn explore_roots_with(
    cfgs: &[Config],
    opts: &ExploreOptions,
    progress: impl FnMut(&ExploreProgress) -> bool,
    levels: &mut dyn FnMut() -> Box<dyn LevelStore>,
) -> Result<Verdict, ConfigError> {
    let parts = partitions(opts, None)?;
    let mut x = Exploration::new(cfgs, opts, parts, levels)?;
    #[cfg(feature = "threads")]
    if parts > 1 {
        return Ok(x.run(&mut drivers::Threads::new(parts), progress));
    }
    Ok(x.run(&mut drivers::Local::default(), progress))
}

/// [`explore_roots_with`] keeping a checkpoint at every level through `writer`, and with
/// `resume` continuing the checkpoint it reads (see [`checkpoint`]): the result is the one
/// of an uninterrupted run. A checkpoint of another exploration, or a damaged one, is refused
/// with an error naming what is wrong, and so is a failed write (field `checkpoint`).
pub fn explore_roots_checkpointed<'a>(
    cfgs: &[Config],
    opts: &ExploreOptions,
    progress: impl FnMut(&ExploreProgress) -> bool,
    levels: &'a mut dyn FnMut() -> Box<dyn LevelStore>,
    writer: Box<dyn checkpoint::CheckpointWriter + 'a>,
    resume: Option<Box<dyn checkpoint::CheckpointReader + 'a>>,
) -> Result<Verdict, ConfigError> {
    let parts = partitions(opts, None)?;
    let mut x = Exploration::new(cfgs, opts, parts, levels)?.checkpointed(
        checkpoint::Protocol::Slices,
        writer,
        resume,
    )?;
    #[cfg(feature = "threads")]
    let v = if parts > 1 {
        x.run(&mut drivers::Threads::new(parts), progress)
    } else {
        x.run(&mut drivers::Local::default(), progress)
    };
    #[cfg(not(feature = "threads"))]
    let v = x.run(&mut drivers::Local::default(), progress);
    match x.checkpoint_error() {
        Some(e) => Err(ConfigError::new("checkpoint", e.to_string())),
        None => Ok(v),
    }
}

/// The partitions of the visited set (threads, or Web Workers) an exploration runs on, from
/// [`ExploreOptions::threads`] (see there): `pool` is the number of workers a pool offers
/// (`None`: this process's threads).
pub fn partitions(opts: &ExploreOptions, pool: Option<usize>) -> Result<usize, ConfigError> {
    let n = opts.threads;
    if n > MAX_THREADS {
        return Err(
            ConfigError::range("threads", n as f64, 0.0, MAX_THREADS as f64).with_message(format!(
                "is {n}; allowed range is 0 (every core) to {MAX_THREADS}"
            )),
        );
    }
    if opts.cycles && n > 1 {
        return Err(
            ConfigError::range("threads", n as f64, 0.0, 1.0).with_message(format!(
                "is {n}; the fair-cycle analysis (`cycles`) runs on one thread: use 1 (or 0)"
            )),
        );
    }
    if opts.cycles {
        return Ok(1);
    }
    if let Some(workers) = pool {
        return match n as usize {
            0 => Ok(workers.max(1)),
            n if n > workers => Err(ConfigError::range("threads", n as f64, 0.0, workers as f64)
                .with_message(format!(
                    "is {n}; this pool has {workers} workers: use 1 to {workers}, or 0 for all"
                ))),
            n => Ok(n),
        };
    }
    #[cfg(feature = "threads")]
    {
        Ok(if n == 0 {
            drivers::available()
        } else {
            n as usize
        })
    }
    #[cfg(not(feature = "threads"))]
    {
        if n > 1 {
            return Err(
                ConfigError::range("threads", n as f64, 0.0, 1.0).with_message(format!(
                    "is {n}; this build runs one thread (no `threads` feature, e.g. \
                 WebAssembly): use 1, or run the partition steps on a worker pool"
                )),
            );
        }
        Ok(1)
    }
}
