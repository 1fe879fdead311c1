//! Levels as blocks: at most [`BLOCK`] consecutive records, each record stored as its
//! difference from the previous one. Records are the packed states of `store/pack.rs`, whose
//! fields are stored at their type's full width (mostly zero bytes), and consecutive records
//! of a level are mostly siblings (successors of one parent differ in a few fields), so the
//! XOR with the previous record is mostly zero words. Per record: a bitmap of its nonzero
//! 8-byte words, then per such word a mask of its nonzero bytes and those bytes. Generic over
//! the record layout (no second description of the state), no dependency, the same bytes on
//! every platform.
//!
//! A block restarts the chain (its first record is XORed with zeros), so blocks decode
//! independently: the expanders of a chunk each decode their own blocks, in parallel. A block
//! is also the unit of a level file (the CLI's `--spill-dir`) and of a buffer of blocks
//! ([`write_blocks`]): `records` and `bytes`.

/// Records per block (the last block of a merge round may hold fewer).
pub const BLOCK: usize = 1024;

/// Consecutive records of one level, encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// Number of records.
    pub records: u32,
    /// The encoding (`encode`).
    pub bytes: Vec<u8>,
}

#[inline(always)]
fn word(r: &[u8], w: usize) -> u64 {
    let at = w * 8;
    match r.get(at..at + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
        None => {
            let mut b = [0u8; 8];
            b[..r.len() - at].copy_from_slice(&r[at..]);
            u64::from_le_bytes(b)
        }
    }
}

/// Encodes records one by one into a block.
pub struct Encoder {
    size: usize,
    words: usize,
    head: usize,
    /// The previous record of the block (zeros at its start).
    prev: Vec<u8>,
    /// One record's encoding, at most `head + 9 * words` bytes.
    scratch: Vec<u8>,
    block: Block,
}

impl Encoder {
    /// An encoder of records of `size` bytes.
    pub fn new(size: usize) -> Self {
        let words = size.div_ceil(8);
        let head = words.div_ceil(8);
        Encoder {
            size,
            words,
            head,
            prev: vec![0; size],
            scratch: vec![0; head + 9 * words],
            block: Block::default(),
        }
    }

    /// Appends a record to the block.
    pub fn push(&mut self, rec: &[u8]) {
        debug_assert_eq!(rec.len(), self.size);
        let out = &mut self.scratch;
        out[..self.head].fill(0);
        let mut at = self.head;
        for w in 0..self.words {
            let d = word(rec, w) ^ word(&self.prev, w);
            if d == 0 {
                continue;
            }
            out[w / 8] |= 1 << (w % 8);
            let mask_at = at;
            at += 1;
            let mut mask = 0u8;
            for (i, b) in d.to_le_bytes().into_iter().enumerate() {
                out[at] = b;
                at += usize::from(b != 0);
                mask |= u8::from(b != 0) << i;
            }
            out[mask_at] = mask;
        }
        self.block.bytes.extend_from_slice(&out[..at]);
        self.block.records += 1;
        self.prev.copy_from_slice(rec);
    }

    /// The block built so far; the next record starts a new one.
    pub fn take(&mut self) -> Block {
        self.prev.fill(0);
        std::mem::take(&mut self.block)
    }
}

/// Encodes `records` (whole records of `size` bytes) into a block.
#[cfg(test)]
pub fn encode(records: &[u8], size: usize) -> Block {
    let mut e = Encoder::new(size);
    for rec in records.chunks_exact(size) {
        e.push(rec);
    }
    e.take()
}

/// Appends the records of `block` to `out`.
pub fn decode(block: &Block, size: usize, out: &mut Vec<u8>) {
    let words = size.div_ceil(8);
    let head = words.div_ceil(8);
    let src = &block.bytes;
    let mut at = 0usize;
    let mut rec = vec![0u8; words * 8];
    for _ in 0..block.records {
        let bits = &src[at..at + head];
        at += head;
        for w in 0..words {
            if bits[w / 8] & (1 << (w % 8)) == 0 {
                continue;
            }
            let mask = src[at];
            at += 1;
            for i in 0..8 {
                if mask & (1 << i) != 0 {
                    rec[w * 8 + i] ^= src[at];
                    at += 1;
                }
            }
        }
        out.extend_from_slice(&rec[..size]);
    }
    debug_assert_eq!(at, src.len(), "a block decodes to its end");
}

