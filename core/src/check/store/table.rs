//! The visited set of the explorer: a fingerprint set, or (for `cycles`, which needs the
//! index of every target state) a fingerprint -> index table.

/// The visited set: fingerprint -> state index, open addressing with linear probing over a
/// power-of-two table kept at most 3/4 full (12 bytes per slot). Fingerprint 0 is stored as 1
/// (a 2^-64 merge, like any fingerprint collision).
#[derive(Default)]
pub(crate) struct FpTable {
    keys: Vec<u64>,
    vals: Vec<u32>,
    len: usize,
}

impl FpTable {
    pub(crate) fn capacity(&self) -> usize {
        self.keys.len()
    }

    /// Inserts `fp -> val` unless present; returns the existing value if present.
    #[inline]
    pub(crate) fn insert(&mut self, fp: u64, val: u32) -> Option<u32> {
        if (self.len + 1) * 4 > self.keys.len() * 3 {
            self.grow();
        }
        let fp = fp.max(1);
        let mask = self.keys.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            let k = self.keys[i];
            if k == fp {
                return Some(self.vals[i]);
            }
            if k == 0 {
                self.keys[i] = fp;
                self.vals[i] = val;
                self.len += 1;
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let cap = (self.keys.len() * 2).max(1 << 12);
        let keys = std::mem::replace(&mut self.keys, written_zeros(cap));
        let vals = std::mem::replace(&mut self.vals, written_zeros(cap));
        let mask = cap - 1;
        for (k, v) in keys.into_iter().zip(vals) {
            if k != 0 {
                let mut i = (k as usize) & mask;
                while self.keys[i] != 0 {
                    i = (i + 1) & mask;
                }
                self.keys[i] = k;
                self.vals[i] = v;
            }
        }
    }
}

/// The visited set of the search without `cycles`: fingerprints only (8 bytes a slot; a state's
/// index is its position in the BFS order, kept by the coordinator, so the set needs no
/// value). [`SHARDS`] open-addressing tables with linear probing, chosen by the top bits of the
/// fingerprint, each growing on its own: a growth copies one shard, so the memory held twice
/// while it happens is a 64th of the set, not the whole set (the peak of a growing set is
/// what a long search's resident memory is made of). In a shard the slot of a fingerprint is
/// 32 bits of it below the shard bits, scaled to the capacity ("fastrange", Lemire 2019),
/// which works for any capacity, so a shard grows by 1.25× instead of 2× (load stays between
/// 3/5 and 3/4; a shard is small, so growing it more often costs little). The low bits choose the partition ([`crate::check::wire::owner`]), so the
/// three are independent. Fingerprint 0 is stored as 1 (a 2^-64 merge, like any fingerprint
/// collision).
#[derive(Default)]
pub(crate) struct FpSet {
    shards: Vec<Vec<u64>>,
    /// Fingerprints per shard.
    lens: Vec<usize>,
    len: usize,
}

/// Shards of an [`FpSet`].
const SHARDS: usize = 64;
const SHARD_BITS: u32 = SHARDS.trailing_zeros();

impl FpSet {
    /// Slots allocated.
    pub(crate) fn capacity(&self) -> usize {
        self.shards.iter().map(Vec::len).sum()
    }

    #[inline(always)]
    fn slot(fp: u64, cap: usize) -> usize {
        let h = (fp >> (32 - SHARD_BITS)) & 0xffff_ffff;
        ((h * cap as u64) >> 32) as usize
    }

    /// Inserts `fp`; false if it was present.
    #[inline]
    pub(crate) fn insert(&mut self, fp: u64) -> bool {
        if self.shards.is_empty() {
            self.shards = vec![Vec::new(); SHARDS];
            self.lens = vec![0; SHARDS];
        }
        let fp = fp.max(1);
        let s = (fp >> (64 - SHARD_BITS)) as usize;
        if (self.lens[s] + 1) * 4 > self.shards[s].len() * 3 {
            Self::grow(&mut self.shards[s]);
        }
        let keys = &mut self.shards[s];
        let cap = keys.len();
        let mut i = Self::slot(fp, cap);
        loop {
            let k = keys[i];
            if k == fp {
                return false;
            }
            if k == 0 {
                keys[i] = fp;
                self.lens[s] += 1;
                self.len += 1;
                return true;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    fn grow(shard: &mut Vec<u64>) {
        let cap = (shard.len() / 4 * 5).max(1 << 6);
        assert!(
            cap as u64 <= 1 << 32,
            "a shard of the visited set holds at most 2^32 slots"
        );
        let keys = std::mem::replace(shard, written_zeros(cap));
        for k in keys {
            if k != 0 {
                let mut i = Self::slot(k, cap);
                while shard[i] != 0 {
                    i += 1;
                    if i == cap {
                        i = 0;
                    }
                }
                shard[i] = k;
            }
        }
    }
}

/// `n` zeros written into fresh memory. Not `vec![0; n]`: that maps untouched pages to the
/// kernel's shared zero page, the rehash's first read of a slot maps it, and its first write
/// then replaces the mapping — with a TLB flush on every other CPU running the process, an
/// interrupt per 4 KiB page (perf: 5.7 % of a two-thread search of the 4-CPU family, none
/// with one thread). Writing the zeros first faults each page in once, privately.
fn written_zeros<T: Copy + Default>(n: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, T::default());
    v
}

#[cfg(test)]
mod tests {
    use super::{FpSet, FpTable};

    /// Both tables agree with a std set on many fingerprints, across several growths,
    /// including 0 and 1 (stored alike) and fingerprints that share their high bits.
    #[test]
    fn sets_agree_with_std() {
        let mut set = FpSet::default();
        let mut table = FpTable::default();
        let mut std = std::collections::HashSet::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for n in 0..200_000u32 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let fp = match n % 5 {
                0 => x >> 40,          // small: the same slot for many
                1 => u64::from(n % 3), // 0, 1, 2 again and again
                _ => x,
            };
            let new = std.insert(fp.max(1));
            assert_eq!(set.insert(fp), new, "{fp:#x}");
            assert_eq!(table.insert(fp, n).is_none(), new, "{fp:#x}");
        }
        assert_eq!(set.len, std.len());
        assert!(set.len * 2 >= set.capacity(), "load below 1/2");
        assert!(
            set.len * 5 >= set.capacity() * 3 - 64 * 64,
            "load below 3/5"
        );
        assert_eq!(set.shards.len(), super::SHARDS);
        // Every shard holds some (the top bits spread), and grew on its own.
        assert!(set.lens.iter().all(|&l| l > 0), "{:?}", set.lens);
        assert_eq!(set.lens.iter().sum::<usize>(), set.len);
    }
}
