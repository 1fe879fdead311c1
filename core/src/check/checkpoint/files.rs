//! The files of a checkpoint as their owner tracks them: per file the bytes appended so far
//! and a running FNV-1a hash of them, recorded in the manifest; a resume reads exactly those
//! bytes and checks the hash, so a file cut short or changed is refused, never read as states.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CheckpointReader, CheckpointWriter};

/// FNV-1a's offset basis: the hash of no bytes.
pub(crate) const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// What a checkpoint holds of one file: its first `bytes` bytes, whose FNV-1a hash is `fnv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMark {
    pub bytes: u64,
    pub fnv: u64,
}

impl Default for FileMark {
    fn default() -> Self {
        FileMark {
            bytes: 0,
            fnv: FNV_START,
        }
    }
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The files one part of an exploration writes, by name (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Files(pub BTreeMap<String, FileMark>);

impl Files {
    /// Appends `bytes` to `file` through `w`, recording them.
    pub fn append(
        &mut self,
        w: &mut dyn CheckpointWriter,
        file: &str,
        bytes: &[u8],
    ) -> Result<(), String> {
        if bytes.is_empty() && self.0.contains_key(file) {
            return Ok(());
        }
        w.append(file, bytes)?;
        let m = self.0.entry(file.to_string()).or_default();
        m.bytes += bytes.len() as u64;
        m.fnv = fnv(m.fnv, bytes);
        Ok(())
    }

    /// Drops `file` from the record (a level no later checkpoint needs).
    pub fn forget(&mut self, file: &str) {
        self.0.remove(file);
    }

    /// Tells `w` what the checkpoint holds of each file (on a resume).
    pub fn keep_all(&self, w: &mut dyn CheckpointWriter) -> Result<(), String> {
        self.0.iter().try_for_each(|(f, m)| w.keep(f, m.bytes))
    }

    /// Reads the recorded bytes of `file` through `r` into `each`, then checks their hash: an
    /// error names the file if it is missing, shorter, or changed (what `each` saw is then to
    /// be thrown away).
    pub fn read(
        &self,
        r: &mut dyn CheckpointReader,
        file: &str,
        each: &mut dyn FnMut(&[u8]) -> Result<(), String>,
    ) -> Result<(), String> {
        let m = self
            .0
            .get(file)
            .ok_or_else(|| format!("the manifest lists no file `{file}`"))?;
        let (mut h, mut n, mut failed) = (FNV_START, 0u64, None);
        r.read(file, m.bytes, &mut |piece| {
            h = fnv(h, piece);
            n += piece.len() as u64;
            if failed.is_none() {
                failed = each(piece).err();
            }
        })?;
        if n != m.bytes {
            return Err(format!(
                "`{file}` gave {n} bytes; the manifest records {}",
                m.bytes
            ));
        }
        if h != m.fnv {
            return Err(format!(
                "`{file}` is corrupted: its first {n} bytes do not hash to what the manifest \
                 records"
            ));
        }
        failed.map_or(Ok(()), |e| Err(format!("`{file}`: {e}")))
    }
}

/// The coordinator's file of search `search`'s links.
pub(crate) fn links_file(search: u32) -> String {
    format!("s{search}-links")
}

/// The coordinator's file of the level at `depth` of search `search`.
pub(crate) fn level_file(search: u32, depth: u64) -> String {
    format!("s{search}-level-{depth}")
}

/// Partition `p`'s fingerprints in the slice protocol.
pub(crate) fn fp_file(search: u32, p: usize) -> String {
    format!("s{search}-fp-{p}")
}

/// Owner `p`'s fingerprints, and its states of the level at `depth`.
pub(crate) fn owner_fp_file(search: u32, p: usize) -> String {
    format!("s{search}-owner{p}-fp")
}

pub(crate) fn owner_level_file(search: u32, p: usize, depth: u64) -> String {
    format!("s{search}-owner{p}-level-{depth}")
}

/// Whether `file` is a level (kept only while it is the one expanded next).
pub(crate) fn is_level(file: &str) -> bool {
    file.contains("-level-")
}

/// Reads `file` (of `files`) as little-endian `u64` fingerprints into `each`.
pub(crate) fn read_fingerprints(
    files: &Files,
    r: &mut dyn CheckpointReader,
    file: &str,
    each: &mut dyn FnMut(u64),
) -> Result<(), String> {
    let mut carry = Vec::with_capacity(8);
    files.read(r, file, &mut |mut piece| {
        if !carry.is_empty() {
            let take = (8 - carry.len()).min(piece.len());
            carry.extend_from_slice(&piece[..take]);
            piece = &piece[take..];
            if carry.len() == 8 {
                each(u64::from_le_bytes(carry[..].try_into().expect("8 bytes")));
                carry.clear();
            }
        }
        let whole = piece.len() / 8 * 8;
        for fp in piece[..whole].chunks_exact(8) {
            each(u64::from_le_bytes(fp.try_into().expect("8 bytes")));
        }
        carry.extend_from_slice(&piece[whole..]);
        Ok(())
    })?;
    if carry.is_empty() {
        Ok(())
    } else {
        Err(format!("`{file}` is not a whole number of fingerprints"))
    }
}

/// Reads the whole of `file` (of `files`) into memory (a level, a run of links).
pub(crate) fn read_all(
    files: &Files,
    r: &mut dyn CheckpointReader,
    file: &str,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    files.read(r, file, &mut |p| {
        out.extend_from_slice(p);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{read_fingerprints, Files};
    use crate::check::checkpoint::{CheckpointReader, CheckpointWriter};
    use std::collections::BTreeMap;

    /// Files in memory, read back in pieces of 3 bytes (pieces that cut fingerprints).
    #[derive(Default)]
    struct Mem(BTreeMap<String, Vec<u8>>);

    impl CheckpointWriter for Mem {
        fn append(&mut self, f: &str, b: &[u8]) -> Result<(), String> {
            self.0.entry(f.into()).or_default().extend_from_slice(b);
            Ok(())
        }
        fn sync(&mut self) -> Result<(), String> {
            Ok(())
        }
        fn commit(&mut self, _: &str) -> Result<(), String> {
            Ok(())
        }
        fn remove(&mut self, f: &str) {
            self.0.remove(f);
        }
        fn keep(&mut self, f: &str, len: u64) -> Result<(), String> {
            self.0.entry(f.into()).or_default().truncate(len as usize);
            Ok(())
        }
    }

    impl CheckpointReader for Mem {
        fn manifest(&mut self) -> Result<String, String> {
            Err("none".into())
        }
        fn read(&mut self, f: &str, len: u64, each: &mut dyn FnMut(&[u8])) -> Result<(), String> {
            let b = self.0.get(f).ok_or("missing")?;
            let b = b.get(..len as usize).ok_or("short")?;
            b.chunks(3).for_each(each);
            Ok(())
        }
    }

    #[test]
    fn fingerprints_round_trip_and_a_change_is_refused() {
        let (mut m, mut files) = (Mem::default(), Files::default());
        let fps: Vec<u64> = (0..100u64)
            .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
            .collect();
        for c in fps.chunks(7) {
            let bytes: Vec<u8> = c.iter().flat_map(|f| f.to_le_bytes()).collect();
            files.append(&mut m, "fp", &bytes).unwrap();
        }
        // Bytes after the record (a kill mid-append) are not read.
        m.append("fp", &[1, 2, 3]).unwrap();
        let mut back = Vec::new();
        read_fingerprints(&files, &mut m, "fp", &mut |f| back.push(f)).unwrap();
        assert_eq!(back, fps);
        m.0.get_mut("fp").unwrap()[17] ^= 1;
        let e = read_fingerprints(&files, &mut m, "fp", &mut |_| {}).unwrap_err();
        assert!(e.contains("corrupted"), "{e}");
        m.0.get_mut("fp").unwrap().truncate(10);
        let e = read_fingerprints(&files, &mut m, "fp", &mut |_| {}).unwrap_err();
        assert!(e.contains("short"), "{e}");
        assert!(files.read(&mut m, "other", &mut |_| Ok(())).is_err());
    }
}
