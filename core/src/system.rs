//! The whole modelled system — ring, submitters, hardware engine — and its atomic steps, with the
//! oracles of DESIGN.md section 6 checked as the steps happen.
//!
//! [`System`] knows nothing of schedulers, time or metrics: [`System::apply`] performs one step
//! of one actor and says what it did. The simulator and the exhaustive explorer both drive it.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::{Config, FaultConfig, HardwareMode, InvType, IteWalk, PolicyKind, Workload};
use crate::hardware::{self, HwFault, Processed};
use crate::oracle::{Finding, FindingKind};
use crate::policy::{self, StatusChange};
use crate::ring::fsts;
use crate::ring::{Desc, Label, Ring, Status};
use crate::submitter::{Pc, Submitter, EAGAIN, EINVAL, ETIMEDOUT};
use crate::trace::{Event, Op, TraceSink};
use crate::Actor;

/// Parts of the config the steps need (shared, immutable). The policy, hardware mode and
/// watchdog, read on every step, are plain fields of [`System`] instead.
#[derive(Clone, Debug)]
pub struct Params {
    pub workloads: Vec<Workload>,
    pub faults: FaultConfig,
}

impl Params {
    /// From a validated config.
    pub fn from_config(cfg: &Config) -> Self {
        Params {
            workloads: (0..cfg.submitters as usize)
                .map(|i| cfg.workload_of(i).clone())
                .collect(),
            faults: cfg.faults.clone(),
        }
    }
}

/// What a step was, for costs (timed scheduler) and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Lock {
        handoff: bool,
    },
    CheckSpace {
        ok: bool,
    },
    Unlock,
    /// The final unlock of a call whose wait was aborted: it restarts (`-EAGAIN`).
    Restart,
    Write {
        descs: u32,
    },
    Doorbell,
    Poll {
        done: bool,
    },
    Mark,
    Reclaim,
    HwInv {
        ty: InvType,
    },
    HwWait {
        drain: bool,
    },
    /// Hardware fetched a descriptor ahead (its latency is charged at completion).
    HwFetch,
    /// Hardware stopped with `IQE`/`ITE` (an `ITE` costs the device time-out).
    HwFault {
        fault: HwFault,
    },
    HwIdle,
}

/// A call that returned in this step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Returned {
    pub submitter: u32,
    pub count: u32,
    pub rc: i32,
    pub started_step: u64,
    pub started_ns: u64,
}

/// Result of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepInfo {
    pub kind: StepKind,
    /// A call returned in this step: see [`System::last_return`].
    pub returned: bool,
}

/// Per-submitter step counters, kept by the steps themselves (where the step's kind is already
/// known) rather than re-derived by the driver after every step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepCounters {
    pub lock_acquisitions: u64,
    pub lock_handoffs: u64,
    /// Poll iterations that did not see `QI_DONE`.
    pub spins: u64,
    /// `check_space` failures.
    pub space_retries: u64,
    /// `-EAGAIN` restarts.
    pub restarts: u64,
}

/// The modelled system.
#[derive(Clone, Debug)]
pub struct System {
    pub params: Arc<Params>,
    pub ring: Ring,
    pub subs: Vec<Submitter>,
    /// Findings of the last steps, drained by the driver.
    pub found: Vec<Finding>,
    /// A lockup or deadlock was declared: the run cannot make progress.
    pub halted: bool,
    invariant_reported: bool,
    changes: Vec<StatusChange>,
    /// Derived caches for the random scheduler's fast path (submitters 0..64 only): bit i set
    /// when submitter i can step without `q_lock` / is waiting for `q_lock`. Kept current by
    /// [`System::apply`]; call [`System::refresh_masks`] after changing `subs` by hand.
    pub run_mask: u64,
    pub lock_mask: u64,
    /// Step counters per submitter (metrics; not part of the state).
    pub counters: Vec<StepCounters>,
    /// Scheduled hardware and fault steps taken (metrics; not part of the state).
    pub hw_steps: u64,
    /// The call that returned in the last step whose [`StepInfo::returned`] is set.
    pub last_return: Returned,
    // Config fields read on every step (kept here, not in `params`: no pointer chase).
    pub(crate) policy: PolicyKind,
    pub(crate) hw_async: bool,
    pub(crate) watchdog: u64,
    /// Effective `fetchDepth` (`QI_LENGTH` for no limit).
    pub(crate) fetch_depth: u32,
}

impl PartialEq for System {
    fn eq(&self, o: &Self) -> bool {
        self.ring == o.ring && self.subs == o.subs && self.halted == o.halted
    }
}
impl Eq for System {}

impl Hash for System {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.ring.hash(h);
        self.subs.hash(h);
        self.halted.hash(h);
    }
}

