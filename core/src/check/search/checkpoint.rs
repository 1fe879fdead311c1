//! Checkpoints, the exploration's side (`check/checkpoint/` the formats and what is written):
//! at each level boundary the coordinator appends the new links and (round by round, as the
//! level is built) the level's blocks, and commits the manifest with the partitions' records;
//! on a resume it rebuilds the search — and, during the shortest re-search, the first
//! search's links — from them. The partitions' part is their driver's (or each owner's).

use std::collections::BTreeSet;

use super::exploration::Exploration;
use super::links::Links;
use super::roots::rules;
use super::rounds::Search;
use crate::check::checkpoint::{
    is_level, level_file, links_file, read_all, CheckpointReader, CheckpointWriter, Coordinator,
    Files, FirstSearch, Identity, Manifest, PartRecord, Protocol, SearchState,
};
use crate::check::store::level::MemLevels;
use crate::check::wire::read_blocks;
use crate::error::ConfigError;

impl<'a> Exploration<'a> {
    /// Keeps checkpoints through `writer` ([`Next::Checkpoint`](super::Next::Checkpoint) at
    /// every level boundary), for a driver of `protocol`; with `resume`, first continues the
    /// checkpoint it reads. Call it before the first step (after
    /// [`Exploration::set_round_size`]). Refused: the fair-cycle analysis; a checkpoint of
    /// another exploration (the error names what differs), or one whose files are missing,
    /// cut short or changed.
    pub fn checkpointed(
        mut self,
        protocol: Protocol,
        writer: Box<dyn CheckpointWriter + 'a>,
        resume: Option<Box<dyn CheckpointReader + 'a>>,
    ) -> Result<Self, ConfigError> {
        if self.opts.cycles {
            return Err(ConfigError::new(
                "cycles",
                "keeps the whole state graph in memory: it is not checkpointed".into(),
            ));
        }
        let s = &self.current;
        let identity = Identity::new(
            &self.roots,
            &self.opts,
            protocol,
            self.parts(),
            [s.chunk_size, s.block],
            s.rules.record_size(),
        );
        let mut ck = Coordinator {
            writer,
            reader: None,
            identity,
            files: Files::default(),
            search: 0,
            links: 0,
            first_links: 0,
            previous: BTreeSet::new(),
            resumed: Vec::new(),
            error: None,
        };
        if let Some(mut r) = resume {
            let bad = |e: String| ConfigError::new("checkpoint", e);
            let m = Manifest::parse(&r.manifest().map_err(bad)?, &ck.identity)?;
            for (f, mark) in m.all_files() {
                ck.writer.keep(f, mark.bytes).map_err(bad)?;
            }
            self.restore(&m, &mut *r).map_err(bad)?;
            ck.files = m.files.clone();
            ck.search = m.search;
            ck.links = m.state.states;
            ck.first_links = m.first.as_ref().map_or(0, |f| f.states);
            ck.previous = m.all_files().map(|(f, _)| f.clone()).collect();
            ck.resumed = m.parts;
            ck.reader = Some(r);
        }
        self.ckpt = Some(ck);
        self.current.rules.checkpoints = true;
        self.current.checkpoints = true;
        Ok(self)
    }

    /// On a resume, the partitions' (owners') records of the checkpoint, for their
    /// [`Owner::restore`](crate::check::pool::Owner::restore).
    pub fn resumed_parts(&self) -> &[PartRecord] {
        self.ckpt.as_ref().map_or(&[], |c| &c.resumed)
    }

    /// Why the checkpoints stopped the exploration (a write failed, a resumed part did not
    /// read back): the verdict is then only `boundReached`.
    pub fn checkpoint_error(&self) -> Option<&str> {
        self.ckpt.as_ref().and_then(|c| c.error.as_deref())
    }

    /// At [`Next::Checkpoint`](super::Next::Checkpoint), once every partition has appended
    /// its part and synced it (`parts`, their records): appends the coordinator's part and
    /// commits the manifest, then removes the files the previous manifest listed and this one
    /// does not. The next round may only be issued after it.
    pub fn commit_checkpoint(&mut self, parts: Vec<PartRecord>) -> Result<(), String> {
        let ck = self
            .ckpt
            .as_mut()
            .ok_or("this exploration keeps no checkpoints")?;
        let w = &mut *ck.writer;
        let mut buf = Vec::new();
        if ck.search != self.search {
            // The re-search's first checkpoint: the links written so far are the first's.
            (ck.first_links, ck.links, ck.search) = (ck.links, 0, self.search);
        }
        if let Some((_, _, ex1)) = &self.first {
            // The first search's links, to its last state (its violation's level).
            let n = ex1.links.len() as u64;
            ex1.links.write(ck.first_links, n, &mut buf);
            ck.files.append(w, &links_file(0), &buf)?;
            ck.first_links = n;
        }
        let s = &self.current;
        let n = s.links.len() as u64;
        buf.clear();
        s.links.write(ck.links, n, &mut buf);
        ck.files.append(w, &links_file(self.search), &buf)?;
        ck.links = n;
        let level = level_file(self.search, s.depth);
        ck.files.0.retain(|f, _| !is_level(f) || *f == level);
        let manifest = Manifest {
            identity: ck.identity.clone(),
            search: self.search,
            state: s.state(),
            first: self.first.as_ref().map(|(v, stats, ex1)| FirstSearch {
                violation: v.clone(),
                stats: stats.clone(),
                states: ex1.links.len() as u64,
                root_of: ex1.state().root_of,
            }),
            files: ck.files.clone(),
            parts,
        };
        let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
        w.sync()?;
        w.commit(&text)?;
        let now: BTreeSet<String> = manifest.all_files().map(|(f, _)| f.clone()).collect();
        for f in ck.previous.difference(&now) {
            w.remove(f);
        }
        ck.previous = now;
        Ok(())
    }

