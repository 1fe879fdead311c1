//! The levels of a pool worker that keeps the states it owns (`drivers/owners.rs`): the owned
//! states of the level being expanded, read in index order, and of the next level, appended
//! as the coordinator assigns their indices. A level's runs are kept as the accepted entries
//! they were absorbed as, up to [`RAW_BYTES`], and encoded as blocks (`wire/block.rs`) past it.

use std::collections::VecDeque;

use crate::check::wire::{decode, write_blocks, Block, Encoder, BLOCK, ENTRY_HEAD};

/// Bytes of accepted entries an owner keeps as they are per level before it encodes the rest:
/// most levels are small, and encoding them was a fifth of a worker's time.
const RAW_BYTES: usize = 16 << 20;

/// Consecutive owned states of a level: their records and their indices.
struct Run {
    records: Records,
    ids: Vec<u32>,
}

enum Records {
    /// The accepted entries as absorbed (`ENTRY_HEAD` bytes, then the record): not copied again.
    Entries(Vec<u8>),
    /// The records encoded.
    Encoded(Block),
}

/// Byte buffers to reuse (a message buffer grown again every round was a tenth of a worker's
/// time): at most four kept.
#[derive(Default)]
pub(crate) struct Spare(Vec<Vec<u8>>);

impl Spare {
    /// A buffer, empty.
    pub(crate) fn take(&mut self) -> Vec<u8> {
        self.0.pop().unwrap_or_default()
    }

    /// Keeps `buf` for reuse.
    pub(crate) fn give(&mut self, mut buf: Vec<u8>) {
        if self.0.len() < 4 {
            buf.clear();
            self.0.push(buf);
        }
    }

    /// Bytes held (capacity).
    pub(crate) fn bytes(&self) -> u64 {
        self.0.iter().map(|b| b.capacity() as u64).sum()
    }
}

/// The owned states of two levels (see the module docs).
pub(crate) struct OwnedLevels {
    /// The level being expanded, in index order; its front run is in `records` (a record every
    /// `stride` bytes from `skip`) and `ids`, read up to `at`.
    level: VecDeque<Run>,
    records: Vec<u8>,
    stride: usize,
    skip: usize,
    ids: Vec<u32>,
    at: usize,
    /// The next level, in index order, and the bytes of its runs kept as entries.
    next: VecDeque<Run>,
    next_raw: usize,
    /// [`RAW_BYTES`], smaller in tests.
    raw_bytes: usize,
}

impl OwnedLevels {
    pub(crate) fn new() -> Self {
        OwnedLevels {
            level: VecDeque::new(),
            records: Vec::new(),
            stride: 0,
            skip: 0,
            ids: Vec::new(),
            at: 0,
            next: VecDeque::new(),
            next_raw: 0,
            raw_bytes: RAW_BYTES,
        }
    }

    /// Encodes the runs of a level past `bytes` instead of [`RAW_BYTES`].
    pub(crate) fn set_raw_bytes(&mut self, bytes: usize) {
        self.raw_bytes = bytes;
    }

    /// The next level becomes the one read; a new next level starts.
    pub(crate) fn advance(&mut self) {
        self.level = std::mem::take(&mut self.next);
        self.next_raw = 0;
        self.records.clear();
        self.ids.clear();
        self.at = 0;
    }

    /// The next owned state of the level being read, if its index is below `end`: its index
    /// and its record (of `size` bytes). Buffers it is done with go to `spare`.
    pub(crate) fn next_below(
        &mut self,
        end: u32,
        size: usize,
        spare: &mut Spare,
    ) -> Option<(u32, &[u8])> {
        while self.at == self.ids.len() {
            // A run may be empty.
            let run = self.level.pop_front()?;
            match run.records {
                Records::Entries(e) => {
                    let old = std::mem::replace(&mut self.records, e);
                    spare.give(old);
                    (self.stride, self.skip) = (ENTRY_HEAD + size, ENTRY_HEAD);
                }
                Records::Encoded(b) => {
                    self.records.clear();
                    decode(&b, size, &mut self.records);
                    (self.stride, self.skip) = (size, 0);
                }
            }
            self.ids = run.ids;
            self.at = 0;
        }
        let id = self.ids[self.at];
        if id >= end {
            return None;
        }
        let at = self.at * self.stride + self.skip;
        self.at += 1;
        Some((id, &self.records[at..at + size]))
    }

