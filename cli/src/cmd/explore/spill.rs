//! `--spill-dir`: the BFS levels in files instead of RAM, for searches whose frontier does not
//! fit in memory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use qisim_core::check::{Block, LevelStore};

/// The BFS levels in two sequential files of the spill dir, written in order and read back once
/// in order (blocks as `records: u32, bytes: u32, bytes...`, little-endian); removed on drop.
/// An I/O error stops the search with a message naming the file.
pub(super) struct FileLevels {
    paths: [PathBuf; 2],
    /// The file being written.
    w: usize,
    writer: Option<BufWriter<File>>,
    reader: Option<BufReader<File>>,
}

impl FileLevels {
    pub(super) fn new(dir: &Path, search: u32) -> Self {
        let name = |s: &str| dir.join(format!("qisim-levels-{}-{search}-{s}", std::process::id()));
        let mut f = FileLevels {
            paths: [name("a"), name("b")],
            w: 0,
            writer: None,
            reader: None,
        };
        f.writer = Some(BufWriter::with_capacity(1 << 20, f.create(0)));
        f
    }

    fn fail(&self, i: usize, e: std::io::Error) -> ! {
        panic!(
            "spilling the BFS levels to {}: {e}",
            self.paths[i].display()
        )
    }

    fn create(&self, i: usize) -> File {
        File::create(&self.paths[i]).unwrap_or_else(|e| self.fail(i, e))
    }
}

impl LevelStore for FileLevels {
    fn push(&mut self, block: Block) {
        let w = self.writer.as_mut().expect("a writer");
        let r = w
            .write_all(&block.records.to_le_bytes())
            .and_then(|_| w.write_all(&(block.bytes.len() as u32).to_le_bytes()))
            .and_then(|_| w.write_all(&block.bytes));
        if let Err(e) = r {
            self.fail(self.w, e);
        }
    }

    fn advance(&mut self) {
        let written = self.w;
        if let Some(w) = self.writer.take() {
            if let Err(e) = w.into_inner().map_err(|e| e.into_error()) {
                self.fail(written, e);
            }
        }
        self.reader = None;
        let f = File::open(&self.paths[written]).unwrap_or_else(|e| self.fail(written, e));
        self.reader = Some(BufReader::with_capacity(1 << 20, f));
        self.w ^= 1;
        self.writer = Some(BufWriter::with_capacity(1 << 20, self.create(self.w)));
    }

    fn pop(&mut self) -> Option<Block> {
        let read = self.w ^ 1;
        let r = self.reader.as_mut()?;
        let mut head = [0u8; 8];
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return None,
            Err(e) => self.fail(read, e),
        }
        let records = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as usize;
        let mut bytes = vec![0u8; len];
        if let Err(e) = r.read_exact(&mut bytes) {
            self.fail(read, e);
        }
        Some(Block { records, bytes })
    }

    fn ram_bytes(&self) -> u64 {
        2 << 20
    }
}

impl Drop for FileLevels {
    fn drop(&mut self) {
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FileLevels;
    use qisim_core::check::{self, ExploreOptions, LevelStore, MemLevels};
    use qisim_core::{BatchDist, Config, PolicyKind, Workload};

    /// Levels in files give the verdict, counts and counterexample of levels in RAM, and the
    /// files are removed afterwards.
    #[test]
    fn spilled_levels_give_the_same_result() {
        let dir = std::env::temp_dir().join(format!("qisim-spill-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for policy in [PolicyKind::Fixed, PolicyKind::Legacy] {
            let base = Config {
                qi_length: 6,
                submitters: 2,
                policy,
                workload: Workload {
                    submissions: 2,
                    batch: BatchDist::Fixed { count: 1 },
                    ..Workload::default()
                },
                ..Config::default()
            };
            let roots = check::count_family(&base, &[0, 1, 2]).unwrap();
            let o = ExploreOptions {
                threads: 2,
                ..ExploreOptions::default()
            };
            let mut n = 0;
            let mut files = || -> Box<dyn LevelStore> {
                n += 1;
                Box::new(FileLevels::new(&dir, n))
            };
            let a = check::explore_roots_with(&roots, &o, |_| true, &mut files).unwrap();
            let b = check::explore_roots_with(&roots, &o, |_| true, &mut || {
                Box::<MemLevels>::default()
            })
            .unwrap();
            let key = |v: &check::Verdict| {
                let mut j = serde_json::to_value(v).unwrap();
                for k in ["bytesPerState", "peakBytes"] {
                    j.as_object_mut().unwrap().remove(k);
                }
                j
            };
            assert!(a.stats().states > 100, "{policy:?}");
            assert_eq!(key(&a), key(&b), "{policy:?}");
        }
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "files left");
        std::fs::remove_dir(&dir).unwrap();
    }
}