    /// Appends the blocks of the rounds absorbed since the last step to the file of the level
    /// being built (none once the search has ended: no checkpoint follows).
    pub(super) fn flush_level(&mut self) {
        let Some(ck) = &mut self.ckpt else {
            return;
        };
        let s = &mut self.current;
        if s.tee.is_empty() || s.end.is_some() {
            s.tee.clear();
            return;
        }
        let depth = if s.level_open { s.depth + 1 } else { s.depth };
        let r = ck
            .files
            .append(&mut *ck.writer, &level_file(self.search, depth), &s.tee);
        s.tee.clear();
        if let Err(e) = r {
            self.fail_checkpoint(e);
        }
    }

    /// A checkpoint failed: the exploration stops (`boundReached`), the error kept for
    /// [`Exploration::checkpoint_error`].
    pub(crate) fn fail_checkpoint(&mut self, e: String) {
        if let Some(ck) = &mut self.ckpt {
            ck.error.get_or_insert(e);
        }
        self.cancel();
    }

    /// The writer of the checkpoints, if any.
    pub(crate) fn checkpoint_writer(&mut self) -> Option<&mut dyn CheckpointWriter> {
        Some(&mut *self.ckpt.as_mut()?.writer)
    }

    /// On a resume, once, for the driver to restore its partitions: the reader, the
    /// partitions' records and the writer.
    #[allow(clippy::type_complexity)]
    pub(crate) fn checkpoint_restore(
        &mut self,
    ) -> Option<(
        Box<dyn CheckpointReader + 'a>,
        Vec<PartRecord>,
        &mut dyn CheckpointWriter,
    )> {
        let ck = self.ckpt.as_mut()?;
        let r = ck.reader.take()?;
        Some((r, ck.resumed.clone(), &mut *ck.writer))
    }

    /// Rebuilds the searches of manifest `m` from the coordinator's files.
    fn restore(&mut self, m: &Manifest, r: &mut dyn CheckpointReader) -> Result<(), String> {
        let read_links = |r: &mut dyn CheckpointReader, search: u32, states: u64| {
            let (mut links, mut read) = (Links::default(), Links::reader());
            let file = links_file(search);
            m.files.read(r, &file, &mut |p| {
                read(&mut links, p);
                Ok(())
            })?;
            if links.len() as u64 != states {
                return Err(format!(
                    "`{file}` holds {} links; the manifest counts {states} states",
                    links.len()
                ));
            }
            Ok(links)
        };
        let (max, rounds) = (
            self.opts.max_states,
            (self.current.chunk_size, self.current.block),
        );
        self.current = match (&m.first, m.search) {
            (None, 0) => {
                let rules = rules(&self.roots, &self.opts, self.parts(), self.por);
                let mut s = Search::new(rules, (self.levels)(), max, u64::MAX);
                (s.chunk_size, s.block) = rounds;
                s
            }
            (Some(f), 1) => {
                let rules0 = rules(&self.roots, &self.opts, self.parts(), self.por);
                let mut ex1 = Search::new(rules0, Box::<MemLevels>::default(), max, u64::MAX);
                ex1.links = read_links(r, 0, f.states)?;
                ex1.root_of = f.root_of.iter().map(|&(i, k)| (i, k as usize)).collect();
                self.first = Some((f.violation.clone(), f.stats.clone().derive(), ex1));
                self.search = 1;
                let rules1 = rules(&self.roots, &self.opts, self.parts(), false);
                let limit = f.violation.depth.saturating_sub(1);
                Search::new(rules1, (self.levels)(), max, limit)
            }
            _ => {
                return Err(format!(
                    "the manifest's search {} is not one of this run",
                    m.search
                ))
            }
        };
        let st = &m.state;
        let parts = self.parts();
        let s = &mut self.current;
        s.threads = parts;
        s.links = read_links(r, m.search, st.states)?;
        if u64::from(st.level_base) + st.level_records != st.states {
            return Err("the manifest's level does not end at its last state".into());
        }
        let level = read_all(&m.files, r, &level_file(m.search, st.depth))?;
        let blocks = read_blocks(&level)?;
        let records: u64 = blocks.iter().map(|b| u64::from(b.records)).sum();
        if records != st.level_records {
            return Err(format!(
                "the level at depth {} holds {records} records; the manifest counts {}",
                st.depth, st.level_records
            ));
        }
        blocks.into_iter().for_each(|b| s.levels.push(b));
        s.next_records = st.level_records;
        s.root_of = st.root_of.iter().map(|&(i, k)| (i, k as usize)).collect();
        (s.transitions, s.max_depth) = (st.transitions, st.max_depth);
        (s.peak_transient, s.table_bytes) = (st.peak_transient, st.table_bytes);
        (s.seeded, s.depth, s.level_base) = (true, st.depth, st.level_base);
        s.checkpointed = Some(st.depth);
        Ok(())
    }
}

impl Search {
    /// Where the search stands (at a level boundary).
    pub(super) fn state(&self) -> SearchState {
        let mut root_of: Vec<(u32, u32)> =
            self.root_of.iter().map(|(&i, &k)| (i, k as u32)).collect();
        root_of.sort_unstable();
        SearchState {
            depth: self.depth,
            level_base: self.level_base,
            level_records: self.next_records,
            states: self.links.len() as u64,
            transitions: self.transitions,
            max_depth: self.max_depth,
            peak_transient: self.peak_transient,
            table_bytes: self.table_bytes,
            root_of,
        }
    }
}