impl System {
    /// Initial state: empty ring, every submitter about to call `qi_submit_sync`.
    pub fn new(cfg: &Config) -> Self {
        let params = Arc::new(Params::from_config(cfg));
        let subs = (0..cfg.submitters)
            .map(|i| Submitter::new(cfg.seed, i, &params.workloads[i as usize]))
            .collect();
        let mut sys = System {
            params,
            ring: Ring::new(cfg.qi_length),
            subs,
            found: Vec::new(),
            halted: false,
            invariant_reported: false,
            changes: Vec::new(),
            run_mask: 0,
            lock_mask: 0,
            counters: vec![StepCounters::default(); cfg.submitters as usize],
            hw_steps: 0,
            last_return: Returned {
                submitter: 0,
                count: 0,
                rc: 0,
                started_step: 0,
                started_ns: 0,
            },
            policy: cfg.policy,
            hw_async: cfg.hardware == HardwareMode::Async,
            watchdog: cfg.watchdog,
            fetch_depth: cfg.effective_fetch_depth(),
        };
        sys.refresh_masks();
        sys
    }

    /// Recomputes [`System::run_mask`] and [`System::lock_mask`] from the submitters.
    pub fn refresh_masks(&mut self) {
        self.run_mask = 0;
        self.lock_mask = 0;
        for i in 0..self.subs.len().min(64) {
            self.update_mask(i);
        }
    }

    #[inline]
    fn update_mask(&mut self, i: usize) {
        if i >= 64 {
            return;
        }
        let bit = 1u64 << i;
        let pc = self.subs[i].pc;
        let needs_lock = pc.needs_lock();
        let runs = (pc != Pc::Finished) & !needs_lock;
        self.run_mask = (self.run_mask & !bit) | (u64::from(runs) << i);
        self.lock_mask = (self.lock_mask & !bit) | (u64::from(needs_lock) << i);
    }

    /// Whether the hardware engine can take a step now (every hardware step needs this: a
    /// fetch or a fault implies the engine can complete). Separate from
    /// [`System::is_enabled`] for the scheduler's per-step check: the wasm32 build did not
    /// inline `is_enabled` there and passed the `Actor` through memory (8-byte enums go by
    /// pointer in the wasm32 Rust ABI).
    #[inline(always)]
    pub fn hw_enabled(&self) -> bool {
        self.hw_async && hardware::can_complete(&self.ring)
    }

    /// Whether the hardware engine can fetch a descriptor ahead now.
    #[inline(always)]
    pub fn fetch_enabled(&self) -> bool {
        self.hw_async && hardware::can_fetch(&self.ring, self.fetch_depth)
    }

    /// Whether `actor` can take a step now.
    #[inline]
    pub fn is_enabled(&self, actor: Actor) -> bool {
        match actor {
            Actor::Hardware => self.hw_enabled(),
            Actor::Fetch => self.fetch_enabled(),
            Actor::Fault(f) => {
                let budget = self.params.faults.max_faults;
                self.hw_async
                    && self.params.faults.rate(f) > 0.0
                    && (budget == 0 || self.ring.faults < budget)
                    && hardware::fault_applies(
                        &self.ring,
                        f,
                        self.fetch_depth,
                        self.params.faults.ite_all_fetched,
                    )
            }
            // Non-short-circuit `&`/`|`: the scheduler's choice is random, so branches on the
            // chosen submitter's state would mispredict.
            Actor::Submitter(i) => self.subs.get(i as usize).is_some_and(|s| {
                (s.pc != Pc::Finished) & (!s.pc.needs_lock() | self.ring.q_lock.is_none())
            }),
        }
    }

    /// Enabled actors in a fixed order: submitters by index, then the hardware engine
    /// (`Hardware`, `Fetch`, then the faults; `Hardware` is enabled whenever any of them is).
    #[inline]
    pub fn enabled_into(&self, out: &mut Vec<Actor>) {
        out.clear();
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

    fn report(
        &mut self,
        kind: FindingKind,
        step: u64,
        actor: Actor,
        sub: Option<u32>,
        slot: Option<u32>,
        message: String,
    ) {
        self.found.push(Finding {
            kind,
            step,
            actor,
            submitter: sub,
            slot,
            message,
        });
    }

    fn own_wait_label(s: &Submitter, i: u32) -> Label {
        Label {
            submitter: i,
            attempt: s.attempt(),
            part: s.count,
            count: s.count,
        }
    }

    /// Submitter `i` releases `q_lock`; checks the `free_cnt` invariant. Takes the index, not an
    /// [`Actor`]: an 8-byte enum argument goes through the shadow stack in the wasm32 Rust ABI.
    #[inline]
    fn release_lock(&mut self, step: u64, i: u32) {
        self.ring.q_lock = None;
        if !self.invariant_reported && self.ring.free_cnt != self.ring.expected_free_cnt() {
            self.report_free_cnt(step, i);
        }
    }

    #[cold]
    #[inline(never)]
    fn report_free_cnt(&mut self, step: u64, i: u32) {
        self.invariant_reported = true;
        let r = &self.ring;
        let msg = format!(
            "free_cnt is {} but QI_LENGTH - ((free_head {} - free_tail {}) mod QI_LENGTH) is {}",
            r.free_cnt,
            r.free_head,
            r.free_tail,
            r.expected_free_cnt()
        );
        let actor = Actor::Submitter(i);
        self.report(FindingKind::FreeCntInvariant, step, actor, None, None, msg);
    }

    /// Oracle checks and trace events for the status changes a software step made. Inlined
    /// into the mark and reclaim steps (a call per step there showed in wasm profiles); indexed
    /// rather than `mem::take`n, as only the oracle's cold report needs `&mut self`.
    #[inline(always)]
    fn software_changes<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) {
        for k in 0..self.changes.len() {
            let c = &self.changes[k];
            if T::ON {
                sink.push(Event {
                    step,
                    actor: Actor::Submitter(i),
                    op: Op::Status {
                        slot: c.slot,
                        before: c.before,
                        after: c.after,
                        hw: false,
                        label: self.ring.desc[c.slot as usize].label(),
                    },
                });
            }
            if c.after != Status::Free || !matches!(c.before, Status::Done | Status::Abort) {
                continue;
            }
            let (submitter, attempt) = match &self.ring.desc[c.slot as usize] {
                Desc::Wait { label, .. } => (label.submitter, label.attempt),
                _ => continue,
            };
            if submitter == i {
                continue;
            }
            let owner = &self.subs[submitter as usize];
            let pending = owner.attempt() == attempt
                && matches!(
                    owner.pc,
                    Pc::Doorbell | Pc::Poll | Pc::PollUnlock | Pc::PollLock
                );
            if pending {
                self.report_lost_completion(i, step, k);
            }
        }
        self.changes.clear();
    }

