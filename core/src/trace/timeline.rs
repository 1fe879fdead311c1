//! The column timeline of a trace: one column per actor, one line per group of consecutive
//! steps, worded from the same pieces as the per-step rows visualisers draw
//! ([`super::rows`]).

use super::pieces::pieces;
use super::{Event, Op};
use crate::Actor;

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
