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
//! No round is expanded ahead: the result is one thread's, and a violation or the state bound
//! drops nothing in flight.

use timely::worker::Worker;

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
    fn superstep(&mut self) -> Option<String> {
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
                Handled::Report(_) => unreachable!("only owners' reports reach the coordinator"),
            }
        }
        finish
    }

    /// Ends every worker's loop with the verdict (JSON).
    pub fn finish(&mut self, verdict: String) {
        self.broadcast(|| Msg::Finish(verdict.clone()));
        self.superstep();
    }

    fn expect_reports(&self, what: &str) {
        assert_eq!(
            self.reports, self.net.peers,
            "protocol: every owner reports {what}"
        );
    }
}

impl Driver for Coordinator<'_> {
    fn threads(&self) -> usize {
        self.net.peers
    }

    fn start(&mut self, search: u32, _rules: &Rules) {
        self.broadcast(|| Msg::Start { search });
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
pub(crate) fn serve(net: &mut Net, worker: &mut Worker, side: &mut OwnerSide) -> String {
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
