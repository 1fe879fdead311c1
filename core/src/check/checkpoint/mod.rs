//! Checkpoints: a long exploration that is killed resumes at the level it had completed, and
//! ends with the result of an uninterrupted run (verdict, states, transitions, depth,
//! counterexample). The core decides what a checkpoint holds and produces and consumes it as
//! named append-only byte files through two traits the caller implements
//! ([`CheckpointWriter`], [`CheckpointReader`]); the core does no I/O (the CLI writes them
//! into `--checkpoint DIR`, `cli/src/cmd/explore/checkpoint.rs`; `docs/checkpoints.md`).
//!
//! # What is written, and when
//!
//! A checkpoint is taken at each level boundary of a search: every round of a level has been
//! absorbed, the next level is complete and not yet expanded
//! ([`Next::Checkpoint`](crate::check::Next::Checkpoint)). Nothing is rewritten: each file is
//! a log that only grows, and the manifest records how many bytes of each belong to the
//! checkpoint (and an FNV-1a hash of them), so a kill at any moment — even in the middle of an
//! append — leaves the last manifest valid: a resume drops what follows the recorded lengths.
//!
//! - the coordinator's part (the [`Exploration`](crate::check::Exploration)): `s{n}-links`,
//!   the parent index (`u32`) and actor byte of every new state of search `n`, 5 bytes a
//!   state; `s{n}-level-{d}`, the blocks of the level at depth `d` as
//!   [`write_blocks`](crate::check::write_blocks) lays them out (the records, in the slice
//!   protocol; only the blocks' record counts, the level's shape, in the owner protocol),
//!   appended round by round as the level is built;
//! - each partition's part ([`PartRecord`]): in the slice protocol `s{n}-fp-{p}`, the 64-bit
//!   fingerprints of the states partition `p` accepted, 8 bytes a state; in the owner
//!   protocol, `s{n}-owner{p}-fp` likewise and `s{n}-owner{p}-level-{d}`, the states owner `p`
//!   keeps of the level at depth `d` (runs of indices and encoded records,
//!   [`Owner::checkpoint`](crate::check::pool::Owner::checkpoint));
//! - the manifest ([`Manifest`], JSON): what was explored (format, qisim version, options,
//!   the roots, the record size, the protocol; [`Identity`]), where the search is (search,
//!   depth, counters, statistics), the first search's violation while the shortest
//!   re-search runs, and the length and hash of every file. The writer replaces it atomically
//!   ([`CheckpointWriter::commit`]) after making every appended byte durable, then the files
//!   the previous manifest listed and the new one does not (the previous level) are removed.
//!
//! A resume rebuilds the links and the visited set from the logs, the next level from its
//! file, and continues; the fingerprint logs are read whatever the partition of a state, so a
//! slice-protocol checkpoint written on N threads resumes on M. An owner-protocol checkpoint
//! needs the same number of owners (each keeps its level's states). A checkpoint of another
//! exploration (configs, options, version, protocol) is refused with a
//! [`ConfigError`](crate::ConfigError) naming the field that differs; a file shorter than the
//! manifest says or whose bytes do not hash to its record is refused too.
//!
//! # The owner protocol in several processes
//!
//! The coordinator and the owners checkpoint separately, each through its own writer (files
//! of distinct names in one directory). At [`Next::Checkpoint`](crate::check::Next::Checkpoint)
//! each owner calls [`Owner::checkpoint`](crate::check::pool::Owner::checkpoint), which appends
//! its part, syncs it and returns its [`PartRecord`] (plain data, JSON); the coordinator
//! collects every owner's record and calls
//! [`Exploration::commit_checkpoint`](crate::check::Exploration::commit_checkpoint), which
//! appends its own part and commits the manifest; only then may the next level's first round
//! be issued. To resume, the coordinator makes its exploration with
//! [`Exploration::checkpointed`](crate::check::Exploration::checkpointed) and hands each owner
//! its record ([`Exploration::resumed_parts`](crate::check::Exploration::resumed_parts)); the
//! owner is rebuilt with [`Owner::restore`](crate::check::pool::Owner::restore). `OwnerPool`
//! does exactly this on one thread (`core/tests/checkpoints.rs` tests it).
//!
//! # What is not checkpointed
//!
//! The fair-cycle analysis (`cycles`) keeps the whole graph in memory: it is refused.
//! A search killed before its first checkpoint starts again; the shortest re-search is
//! checkpointed like the search (with the first search's violation, statistics and links).

mod coordinator;
mod files;
mod manifest;

pub(crate) use coordinator::Coordinator;
pub(crate) use files::{
    fp_file, is_level, level_file, links_file, owner_fp_file, owner_level_file, read_all,
    read_fingerprints,
};
pub use files::{FileMark, Files};
pub use manifest::{FirstSearch, Identity, Manifest, SearchState};

use serde::{Deserialize, Serialize};

/// Where a checkpoint's files go: named append-only files (names of letters, digits and `-`)
/// and a manifest replaced atomically. A file keeps what the checkpoint recorded of it
/// ([`CheckpointWriter::keep`]) or, if not recorded, starts empty at its first append.
pub trait CheckpointWriter {
    /// Appends `bytes` to `file`.
    fn append(&mut self, file: &str, bytes: &[u8]) -> Result<(), String>;
    /// Makes every byte appended so far durable (flushed and synced).
    fn sync(&mut self) -> Result<(), String>;
    /// Replaces the manifest with `manifest` atomically (written aside, synced, renamed): the
    /// checkpoint. Called after [`CheckpointWriter::sync`].
    fn commit(&mut self, manifest: &str) -> Result<(), String>;
    /// `file` is in no checkpoint any more (best effort).
    fn remove(&mut self, file: &str);
    /// On a resume: the checkpoint holds the first `len` bytes of `file`; what follows them
    /// (written after it) is dropped before the next append.
    fn keep(&mut self, file: &str, len: u64) -> Result<(), String>;
}

/// Where a checkpoint is read from on a resume.
pub trait CheckpointReader {
    /// The manifest's text.
    fn manifest(&mut self) -> Result<String, String>;
    /// The first `len` bytes of `file`, handed to `each` in pieces, in order; an error if the
    /// file is shorter.
    fn read(&mut self, file: &str, len: u64, each: &mut dyn FnMut(&[u8])) -> Result<(), String>;
}

/// Which protocol a driver reports through ([`crate::check::Driver`]): what the partitions'
/// part of a checkpoint holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Protocol {
    /// The slice protocol (one thread, native threads): the levels are the coordinator's.
    Slices,
    /// The owner protocol (`OwnerPool`, Web Workers, other processes): each owner keeps its
    /// states of a level.
    Owners,
}

/// One partition's (or owner's) part of a checkpoint: its index and its files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartRecord {
    pub index: usize,
    pub files: Files,
}
