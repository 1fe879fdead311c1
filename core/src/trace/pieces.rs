//! A trace cut into pieces: the text of each event in a timeline cell, which events fold into
//! another, and the slot each touches. The column timeline (`timeline.rs`) and the per-step
//! rows (`rows.rs`) both word a trace from these, so they say the same things.

use serde::{Deserialize, Serialize};

use super::{Event, Op};
use crate::model::{FindingKind, Label, Status};
use crate::Actor;

pub(super) fn label_name(l: &Option<Label>, slot: u32) -> String {
    match l {
        Some(l) => l.name(),
        None => format!("slot{slot}"),
    }
}

use crate::model::errno_name as errno;

/// Text of one event in a timeline cell, or `None` for events folded into another.
pub(super) fn cell_text(ev: &Event, names: &dyn Fn(u32) -> String) -> Option<String> {
    Some(match &ev.op {
        Op::Lock { .. } => "lock".into(),
        Op::CheckSpace { ok: true, .. } => return None,
        Op::CheckSpace {
            free_cnt,
            need,
            ok: false,
        } => format!("no space ({free_cnt} < {need})"),
        Op::Write { .. } => return None,
        Op::Doorbell { .. } => "IQT".into(),
        Op::Poll {
            wait_index,
            status,
            done,
            label,
        } => {
            // Name the poller's own wait, and what the slot holds now if that differs (a slot
            // reclaimed under it and rewritten).
            let own = label.name();
            let held = names(*wait_index);
            let n = if held == own || held.starts_with("slot") {
                own
            } else {
                format!("{own} (slot {wait_index} now holds {held})")
            };
            if *done {
                format!("poll: {n} done")
            } else if *status == Status::InUse {
                format!("poll: {n} not done")
            } else {
                format!("poll: {n} is {}", status.name())
            }
        }
        Op::Unlock => "unlock".into(),
        Op::Mark { .. } => return None,
        Op::Reclaim { .. } => return None,
        Op::Return { rc, .. } => format!("return {}", errno(*rc)),
        Op::HwFetch { slot, label } => format!("fetch {}", label_name(label, *slot)),
        Op::HwInv { slot, label } => format!("{} done", label_name(label, *slot)),
        Op::HwWait { .. } => return None,
        Op::HwAbort { slot, label } => {
            format!("{} aborted (no status write)", label_name(label, *slot))
        }
        Op::Status { .. } => return None,
        Op::Finding { kind, .. } => format!("!! {}", kind.name()),
        Op::HwFault { slot, fault, label } => {
            let n = label_name(label, *slot);
            match fault {
                crate::model::HwFault::Iqe => format!("{n}: IQE, stop*"),
                crate::model::HwFault::Ite => format!("{n}: time-out, ITE, stop*"),
                crate::model::HwFault::Gone => {
                    format!("{n}: time-out, device gone, ITE, stop*")
                }
                crate::model::HwFault::Ice => format!("ICE on {n}*"),
            }
        }
        Op::CheckFault { rc } => format!("qi_check_fault -> {}", errno(*rc)),
        Op::IqeRepair { slot, wait_index } => {
            format!("slot {slot} := copy of {}", names(*wait_index))
        }
        Op::NopDesc { slot } => format!("slot {slot} := no-op"),
        Op::MarkRc { rc } => format!("mark -> {}", errno(*rc)),
        Op::ClearFault { bits } => format!("clear {}", crate::model::fsts::names(*bits)),
        Op::Suspend { function, line } => {
            format!("{} waits after writel (line {line})", function.name())
        }
    })
}

/// How a row part is drawn: an operation, a hardware status write (`*`), a fault, a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PartKind {
    Op,
    Hw,
    Fault,
    Finding,
}

/// What one event (with the status changes it caused) says: the wording of the column timeline
/// and of the per-step rows alike.
#[derive(Clone, Debug)]
pub(super) struct Piece {
    pub(super) step: u64,
    pub(super) actor: Actor,
    /// The text, in the column timeline too; `quiet` texts only in the per-step rows (steps the
    /// column timeline folds away: a successful space check, an empty mark or reclaim).
    pub(super) text: String,
    pub(super) quiet: bool,
    pub(super) kind: PartKind,
    pub(super) finding: Option<(FindingKind, String)>,
    /// The column timeline starts a new line after it.
    pub(super) break_after: bool,
    /// Slots the event touched: read or named, written by hardware, written by software.
    pub(super) slots: Vec<u32>,
    pub(super) hw_slots: Vec<u32>,
    pub(super) sw_slots: Vec<u32>,
}

/// Text of an event the column timeline leaves out, for the per-step rows.
pub(super) fn quiet_text(ev: &Event, names: &dyn Fn(u32) -> String) -> Option<String> {
    Some(match &ev.op {
        Op::CheckSpace {
            free_cnt,
            need,
            ok: true,
        } => format!("check space: {free_cnt} >= {need}"),
        Op::Mark { .. } => "mark (nothing)".into(),
        Op::Reclaim { .. } => "reclaim: nothing".into(),
        Op::HwWait { slot, label } => match label {
            Some(l) => format!("{} done", l.name()),
            None => format!("{} done", names(*slot)),
        },
        _ => return None,
    })
}

/// Slots an event names (statuses are added by their own events).
pub(super) fn event_slot(op: &Op) -> Option<u32> {
    match op {
        Op::Poll { wait_index, .. } => Some(*wait_index),
        Op::HwFetch { slot, .. }
        | Op::HwInv { slot, .. }
        | Op::HwWait { slot, .. }
        | Op::HwAbort { slot, .. }
        | Op::HwFault { slot, .. }
        | Op::IqeRepair { slot, .. }
        | Op::NopDesc { slot } => Some(*slot),
        _ => None,
    }
}

