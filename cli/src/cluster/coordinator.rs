//! The coordinator's side: a [`Driver`] of the core's [`Exploration`] (worker 0 of process 0
//! runs it) whose rounds are Timely supersteps, and the loop the other workers run. A round
//! is four supersteps, as `OwnerPool` does it on one thread:
//!
//! 1. the command (`Seed` or `Expand`, after the last round's `Ids`) reaches every owner;
//! 2. each owner's successor messages reach their owners, its violation the coordinator;
//! 3. the cut-off (the first violation's state) reaches every owner, which absorbs;
//! 4. each owner's merge keys reach the coordinator, which merges them into generation order
//!    and queues each owner's indices for the next superstep.
//!
//! A checkpoint (`--checkpoint`) is two supersteps: `Checkpoint` reaches every owner, which
//! appends its part in its process's directory, syncs it and sends its record back; the core
//! commits the manifest with every record. A resume sends each owner its record (`Restore`)
//! right after `Start`.
//!
//! No round is expanded ahead: the result is one thread's, and a violation or the state bound
//! drops nothing in flight.

use timely::worker::Worker;

use qisim_core::check::checkpoint::{CheckpointReader, CheckpointWriter, PartRecord};
use qisim_core::check::pool::Rules;
use qisim_core::check::{Driver, Exploration, ExploreProgress, Round, Violation};

use super::net::Net;
use super::protocol::{self, Addressed, Handled, Msg, OwnerSide};

/// Worker 0 of process 0: drives the exploration and is an owner too.
pub(crate) struct Coordinator<'w> {
    pub net: Net,
    pub worker: &'w mut Worker,
    pub side: OwnerSide,
    /// Messages for the next superstep.
    pending: Vec<Addressed>,
    violations: Vec<Option<Violation>>,
    keys: Vec<Vec<u8>>,
    /// Each owner's checkpoint record (JSON) or its error; on a resume, its error restoring.
    records: Vec<Result<String, String>>,
    counted: u64,
    table: u64,
    held: u64,
    reports: usize,
}

impl<'w> Coordinator<'w> {
    pub fn new(net: Net, worker: &'w mut Worker, side: OwnerSide) -> Self {
        let peers = net.peers;
        Coordinator {
            net,
            worker,
            side,
            pending: Vec::new(),
            violations: vec![None; peers],
            keys: vec![Vec::new(); peers],
            records: vec![Ok(String::new()); peers],
            counted: 0,
            table: 0,
            held: 0,
            reports: 0,
        }
    }

    fn broadcast(&mut self, m: impl Fn() -> Msg) {
        let peers = self.net.peers as u32;
        self.pending.extend((0..peers).map(|w| (w, m())));
    }

    /// One superstep: sends what is pending, handles what arrived (this worker's owner
    /// included), collects the owners' reports.
    fn superstep(&mut self) -> Option<Result<String, String>> {
        let out = std::mem::take(&mut self.pending);
        let mut inbox = self.net.step(self.worker, out);
        protocol::sort(&mut inbox);
        let mut finish = None;
        for m in inbox {
            match self.side.handle(m, &mut self.pending) {
                Handled::Done => {}
                Handled::Finish(v) => finish = Some(v),
                Handled::Report(Msg::Expanded { from, violation }) => {
                    self.violations[from as usize] = violation.as_deref().map(protocol::violation);
                    self.reports += 1;
                }
                Handled::Report(Msg::Keys {
                    from,
                    keys,
                    counted,
                    table,
                    held,
                }) => {
                    self.keys[from as usize] = keys;
                    self.counted += counted;
                    self.table += table;
                    self.held += held;
                    self.reports += 1;
                }
                Handled::Report(Msg::Part { from, record }) => {
                    self.records[from as usize] = record;
                    self.reports += 1;
                }
                Handled::Report(Msg::Restored { from, error }) => {
                    self.records[from as usize] = error.map_or(Ok(String::new()), Err);
                    self.reports += 1;
                }
                Handled::Report(_) => unreachable!("only owners' reports reach the coordinator"),
            }
        }
        finish
    }