    /// The lost-completion oracle fired: submitter `i` freed another's pending wait (the
    /// status change `changes[k]`).
    #[cold]
    #[inline(never)]
    fn report_lost_completion(&mut self, i: u32, step: u64, k: usize) {
        let c = self.changes[k];
        let Some(label) = self.ring.desc[c.slot as usize].label() else {
            return;
        };
        let msg = format!(
            "{} (T{}'s wait, slot {}) was {} but T{} set it QI_FREE before T{} saw it",
            label.name(),
            label.submitter + 1,
            c.slot,
            c.before.name(),
            i + 1,
            label.submitter + 1
        );
        self.report(
            FindingKind::LostCompletion,
            step,
            Actor::Submitter(i),
            Some(label.submitter),
            Some(c.slot),
            msg,
        );
    }

    /// Stuck (DESIGN.md section 6, lockup): hardware cannot move and every submitter that has
    /// not finished spins in a loop it can never leave: polling a wait slot that is neither
    /// `QI_DONE` nor `QI_ABORT` (with no fault bit its `qi_check_fault` would act on), or
    /// retrying `check_space` with `free_cnt < count + 2`. Only those spins are left, and they
    /// change nothing, so a stuck state stays stuck: some call never returns. The one
    /// definition of a lockup, for the simulator's oracle and the explorer alike. Requires at
    /// least one unfinished submitter.
    pub fn stuck(&self) -> bool {
        if self.hw_enabled() {
            return false;
        }
        let r = &self.ring;
        let mut any = false;
        for s in &self.subs {
            match s.pc {
                Pc::Finished => {}
                pc if pc.polling() => {
                    let st = r.desc_status[s.wait_index as usize];
                    if matches!(st, Status::Done | Status::Abort) {
                        return false;
                    }
                    // qi_check_fault will clear ITE, or repair an IQE at this batch's `index`.
                    if r.fsts & fsts::ITE != 0 || (r.fsts & fsts::IQE != 0 && r.iqh == s.index) {
                        return false;
                    }
                    any = true;
                }
                Pc::Lock | Pc::CheckSpace | Pc::SpaceUnlock => {
                    if r.free_cnt >= s.count + 2 {
                        return false;
                    }
                    any = true;
                }
                _ => return false,
            }
        }
        any
    }

    /// The lockup oracle, run by a spinning submitter (a poll that did not see `QI_DONE`, a
    /// failed `check_space`): if the system is [`System::stuck`], reports every unfinished
    /// submitter and halts.
    fn check_lockup(&mut self, step: u64, actor: Actor) {
        if self.halted || !self.stuck() {
            return;
        }
        self.report_lockup(step, actor);
    }

