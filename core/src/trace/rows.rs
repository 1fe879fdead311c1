//! The per-step rows visualisers draw: one row per step, its parts worded as in the timeline.

use serde::{Deserialize, Serialize};

use super::pieces::{pieces, PartKind};
use super::Event;
use crate::model::{FaultPath, Finding, FindingKind};
use crate::Actor;

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
