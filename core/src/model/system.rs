//! The whole modelled system — ring, submitters, hardware engine — and its atomic steps, with the
//! oracles of DESIGN.md section 6 checked as the steps happen.
//!
//! [`System`] knows nothing of schedulers or time: [`System::apply`] performs one step of one
//! actor and says what it did ([`StepInfo`]), counting it in its [`Tally`] for the metrics. The
//! simulator and the exhaustive explorer both drive it.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::config::Config;
use crate::model::fault_path::FaultLog;
use crate::model::finding::Finding;
use crate::model::hardware;
use crate::model::params::Params;
use crate::model::pc::{can_move, Pc};
use crate::model::policy::StatusChange;
use crate::model::ring::Ring;
use crate::model::state::Visitor;
use crate::model::submitter::Submitter;
use crate::model::tally::{StepInfo, Tally};
use crate::model::types::{HwFault, Label};
use crate::trace::TraceSink;
use crate::Actor;

/// The modelled system.
#[derive(Debug)]
pub struct System {
    pub params: Arc<Params>,
    pub ring: Ring,
    pub subs: Vec<Submitter>,
    /// Findings of the last steps, drained by the driver.
    pub found: Vec<Finding>,
    /// A lockup or deadlock was declared: the run cannot make progress.
    pub halted: bool,
    /// A CPU hangs for good inside a kernel function (an endless loop, a run-time error, a
    /// retry that can never succeed): nothing moves again, in any mode. (A lockup's spinning
    /// CPUs still move: the fair-cycle analysis sees their spin.)
    pub hung: bool,
    /// The `free_cnt` invariant was reported (once per run).
    pub(super) invariant_reported: bool,
    /// Status writes of the current software step, for the trace and the lost-completion
    /// oracle (empty between steps).
    pub(super) changes: Vec<StatusChange>,
    /// What the steps counted, for the metrics (not part of the state).
    pub tally: Tally,
    /// The run's fault history, for the fault path of its findings (not part of the state).
    pub fault_log: FaultLog,
}

impl PartialEq for System {
    fn eq(&self, o: &Self) -> bool {
        self.ring == o.ring && self.subs == o.subs && self.halted == o.halted && self.hung == o.hung
    }
}
impl Eq for System {}

impl Hash for System {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.ring.hash(h);
        self.subs.hash(h);
        self.halted.hash(h);
        self.hung.hash(h);
    }
}

impl Clone for System {
    fn clone(&self) -> Self {
        let mut s = System {
            params: self.params.clone(),
            ring: self.ring.clone(),
            subs: self.subs.clone(),
            found: Vec::new(),
            halted: false,
            hung: false,
            invariant_reported: false,
            changes: Vec::new(),
            tally: Tally::default(),
            fault_log: FaultLog::default(),
        };
        s.clone_from(self);
        s
    }

    /// Reuses `self`'s vectors (the explorer copies a state per transition); `params` is shared,
    /// its `Arc` replaced only when it differs.
    fn clone_from(&mut self, src: &Self) {
        let System {
            params,
            ring,
            subs,
            found,
            halted,
            hung,
            invariant_reported,
            changes,
            tally,
            fault_log,
        } = src;
        if !Arc::ptr_eq(&self.params, params) {
            self.params = params.clone();
        }
        self.ring.clone_from(ring);
        self.subs.clone_from(subs);
        self.found.clone_from(found);
        self.halted = *halted;
        self.hung = *hung;
        self.invariant_reported = *invariant_reported;
        self.changes.clone_from(changes);
        self.tally.clone_from(tally);
        self.fault_log.clone_from(fault_log);
    }
}

impl System {
    /// Initial state: empty ring, every submitter about to call `qi_submit_sync`.
    pub fn new(cfg: &Config) -> Self {
        let params = Arc::new(Params::from_config(cfg));
        let subs = (0..cfg.submitters)
            .map(|i| Submitter::new(cfg.seed, i, &params.workloads[i as usize]))
            .collect();
        System {
            params,
            ring: Ring::new(cfg.qi_length),
            subs,
            found: Vec::new(),
            halted: false,
            hung: false,
            invariant_reported: false,
            changes: Vec::new(),
            tally: Tally::new(cfg.submitters),
            fault_log: FaultLog::default(),
        }
    }

    /// Every field (see [`crate::model::state`]): the submitters, the ring and `halted`. The
    /// config parts are constant for a root; findings, metrics and scratch are reset when
    /// unpacking (an explored state is expanded with none pending).
    pub fn visit<V: Visitor>(&mut self, v: &mut V) {
        let System {
            params,
            ring,
            subs,
            found,
            halted,
            hung,
            invariant_reported,
            changes,
            tally,
            fault_log,
        } = self;
        let (locals, slot_locals) = (params.frame_locals(), params.program.facts.slot_locals);
        v.submitters(subs.len(), |v, i| subs[i].visit(v, locals, &slot_locals));
        let (subs, len) = (&*subs, ring.qi_length);
        ring.visit(v, |k| reads_free(params, subs, len, k));
        v.key(halted);
        v.key(hung);
        if V::WRITES {
            found.clear();
            *invariant_reported = false;
            changes.clear();
            tally.reset();
            fault_log.clear();
        }
    }

    /// Whether no step reads the descriptor in slot `k` before software rewrites it
    /// ([`Ring::desc_dead`]).
    #[inline]
    pub fn desc_dead(&self, k: u32) -> bool {
        let len = self.ring.qi_length;
        self.ring
            .desc_dead(k, |k| reads_free(&self.params, &self.subs, len, k))
    }