    #[cold]
    #[inline(never)]
    fn report_lockup(&mut self, step: u64, actor: Actor) {
        let r = &self.ring;
        let why = if r.fsts & fsts::IQE != 0 {
            format!(
                "hardware is stopped by IQE at slot {}, which is no waiting submitter's `index`, so no qi_check_fault clears it",
                r.iqh
            )
        } else {
            "hardware is idle and no other CPU can write it".to_string()
        };
        let tail = r.free_tail;
        let tail_holds = format!(
            "{} {}",
            r.desc[tail as usize]
                .label()
                .map_or_else(|| "nothing".to_string(), |l| l.name()),
            r.desc_status[tail as usize].name()
        );
        let mut found = Vec::new();
        for (k, s) in self.subs.iter().enumerate() {
            let k = k as u32;
            let (slot, msg) = match s.pc {
                Pc::Finished => continue,
                pc if pc.polling() => {
                    let w = s.wait_index;
                    let msg = format!(
                        "T{} polls {} (slot {}), which is {}; {}: soft lockup",
                        k + 1,
                        Self::own_wait_label(s, k).name(),
                        w,
                        r.desc_status[w as usize].name(),
                        why
                    );
                    (Some(w), msg)
                }
                _ => {
                    let msg = format!(
                        "T{} waits for ring space forever: free_cnt {} < count + 2 = {}, and free_tail stops at slot {} ({}), which no CPU will free: soft lockup",
                        k + 1,
                        r.free_cnt,
                        s.count + 2,
                        tail,
                        tail_holds
                    );
                    (Some(tail), msg)
                }
            };
            found.push((k, slot, msg));
        }
        for (k, slot, msg) in found {
            self.report(FindingKind::Lockup, step, actor, Some(k), slot, msg);
        }
        self.halted = true;
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
                self.hw_steps += 1;
                let kind = self.hw_step(step, actor, sink);
                StepInfo {
                    kind,
                    returned: false,
                }
            }
            Actor::Submitter(i) => {
                let info = self.sub_step(i, step, now_ns, sink);
                self.update_mask(i as usize);
                info
            }
        }
    }

    // The hardware, write and poll steps are inlined into `apply`: the wasm32 build did not
    // inline them and returned their `StepKind` through the shadow stack, a call and a memory
    // round trip on every step in V8.
    #[inline(always)]
    fn hw_step<T: TraceSink>(&mut self, step: u64, actor: Actor, sink: &mut T) -> StepKind {
        let p = match actor {
            Actor::Fetch => hardware::fetch(&mut self.ring, false),
            Actor::Fault(HwFault::Iqe) => hardware::fetch(&mut self.ring, true),
            Actor::Fault(f) => hardware::complete(&mut self.ring, Some(f)),
            _ => hardware::complete(&mut self.ring, None),
        };
        match p {
            Processed::Idle => StepKind::HwIdle,
            Processed::Fetched { slot, label } => {
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::HwFetch { slot, label },
                    });
                }
                StepKind::HwFetch
            }
            Processed::Invalid { slot, label } => {
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::HwFault {
                            slot,
                            fault: HwFault::Iqe,
                            label,
                        },
                    });
                }
                StepKind::HwFault {
                    fault: HwFault::Iqe,
                }
            }
            Processed::TimedOut { slot, label, gone } => {
                let fault = if gone { HwFault::Gone } else { HwFault::Ite };
                self.time_out(step, actor, slot, label, fault, sink);
                StepKind::HwFault { fault }
            }
            Processed::Empty { slot } => {
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::HwInv { slot, label: None },
                    });
                }
                StepKind::HwIdle
            }
            Processed::Inv {
                slot,
                ty,
                label,
                ice,
            } => {
                self.credit(label);
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::HwInv {
                            slot,
                            label: Some(label),
                        },
                    });
                    if ice {
                        sink.push(Event {
                            step,
                            actor,
                            op: Op::HwFault {
                                slot,
                                fault: HwFault::Ice,
                                label: Some(label),
                            },
                        });
                    }
                }
                StepKind::HwInv { ty }
            }
            Processed::Wait {
                slot,
                status_addr,
                sw,
                drain,
                label,
                before,
            } => {
                // Ownership is judged before the write: it is what the write lands on.
                let owned = self.owns_wait_slot(status_addr, label);
                self.credit(label);
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::HwWait {
                            slot,
                            label: Some(label),
                        },
                    });
                    if sw {
                        sink.push(Event {
                            step,
                            actor,
                            op: Op::Status {
                                slot: status_addr,
                                before,
                                after: Status::Done,
                                hw: true,
                                label: Some(label),
                            },
                        });
                    }
                }
                if sw && !owned {
                    self.report_stray_write(step, actor, status_addr, label, before);
                }
                StepKind::HwWait { drain }
            }
        }
    }

    /// True while `slot` still belongs to the wait descriptor `label`: it holds that
    /// descriptor and its owner has neither marked the slot nor returned (DESIGN.md section 6).
    /// The legacy mark leaves the wait slot alone, so there the owner keeps it until it
    /// returns (or restarts). A second `QI_DONE` for the same wait before that (after an `IQE`
    /// repair its copy completes too) is not stray.
    #[inline]
    fn owns_wait_slot(&self, slot: u32, label: Label) -> bool {
        let marks_wait = policy::marks_wait_slot(self.policy);
        self.ring.desc[slot as usize].label() == Some(label)
            && self.subs.get(label.submitter as usize).is_some_and(|o| {
                o.attempts > 0
                    && o.attempt() == label.attempt
                    && match o.pc {
                        Pc::Doorbell | Pc::Poll | Pc::PollUnlock | Pc::PollLock | Pc::Mark => true,
                        Pc::Reclaim => !marks_wait,
                        // The final unlock returns or restarts in the same step.
                        _ => false,
                    }
            })
    }

    /// `ITE` at the pending device-TLB invalidation at `slot` (VT-d spec 6.5.2.11): it does
    /// not complete; every wait descriptor pending behind it is aborted (never writes its
    /// status) and the pending invalidations complete.
    #[cold]
    #[inline(never)]
    fn time_out<T: TraceSink>(
        &mut self,
        step: u64,
        actor: Actor,
        slot: u32,
        label: Option<Label>,
        fault: HwFault,
        sink: &mut T,
    ) {
        if T::ON {
            sink.push(Event {
                step,
                actor,
                op: Op::HwFault { slot, fault, label },
            });
        }
        let mut rest = Vec::new();
        hardware::take_pending(&mut self.ring, &mut rest);
        for (slot, d) in rest {
            match d {
                Desc::Wait { label, .. } => {
                    if T::ON {
                        sink.push(Event {
                            step,
                            actor,
                            op: Op::HwAbort {
                                slot,
                                label: Some(label),
                            },
                        });
                    }
                }
                Desc::Inv { label, .. } => {
                    self.credit(label);
                    if T::ON {
                        sink.push(Event {
                            step,
                            actor,
                            op: Op::HwInv {
                                slot,
                                label: Some(label),
                            },
                        });
                    }
                }
                Desc::Empty => {}
            }
        }
    }

    /// Stray-write oracle: hardware wrote `QI_DONE` for `label` into `slot`, which holds
    /// another descriptor (its status was `before`).
    #[cold]
    #[inline(never)]
    fn report_stray_write(
        &mut self,
        step: u64,
        actor: Actor,
        slot: u32,
        label: Label,
        before: Status,
    ) {
        let occupant = self.ring.desc[slot as usize].label();
        let msg = if occupant == Some(label) {
            let owner = &self.subs[label.submitter as usize];
            let state = if owner.attempt() == label.attempt && owner.pc != Pc::Finished {
                format!("is at `{}`", owner.pc.name())
            } else {
                "has returned".to_string()
            };
            format!(
                "hardware wrote QI_DONE for {} into slot {} (status {}), but T{} already marked its slots and {}: the slot is no longer its",
                label.name(),
                slot,
                before.name(),
                label.submitter + 1,
                state
            )
        } else {
            format!(
                "hardware wrote QI_DONE for {} into slot {}, which holds {} with status {}",
                label.name(),
                slot,
                occupant
                    .map(|l| l.name())
                    .unwrap_or_else(|| "nothing".into()),
                before.name()
            )
        };
        self.report(
            FindingKind::StrayStatusWrite,
            step,
            actor,
            Some(label.submitter),
            Some(slot),
            msg,
        );
    }

    /// Hardware completed a descriptor of `label`'s batch: count it if that batch is still the
    /// owner's current one.
    #[inline]
    fn credit(&mut self, label: Label) {
        if let Some(s) = self.subs.get_mut(label.submitter as usize) {
            if s.attempt() == label.attempt && s.pc != Pc::Finished && s.attempts > 0 {
                s.hw_done += 1;
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn watchdog_fires(&mut self, i: u32, step: u64) {
        let s = &mut self.subs[i as usize];
        s.watchdog_fired = true;
        let msg = format!(
            "T{} made no progress for {} of its own steps (at `{}`)",
            i + 1,
            self.watchdog,
            s.pc.name()
        );
        let slot = s.pc.polling().then_some(s.wait_index);
        self.report(
            FindingKind::SuspectedLockup,
            step,
            Actor::Submitter(i),
            Some(i),
            slot,
            msg,
        );
    }

    #[inline(always)]
    fn sub_step<T: TraceSink>(&mut self, i: u32, step: u64, now_ns: u64, sink: &mut T) -> StepInfo {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        if self.watchdog != 0 {
            let s = &mut self.subs[iu];
            s.steps_since_progress += 1;
            if s.steps_since_progress == self.watchdog && !s.watchdog_fired {
                self.watchdog_fires(i, step);
            }
        }
        let mut returned = false;
        let pc = self.subs[iu].pc;
        let kind = match pc {
            Pc::Lock | Pc::PollLock => {
                debug_assert!(self.ring.q_lock.is_none());
                let handoff = self.ring.last_lock_owner.is_some_and(|o| o != i);
                let c = &mut self.counters[iu];
                c.lock_acquisitions += 1;
                c.lock_handoffs += u64::from(handoff);
                self.ring.q_lock = Some(i);
                self.ring.last_lock_owner = Some(i);
                self.subs[iu].pc = if pc == Pc::Lock {
                    Pc::CheckSpace
                } else {
                    Pc::Poll
                };
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Lock { handoff },
                    });
                }
                StepKind::Lock { handoff }
            }
            Pc::CheckSpace => {
                let need = self.subs[iu].count + 2;
                let ok = self.ring.free_cnt >= need;
                self.counters[iu].space_retries += u64::from(!ok);
                self.subs[iu].pc = if ok { Pc::Write } else { Pc::SpaceUnlock };
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::CheckSpace {
                            free_cnt: self.ring.free_cnt,
                            need,
                            ok,
                        },
                    });
                }
                if !ok && !self.hw_enabled() {
                    self.check_lockup(step, actor);
                }
                StepKind::CheckSpace { ok }
            }
            Pc::SpaceUnlock | Pc::PollUnlock => {
                self.subs[iu].pc = if pc == Pc::SpaceUnlock {
                    Pc::Lock
                } else {
                    Pc::PollLock
                };
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Unlock,
                    });
                }
                self.release_lock(step, i);
                StepKind::Unlock
            }
            Pc::Write => self.write(i, step, sink),
            Pc::Doorbell => {
                self.ring.iqt = self.ring.free_head;
                self.subs[iu].pc = Pc::Poll;
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Doorbell { iqt: self.ring.iqt },
                    });
                }
                if !self.hw_async {
                    // QEMU: the MMIO write traps and the whole queue is processed before the
                    // write returns, with the submitter still holding q_lock.
                    while hardware::can_complete(&self.ring) {
                        self.hw_step(step, Actor::Hardware, sink);
                    }
                }
                StepKind::Doorbell
            }
            Pc::Poll => self.poll(i, step, sink),
            Pc::Mark => {
                let (index, count) = (self.subs[iu].index, self.subs[iu].count);
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Mark { index, count },
                    });
                }
                policy::mark(self.policy, &mut self.ring, index, count, &mut self.changes);
                self.software_changes(i, step, sink);
                self.subs[iu].pc = Pc::Reclaim;
                StepKind::Mark
            }
            Pc::Reclaim => {
                let from = self.ring.free_tail;
                policy::reclaim(self.policy, &mut self.ring, &mut self.changes);
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Reclaim {
                            from,
                            to: self.ring.free_tail,
                        },
                    });
                }
                self.software_changes(i, step, sink);
                self.subs[iu].pc = Pc::Unlock;
                StepKind::Reclaim
            }
            Pc::Unlock => {
                if T::ON {
                    sink.push(Event {
                        step,
                        actor,
                        op: Op::Unlock,
                    });
                }
                self.release_lock(step, i);
                let s = &self.subs[iu];
                if s.rc == EAGAIN {
                    // Restart the whole submission with the same batch.
                    let s = &mut self.subs[iu];
                    s.pc = Pc::Lock;
                    s.rc = 0;
                    self.counters[iu].restarts += 1;
                    StepKind::Restart
                } else {
                    self.last_return = self.finish_call(i, step, now_ns, sink);
                    returned = true;
                    StepKind::Unlock
                }
            }
            Pc::Finished => StepKind::HwIdle,
        };
        StepInfo { kind, returned }
    }

    /// Inlined into the unlock step: out of line, the wasm32 build returned [`Returned`] through
    /// the shadow stack.
    #[inline(always)]
    fn finish_call<T: TraceSink>(
        &mut self,
        i: u32,
        step: u64,
        now_ns: u64,
        sink: &mut T,
    ) -> Returned {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let (count, rc, hw_done, started_step, started_ns) = {
            let s = &self.subs[iu];
            (s.count, s.rc, s.hw_done, s.started_step, s.started_ns)
        };
        if T::ON {
            sink.push(Event {
                step,
                actor,
                op: Op::Return {
                    rc,
                    latency_steps: step + 1 - started_step,
                },
            });
        }
        if rc == 0 && hw_done < count + 1 {
            self.report_premature(i, step, hw_done, count);
        }
        let w = &self.params.workloads[iu];
        let s = &mut self.subs[iu];
        s.submissions_done += 1;
        s.steps_since_progress = 0;
        s.watchdog_fired = false;
        s.hw_done = 0;
        s.begin_call(w, step + 1, now_ns + w.think_ns);
        Returned {
            submitter: i,
            count,
            rc,
            started_step,
            started_ns,
        }
    }

    /// Premature-completion oracle: submitter `i` returned 0 with only `hw_done` of its
    /// `count + 1` descriptors completed.
    #[cold]
    #[inline(never)]
    fn report_premature(&mut self, i: u32, step: u64, hw_done: u32, count: u32) {
        let msg = format!(
            "T{} returned 0 but hardware had completed only {} of its {} descriptors (the invalidation is not done: DMA to freed memory)",
            i + 1,
            hw_done,
            count + 1
        );
        let slot = Some(self.subs[i as usize].index);
        let actor = Actor::Submitter(i);
        self.report(
            FindingKind::PrematureCompletion,
            step,
            actor,
            Some(i),
            slot,
            msg,
        );
    }

    /// Step 3 (inlined into `apply`, like [`System::hw_step`]).
    #[inline(always)]
    fn write<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> StepKind {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let count = self.subs[iu].count;
        let drain = self.params.workloads[iu].drain;
        let index = self.ring.free_head;
        let wait_index = self.ring.add(index, count);
        let attempt = self.subs[iu].attempts;
        {
            let s = &mut self.subs[iu];
            s.attempts += 1;
            s.hw_done = 0;
            s.index = index;
            s.wait_index = wait_index;
        }
        if T::ON {
            sink.push(Event {
                step,
                actor,
                op: Op::Write {
                    index,
                    count,
                    wait_index,
                },
            });
        }
        for part in 0..=count {
            let slot = self.ring.add(index, part);
            let label = Label {
                submitter: i,
                attempt,
                part,
                count,
            };
            if self.ring.unfetched(slot) {
                self.report_overrun(step, slot, label);
            }
            self.ring.desc[slot as usize] = if part == count {
                Desc::Wait {
                    status_addr: wait_index,
                    sw: true,
                    drain,
                    label,
                }
            } else {
                Desc::Inv {
                    ty: self.subs[iu].types[part as usize],
                    label,
                }
            };
            // Writing QI_IN_USE can lose nobody's completion: only the trace needs to see it.
            let before =
                std::mem::replace(&mut self.ring.desc_status[slot as usize], Status::InUse);
            if T::ON {
                sink.push(Event {
                    step,
                    actor,
                    op: Op::Status {
                        slot,
                        before,
                        after: Status::InUse,
                        hw: false,
                        label: Some(label),
                    },
                });
            }
        }
        self.ring.free_head = self.ring.add(index, count + 1);
        self.ring.free_cnt = self.ring.free_cnt.wrapping_sub(count + 1);
        self.subs[iu].pc = Pc::Doorbell;
        StepKind::Write { descs: count + 1 }
    }

    /// Overrun oracle: `label` is being written into `slot`, which hardware has not fetched.
    /// Out of line: its formatting needs `label` in memory, which slowed every write.
    #[cold]
    #[inline(never)]
    fn report_overrun(&mut self, step: u64, slot: u32, label: Label) {
        let old = self.ring.desc[slot as usize].label();
        let msg = format!(
            "T{} wrote {} into slot {}, which is in IQH..IQT ({}..{}) and still holds unfetched {}",
            label.submitter + 1,
            label.name(),
            slot,
            self.ring.iqh,
            self.ring.iqt,
            old.map(|l| l.name()).unwrap_or_else(|| "nothing".into())
        );
        self.report(
            FindingKind::Overrun,
            step,
            Actor::Submitter(label.submitter),
            old.map(|l| l.submitter),
            Some(slot),
            msg,
        );
    }

    /// Step 5 (inlined into `apply`, like [`System::hw_step`]).
    #[inline(always)]
    fn poll<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> StepKind {
        let actor = Actor::Submitter(i);
        let iu = i as usize;
        let w = self.subs[iu].wait_index;
        let status = self.ring.desc_status[w as usize];
        let done = status == Status::Done;
        self.counters[iu].spins += u64::from(!done);
        if T::ON {
            sink.push(Event {
                step,
                actor,
                op: Op::Poll {
                    wait_index: w,
                    status,
                    done,
                    label: Self::own_wait_label(&self.subs[iu], i),
                },
            });
        }
        // qi_check_fault only acts on an aborted wait or a fault bit: skip the call otherwise
        // (every spin of the poll loop gets here).
        let faulted = status == Status::Abort || self.ring.fsts != 0;
        let rc = if !done && faulted {
            self.qi_check_fault(i, step, sink)
        } else {
            0
        };
        if T::ON && rc != 0 {
            sink.push(Event {
                step,
                actor,
                op: Op::CheckFault { rc },
            });
        }
        if done {
            let own = Self::own_wait_label(&self.subs[iu], i);
            if self.ring.desc[w as usize].label() != Some(own) {
                self.report_stale_wakeup(i, step, w, own);
            }
            self.subs[iu].pc = Pc::Mark;
        } else if rc != 0 {
            self.subs[iu].rc = rc;
            self.subs[iu].pc = Pc::Mark;
        } else {
            self.subs[iu].pc = Pc::PollUnlock;
            if !self.hw_enabled() {
                self.check_lockup(step, actor);
            }
        }
        StepKind::Poll { done }
    }

    /// Stale-wake-up oracle: submitter `i` saw `QI_DONE` in slot `w`, which no longer holds its
    /// wait descriptor `own`.
    #[cold]
    #[inline(never)]
    fn report_stale_wakeup(&mut self, i: u32, step: u64, w: u32, own: Label) {
        let occupant = self.ring.desc[w as usize].label();
        let msg = format!(
            "T{} woke on QI_DONE in slot {}, which now holds {}, not its {}",
            i + 1,
            w,
            occupant
                .map(|l| l.name())
                .unwrap_or_else(|| "nothing".into()),
            own.name()
        );
        let actor = Actor::Submitter(i);
        self.report(FindingKind::StaleWakeup, step, actor, Some(i), Some(w), msg);
    }

    /// `qi_check_fault()` of `dmar.c`, run by submitter `i` from its poll loop with `q_lock`
    /// held (DESIGN.md section 4). Returns the `rc` that ends the poll loop (0: keep polling).
    fn qi_check_fault<T: TraceSink>(&mut self, i: u32, step: u64, sink: &mut T) -> i32 {
        let actor = Actor::Submitter(i);
        let (index, wait_index) = {
            let s = &self.subs[i as usize];
            (s.index, s.wait_index)
        };
        let len = self.ring.qi_length;
        if self.ring.desc_status[wait_index as usize] == Status::Abort {
            return EAGAIN;
        }
        let fault = self.ring.fsts;
        // IQE: IQH points at the bad descriptor; only the submitter whose batch starts there
        // repairs it, with a copy of its own wait descriptor.
        if fault & fsts::IQE != 0 && self.ring.iqh == index {
            let copy = self.ring.desc[wait_index as usize];
            self.ring.desc[index as usize] = copy;
            self.ring.fsts &= !fsts::IQE;
            if T::ON {
                sink.push(Event {
                    step,
                    actor,
                    op: Op::IqeRepair {
                        slot: index,
                        wait_index,
                    },
                });
            }
            return EINVAL;
        }
        if fault & fsts::ITE != 0 {
            let stride = match self.params.faults.ite_walk {
                IteWalk::Stride2 => 2,
                IteWalk::Stride1 => 1,
            };
            let mut head = (self.ring.iqh + len - 1) % len;
            if stride == 2 {
                head |= 1;
            }
            let tail = (self.ring.iqt + len - 1) % len;
            let from = head;
            // ITE is cleared before the walk, as the kernel does; IQER's ITESID was read first.
            self.ring.fsts &= !fsts::ITE;
            let gone = std::mem::take(&mut self.ring.ite_gone);
            let mut terminated = false;
            // do { ... } while (head != tail): bounded here; the kernel's loop is not.
            for _ in 0..len {
                if self.ring.desc_status[head as usize] == Status::InUse {
                    policy::set_status(&mut self.ring, head, Status::Abort, &mut self.changes);
                }
                head = (head + len - stride) % len;
                if head == tail {
                    terminated = true;
                    break;
                }
            }
            if T::ON {
                sink.push(Event {
                    step,
                    actor,
                    op: Op::IteWalk {
                        from,
                        to: tail,
                        stride,
                        terminated,
                    },
                });
            }
            self.software_changes(i, step, sink);
            if !terminated {
                let msg = format!(
                    "T{} runs the ITE walk from slot {} in steps of -{} but never reaches IQT - 1 = {}: qi_check_fault loops forever with q_lock held (hard lockup)",
                    i + 1,
                    from,
                    stride,
                    tail
                );
                self.report(FindingKind::WalkLoop, step, actor, Some(i), Some(tail), msg);
                self.halted = true;
                return 0;
            }
            // The device-gone branch: no retry, whether or not this wait was aborted.
            if gone {
                return ETIMEDOUT;
            }
            if self.ring.desc_status[wait_index as usize] == Status::Abort {
                return EAGAIN;
            }
        }
        if fault & fsts::ICE != 0 {
            self.ring.fsts &= !fsts::ICE;
            if T::ON {
                sink.push(Event {
                    step,
                    actor,
                    op: Op::ClearIce,
                });
            }
        }
        0
    }
}

