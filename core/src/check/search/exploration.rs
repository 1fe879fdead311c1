//! An exploration as a state machine a driver steps through, so that the same search runs on
//! this thread, on native threads, on owners that keep their states, or on a pool of Web
//! Workers that cannot block. A driver asks [`Exploration::next_step`] for a round, has it
//! expanded and absorbed where it likes, and reports through its protocol: the slice protocol
//! ([`Exploration::slices`], `slices.rs`) or the owner protocol ([`Exploration::owners`],
//! `owners.rs`). Everything that decides — the rounds, the first violation, the merge into
//! generation order, `maxStates`, the fair-cycle analysis, the shortest re-search and the
//! counterexample — happens here, whatever runs the steps. [`Exploration::run`]
//! (`drivers/mod.rs`) runs it on one of the core's drivers.
//!
//! A driver may expand ahead: ask for the next rounds of a level before the oldest one is
//! absorbed ([`Exploration::in_flight`]), so that its workers expand the next chunks while
//! the coordinator merges; the results are those of the strict order, because rounds are
//! counted, absorbed and merged oldest first, and a violation or `maxStates` drops the rounds
//! issued after it (their transitions are never counted).
//!
//! An exploration is one or two searches: the search itself (`search` 0), and, when it found
//! a violation with the partial-order reduction on and `shortest` asked, a re-search without
//! the reduction up to the violation's depth (`search` 1), whose rules differ: a driver keeps
//! its expanders and partitions per search ([`Exploration::worker_rules`]).

use super::roots::{check_parts, roots, rules};
use super::rounds::{End, Issue, Round, Search};
use crate::check::checkpoint::Coordinator;
use crate::check::partition::{Rules, Violation};
use crate::check::store::level::LevelStore;
use crate::check::wire::Block;
use crate::check::{ExploreOptions, ExploreStats, Verdict};
use crate::config::Config;
use crate::error::ConfigError;
use crate::model::FindingKind;

/// What a driver does next.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one verdict per exploration
pub enum Next {
    /// Run `round` of search `search` (see the module docs).
    Round { search: u32, round: Round },
    /// Nothing to issue until the rounds in flight are absorbed (the level is fully issued).
    Wait,
    /// Only when checkpoints are kept ([`Exploration::checkpointed`]): the level at `depth` of
    /// search `search` is complete and expanded next. Each partition appends its part
    /// ([`Driver::checkpoint`](crate::check::Driver::checkpoint),
    /// [`Owner::checkpoint`](crate::check::pool::Owner::checkpoint)), then the coordinator
    /// commits ([`Exploration::commit_checkpoint`]) before asking for the next step.
    Checkpoint { search: u32, depth: u64 },
    /// The exploration is over.
    Done(Verdict),
}

/// An exploration being driven (see the module docs).
pub struct Exploration<'a> {
    pub(super) roots: Vec<Config>,
    pub(super) opts: ExploreOptions,
    parts: usize,
    /// The partial-order reduction of search 0 (off with `cycles`).
    pub(super) por: bool,
    pub(super) levels: Box<dyn FnMut() -> Box<dyn LevelStore> + 'a>,
    /// The current search and its number.
    pub(super) current: Search,
    pub(super) search: u32,
    /// While re-searching: the first search's violation, statistics and links.
    pub(super) first: Option<(Violation, ExploreStats, Search)>,
    finished: bool,
    /// The checkpoints kept, if any (`checkpoint.rs`).
    pub(super) ckpt: Option<Coordinator<'a>>,
    /// Per owner, the indices of its new states in the round absorbed last (`owners.rs`).
    pub(super) ids: Vec<Vec<u32>>,
}

impl<'a> Exploration<'a> {
    /// An exploration of `cfgs` (one graph; see [`explore_roots`](crate::check::explore_roots))
    /// on `parts` partitions, with its BFS levels in stores made by `levels`. `parts` is the
    /// driver's ([`partitions`](crate::check::partitions) decides it from `opts.threads`).
    pub fn new(
        cfgs: &[Config],
        opts: &ExploreOptions,
        parts: usize,
        levels: impl FnMut() -> Box<dyn LevelStore> + 'a,
    ) -> Result<Self, ConfigError> {
        let roots = roots(cfgs, opts)?;
        check_parts(opts, parts)?;
        let mut levels: Box<dyn FnMut() -> Box<dyn LevelStore> + 'a> = Box::new(levels);
        let por = opts.por && !opts.cycles;
        let rules = rules(&roots, opts, parts, por);
        let mut current = Search::new(rules, levels(), opts.max_states, u64::MAX);
        current.threads = parts;
        Ok(Exploration {
            roots,
            opts: opts.clone(),
            parts,
            por,
            levels,
            current,
            search: 0,
            first: None,
            finished: false,
            ckpt: None,
            ids: Vec::new(),
        })
    }

    /// The rules a driver's expanders and partitions use in search `search` (0 or 1): the
    /// same as the coordinator's, built from the same configs and options (a Web Worker
    /// builds its own). The cycle analysis is refused (`cycles`): it runs in one process.
    pub fn worker_rules(
        cfgs: &[Config],
        opts: &ExploreOptions,
        parts: usize,
        search: u32,
    ) -> Result<Rules, ConfigError> {
        if search > 1 {
            return Err(ConfigError::range("search", search as f64, 0.0, 1.0)
                .with_message(format!("is {search}; an exploration has searches 0 and 1")));
        }
        if opts.cycles {
            // The owners' protocol carries no edges or enabled sets: a pool run of the cycle
            // analysis would prove without the graph.
            return Err(ConfigError::new(
                "cycles",
                "runs in one process (`explore`), not on a pool's workers".into(),
            ));
        }
        let roots = roots(cfgs, opts)?;
        check_parts(opts, parts)?;
        Ok(rules(&roots, opts, parts, search == 0 && opts.por))
    }

