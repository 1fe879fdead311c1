//! `--checkpoint DIR` and `--resume DIR`: the core's checkpoint files
//! (`qisim_core::check::checkpoint`) as files of DIR. Appends go through a buffer per file;
//! a checkpoint syncs every file appended to, writes `manifest.json` aside, syncs it, renames
//! it over the old one and syncs the directory, so a kill at any moment leaves the last
//! manifest and the bytes it records (`docs/checkpoints.md`).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use qisim_core::check::checkpoint::{CheckpointReader, CheckpointWriter};

const MANIFEST: &str = "manifest.json";

/// The files of a checkpoint directory, written.
pub(crate) struct DirWriter {
    dir: PathBuf,
    open: BTreeMap<String, BufWriter<File>>,
    /// What the resumed checkpoint holds of each file.
    kept: BTreeMap<String, u64>,
}

/// The files of a checkpoint directory, read on a resume.
pub(crate) struct DirReader {
    dir: PathBuf,
}

/// `DIR/name` and the error of an I/O step on it.
fn io(path: &Path, what: &str, e: std::io::Error) -> String {
    format!("{what} `{}`: {e}", path.display())
}

impl DirWriter {
    /// A writer into `dir` (made if missing). Without `resume`, `dir` must hold no
    /// checkpoint: a new run does not overwrite one.
    pub(crate) fn new(dir: &Path, resume: bool) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, "making", e))?;
        if !resume && dir.join(MANIFEST).exists() {
            return Err(format!(
                "`{}` already holds a checkpoint: continue it with --resume {0}, or remove it",
                dir.display()
            ));
        }
        Ok(DirWriter {
            dir: dir.to_path_buf(),
            open: BTreeMap::new(),
            kept: BTreeMap::new(),
        })
    }

    fn sync_dir(&self) -> Result<(), String> {
        // A directory opened read-only can be synced on Unix; elsewhere this is best effort.
        match File::open(&self.dir) {
            Ok(d) => {
                let _ = d.sync_all();
                Ok(())
            }
            Err(e) => Err(io(&self.dir, "opening", e)),
        }
    }
}

impl CheckpointWriter for DirWriter {
    fn append(&mut self, file: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.dir.join(file);
        if !self.open.contains_key(file) {
            let mut f = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io(&path, "opening", e))?;
            // What follows the checkpoint's bytes was written after it: dropped.
            let keep = self.kept.get(file).copied().unwrap_or(0);
            f.set_len(keep)
                .and_then(|_| f.seek(SeekFrom::End(0)).map(|_| ()))
                .map_err(|e| io(&path, "truncating", e))?;
            self.open
                .insert(file.to_string(), BufWriter::with_capacity(1 << 20, f));
        }
        let w = self.open.get_mut(file).expect("opened above");
        w.write_all(bytes).map_err(|e| io(&path, "writing", e))
    }

    fn sync(&mut self) -> Result<(), String> {
        for (name, w) in &mut self.open {
            let path = self.dir.join(name);
            w.flush()
                .and_then(|_| w.get_ref().sync_data())
                .map_err(|e| io(&path, "syncing", e))?;
        }
        Ok(())
    }

    fn commit(&mut self, manifest: &str) -> Result<(), String> {
        let tmp = self.dir.join(format!("{MANIFEST}.tmp"));
        let mut f = File::create(&tmp).map_err(|e| io(&tmp, "creating", e))?;
        f.write_all(manifest.as_bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| io(&tmp, "writing", e))?;
        let path = self.dir.join(MANIFEST);
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, "replacing", e))?;
        self.sync_dir()
    }

    fn remove(&mut self, file: &str) {
        self.open.remove(file);
        let _ = std::fs::remove_file(self.dir.join(file));
    }

    fn keep(&mut self, file: &str, len: u64) -> Result<(), String> {
        self.kept.insert(file.to_string(), len);
        Ok(())
    }
}

impl DirReader {
    pub(crate) fn new(dir: &Path) -> Self {
        DirReader {
            dir: dir.to_path_buf(),
        }
    }
}

impl CheckpointReader for DirReader {
    fn manifest(&mut self) -> Result<String, String> {
        let path = self.dir.join(MANIFEST);
        std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "`{}` holds no checkpoint (no {MANIFEST}): start one with --checkpoint",
                self.dir.display()
            ),
            _ => io(&path, "reading", e),
        })
    }

    fn read(&mut self, file: &str, len: u64, each: &mut dyn FnMut(&[u8])) -> Result<(), String> {
        let path = self.dir.join(file);
        let mut f = File::open(&path).map_err(|e| io(&path, "opening", e))?;
        let size = f.metadata().map_err(|e| io(&path, "reading", e))?.len();
        if size < len {
            return Err(format!(
                "`{}` is cut short: {size} bytes, the manifest records {len}",
                path.display()
            ));
        }
        let mut buf = vec![0u8; 1 << 20];
        let mut left = len;
        while left > 0 {
            let n = (left as usize).min(buf.len());
            f.read_exact(&mut buf[..n])
                .map_err(|e| io(&path, "reading", e))?;
            each(&buf[..n]);
            left -= n as u64;
        }
        Ok(())
    }
}