    /// Whether the hardware engine can take a step now (every hardware step needs this: a
    /// fetch or a fault implies the engine can complete). Takes no [`Actor`], which wasm32
    /// passes by pointer: the scheduler asks this on every step. The ring is tested first, so
    /// an idle engine costs no read through `params`.
    #[inline(always)]
    pub fn hw_enabled(&self) -> bool {
        hardware::can_complete(&self.ring) && self.params.hw_async
    }

    /// Whether the hardware engine can fetch a descriptor ahead now.
    #[inline(always)]
    pub fn fetch_enabled(&self) -> bool {
        self.params.hw_async && hardware::can_fetch(&self.ring, self.params.fetch_depth)
    }

    /// Whether `actor` can take a step now.
    #[inline]
    pub fn is_enabled(&self, actor: Actor) -> bool {
        // A halted system is a machine that hangs (a CPU in an endless loop with q_lock held
        // and interrupts off) or a run that ended: nothing moves again, in any mode.
        if self.hung {
            return false;
        }
        match actor {
            Actor::Hardware => self.hw_enabled(),
            Actor::Fetch => self.fetch_enabled(),
            Actor::Fault(f) => {
                let budget = self.params.faults.max_faults;
                self.params.hw_async
                    && self.params.faults.rate(f) > 0.0
                    && (budget == 0 || self.ring.faults < budget)
                    && hardware::fault_applies(
                        &self.ring,
                        f,
                        self.params.fetch_depth,
                        self.params.faults.ite_timing,
                    )
            }
            Actor::Submitter(i) => self.subs.get(i as usize).is_some_and(|s| {
                let (runs, waits) = s.pc.mobility();
                can_move(runs, waits, self.ring.q_lock.is_none()) != 0
            }),
        }
    }

    /// Enabled actors in a fixed order: submitters by index, then the hardware engine
    /// (`Hardware`, `Fetch`, then the faults; `Hardware` is enabled whenever any of them is).
    #[inline]
    pub fn enabled_into(&self, out: &mut Vec<Actor>) {
        out.clear();
        if self.hung {
            return;
        }
        for i in 0..self.subs.len() as u32 {
            if self.is_enabled(Actor::Submitter(i)) {
                out.push(Actor::Submitter(i));
            }
        }
        if self.is_enabled(Actor::Hardware) {
            out.push(Actor::Hardware);
            if self.fetch_enabled() {
                out.push(Actor::Fetch);
            }
            if !self.params.faults.is_off() {
                for f in HwFault::ALL {
                    if self.is_enabled(Actor::Fault(f)) {
                        out.push(Actor::Fault(f));
                    }
                }
            }
        }
    }

    /// Every submitter finished and hardware idle.
    pub fn all_done(&self) -> bool {
        self.ring.hw_idle() && self.subs.iter().all(|s| s.pc == Pc::Finished)
    }

    /// Performs one step of `actor` (which must be enabled) at `step` / `now_ns`.
    #[inline(always)]
    pub fn apply<T: TraceSink>(
        &mut self,
        actor: Actor,
        step: u64,
        now_ns: u64,
        sink: &mut T,
    ) -> StepInfo {
        match actor {
            Actor::Hardware | Actor::Fetch | Actor::Fault(_) => {
                self.tally.hw_steps += 1;
                let kind = self.hw_step(step, actor, sink);
                StepInfo {
                    kind,
                    returned: false,
                }
            }
            Actor::Submitter(i) => self.sub_step(i, step, now_ns, sink),
        }
    }

    /// Hardware completed a descriptor of `label`'s batch: count it if that batch is still the
    /// owner's current one.
    #[inline]
    /// A descriptor of `label`'s batch is invalid (`IQE`): its `-EINVAL` is its own.
    #[cold]
    pub(super) fn invalid(&mut self, label: Label) {
        if let Some(s) = self.subs.get_mut(label.submitter as usize) {
            if s.attempts > 0 && s.attempt() == label.attempt && s.pc != Pc::Finished {
                s.invalid = true;
            }
        }
    }

    pub(super) fn credit(&mut self, label: Label) {
        if let Some(s) = self.subs.get_mut(label.submitter as usize) {
            if s.attempt() == label.attempt && s.pc != Pc::Finished && s.attempts > 0 {
                s.hw_done += 1;
            }
        }
    }

    /// Submitter `i` releases `q_lock`; checks the `free_cnt` invariant. Takes the index, not an
    /// [`Actor`], which wasm32 passes by pointer.
    #[inline]
    pub(super) fn release_lock(&mut self, step: u64, i: u32) {
        self.ring.q_lock = None;
        if !self.invariant_reported && self.ring.free_cnt != self.ring.expected_free_cnt() {
            self.report_free_cnt(step, i);
        }
    }
}

/// Whether a step may read the descriptor in `QI_FREE` slot `k` (of a ring of `len`), or make
/// it live again without rewriting it, as the kernel program's facts (`program::analysis`) tell:
/// - a copy `desc[i] = desc[wait_index]` (the `IQE` repair) reads a polling CPU's own wait
///   descriptor, even from a slot another CPU freed under it (the legacy reclaim); only with
///   fault injection (or a `qi_check_fault` that runs on every poll); any other copy may read
///   any slot;
/// - a `mark` that sets a non-`QI_FREE` status on a CPU's own slots (the legacy mark sets
///   `QI_DONE`) revives one freed under it (a stride-2 `ITE` walk aborts an invalidation slot,
///   which the legacy reclaim frees); one that may write such a status anywhere, any slot.
#[inline]
fn reads_free(params: &Params, subs: &[Submitter], len: u32, k: u32) -> bool {
    let d = &params.dead;
    d.any
        || subs.iter().any(|s| {
            (d.own_wait && s.pc.polling() && s.wait_index == k)
                || d.mark_extra.is_some_and(|extra| {
                    s.pc.before_mark() && (k + len - s.index) % len < s.count + extra
                })
        })
}
