//! A submitter: one CPU running `qi_submit_sync` as a step-level state machine (DESIGN.md
//! section 2). The steps themselves run in [`crate::model::step`], on the [`System`](crate::model::System) that owns the shared ring.

use crate::config::Workload;
// `Pc` and `can_move` live in `pc.rs`; re-exported where they were first defined.
pub use crate::model::pc::{can_move, Pc};
use crate::model::state::Visitor;
use crate::model::types::InvType;
use crate::model::workload::WorkloadGen;
use crate::program::Frame;

/// `-EAGAIN`.
pub const EAGAIN: i32 = -11;
/// `-EINVAL`.
pub const EINVAL: i32 = -22;
/// `-ETIMEDOUT`.
pub const ETIMEDOUT: i32 = -110;

/// The kernel's name of a return code of `qi_submit_sync`.
pub fn errno_name(rc: i32) -> String {
    match rc {
        0 => "0".into(),
        EAGAIN => "-EAGAIN".into(),
        EINVAL => "-EINVAL".into(),
        ETIMEDOUT => "-ETIMEDOUT".into(),
        n => n.to_string(),
    }
}

/// State of one submitter: kernel locals of `qi_submit_sync` plus the bookkeeping the oracles and
/// metrics need.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Submitter {
    pub pc: Pc,
    /// Descriptor count of the current call.
    pub count: u32,
    /// `index`: first slot of the current batch.
    pub index: u32,
    /// `wait_index`: slot of the current wait descriptor.
    pub wait_index: u32,
    /// `rc` of the poll loop.
    pub rc: i32,
    /// Calls returned so far.
    pub submissions_done: u64,
    /// Calls in the workload.
    pub submissions_total: u64,
    /// Batches written so far; the current batch's attempt number is `attempts - 1`.
    pub attempts: u32,
    /// Descriptors of the current attempt hardware has completed (oracle: premature completion).
    pub hw_done: u32,
    /// One of the current attempt's invalidations timed out (`ITE`, device gone): the
    /// oracles of `-ETIMEDOUT` and of retries tell whose time-out a return reports.
    pub timed_out: bool,
    /// A descriptor of the current attempt was invalid (`IQE`).
    pub invalid: bool,
    /// Types of the current batch's invalidation descriptors (drawn at call start).
    pub types: Vec<InvType>,
    /// Step and simulated time at which the current call started (latency).
    pub started_step: u64,
    pub started_ns: u64,
    /// Own steps since the last return (counted only while the watchdog is on).
    pub steps_since_progress: u64,
    pub watchdog_fired: bool,
    pub gen: WorkloadGen,
    /// The kernel program's function suspended at a `writel` (its position and locals), when
    /// `pc` is one of the `In*` steps; empty otherwise.
    pub frame: Frame,
}

impl Clone for Submitter {
    fn clone(&self) -> Self {
        let mut s = Submitter::new(0, 0, &Workload::default());
        s.clone_from(self);
        s
    }

    /// Reuses `types`: the explorer copies a state per transition.
    fn clone_from(&mut self, src: &Self) {
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
            timed_out,
            invalid,
            types,
            started_step,
            started_ns,
            steps_since_progress,
            watchdog_fired,
            gen,
            frame,
        } = src;
        self.pc = *pc;
        self.count = *count;
        self.index = *index;
        self.wait_index = *wait_index;
        self.rc = *rc;
        self.submissions_done = *submissions_done;
        self.submissions_total = *submissions_total;
        self.attempts = *attempts;
        self.hw_done = *hw_done;
        self.timed_out = *timed_out;
        self.invalid = *invalid;
        self.types.clone_from(types);
        self.started_step = *started_step;
        self.started_ns = *started_ns;
        self.steps_since_progress = *steps_since_progress;
        self.watchdog_fired = *watchdog_fired;
        self.gen.clone_from(gen);
        self.frame.clone_from(frame);
    }
}

impl Submitter {
    /// Every field (see [`crate::model::state`]). `count` is dead once finished; the batch's
    /// types are one type repeated (the explorer's workloads have one), kept as that type;
    /// `submissions_total` and the generator are the workload's (a deterministic workload
    /// never draws); the latency stamps and the watchdog's counters are reset (no step of an
    /// exploration reads them: the watchdog is off). The program's frame is part of the state
    /// while a function is suspended: `locals` of the program's most (`None`: no function of
    /// the program can suspend under this config, so no frame is ever part of the state),
    /// `slot_locals` per function (`program::Facts`).
    #[inline]
    pub fn visit<V: Visitor>(&mut self, v: &mut V, locals: Option<usize>, slot_locals: &[u64; 3]) {
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
            timed_out,
            invalid,
            types,
            started_step,
            started_ns,
            steps_since_progress,
            watchdog_fired,
            gen: _,
            frame,
        } = self;
        v.key(pc);
        let finished = *pc == Pc::Finished;
        let dead = pc.before_write();
        v.dead_if(finished, |v| v.key(count));
        v.dead_if(dead, |v| {
            v.slot(index);
            v.slot(wait_index);
            v.key(hw_done);
            v.key(timed_out);
            v.key(invalid);
        });
        v.key(rc);
        v.key(submissions_done);
        v.key(attempts);
        v.kept(submissions_total);
        let mut ty = types.first().copied().unwrap_or(InvType::Iotlb);
        v.kept(&mut ty);
        if let Some(n) = locals {
            let suspended = pc.suspended();
            let slots = suspended.map_or(0, |e| slot_locals[e as usize]);
            frame.visit(v, n, suspended.is_some(), slots);
        }
        if V::WRITES {
            types.clear();
            types.resize(*count as usize, ty);
            *started_step = 0;
            *started_ns = 0;
            *steps_since_progress = 0;
            *watchdog_fired = false;
        }
    }

    /// A submitter about to start its first call.
    pub fn new(seed: u64, i: u32, w: &Workload) -> Self {
        let mut s = Submitter {
            pc: Pc::Finished,
            count: 0,
            index: 0,
            wait_index: 0,
            rc: 0,
            submissions_done: 0,
            submissions_total: w.submissions,
            attempts: 0,
            hw_done: 0,
            timed_out: false,
            invalid: false,
            types: Vec::new(),
            started_step: 0,
            started_ns: 0,
            steps_since_progress: 0,
            watchdog_fired: false,
            gen: WorkloadGen::new(seed, i),
            frame: Frame::default(),
        };
        s.begin_call(w, 0, 0);
        s
    }

    /// Draws the next call's batch, or finishes.
    pub fn begin_call(&mut self, w: &Workload, step: u64, now_ns: u64) {
        if self.submissions_done >= self.submissions_total {
            self.pc = Pc::Finished;
            return;
        }
        self.count = self.gen.count(w, self.submissions_done);
        self.types.clear();
        // One push per descriptor (a batch is short), not `resize`: wasm engines run a fill
        // (`memset`) as a call out of the module.
        let single = WorkloadGen::single_type(w);
        for _ in 0..self.count {
            let t = single.unwrap_or_else(|| self.gen.inv_type(w));
            self.types.push(t);
        }
        self.pc = Pc::Lock;
        self.rc = 0;
        self.started_step = step;
        self.started_ns = now_ns;
    }

    /// Attempt number of the batch currently in the ring.
    #[inline]
    pub fn attempt(&self) -> u32 {
        self.attempts.wrapping_sub(1)
    }
}