/// A submitter as shown to visualisers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitterView {
    pub pc: Pc,
    /// Kernel name of the next step.
    pub step_name: String,
    pub count: u32,
    pub index: u32,
    pub wait_index: u32,
    pub rc: i32,
    pub submissions_done: u64,
    pub submissions_total: u64,
    pub attempt: u32,
    pub holds_lock: bool,
    pub enabled: bool,
}

/// Everything a visualiser needs after any step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateView {
    pub step: u64,
    pub time_ns: u64,
    pub qi_length: u32,
    pub desc_status: Vec<Status>,
    pub desc: Vec<Desc>,
    pub free_head: u32,
    pub free_tail: u32,
    pub free_cnt: u32,
    pub q_lock: Option<u32>,
    pub iqh: u32,
    pub iqt: u32,
    /// Descriptors `pendingFrom..iqh` are fetched and pending in hardware.
    pub pending_from: u32,
    pub fsts: u8,
    /// The last `ITE`'s device is gone (`qi_check_fault` will return `-ETIMEDOUT`).
    pub ite_gone: bool,
    pub hw_enabled: bool,
    pub submitters: Vec<SubmitterView>,
}

impl System {
    /// Snapshot for visualisers.
    pub fn view(&self, step: u64, time_ns: u64) -> StateView {
        let r = &self.ring;
        StateView {
            step,
            time_ns,
            qi_length: r.qi_length,
            desc_status: r.desc_status.clone(),
            desc: r.desc.clone(),
            free_head: r.free_head,
            free_tail: r.free_tail,
            free_cnt: r.free_cnt,
            q_lock: r.q_lock,
            iqh: r.iqh,
            iqt: r.iqt,
            pending_from: r.pending_from,
            fsts: r.fsts,
            ite_gone: r.ite_gone,
            hw_enabled: self.is_enabled(Actor::Hardware),
            submitters: self
                .subs
                .iter()
                .enumerate()
                .map(|(k, s)| SubmitterView {
                    pc: s.pc,
                    step_name: s.pc.name().to_string(),
                    count: s.count,
                    index: s.index,
                    wait_index: s.wait_index,
                    rc: s.rc,
                    submissions_done: s.submissions_done,
                    submissions_total: s.submissions_total,
                    attempt: s.attempt(),
                    holds_lock: r.q_lock == Some(k as u32),
                    enabled: self.is_enabled(Actor::Submitter(k as u32)),
                })
                .collect(),
        }
    }
}
