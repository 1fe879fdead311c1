//! The owner protocol's messages between the coordinator (worker 0 of process 0) and the
//! owners (every worker, the coordinator's included), and an owner's side: the protocol of
//! `qisim_core::check::pool` — the one the browser's Web Workers and `OwnerPool` speak — with
//! Timely supersteps as the transport. The owner itself is the core's [`Owner`]: nothing of
//! the search is written here.

use serde::{Deserialize, Serialize};

use qisim_core::check::pool::{pack_messages, unpack_messages, Owner, Rules};
use qisim_core::check::{Exploration, ExploreOptions, Violation};
use qisim_core::Config;

use super::checkpoint::OwnerFiles;

/// A message and the worker it is for.
pub(crate) type Addressed = (u32, Msg);

/// A message of the protocol (see [`OwnerSide::handle`] for who sends what, when).
#[derive(Clone, Serialize, Deserialize)]
pub(crate) enum Msg {
    /// Search `search` (0, or 1 for the shortest re-search) starts: fresh owners.
    Start { search: u32 },
    /// On a resume, right after `Start`: the addressee's record of the checkpoint (JSON),
    /// from which it rebuilds its owner.
    Restore(String),
    /// To the coordinator: owner `from` restored, or why not.
    Restored { from: u32, error: Option<String> },
    /// Every round absorbed and assigned: append this owner's part of the checkpoint of
    /// search `search` at `depth` and sync it.
    Checkpoint { search: u32, depth: u64 },
    /// To the coordinator: owner `from`'s record of the checkpoint (JSON), or why not.
    Part {
        from: u32,
        record: Result<String, String>,
    },
    /// The seed round: owner 0 sends the roots.
    Seed,
    /// Expand the owned states of level `depth` with indices below `end`.
    Expand { depth: u64, end: u32 },
    /// Owner `from`'s successor messages to the addressee, from the round expanded last,
    /// packed (`pack_messages`).
    Bufs {
        from: u32,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
    /// To the coordinator: owner `from` expanded the round; its first violation (JSON).
    Expanded {
        from: u32,
        violation: Option<String>,
    },
    /// Absorb the round's messages of parents up to this state (the first violation's).
    Cutoff(u32),
    /// To the coordinator: owner `from` absorbed the round; its merge keys and counts.
    Keys {
        from: u32,
        #[serde(with = "serde_bytes")]
        keys: Vec<u8>,
        counted: u64,
        table: u64,
        held: u64,
    },
    /// The indices the addressee's new states got, increasing.
    Ids(Vec<u32>),
    /// The exploration is over: its verdict (JSON), for every process to print, or why it
    /// failed (a checkpoint refused or not written: every process exits 2).
    Finish(Result<String, String>),
}

impl Msg {
    /// Order within one superstep's inbox: indices before the next command (timely keeps a
    /// sender's order, but the protocol does not lean on it).
    fn rank(&self) -> u8 {
        match self {
            Msg::Ids(_) => 0,
            Msg::Start { .. } => 1,
            Msg::Restore(_) => 2,
            Msg::Seed | Msg::Expand { .. } | Msg::Checkpoint { .. } => 3,
            Msg::Bufs { .. } | Msg::Expanded { .. } | Msg::Part { .. } | Msg::Restored { .. } => 4,
            Msg::Cutoff(_) => 5,
            Msg::Keys { .. } => 6,
            Msg::Finish(_) => 7,
        }
    }

    /// Payload bytes on the wire (what the cluster's cost per state counts).
    pub fn wire_bytes(&self) -> u64 {
        match self {
            Msg::Bufs { bytes, .. } => bytes.len() as u64,
            Msg::Keys { keys, .. } => keys.len() as u64,
            Msg::Ids(ids) => 4 * ids.len() as u64,
            Msg::Expanded { violation, .. } => violation.as_ref().map_or(0, |v| v.len() as u64),
            Msg::Finish(v) => v.as_ref().map_or_else(String::len, String::len) as u64,
            Msg::Restore(p) | Msg::Part { record: Ok(p), .. } => p.len() as u64,
            _ => 0,
        }
    }
}

/// Sorts an inbox into the order the protocol handles it.
pub(crate) fn sort(inbox: &mut [Msg]) {
    inbox.sort_by_key(Msg::rank);
}

/// What handling a message leaves for the caller.
pub(crate) enum Handled {
    Done,
    /// A report for the coordinator (`Expanded`, `Keys`, `Part`, `Restored`).
    Report(Msg),
    /// The verdict (JSON) or why the run failed: the exploration is over.
    Finish(Result<String, String>),
}

/// One worker's owner: it builds its rules from the same configs and options as every other
/// process (the handshake checked they are the same), expands and absorbs on command.
pub(crate) struct OwnerSide {
    index: usize,
    parts: usize,
    roots: Vec<Config>,
    opts: ExploreOptions,
    owner: Option<(Rules, Owner)>,
    /// The successor messages of the round in flight, per sending owner.
    inboxes: Vec<Vec<u8>>,
    /// This owner's checkpoint files (`--checkpoint`, `--resume`).
    files: Option<OwnerFiles>,
}

impl OwnerSide {
    pub fn new(
        index: usize,
        parts: usize,
        roots: Vec<Config>,
        opts: ExploreOptions,
        files: Option<OwnerFiles>,
    ) -> Self {
        OwnerSide {
            index,
            parts,
            roots,
            opts,
            owner: None,
            inboxes: vec![Vec::new(); parts],
            files,
        }
    }

