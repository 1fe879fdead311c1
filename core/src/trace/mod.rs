//! The event trace (DESIGN.md section 5): events, the sinks steps emit them into, and (in
//! `timeline.rs`) their column-timeline rendering.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::hash::StableHasher;
use crate::model::FindingKind;
use crate::model::{Label, Status};
use crate::Actor;

mod pieces;
mod rows;
mod timeline;

pub use pieces::PartKind;
pub use rows::{rows, Row, RowPart};
pub use timeline::{render_timeline, timeline_lines};

/// What happened in one event. A step produces one operation event followed by the status
/// changes it caused and any findings it revealed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Op {
    /// Took `q_lock` (`handoff`: the previous owner was another submitter).
    Lock { handoff: bool },
    /// `free_cnt < count + 2` check.
    CheckSpace { free_cnt: u32, need: u32, ok: bool },
    /// Wrote the batch at `index..=wait_index`.
    Write {
        index: u32,
        count: u32,
        wait_index: u32,
    },
    /// `IQT = free_head`.
    Doorbell { iqt: u32 },
    /// Read `desc_status[wait_index]` (a `CheckFault` event follows when `qi_check_fault` ends
    /// the loop).
    Poll {
        wait_index: u32,
        status: Status,
        done: bool,
        /// The poller's own wait descriptor (what it waits for, whatever the slot holds now).
        label: Label,
    },
    /// Released `q_lock`.
    Unlock,
    /// Step 7 over `count + 1` slots from `index`.
    Mark { index: u32, count: u32 },
    /// Step 8: `free_tail` moved from `from` to `to`.
    Reclaim { from: u32, to: u32 },
    /// `qi_submit_sync` returned `rc` (`-EAGAIN` restarts instead).
    Return { rc: i32, latency_steps: u64 },
    /// Hardware fetched the descriptor at `slot` ahead (it is pending until completed).
    HwFetch { slot: u32, label: Option<Label> },
    /// Hardware completed the invalidation descriptor at `slot`.
    HwInv { slot: u32, label: Option<Label> },
    /// Hardware completed the wait descriptor at `slot`.
    HwWait { slot: u32, label: Option<Label> },
    /// `ITE` aborted the pending wait descriptor at `slot`: it never writes its status.
    HwAbort { slot: u32, label: Option<Label> },
    /// `desc_status[slot]` changed; `hw` marks hardware writes (`*` in timelines); `label` is the
    /// descriptor the status belongs to (the writer's, for hardware writes).
    Status {
        slot: u32,
        before: Status,
        after: Status,
        hw: bool,
        label: Option<Label>,
    },
    /// Hardware stopped at `slot` with a fault (`IQE` at fetch; `ITE`, or `ITE` with the device
    /// gone, at the completion of a pending device-TLB invalidation), or raised `ICE` there.
    HwFault {
        slot: u32,
        fault: crate::model::HwFault,
        label: Option<Label>,
    },
    /// `qi_check_fault` found a fault and returned `rc` (ends the poll loop).
    CheckFault { rc: i32 },
    /// `desc[slot] = desc[wait_index]`: the descriptor at `slot` overwritten by a copy of the
    /// one at `wait_index` (the kernel does it only to repair an `IQE`).
    IqeRepair { slot: u32, wait_index: u32 },
    /// `writel(FSTS, bits)`: the fault bits `bits` of `FSTS` written 1 to clear.
    ClearFault { bits: u8 },
    /// A kernel program's function stopped after a `writel` (hardware may step before it goes
    /// on, `q_lock` still held) at `line` of the program.
    Suspend {
        function: crate::program::Entry,
        line: u32,
    },
    /// An oracle fired (see [`crate::model::Finding`] for the full report).
    Finding { kind: FindingKind, message: String },
    // New kinds go last: the trace hash covers each kind's position.
    /// An `int mark` returned `rc` after a poll loop that ended with 0: the call's rc.
    MarkRc { rc: i32 },
    /// `desc[slot] = QI_NOP`: the descriptor at `slot` replaced by one that writes nothing.
    NopDesc { slot: u32 },
}

/// One trace event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub step: u64,
    pub actor: Actor,
    #[serde(flatten)]
    pub op: Op,
}

/// Receives trace events; the no-op sink compiles away on the hunting fast path.
pub trait TraceSink {
    /// Whether events are wanted at all (lets callers skip building them).
    const ON: bool;
    /// Records one event.
    fn push(&mut self, ev: Event);

    /// Records `op` by `actor` at `step`; `op` is not even built when the sink is off.
    #[inline(always)]
    fn emit(&mut self, step: u64, actor: Actor, op: impl FnOnce() -> Op) {
        if Self::ON {
            self.push(Event {
                step,
                actor,
                op: op(),
            });
        }
    }
}

/// Discards everything.
pub struct NoTrace;

impl TraceSink for NoTrace {
    const ON: bool = false;
    #[inline(always)]
    fn push(&mut self, _ev: Event) {}
}

/// A bounded trace: keeps the newest `capacity` events, and a running hash of all of them.
#[derive(Clone, Debug)]
pub struct Trace {
    events: VecDeque<Event>,
    capacity: usize,
    dropped: u64,
    hasher: StableHasher,
}

impl Trace {
    /// A trace keeping at most `capacity` events.
    pub fn new(capacity: usize) -> Self {
        Trace {
            events: VecDeque::new(),
            capacity: capacity.max(1),
            dropped: 0,
            hasher: StableHasher::default(),
        }
    }

    /// The kept events, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter()
    }

    /// The kept events as a vector.
    pub fn to_vec(&self) -> Vec<Event> {
        self.events.iter().cloned().collect()
    }

    /// Events dropped because of the capacity.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Hash of every event ever pushed (kept or dropped), findings by kind only (not message
    /// text); equal traces have equal hashes on every platform.
    pub fn hash(&self) -> u64 {
        use std::hash::Hasher;
        self.hasher.finish()
    }
}

impl TraceSink for Trace {
    const ON: bool = true;
    fn push(&mut self, ev: Event) {
        use std::hash::Hash;
        match &ev.op {
            // A finding enters the hash by kind: rewording a message changes no trace hash.
            Op::Finding { kind, .. } => (ev.step, ev.actor, "finding", kind).hash(&mut self.hasher),
            _ => ev.hash(&mut self.hasher),
        }
        if self.events.len() == self.capacity {
            self.events.pop_front();
            self.dropped += 1;
        }
        self.events.push_back(ev);
    }
}
