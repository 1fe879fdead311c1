//! The column timeline: one column per actor, one line per group of consecutive steps.

use super::{Event, Op};
use crate::model::{Label, Status};
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
        Op::IqeRepair { slot, wait_index } => format!(
            "IQE: slot {slot} := copy of {}; clear IQE",
            names(*wait_index)
        ),
        Op::IteWalk {
            from,
            to,
            stride,
            terminated,
        } => {
            if *terminated {
                format!("ITE: clear; walk {from}..{to} step -{stride}")
            } else {
                format!("ITE: clear; walk {from} step -{stride} never reaches {to}")
            }
        }
        Op::ClearIce => "clear ICE".into(),
    })
}

/// Groups the events of one step sequence into timeline lines: `(actor, text)`.
pub fn timeline_lines(events: &[Event]) -> Vec<(Actor, String)> {
    // Descriptor names per slot as the trace goes (what the slot holds at that point).
    let mut slot_names: std::collections::HashMap<u32, String> = Default::default();
    let mut lines: Vec<(Actor, String)> = Vec::new();
    let mut cur: Option<(Actor, Vec<String>)> = None;
    let flush = |cur: &mut Option<(Actor, Vec<String>)>, lines: &mut Vec<(Actor, String)>| {
        if let Some((a, parts)) = cur.take() {
            if !parts.is_empty() {
                lines.push((a, parts.join("; ")));
            }
        }
    };
    let mut i = 0;
    while i < events.len() {
        let ev = &events[i];
        // Status changes made by one software step are summarised together.
        let mut texts: Vec<String> = Vec::new();
        let mut break_after = false;
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
                if *hw {
                    texts.push(format!("{} = {}*", label_name(label, *slot), after.name()));
                } else {
                    // Software changes outside mark/reclaim/write: the ITE walk's aborts.
                    texts.push(format!("{} -> {}", label_name(label, *slot), after.name()));
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
                        j += 1;
                    } else {
                        break;
                    }
                }
                let verb = if matches!(ev.op, Op::Mark { .. }) {
                    "mark"
                } else {
                    "reclaim:"
                };
                if by_after.is_empty() {
                    if let Op::Reclaim { from, to } = &ev.op {
                        if from != to {
                            texts.push(format!("reclaim: free_tail {from} -> {to}"));
                        }
                    }
                } else {
                    let desc: Vec<String> = by_after
                        .iter()
                        .map(|(s, names)| {
                            if verb == "mark" {
                                format!("mark {} {}", names.join(","), s.name())
                            } else {
                                format!("reclaim: {} -> {}", names.join(","), s.name())
                            }
                        })
                        .collect();
                    texts.push(desc.join("; "));
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
                        j += 1;
                    } else {
                        break;
                    }
                }
                texts.push(format!("write {}", names.join(",")));
                i = j - 1;
            }
            _ => {
                let lookup = |slot: u32| {
                    slot_names
                        .get(&slot)
                        .cloned()
                        .unwrap_or_else(|| format!("slot{slot}"))
                };
                if let Some(t) = cell_text(ev, &lookup) {
                    texts.push(t);
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
        if !texts.is_empty() {
            match &mut cur {
                Some((a, parts)) if *a == ev.actor => parts.extend(texts),
                _ => {
                    flush(&mut cur, &mut lines);
                    cur = Some((ev.actor, texts));
                }
            }
        }
        if break_after {
            flush(&mut cur, &mut lines);
        }
        i += 1;
    }
    flush(&mut cur, &mut lines);
    compress_repeats(lines)
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
                Some(format!("!! step {} {}: {}", e.step, kind.name(), message))
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
