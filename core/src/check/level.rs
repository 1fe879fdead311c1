//! The BFS levels in RAM: blocks of at most [`BLOCK`] consecutive records, each record stored
//! as its difference from the previous one. Records are the packed states of `pack.rs`, whose
//! fields are stored at their type's full width (mostly zero bytes), and consecutive records
//! of a level are mostly siblings (successors of one parent differ in a few fields), so the
//! XOR with the previous record is mostly zero words. Per record: a bitmap of its nonzero
//! 8-byte words, then per such word a mask of its nonzero bytes and those bytes. Generic over
//! the record layout (no second description of the state), no dependency, the same bytes on
//! every platform.
//!
//! A block restarts the chain (its first record is XORed with zeros), so blocks decode
//! independently: the expanders of a chunk each decode their own blocks, in parallel. A block
//! is also what a Web Worker receives to expand: `records` and `bytes`.

/// Records per block (the last block of a merge round may hold fewer).
pub const BLOCK: usize = 1024;

/// Consecutive records of one level, encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Block {
    /// Number of records.
    pub records: u32,
    /// The encoding ([`encode`]).
    pub bytes: Vec<u8>,
}

#[inline(always)]
fn word(r: &[u8], w: usize) -> u64 {
    let at = w * 8;
    let end = (at + 8).min(r.len());
    let mut b = [0u8; 8];
    b[..end - at].copy_from_slice(&r[at..end]);
    u64::from_le_bytes(b)
}

/// Encodes `records` (whole records of `size` bytes) into a block.
pub fn encode(records: &[u8], size: usize) -> Block {
    let words = size.div_ceil(8);
    let head = words.div_ceil(8);
    let mut out = Vec::with_capacity(records.len() / 4);
    let mut prev: &[u8] = &[];
    let zero = vec![0u8; size];
    for rec in records.chunks_exact(size) {
        let p = if prev.is_empty() { &zero[..] } else { prev };
        let at = out.len();
        out.resize(at + head, 0);
        for w in 0..words {
            let d = word(rec, w) ^ word(p, w);
            if d == 0 {
                continue;
            }
            out[at + w / 8] |= 1 << (w % 8);
            let mask_at = out.len();
            out.push(0);
            for (i, b) in d.to_le_bytes().into_iter().enumerate() {
                if b != 0 {
                    out[mask_at] |= 1 << i;
                    out.push(b);
                }
            }
        }
        prev = rec;
    }
    Block {
        records: (records.len() / size) as u32,
        bytes: out,
    }
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

#[cfg(test)]
mod tests {
    use super::{decode, encode};

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
}
