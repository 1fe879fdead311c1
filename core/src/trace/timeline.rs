//! The wording of a trace, once: the column timeline (one column per actor, one line per group
//! of consecutive steps) and the per-step rows visualisers draw ([`rows`]) say the same things.

use serde::{Deserialize, Serialize};

use super::{Event, Op};
use crate::model::{FaultPath, Finding, FindingKind, Label, Status};
use crate::Actor;

fn label_name(l: &Option<Label>, slot: u32) -> String {
    match l {
        Some(l) => l.name(),
        None => format!("slot{slot}"),
    }
}

use crate::model::errno_name as errno;

/// Text of one event in a timeline cell, or `None` for events folded into another.
fn cell_text(ev: &Event, names: &dyn Fn(u32) -> String) -> Option<String> {
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
struct Piece {
    step: u64,
    actor: Actor,
    /// The text, in the column timeline too; `quiet` texts only in the per-step rows (steps the
    /// column timeline folds away: a successful space check, an empty mark or reclaim).
    text: String,
    quiet: bool,
    kind: PartKind,
    finding: Option<(FindingKind, String)>,
    /// The column timeline starts a new line after it.
    break_after: bool,
    /// Slots the event touched: read or named, written by hardware, written by software.
    slots: Vec<u32>,
    hw_slots: Vec<u32>,
    sw_slots: Vec<u32>,
}

/// Text of an event the column timeline leaves out, for the per-step rows.
fn quiet_text(ev: &Event, names: &dyn Fn(u32) -> String) -> Option<String> {
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
fn event_slot(op: &Op) -> Option<u32> {
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
fn pieces(events: &[Event]) -> Vec<Piece> {
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

/// Groups the events of one step sequence into timeline lines: `(actor, text)`.
pub fn timeline_lines(events: &[Event]) -> Vec<(Actor, String)> {
    let mut lines: Vec<(Actor, String)> = Vec::new();
    let mut cur: Option<(Actor, Vec<String>)> = None;
    let flush = |cur: &mut Option<(Actor, Vec<String>)>, lines: &mut Vec<(Actor, String)>| {
        if let Some((a, parts)) = cur.take() {
            if !parts.is_empty() {
                lines.push((a, parts.join("; ")));
            }
        }
    };
    for p in pieces(events) {
        if !p.quiet {
            match &mut cur {
                Some((a, parts)) if *a == p.actor => parts.push(p.text),
                _ => {
                    flush(&mut cur, &mut lines);
                    cur = Some((p.actor, vec![p.text]));
                }
            }
        }
        if p.break_after {
            flush(&mut cur, &mut lines);
        }
    }
    flush(&mut cur, &mut lines);
    compress_repeats(lines)
}

/// One part of a per-step row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowPart {
    pub text: String,
    pub kind: PartKind,
    /// The finding this part reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<FindingKind>,
    /// Its full message (findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The submitter whose column it belongs in when that is not the row's actor's (a finding
    /// shown with the CPU it concerns: the stuck poller, the owner of the lost wait).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<u32>,
    /// The fault path of `docs/findings.md` the finding is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_path: Option<FaultPath>,
}

/// One step of the trace as a timeline row: who moved, what it did (the column timeline's
/// wording), and the ring slots it read or named and wrote (by hardware, by software).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Row {
    pub step: u64,
    pub actor: Actor,
    pub parts: Vec<RowPart>,
    pub slots: Vec<u32>,
    pub hw_slots: Vec<u32>,
    pub sw_slots: Vec<u32>,
}

fn add_all(to: &mut Vec<u32>, from: &[u32]) {
    for s in from {
        if !to.contains(s) {
            to.push(*s);
        }
    }
}

/// The trace as one row per step, in the column timeline's wording. `findings` (the run's)
/// place each finding part in the column of the submitter it concerns and add its fault path;
/// each finding event is matched with the first unmatched finding of its step and kind.
pub fn rows(events: &[Event], findings: &[Finding]) -> Vec<Row> {
    let mut used = vec![false; findings.len()];
    let mut out: Vec<Row> = Vec::new();
    for p in pieces(events) {
        if out.last().is_none_or(|r| r.step != p.step) {
            out.push(Row {
                step: p.step,
                actor: p.actor,
                parts: Vec::new(),
                slots: Vec::new(),
                hw_slots: Vec::new(),
                sw_slots: Vec::new(),
            });
        }
        let Some(row) = out.last_mut() else { continue };
        add_all(&mut row.slots, &p.slots);
        add_all(&mut row.hw_slots, &p.hw_slots);
        add_all(&mut row.sw_slots, &p.sw_slots);
        if p.text.is_empty() {
            continue;
        }
        let mut part = RowPart {
            text: p.text,
            kind: p.kind,
            finding: None,
            title: None,
            submitter: None,
            fault_path: None,
        };
        if let Some((kind, message)) = p.finding {
            part.finding = Some(kind);
            part.title = Some(message);
            let hit = findings
                .iter()
                .enumerate()
                .find(|(k, f)| !used[*k] && f.step == p.step && f.kind == kind);
            if let Some((k, f)) = hit {
                used[k] = true;
                part.fault_path = f.fault_path;
                if let Some(s) = f.submitter {
                    part.submitter = Some(s);
                    if f.actor != Actor::Submitter(s) {
                        part.text = format!("{} (by {})", part.text, f.actor);
                    }
                }
            }
        }
        row.parts.push(part);
    }
    out
}

/// Folds a block of 1–3 lines repeated back to back (a spin loop) into one copy marked `(×N)`.
fn compress_repeats(lines: Vec<(Actor, String)>) -> Vec<(Actor, String)> {
    let mut out: Vec<(Actor, String)> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let mut best = (1, 1); // (block length, repetitions)
        for k in 1..=3 {
            let mut reps = 1;
            while i + (reps + 1) * k <= lines.len()
                && lines[i..i + k] == lines[i + reps * k..i + (reps + 1) * k]
            {
                reps += 1;
            }
            if reps > 1 && reps * k > best.0 * best.1 {
                best = (k, reps);
            }
        }
        let (k, reps) = best;
        if reps > 1 {
            for (j, (a, t)) in lines[i..i + k].iter().enumerate() {
                let t = if j + 1 == k {
                    format!("{t} (×{reps})")
                } else {
                    t.clone()
                };
                out.push((*a, t));
            }
            i += k * reps;
        } else {
            out.push(lines[i].clone());
            i += 1;
        }
    }
    out
}

/// Renders the column timeline: one column per actor (submitters, then HW), one line per group
/// of consecutive steps; `*` marks hardware writes, `!!` findings.
pub fn render_timeline(events: &[Event], submitters: u32) -> String {
    let lines = timeline_lines(events);
    let cols: Vec<Actor> = (0..submitters)
        .map(Actor::Submitter)
        .chain(std::iter::once(Actor::Hardware))
        .collect();
    let width = lines
        .iter()
        .filter(|(a, _)| !a.is_hardware())
        .map(|(_, t)| t.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(24, 48)
        + 2;
    let mut out = String::new();
    let header: Vec<String> = cols.iter().map(|a| a.to_string()).collect();
    push_row(&mut out, &header, width);
    for (actor, text) in lines {
        let col = match actor {
            Actor::Submitter(i) => i as usize,
            Actor::Hardware | Actor::Fetch | Actor::Fault(_) => submitters as usize,
        };
        let mut row = vec![String::new(); col + 1];
        row[col] = text;
        push_row(&mut out, &row, width);
    }
    let notes: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.op {
            Op::Finding { kind, message } => {
                // Steps are numbered from 1 here as everywhere a reader sees them.
                Some(format!(
                    "!! step {} {}: {}",
                    e.step + 1,
                    kind.name(),
                    message
                ))
            }
            _ => None,
        })
        .collect();
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

fn push_row(out: &mut String, cells: &[String], width: usize) {
    let mut line = String::new();
    for (k, c) in cells.iter().enumerate() {
        line.push_str(c);
        if k + 1 < cells.len() {
            let pad = width.saturating_sub(c.chars().count()).max(1);
            line.push_str(&" ".repeat(pad));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}
