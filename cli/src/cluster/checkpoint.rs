//! An owner's part of `--checkpoint DIR` and `--resume DIR` on a cluster. Every process writes
//! its own owners' files in its own DIR (on one machine or a shared file system, one DIR for
//! all is fine: the files' names differ); process 0 also writes the coordinator's files and
//! the manifest, which records every owner's files (`qisim_core::check::checkpoint`). A resume
//! needs each process's DIR as the killed run left it, and the same processes and workers.

use std::path::Path;

use qisim_core::check::checkpoint::{CheckpointWriter, Files, PartRecord};
use qisim_core::check::pool::{Owner, Rules};

use crate::cmd::explore::checkpoint::{DirReader, DirWriter};

/// One owner's checkpoint files in this process's directory.
pub(crate) struct OwnerFiles {
    writer: DirWriter,
    reader: DirReader,
    /// The files of the owner's last record (in the manifest committed last, or about to be)
    /// and of the one before (in the manifest before it).
    last: Files,
    before: Files,
}

impl OwnerFiles {
    /// The files in `dir`; `resume`: continuing the checkpoint there.
    pub fn new(dir: &Path, resume: bool) -> Result<Self, String> {
        Ok(OwnerFiles {
            writer: DirWriter::new(dir, resume)?,
            reader: DirReader::new(dir),
            last: Files::default(),
            before: Files::default(),
        })
    }

    /// The owner's part of the checkpoint of search `search` at `depth`: appended, synced,
    /// and its record (JSON) for the coordinator.
    pub fn checkpoint(
        &mut self,
        owner: &mut Owner,
        rules: &Rules,
        search: u32,
        depth: u64,
    ) -> Result<String, String> {
        // The coordinator committed the manifest of the last record before this checkpoint
        // began: the files only the record before it held (the level before) are no one's.
        // Process 0 removes them too, in its own directory; this is for the others'.
        for f in self.before.0.keys() {
            if !self.last.0.contains_key(f) {
                self.writer.remove(f);
            }
        }
        let part = owner.checkpoint(rules, search, depth, &mut self.writer)?;
        self.before = std::mem::replace(&mut self.last, part.files.clone());
        Ok(serde_json::to_string(&part).expect("a part record serialises"))
    }

    /// The owner rebuilt from its record `part` (JSON) of the checkpoint resumed.
    pub fn restore(&mut self, rules: &Rules, part: &str) -> Result<Owner, String> {
        let part: PartRecord =
            serde_json::from_str(part).map_err(|e| format!("an owner's record: {e}"))?;
        let owner = Owner::restore(rules, &part, &mut self.reader, &mut self.writer)?;
        self.last = part.files;
        Ok(owner)
    }
}
