//! An exploration as a state machine a driver steps through, so that the same search runs on
//! this thread, on native threads ([`Exploration::run`]), or on a pool of Web Workers that
//! cannot block. A pool's workers are [`Owner`]s, which keep the states they own (`owned.rs`):
//! the driver asks [`Exploration::next_step`] for a round (a range of state indices,
//! [`Exploration::round_end`]), has every owner expand its states in it ([`Owner::expand`]),
//! reports their violations ([`Exploration::expanded`], which says the cut-off), has every owner
//! absorb its messages ([`Owner::absorb`]), hands back their merge keys
//! ([`Exploration::absorbed`]) and gives each owner its new states' indices
//! ([`Exploration::ids`], [`Owner::assign`]). Everything that decides — the rounds, the first
//! violation, the merge into generation order, `maxStates`, the fair-cycle analysis, the
//! shortest re-search and the counterexample — happens here, whatever runs the steps.
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
//!
//! [`Owner`]: super::owned::Owner
//! [`Owner::expand`]: super::owned::Owner::expand
//! [`Owner::absorb`]: super::owned::Owner::absorb
//! [`Owner::assign`]: super::owned::Owner::assign

pub use super::bfs::Round;
use super::bfs::{BfsEnd, Explorer, Issue, Local, Violation};
use super::level::{Block, LevelStore};
use super::owned::KEY;
use super::partition::{Outbox, Rules, MAX_EXPLORE_SUBMITTERS};
use super::{explorable, ExploreOptions, ExploreProgress, ExploreStats, Verdict, MAX_THREADS};
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
    /// The exploration is over.
    Done(Verdict),
}

/// An exploration being driven (see the module docs).
pub struct Exploration<'a> {
    roots: Vec<Config>,
    opts: ExploreOptions,
    parts: usize,
    /// The partial-order reduction of search 0 (off with `cycles`).
    por: bool,
    levels: Box<dyn FnMut() -> Box<dyn LevelStore> + 'a>,
    ex: Explorer,
    search: u32,
    /// While re-searching: the first search's violation, statistics and links.
    first: Option<(Violation, ExploreStats, Explorer)>,
    finished: bool,
    /// Per owner, the indices of its new states in the round absorbed last.
    ids: Vec<Vec<u32>>,
}