    /// The rules of the current search.
    pub fn rules(&self) -> &Rules {
        &self.current.rules
    }

    /// Partitions of the visited set (slices per round).
    pub fn parts(&self) -> usize {
        self.parts
    }

    /// The current search, for the protocols.
    pub(super) fn search_mut(&mut self) -> &mut Search {
        &mut self.current
    }

    /// Records the threads the driver runs on (for the statistics).
    pub(crate) fn set_threads(&mut self, threads: usize) {
        self.current.threads = threads;
    }

    /// What to do next. After [`Next::Done`] the exploration is over (and `next_step` keeps
    /// answering `Done` with a `boundReached` verdict of no states: a driver bug, not a panic).
    pub fn next_step(&mut self) -> Next {
        self.flush_level();
        loop {
            if self.finished {
                return Next::Done(Verdict::BoundReached {
                    max_states: self.opts.max_states,
                    stats: self.current.stats(),
                });
            }
            match self.current.next_round() {
                Issue::Round(round) => {
                    return Next::Round {
                        search: self.search,
                        round,
                    }
                }
                Issue::Wait => return Next::Wait,
                Issue::Checkpoint(depth) => {
                    return Next::Checkpoint {
                        search: self.search,
                        depth,
                    }
                }
                Issue::Ended => {}
            }
            if let Some(v) = self.finish_search() {
                self.finished = true;
                return Next::Done(v);
            }
        }
    }

    /// Rounds of `chunk` records and blocks of `block` records (default 8192 and 1024), before
    /// the first round: a driver's own tests use small ones to cross their boundaries on small
    /// families. The verdict does not depend on them.
    pub fn set_round_size(&mut self, chunk: usize, block: usize) {
        self.current.chunk_size = chunk.max(1);
        self.current.block = block.max(1);
    }

    /// The records of the `Expand` round issued last, as blocks: the slice drivers expand
    /// them.
    pub fn chunk(&self) -> &[Block] {
        self.current.chunk()
    }

    /// The end of the `Expand` round issued last: it covers the states from its `first_id`
    /// up to (not including) this index; each owner expands its own states among them.
    pub fn round_end(&self) -> u32 {
        match self.current.in_flight_back() {
            Some(Round::Expand { first_id, .. }) => first_id + self.current.issued_records() as u32,
            _ => 0,
        }
    }

    /// Rounds issued and not yet absorbed. A driver may issue more rounds (ask
    /// [`Exploration::next_step`]) before absorbing the oldest: the protocols always report
    /// the oldest. After a violation, `maxStates` or a cancel, the coordinator drops the
    /// rounds in flight: this falls to 0 and the driver discards what they produce.
    pub fn in_flight(&self) -> usize {
        self.current.in_flight()
    }

    /// Stops the current search with `boundReached`; the next [`Exploration::next_step`] gives the
    /// verdict with the statistics so far.
    pub fn cancel(&mut self) {
        self.current.cancel();
    }

    /// Every (parent, actor) link of the current search, for tests.
    #[cfg(test)]
    pub(crate) fn links(&self) -> Vec<(u32, u8)> {
        let l = &self.current.links;
        (0..l.len() as u32).map(|i| l.get(i)).collect()
    }

    /// The current search has ended: the verdict, or `None` when a re-search starts.
    fn finish_search(&mut self) -> Option<Verdict> {
        let mut out = self.current.end.take().expect("the search has ended");
        let (stop_on_cause, target) = (self.opts.stop_on_cause, self.opts.target);
        if let Some((v1, stats, mut ex1)) = self.first.take() {
            return Some(match out {
                End::Violation(v2) if v2.depth < v1.depth => {
                    self.current
                        .counterexample(&v2, stats, stop_on_cause, target)
                }
                _ => ex1.counterexample(&v1, stats, stop_on_cause, target),
            });
        }
        if let (End::Done, Some(g)) = (&out, &self.current.graph) {
            if let Some(state) = g.fair_cycle() {
                out = End::Violation(Violation {
                    parent: state,
                    actor: 0,
                    kind: FindingKind::Lockup,
                    depth: 0,
                    at_parent: true,
                });
            }
        }
        let stats = self.current.stats();
        Some(match out {
            End::Done => Verdict::Proved { stats },
            End::Bound => Verdict::BoundReached {
                max_states: self.opts.max_states,
                stats,
            },
            End::Violation(v) if self.por && self.opts.shortest => {
                // Without the reduction, up to the level before the violation: a shorter path
                // to any violation replaces it.
                let rules = rules(&self.roots, &self.opts, self.parts, false);
                let depth_limit = v.depth.saturating_sub(1);
                let ex2 = Search::new(rules, (self.levels)(), self.opts.max_states, depth_limit);
                let ex1 = std::mem::replace(&mut self.current, ex2);
                self.current.threads = self.parts;
                self.current.checkpoints = self.ckpt.is_some();
                self.current.rules.checkpoints = self.ckpt.is_some();
                self.first = Some((v, stats, ex1));
                self.search = 1;
                return None;
            }
            End::Violation(v) => self
                .current
                .counterexample(&v, stats, stop_on_cause, target),
        })
    }
}
