//! What a visualiser sees after any step.

use serde::{Deserialize, Serialize};

use crate::model::pc::Pc;
use crate::model::system::System;
use crate::model::types::{Desc, Status};
use crate::Actor;

/// A submitter as shown to visualisers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