impl<'a> Exploration<'a> {
    /// An exploration of `cfgs` (one graph; see [`super::explore_roots`]) on `parts`
    /// partitions, with its BFS levels in stores made by `levels`. `parts` is the driver's
    /// ([`super::partitions`] decides it from `opts.threads`).
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
        let mut ex = Explorer::new(rules, levels(), opts.max_states, u64::MAX);
        ex.threads = parts;
        Ok(Exploration {
            roots,
            opts: opts.clone(),
            parts,
            por,
            levels,
            ex,
            search: 0,
            first: None,
            finished: false,
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
            return Err(ConfigError::new(
                "search",
                format!("is {search}; an exploration has searches 0 and 1"),
            ));
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
        &self.ex.rules
    }

    /// Partitions of the visited set (slices per round).
    pub fn parts(&self) -> usize {
        self.parts
    }

    /// What to do next. After [`Next::Done`] the exploration is over (and `next_step` keeps
    /// answering `Done` with a `boundReached` verdict of no states: a driver bug, not a panic).
    pub fn next_step(&mut self) -> Next {
        loop {
            if self.finished {
                return Next::Done(Verdict::BoundReached {
                    max_states: self.opts.max_states,
                    stats: self.ex.stats(),
                });
            }
            match self.ex.next_round() {
                Issue::Round(round) => {
                    return Next::Round {
                        search: self.search,
                        round,
                    }
                }
                Issue::Wait => return Next::Wait,
                Issue::Ended => {}
            }
            if let Some(v) = self.finish_search() {
                self.finished = true;
                return Next::Done(v);
            }
        }
    }

    /// Smaller rounds and blocks (records), for tests that must cross their boundaries on
    /// small families; before the first round.
    #[doc(hidden)]
    pub fn set_round_size(&mut self, chunk: usize, block: usize) {
        self.ex.chunk_size = chunk.max(1);
        self.ex.block = block.max(1);
    }

    /// The end of the `Expand` round issued last: it covers the states from its `first_id`
    /// up to (not including) this index; each owner expands its own states among them.
    pub fn round_end(&self) -> u32 {
        match self.ex.in_flight_back() {
            Some(Round::Expand { first_id, .. }) => first_id + self.ex.issued_records() as u32,
            _ => 0,
        }
    }

    /// Rounds issued and not yet absorbed. A driver may issue more rounds (ask
    /// [`Exploration::next_step`]) before absorbing the oldest: [`Exploration::expanded`] and
    /// [`Exploration::absorbed`] always take the oldest. After a violation, `maxStates` or a
    /// cancel, the coordinator drops the rounds in flight: this falls to 0 and the driver
    /// discards what they produce.
    pub fn in_flight(&self) -> usize {
        self.ex.in_flight()
    }

    /// The owners expanded the oldest round in flight: their outboxes (only the violations are
    /// read, the messages may be elsewhere). Returns the cut-off every owner absorbs up to
    /// ([`Owner::absorb`](super::owned::Owner::absorb)).
    pub fn expanded(&mut self, outs: &[Outbox]) -> u32 {
        self.ex.owned_expanded(outs)
    }

    /// The owners absorbed the oldest round: `keys` their merge keys
    /// ([`Owner::keys`](super::owned::Owner::keys)), in owner order; `counted` the messages
    /// they counted, in all; `table_bytes` and `level_bytes`
    /// their visited sets and what they hold besides (for the statistics). Merges the keys
    /// into generation order: [`Exploration::ids`] then says which indices each owner's new
    /// states got. Returns the progress to report, if any; a caller who wants to stop calls
    /// [`Exploration::cancel`].
    pub fn absorbed(
        &mut self,
        keys: &[Vec<u8>],
        counted: u64,
        table_bytes: u64,
        level_bytes: u64,
    ) -> Option<ExploreProgress> {
        let ex = &mut self.ex;
        debug_assert!(ex.graph.is_none(), "no pool runs the cycle analysis");
        ex.transitions += counted + ex.violation_transition();
        let base = ex.states() as u32;
        ex.merge_entries(keys, KEY);
        self.ids.iter_mut().for_each(Vec::clear);
        self.ids.resize_with(self.parts, Vec::new);
        for (k, &(p, _)) in ex.order.iter().enumerate() {
            self.ids[p as usize].push(base + k as u32);
        }
        // The coordinator keeps only the shape of the next level (blocks without records),
        // so that its rounds cut the level where one thread's do.
        let block = ex.block;
        ex.blocks.extend(ex.order.chunks(block).map(|o| Block {
            records: o.len() as u32,
            bytes: Vec::new(),
        }));
        ex.absorbed(table_bytes, level_bytes)
    }

    /// The indices of owner `p`'s new states in the round absorbed last, increasing (for
    /// [`Owner::assign`](super::owned::Owner::assign)).
    pub fn ids(&self, p: usize) -> &[u32] {
        self.ids.get(p).map_or(&[], Vec::as_slice)
    }

    /// Stops the current search with `boundReached`; the next [`Exploration::next_step`] gives the
    /// verdict with the statistics so far.
    pub fn cancel(&mut self) {
        self.ex.cancel();
    }

    /// Runs the exploration on this process (`bfs.rs`'s local driver: one thread, or a thread per
    /// partition with the `threads` feature), calling `progress` after every chunk.
    pub fn run(mut self, mut progress: impl FnMut(&ExploreProgress) -> bool) -> Verdict {
        loop {
            let mut drv = Local::new(&self.ex.rules, true);
            self.ex.bfs(&mut drv, &mut progress);
            drop(drv);
            if let Some(v) = self.finish_search() {
                return v;
            }
        }
    }

    /// The current search has ended: the verdict, or `None` when a re-search starts.
    fn finish_search(&mut self) -> Option<Verdict> {
        let mut out = self.ex.end.take().expect("the search has ended");
        let (stop_on_cause, target) = (self.opts.stop_on_cause, self.opts.target);
        if let Some((v1, stats, mut ex1)) = self.first.take() {
            return Some(match out {
                BfsEnd::Violation(v2) if v2.depth < v1.depth => {
                    self.ex.counterexample(&v2, stats, stop_on_cause, target)
                }
                _ => ex1.counterexample(&v1, stats, stop_on_cause, target),
            });
        }
        if let (BfsEnd::Done, Some(g)) = (&out, &self.ex.graph) {
            if let Some(state) = g.fair_cycle() {
                out = BfsEnd::Violation(Violation {
                    parent: state,
                    actor: 0,
                    kind: FindingKind::Lockup,
                    depth: 0,
                    at_parent: true,
                });
            }
        }
        let stats = self.ex.stats();
        Some(match out {
            BfsEnd::Done => Verdict::Proved { stats },
            BfsEnd::Bound => Verdict::BoundReached {
                max_states: self.opts.max_states,
                stats,
            },
            BfsEnd::Violation(v) if self.por && self.opts.shortest => {
                // Without the reduction, up to the level before the violation: a shorter path
                // to any violation replaces it.
                let rules = rules(&self.roots, &self.opts, self.parts, false);
                let depth_limit = v.depth.saturating_sub(1);
                let ex2 = Explorer::new(rules, (self.levels)(), self.opts.max_states, depth_limit);
                let ex1 = std::mem::replace(&mut self.ex, ex2);
                self.ex.threads = self.parts;
                self.first = Some((v, stats, ex1));
                self.search = 1;
                return None;
            }
            BfsEnd::Violation(v) => self.ex.counterexample(&v, stats, stop_on_cause, target),
        })
    }
}

/// The explored roots of `cfgs`, checked against each other and `opts`.
fn roots(cfgs: &[Config], opts: &ExploreOptions) -> Result<Vec<Config>, ConfigError> {
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
    if first.submitters > MAX_EXPLORE_SUBMITTERS {
        return Err(ConfigError::new(
            "submitters",
            format!("is above {MAX_EXPLORE_SUBMITTERS}; the explorer handles at most {MAX_EXPLORE_SUBMITTERS}"),
        ));
    }
    Ok(roots)
}

/// `parts` as decided by [`super::partitions`].
fn check_parts(opts: &ExploreOptions, parts: usize) -> Result<(), ConfigError> {
    let max = if opts.cycles { 1 } else { MAX_THREADS as usize };
    if parts == 0 || parts > max {
        return Err(ConfigError::new(
            "threads",
            format!("gives {parts} partitions; allowed range is 1 to {max}"),
        ));
    }
    Ok(())
}

fn rules(roots: &[Config], opts: &ExploreOptions, parts: usize, por: bool) -> Rules {
    Rules::new(
        roots.to_vec(),
        opts.symmetry,
        opts.rotation,
        por,
        opts.stop_on_cause,
        opts.target,
        opts.cycles,
        parts,
    )
}
