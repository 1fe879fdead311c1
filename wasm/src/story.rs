//! What the playground's story (walk-through, drive mode, timeline) says about the core's
//! notation: the marks of descriptor labels and timelines, and what each hardware actor does.
//! The examples are written by the core's own formatters (`Label::name`, `Actor`'s `Display`),
//! so the key cannot drift from what the timeline shows.

use qisim_core::model::{HwFault, Label};
use qisim_core::Actor;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::to_js;

/// One entry of a key: a mark as the core writes it and what it means.
#[derive(Serialize)]
struct KeyEntry {
    mark: String,
    meaning: String,
}

fn entry(mark: String, meaning: impl Into<String>) -> KeyEntry {
    KeyEntry {
        mark,
        meaning: meaning.into(),
    }
}

/// T1's descriptor `part` of a batch of `count`, written in its call number `attempt` (0-based).
fn t1(attempt: u32, part: u32, count: u32) -> String {
    Label {
        submitter: 0,
        attempt,
        part,
        count,
    }
    .name()
}

fn label_key() -> Vec<KeyEntry> {
    vec![
        entry(
            format!("{} / {}", t1(0, 0, 1), t1(0, 1, 1)),
            "T1's invalidation descriptor / its wait descriptor, in the first batch T1 writes",
        ),
        entry(
            t1(0, 1, 2),
            "the second invalidation descriptor of a batch of several",
        ),
        entry(
            format!("{}, {}", t1(1, 1, 1), t1(2, 1, 1)),
            "one prime per earlier batch: T1's second, third batch written (a new call, or a call that restarted)",
        ),
        entry(
            t1(3, 1, 1),
            "from the fourth batch on, its number after ^: T1's fourth batch",
        ),
        entry(
            "*".into(),
            "hardware wrote this status (QI_DONE into a wait descriptor)",
        ),
        entry(
            "(×N)".into(),
            "text timeline: the lines before it happened N times in a row (a CPU spinning in its poll loop)",
        ),
    ]
}

fn actor_key() -> Vec<KeyEntry> {
    let mut v = vec![
        entry(
            Actor::Submitter(0).to_string(),
            "a CPU: its next step of qi_submit_sync()",
        ),
        entry(
            Actor::Hardware.to_string(),
            "the engine completes its oldest fetched descriptor (fetching it first if none is fetched)",
        ),
        entry(
            Actor::Fetch.to_string(),
            "the engine only fetches the next descriptor at IQH (ahead of completing), moving IQH",
        ),
    ];
    for f in HwFault::ALL {
        let what = match f {
            HwFault::Iqe => "the descriptor at IQH is invalid: IQE is set, fetching stops there",
            HwFault::Ite => {
                "a device-TLB invalidation times out: ITE is set, pending waits are aborted"
            }
            HwFault::Ice => "a device-TLB invalidation completes with an error: ICE is set",
            HwFault::Gone => "a time-out (ITE) whose device is gone: the poller gets -ETIMEDOUT",
        };
        v.push(entry(Actor::Fault(f).to_string(), what));
    }
    v
}

/// The marks of descriptor labels and timelines: `[{ mark, meaning }]`, each mark written by
/// the core's label format (`WD1'`, `WD1''`, `WD1^4`, ...) or timeline (`*`, `(×N)`).
#[wasm_bindgen(js_name = timelineKey)]
pub fn timeline_key() -> Result<JsValue, JsValue> {
    to_js(&label_key())
}

/// Every kind of actor a schedule names (`T1`, `HW`, `HW:fetch`, `HW:IQE`, ...) as the core
/// writes it, with what its step does: `[{ mark, meaning }]`.
#[wasm_bindgen(js_name = actorKey)]
pub fn actor_key_js() -> Result<JsValue, JsValue> {
    to_js(&actor_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_the_cores_label_names() {
        let k = label_key();
        let marks: Vec<&str> = k.iter().map(|e| e.mark.as_str()).collect();
        assert_eq!(
            marks,
            ["ID1 / WD1", "ID1b", "WD1', WD1''", "WD1^4", "*", "(×N)"]
        );
    }

    #[test]
    fn every_actor_kind_parses_back() {
        let k = actor_key();
        assert_eq!(k.len(), 3 + HwFault::ALL.len());
        for e in &k {
            assert_eq!(
                e.mark.parse::<Actor>().map(|a| a.to_string()),
                Ok(e.mark.clone())
            );
        }
    }
}
