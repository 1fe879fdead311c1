//! The coordinator's checkpoint state, kept by an exploration between checkpoints
//! (`search/checkpoint.rs` commits and resumes with it).

use std::collections::BTreeSet;

use super::{CheckpointReader, CheckpointWriter, Files, Identity, PartRecord};

/// The checkpoints an exploration keeps: its writer, its own files, how many links of each
/// search are written, the files of the last manifest, and on a resume the reader and the
/// partitions' records until the driver has restored them.
pub(crate) struct Coordinator<'a> {
    pub(crate) writer: Box<dyn CheckpointWriter + 'a>,
    pub(crate) reader: Option<Box<dyn CheckpointReader + 'a>>,
    pub(crate) identity: Identity,
    pub(crate) files: Files,
    /// The search whose links `links` counts, and the first search's links written.
    pub(crate) search: u32,
    pub(crate) links: u64,
    pub(crate) first_links: u64,
    pub(crate) previous: BTreeSet<String>,
    pub(crate) resumed: Vec<PartRecord>,
    pub(crate) error: Option<String>,
}