    /// Handles `m`, queueing what it sends in `out`. Owner side: `Start`, `Seed`/`Expand`
    /// (expand, send `Bufs` to each owner and `Expanded` to the coordinator), `Bufs` (kept
    /// for the absorb), `Cutoff` (absorb, send `Keys`), `Ids` (assign), `Restore` and
    /// `Checkpoint` (send `Restored`, `Part`: a file that cannot be read or written is the
    /// coordinator's to report). A protocol error is a bug: it panics, and the panic ends
    /// every process.
    pub fn handle(&mut self, m: Msg, out: &mut Vec<Addressed>) -> Handled {
        match m {
            Msg::Start { search } => {
                let mut rules =
                    Exploration::worker_rules(&self.roots, &self.opts, self.parts, search)
                        .expect("the coordinator accepted the same configs and options");
                if self.files.is_some() {
                    rules = rules.with_checkpoints();
                }
                let owner = Owner::new(&rules, self.index);
                self.owner = Some((rules, owner));
            }
            Msg::Restore(part) => {
                let (rules, owner) = self.owner.as_mut().expect("a search started");
                let files = self.files.as_mut().expect("a resume has checkpoint files");
                let error = match files.restore(rules, &part) {
                    Ok(o) => {
                        *owner = o;
                        None
                    }
                    Err(e) => Some(e),
                };
                let from = self.index as u32;
                out.push((0, Msg::Restored { from, error }));
            }
            Msg::Checkpoint { search, depth } => {
                let (rules, owner) = self.owner.as_mut().expect("a search started");
                let files = self.files.as_mut().expect("a checkpoint has files");
                let record = files.checkpoint(owner, rules, search, depth);
                let from = self.index as u32;
                out.push((0, Msg::Part { from, record }));
            }
            Msg::Seed | Msg::Expand { .. } => {
                let (rules, owner) = self.owner.as_mut().expect("a search started");
                match m {
                    Msg::Expand { depth, end } => owner
                        .expand(rules, depth, end)
                        .unwrap_or_else(|e| panic!("protocol: expand: {e}")),
                    _ => owner.seed(rules),
                }
                let from = self.index as u32;
                let size = rules.msg_size();
                for (to, msgs) in owner.out.bufs.iter().enumerate() {
                    // An owner's messages to itself stay in the owner; nothing is nothing.
                    if to != self.index && !msgs.is_empty() {
                        let mut bytes = Vec::with_capacity(msgs.len() / 3);
                        pack_messages(msgs, size, &mut bytes);
                        out.push((to as u32, Msg::Bufs { from, bytes }));
                    }
                }
                let violation = owner
                    .out
                    .violation
                    .as_ref()
                    .map(|v| serde_json::to_string(v).expect("a violation serialises"));
                out.push((0, Msg::Expanded { from, violation }));
            }
            Msg::Bufs { from, bytes } => {
                let (rules, _) = self.owner.as_ref().expect("a search started");
                let inbox = &mut self.inboxes[from as usize];
                unpack_messages(&bytes, rules.msg_size(), inbox)
                    .unwrap_or_else(|e| panic!("protocol: successor messages: {e}"));
            }
            Msg::Cutoff(cutoff) => {
                let (rules, owner) = self.owner.as_mut().expect("a search started");
                let inboxes: Vec<&[u8]> = self.inboxes.iter().map(Vec::as_slice).collect();
                let counted = owner
                    .absorb(rules, &inboxes, cutoff)
                    .unwrap_or_else(|e| panic!("protocol: absorb: {e}"));
                self.inboxes.iter_mut().for_each(Vec::clear);
                let keys = std::mem::take(&mut owner.keys);
                let (table, held) = (owner.table_bytes(), owner.level_bytes());
                let from = self.index as u32;
                out.push((
                    0,
                    Msg::Keys {
                        from,
                        keys,
                        counted,
                        table,
                        held,
                    },
                ));
            }
            Msg::Ids(ids) => {
                let (rules, owner) = self.owner.as_mut().expect("a search started");
                owner
                    .assign(rules, &ids)
                    .unwrap_or_else(|e| panic!("protocol: assign: {e}"));
            }
            Msg::Finish(v) => return Handled::Finish(v),
            report @ (Msg::Expanded { .. }
            | Msg::Keys { .. }
            | Msg::Part { .. }
            | Msg::Restored { .. }) => return Handled::Report(report),
        }
        Handled::Done
    }
}

/// Parses an owner's violation report.
pub(crate) fn violation(json: &str) -> Violation {
    serde_json::from_str(json).expect("a violation parses")
}