/// Fixed-size messages (`size` bytes each) as one buffer of blocks ([`write_blocks`]): what a
/// transport between machines sends instead of the raw messages, since consecutive successors
/// of one parent differ in a few bytes (≈ 4× smaller, as levels are).
pub fn pack(msgs: &[u8], size: usize, out: &mut Vec<u8>) {
    let mut e = Encoder::new(size);
    for chunk in msgs.chunks(size * BLOCK) {
        chunk.chunks_exact(size).for_each(|m| e.push(m));
        write_blocks(std::slice::from_ref(&e.take()), out);
    }
}

/// Appends the messages of a [`pack`] buffer to `out`; an error if it is cut short.
pub fn unpack(bytes: &[u8], size: usize, out: &mut Vec<u8>) -> Result<(), String> {
    for b in read_blocks(bytes)? {
        decode(&b, size, out);
    }
    Ok(())
}

/// Blocks as one byte buffer, for a message to a worker: per block its record count and byte
/// length (`u32` little-endian each), then its bytes.
pub fn write_blocks(blocks: &[Block], out: &mut Vec<u8>) {
    for b in blocks {
        out.extend_from_slice(&b.records.to_le_bytes());
        out.extend_from_slice(&(b.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&b.bytes);
    }
}

/// The blocks of a [`write_blocks`] buffer; an error if it is cut short.
pub fn read_blocks(mut bytes: &[u8]) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    while !bytes.is_empty() {
        let head = bytes
            .get(..8)
            .ok_or_else(|| format!("a block header is cut short ({} bytes)", bytes.len()))?;
        let records = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let len = u32::from_le_bytes(head[4..].try_into().expect("4 bytes")) as usize;
        let body = bytes
            .get(8..8 + len)
            .ok_or_else(|| format!("a block of {len} bytes is cut short"))?;
        blocks.push(Block {
            records,
            bytes: body.to_vec(),
        });
        bytes = &bytes[8 + len..];
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, pack, read_blocks, unpack, write_blocks, BLOCK};

    #[test]
    fn block_buffers_round_trip_and_reject_a_cut() {
        let blocks = vec![encode(&[1, 2, 3, 4, 5, 6], 3), encode(&[9; 9], 3)];
        let mut buf = Vec::new();
        write_blocks(&blocks, &mut buf);
        assert_eq!(read_blocks(&buf).unwrap(), blocks);
        assert!(read_blocks(&buf[..buf.len() - 1]).is_err());
        assert!(read_blocks(&buf[..5]).is_err());
    }

    /// Records of odd sizes (a partial last word), equal neighbours, all-ones and zero records
    /// round-trip.
    #[test]
    fn blocks_round_trip() {
        let mut x = 0x1234_5678u64;
        for size in [1, 7, 8, 9, 63, 64, 65, 131] {
            let mut recs = Vec::new();
            for r in 0..100 {
                for i in 0..size {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let b = match r % 4 {
                        0 => 0,
                        1 => 0xff,
                        2 if i % 5 == 0 => (x >> 56) as u8,
                        2 => recs
                            .get(recs.len().wrapping_sub(size))
                            .copied()
                            .unwrap_or(0),
                        _ => (x >> 33) as u8,
                    };
                    recs.push(b);
                }
            }
            let block = encode(&recs, size);
            assert_eq!(block.records, 100);
            let mut out = Vec::new();
            decode(&block, size, &mut out);
            assert_eq!(out, recs, "size {size}");
        }
    }

    /// Packed messages span several blocks and come back whole; a cut is an error.
    #[test]
    fn packed_messages_round_trip() {
        let size = 21;
        // Siblings: a counter in the first byte, the rest changing every hundred messages.
        let msgs: Vec<u8> = (0..(2 * BLOCK + 7) * size)
            .map(|i| match i % size {
                0 => (i / size) as u8,
                _ => (i / size / 100) as u8,
            })
            .collect();
        let mut buf = Vec::new();
        pack(&msgs, size, &mut buf);
        assert!(buf.len() < msgs.len() / 2, "similar neighbours pack small");
        let mut out = Vec::new();
        unpack(&buf, size, &mut out).unwrap();
        assert_eq!(out, msgs);
        assert!(unpack(&buf[..buf.len() - 3], size, &mut Vec::new()).is_err());
        let mut none = Vec::new();
        pack(&[], size, &mut none);
        assert!(none.is_empty());
    }
}