    /// The last index of the next level so far.
    pub(crate) fn last_id(&self) -> Option<u32> {
        self.next.back().and_then(|r| r.ids.last()).copied()
    }

    /// Appends `entries` (accepted entries of records of `size` bytes) with their indices
    /// `ids` (as many, increasing, above [`OwnedLevels::last_id`]) to the next level.
    pub(crate) fn push(&mut self, entries: Vec<u8>, ids: &[u32], size: usize) {
        let entry = ENTRY_HEAD + size;
        if self.next_raw + entries.len() <= self.raw_bytes {
            self.next_raw += entries.len();
            self.next.push_back(Run {
                records: Records::Entries(entries),
                ids: ids.to_vec(),
            });
            return;
        }
        let mut e = Encoder::new(size);
        for (es, ids) in entries.chunks(BLOCK * entry).zip(ids.chunks(BLOCK)) {
            for r in es.chunks_exact(entry) {
                e.push(&r[ENTRY_HEAD..]);
            }
            self.next.push_back(Run {
                records: Records::Encoded(e.take()),
                ids: ids.to_vec(),
            });
        }
    }

    /// The next level as bytes (a checkpoint's owner level file): per run its number of
    /// states `u32`, their indices `u32`, then their records as one block laid out as
    /// [`write_blocks`] does (little-endian).
    pub(crate) fn write_next(&self, size: usize, out: &mut Vec<u8>) {
        for run in &self.next {
            out.extend_from_slice(&(run.ids.len() as u32).to_le_bytes());
            run.ids
                .iter()
                .for_each(|i| out.extend_from_slice(&i.to_le_bytes()));
            match &run.records {
                Records::Entries(e) => {
                    let mut enc = Encoder::new(size);
                    e.chunks_exact(ENTRY_HEAD + size)
                        .for_each(|r| enc.push(&r[ENTRY_HEAD..]));
                    write_blocks(&[enc.take()], out);
                }
                Records::Encoded(b) => write_blocks(std::slice::from_ref(b), out),
            }
        }
    }

    /// Reads a next level [`OwnedLevels::write_next`] wrote (a resume; the level is empty).
    pub(crate) fn read_next(&mut self, mut bytes: &[u8]) -> Result<(), String> {
        let u32_at = |b: &[u8], at: usize| -> Result<u32, String> {
            b.get(at..at + 4)
                .map(|x| u32::from_le_bytes(x.try_into().expect("4 bytes")))
                .ok_or_else(|| "a run of the owned level is cut short".to_string())
        };
        while !bytes.is_empty() {
            let n = u32_at(bytes, 0)? as usize;
            let ids = (0..n)
                .map(|k| u32_at(bytes, 4 + 4 * k))
                .collect::<Result<Vec<u32>, String>>()?;
            let at = 4 + 4 * n;
            let (records, len) = (u32_at(bytes, at)?, u32_at(bytes, at + 4)? as usize);
            let body = bytes
                .get(at + 8..at + 8 + len)
                .ok_or("a block of the owned level is cut short")?;
            if records as usize != n || ids.windows(2).any(|w| w[0] >= w[1]) {
                return Err(
                    "a run of the owned level is not one record per increasing index".into(),
                );
            }
            self.next.push_back(Run {
                records: Records::Encoded(Block {
                    records,
                    bytes: body.to_vec(),
                }),
                ids,
            });
            bytes = &bytes[at + 8 + len..];
        }
        Ok(())
    }

    /// Bytes held for both levels.
    pub(crate) fn bytes(&self) -> u64 {
        let runs = |q: &VecDeque<Run>| -> u64 {
            q.iter()
                .map(|r| {
                    let bytes = match &r.records {
                        Records::Entries(b) => b.capacity(),
                        Records::Encoded(b) => b.bytes.capacity(),
                    };
                    (bytes + r.ids.capacity() * 4) as u64
                })
                .sum()
        };
        runs(&self.level)
            + runs(&self.next)
            + (self.records.capacity() + self.ids.capacity() * 4) as u64
    }
}
