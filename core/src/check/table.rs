//! The visited set of the explorer.

/// The visited set: fingerprint -> state index, open addressing with linear probing over a
/// power-of-two table kept at most 3/4 full (12 bytes per slot). Fingerprint 0 is stored as 1
/// (a 2^-64 merge, like any fingerprint collision).
#[derive(Default)]
pub(super) struct FpTable {
    keys: Vec<u64>,
    vals: Vec<u32>,
    len: usize,
}

impl FpTable {
    pub(super) fn capacity(&self) -> usize {
        self.keys.len()
    }

    /// Inserts `fp -> val` unless present; returns the existing value if present.
    #[inline]
    pub(super) fn insert(&mut self, fp: u64, val: u32) -> Option<u32> {
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

    #[inline]
    pub(super) fn get(&self, fp: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let fp = fp.max(1);
        let mask = self.keys.len() - 1;
        let mut i = (fp as usize) & mask;
        loop {
            match self.keys[i] {
                0 => return None,
                k if k == fp => return Some(self.vals[i]),
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let cap = (self.keys.len() * 2).max(1 << 12);
        let keys = std::mem::replace(&mut self.keys, vec![0; cap]);
        let vals = std::mem::replace(&mut self.vals, vec![0; cap]);
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