/// Every event's wording, in trace order (see [`Piece`]).
pub(super) fn pieces(events: &[Event]) -> Vec<Piece> {
    // Descriptor names per slot as the trace goes (what the slot holds at that point).
    let mut slot_names: std::collections::HashMap<u32, String> = Default::default();
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        let ev = &events[i];
        let mut text: Option<String> = None;
        let mut quiet: Option<String> = None;
        let mut kind = PartKind::Op;
        let mut finding = None;
        let mut break_after = false;
        let (mut slots, mut hw_slots, mut sw_slots) = (Vec::new(), Vec::new(), Vec::new());
        // The status events of a write, mark or reclaim belong to it.
        let take_statuses = |j: usize, slots: &mut Vec<u32>, sw: &mut Vec<u32>| {
            if let Op::Status { slot, .. } = &events[j].op {
                slots.push(*slot);
                sw.push(*slot);
            }
        };
        match &ev.op {
            Op::Status {
                slot,
                label,
                hw,
                after,
                ..
            } => {
                if let Some(l) = label {
                    slot_names.insert(*slot, l.name());
                }
                slots.push(*slot);
                if *hw {
                    hw_slots.push(*slot);
                    kind = PartKind::Hw;
                    text = Some(format!("{} = {}*", label_name(label, *slot), after.name()));
                } else {
                    sw_slots.push(*slot);
                    // Software changes outside mark/reclaim/write: the ITE walk's aborts.
                    text = Some(format!("{} -> {}", label_name(label, *slot), after.name()));
                }
            }
            Op::Mark { .. } | Op::Reclaim { .. } => {
                // Collect the status changes that follow.
                let mut j = i + 1;
                let mut by_after: Vec<(Status, Vec<String>)> = Vec::new();
                while j < events.len() && events[j].step == ev.step {
                    if let Op::Status {
                        slot, after, label, ..
                    } = &events[j].op
                    {
                        let n = label_name(label, *slot);
                        match by_after.iter_mut().find(|(s, _)| s == after) {
                            Some((_, v)) => v.push(n),
                            None => by_after.push((*after, vec![n])),
                        }
                        take_statuses(j, &mut slots, &mut sw_slots);
                        j += 1;
                    } else {
                        break;
                    }
                }
                let mark = matches!(ev.op, Op::Mark { .. });
                if by_after.is_empty() {
                    match &ev.op {
                        Op::Reclaim { from, to } if from != to => {
                            text = Some(format!("reclaim: free_tail {from} -> {to}"));
                        }
                        _ => quiet = quiet_text(ev, &|s| format!("slot{s}")),
                    }
                } else {
                    let desc: Vec<String> = by_after
                        .iter()
                        .map(|(s, names)| {
                            if mark {
                                format!("mark {} {}", names.join(","), s.name())
                            } else {
                                format!("reclaim: {} -> {}", names.join(","), s.name())
                            }
                        })
                        .collect();
                    text = Some(desc.join("; "));
                }
                for e in &events[i + 1..j] {
                    if let Op::Status {
                        slot,
                        label: Some(l),
                        ..
                    } = &e.op
                    {
                        slot_names.insert(*slot, l.name());
                    }
                }
                i = j - 1;
                break_after = true;
            }
            Op::Write { .. } => {
                // The status events that follow name the new occupants.
                let mut j = i + 1;
                let mut names = Vec::new();
                while j < events.len() && events[j].step == ev.step {
                    if let Op::Status { slot, label, .. } = &events[j].op {
                        if let Some(l) = label {
                            slot_names.insert(*slot, l.name());
                        }
                        names.push(label_name(label, *slot));
                        take_statuses(j, &mut slots, &mut sw_slots);
                        j += 1;
                    } else {
                        break;
                    }
                }
                text = Some(format!("write {}", names.join(",")));
                i = j - 1;
            }
            _ => {
                let lookup = |slot: u32| {
                    slot_names
                        .get(&slot)
                        .cloned()
                        .unwrap_or_else(|| format!("slot{slot}"))
                };
                text = cell_text(ev, &lookup);
                // A wait's hardware status write says it done (`WD1 = QI_DONE*`).
                let hw_write_follows = matches!(
                    events.get(i + 1),
                    Some(Event {
                        op: Op::Status { hw: true, .. },
                        ..
                    })
                );
                if text.is_none() && !hw_write_follows {
                    quiet = quiet_text(ev, &lookup);
                }
                slots.extend(event_slot(&ev.op));
                match &ev.op {
                    Op::HwFault { .. } => kind = PartKind::Fault,
                    Op::Finding { kind: k, message } => {
                        kind = PartKind::Finding;
                        finding = Some((*k, message.clone()));
                    }
                    _ => {}
                }
                if let Op::HwWait {
                    slot,
                    label: Some(l),
                } = &ev.op
                {
                    slot_names.entry(*slot).or_insert_with(|| l.name());
                }
                let next_is_return = matches!(
                    events.get(i + 1),
                    Some(Event {
                        op: Op::Return { .. },
                        ..
                    })
                );
                break_after = match ev.op {
                    Op::Poll { .. } | Op::Return { .. } | Op::Finding { .. } => true,
                    Op::Unlock => !next_is_return,
                    _ => false,
                };
            }
        }
        let (text, quiet) = match (text, quiet) {
            (Some(t), _) => (t, false),
            (None, Some(q)) => (q, true),
            (None, None) => (String::new(), true),
        };
        out.push(Piece {
            step: ev.step,
            actor: ev.actor,
            text,
            quiet,
            kind,
            finding,
            break_after,
            slots,
            hw_slots,
            sw_slots,
        });
        i += 1;
    }
    out
}