    /// Ends every worker's loop with the verdict (JSON) or why the run failed.
    pub fn finish(&mut self, verdict: Result<String, String>) {
        self.broadcast(|| Msg::Finish(verdict.clone()));
        self.superstep();
    }

    fn expect_reports(&self, what: &str) {
        assert_eq!(
            self.reports, self.net.peers,
            "protocol: every owner reports {what}"
        );
    }

    /// Every owner's record, or the first owner's error (naming the owner).
    fn records(&mut self) -> Result<Vec<String>, String> {
        let records = std::mem::replace(&mut self.records, vec![Ok(String::new()); self.net.peers]);
        let per_process = self.net.workers;
        records
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.map_err(|e| {
                    format!(
                        "owner {i} (process {}, worker {}): {e}",
                        i / per_process,
                        i % per_process
                    )
                })
            })
            .collect()
    }
}

impl Driver for Coordinator<'_> {
    fn threads(&self) -> usize {
        self.net.peers
    }

    fn start(&mut self, search: u32, _rules: &Rules) {
        self.broadcast(|| Msg::Start { search });
    }

    fn checkpoint(
        &mut self,
        search: u32,
        depth: u64,
        _: &mut dyn CheckpointWriter,
    ) -> Result<Vec<PartRecord>, String> {
        self.broadcast(|| Msg::Checkpoint { search, depth });
        self.reports = 0;
        self.superstep();
        self.superstep();
        self.expect_reports("its part of the checkpoint");
        self.records()?
            .iter()
            .map(|r| serde_json::from_str(r).map_err(|e| format!("an owner's record: {e}")))
            .collect()
    }

    fn restore(
        &mut self,
        parts: &[PartRecord],
        _: &mut dyn CheckpointReader,
        _: &mut dyn CheckpointWriter,
    ) -> Result<(), String> {
        let peers = self.net.peers;
        if parts.len() != peers {
            return Err(format!(
                "the checkpoint has {} owners; this cluster {peers} (--processes × --workers)",
                parts.len()
            ));
        }
        for p in 0..peers {
            let part = parts
                .iter()
                .find(|r| r.index == p)
                .ok_or_else(|| format!("the checkpoint has no owner {p}"))?;
            let json = serde_json::to_string(part).expect("a part record serialises");
            self.pending.push((p as u32, Msg::Restore(json)));
        }
        self.reports = 0;
        self.superstep();
        self.superstep();
        self.expect_reports("its restore");
        self.records().map(|_| ())
    }

    fn expand(&mut self, x: &Exploration, round: Round) {
        let end = x.round_end();
        self.broadcast(|| match round {
            Round::Seed => Msg::Seed,
            Round::Expand { depth, .. } => Msg::Expand { depth, end },
        });
        self.reports = 0;
        self.superstep();
        self.superstep();
        self.expect_reports("its expansion");
    }

    fn absorb(&mut self, x: &mut Exploration) -> Option<ExploreProgress> {
        let mut round = x.owners();
        let cutoff = round.expanded(&self.violations);
        self.violations.iter_mut().for_each(|v| *v = None);
        self.broadcast(|| Msg::Cutoff(cutoff));
        (self.reports, self.counted, self.table, self.held) = (0, 0, 0, 0);
        self.superstep();
        self.superstep();
        self.expect_reports("its absorb");
        let progress = round.absorbed(&self.keys, self.counted, self.table, self.held);
        for p in 0..self.net.peers {
            self.pending.push((p as u32, Msg::Ids(x.ids(p).to_vec())));
        }
        progress
    }
}

/// The loop of every other worker: handle what arrives, send what it queues, until `Finish`.
pub(crate) fn serve(
    net: &mut Net,
    worker: &mut Worker,
    side: &mut OwnerSide,
) -> Result<String, String> {
    let mut pending = Vec::new();
    loop {
        let mut inbox = net.step(worker, std::mem::take(&mut pending));
        protocol::sort(&mut inbox);
        let mut finish = None;
        for m in inbox {
            match side.handle(m, &mut pending) {
                Handled::Finish(v) => finish = Some(v),
                Handled::Done => {}
                Handled::Report(_) => unreachable!("reports go to worker 0"),
            }
        }
        if let Some(v) = finish {
            return v;
        }
    }
}
