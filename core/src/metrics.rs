//! Run metrics: counters, latency histograms and a bucketed throughput series for plots.

use serde::{Deserialize, Serialize};

/// Log-linear latency histogram (HDR-style, 3 significant bits per power of two): constant
/// memory, mergeable, ~12% worst-case relative error on percentiles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    /// Counts per bucket (bucket boundaries: `Histogram::bucket_of`); trailing zero buckets are
    /// trimmed.
    pub counts: Vec<u64>,
    pub total: u64,
    pub min: u64,
    pub max: u64,
    pub sum: u64,
}

const SUB: u32 = 8; // sub-buckets per power of two

impl Histogram {
    fn bucket_of(v: u64) -> usize {
        if v < u64::from(SUB) {
            return v as usize;
        }
        let exp = 63 - v.leading_zeros(); // >= 3
        let shift = exp - 3;
        let mantissa = (v >> shift) as u32 - SUB; // 0..8
        ((exp - 2) * SUB + mantissa) as usize
    }

    fn bucket_low(b: usize) -> u64 {
        let b = b as u32;
        if b < SUB {
            return u64::from(b);
        }
        let exp = b / SUB + 2;
        let mantissa = b % SUB;
        (u64::from(SUB + mantissa)) << (exp - 3)
    }

    /// Adds one sample.
    #[inline]
    pub fn record(&mut self, v: u64) {
        let b = Self::bucket_of(v);
        if b >= self.counts.len() {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
        if self.total == 0 || v < self.min {
            self.min = v;
        }
        self.max = self.max.max(v);
        self.total += 1;
        self.sum = self.sum.saturating_add(v);
    }

    /// Adds every sample of `o`.
    pub fn merge(&mut self, o: &Histogram) {
        if o.total == 0 {
            return;
        }
        if o.counts.len() > self.counts.len() {
            self.counts.resize(o.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.min = if self.total == 0 {
            o.min
        } else {
            self.min.min(o.min)
        };
        self.max = self.max.max(o.max);
        self.total += o.total;
        self.sum = self.sum.saturating_add(o.sum);
    }

    /// The `q`-quantile (0..=1), as the lower bound of its bucket clamped to `min..=max`.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Self::bucket_low(b).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// Mean of the samples.
    pub fn mean(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.sum as f64 / self.total as f64
        }
    }

    /// p50/p90/p99/max summary.
    pub fn summary(&self) -> Percentiles {
        Percentiles {
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p99: self.quantile(0.99),
            max: self.max,
            mean: self.mean(),
            count: self.total,
        }
    }
}

/// Percentile summary of a histogram.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Percentiles {
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: f64,
    pub count: u64,
}

/// Throughput over time: per bucket, calls returned and invalidation descriptors they carried,
/// per submitter and in total. Buckets double in width (merging pairwise) to stay within
/// `max_buckets`, so memory is bounded however long the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Series {
    /// `"step"` or `"ns"`.
    #[cfg_attr(feature = "ts", ts(type = "\"step\" | \"ns\""))]
    pub unit: String,
    /// Width of one bucket in `unit`.
    pub bucket: u64,
    pub max_buckets: u32,
    /// Calls returned per bucket, total.
    pub submissions: Vec<u64>,
    /// Invalidation descriptors completed (returned) per bucket, total.
    pub descriptors: Vec<u64>,
    /// Descriptors per bucket per submitter (`per_submitter[i][bucket]`).
    pub per_submitter: Vec<Vec<u64>>,
}

impl Series {
    /// An empty series.
    pub fn new(unit: &str, bucket: u64, max_buckets: u32, submitters: u32) -> Self {
        Series {
            unit: unit.to_string(),
            bucket: bucket.max(1),
            max_buckets: max_buckets.max(2),
            submissions: Vec::new(),
            descriptors: Vec::new(),
            per_submitter: vec![Vec::new(); submitters as usize],
        }
    }

    fn halve(v: &mut Vec<u64>) {
        let merged: Vec<u64> = v.chunks(2).map(|c| c.iter().sum()).collect();
        *v = merged;
    }

    fn double(&mut self) {
        // max(1): a hand-made series with bucket 0 must not make merge loop forever.
        self.bucket = self.bucket.max(1).saturating_mul(2);
        Self::halve(&mut self.submissions);
        Self::halve(&mut self.descriptors);
        for s in &mut self.per_submitter {
            Self::halve(s);
        }
    }

    /// Adds another series of the same config (bucket widths `bucket * 2^k` are aligned first).
    pub fn merge(&mut self, o: &Series) {
        let mut o = o.clone();
        while self.bucket < o.bucket {
            self.double();
        }
        while o.bucket < self.bucket {
            o.double();
        }
        fn add(a: &mut Vec<u64>, b: &[u64]) {
            if a.len() < b.len() {
                a.resize(b.len(), 0);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.submissions, &o.submissions);
        add(&mut self.descriptors, &o.descriptors);
        if self.per_submitter.len() < o.per_submitter.len() {
            self.per_submitter.resize(o.per_submitter.len(), Vec::new());
        }
        for (a, b) in self.per_submitter.iter_mut().zip(&o.per_submitter) {
            add(a, b);
        }
        while self.submissions.len() > self.max_buckets.max(2) as usize {
            self.double();
        }
    }

    /// Records a call of `submitter` with `descs` invalidations returning at time `t`.
    #[inline]
    pub fn record(&mut self, t: u64, submitter: u32, descs: u32) {
        // Times only grow within a run: most calls land in the last bucket, found without a
        // division.
        let last = self.submissions.len().saturating_sub(1);
        let start = last as u64 * self.bucket;
        let mut b = if t >= start && t - start < self.bucket {
            last
        } else {
            (t / self.bucket) as usize
        };
        while b >= self.max_buckets as usize {
            self.double();
            b = (t / self.bucket) as usize;
        }
        for v in [&mut self.submissions, &mut self.descriptors] {
            if v.len() <= b {
                v.resize(b + 1, 0);
            }
        }
        self.submissions[b] += 1;
        self.descriptors[b] += u64::from(descs);
        if let Some(s) = self.per_submitter.get_mut(submitter as usize) {
            if s.len() <= b {
                s.resize(b + 1, 0);
            }
            s[b] += u64::from(descs);
        }
    }
}

/// Counters of one submitter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SubmitterMetrics {
    pub submissions: u64,
    /// Invalidation descriptors in returned calls (wait descriptors not counted).
    pub descriptors: u64,
    pub lock_acquisitions: u64,
    pub lock_handoffs: u64,
    /// Poll iterations that did not see `QI_DONE`.
    pub spins: u64,
    /// `check_space` failures.
    pub space_retries: u64,
    /// `-EAGAIN` restarts.
    pub restarts: u64,
    pub latency_steps: Histogram,
    pub latency_ns: Histogram,
}

/// All metrics of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub steps: u64,
    /// Simulated time (timed scheduler; 0 otherwise).
    pub time_ns: u64,
    pub hw_steps: u64,
    pub submissions: u64,
    pub descriptors: u64,
    pub per_submitter: Vec<SubmitterMetrics>,
    pub series: Series,
}

impl Metrics {
    /// Empty metrics for `submitters`.
    pub fn new(submitters: u32, timed: bool, bucket: u64, max_buckets: u32) -> Self {
        Metrics {
            steps: 0,
            time_ns: 0,
            hw_steps: 0,
            submissions: 0,
            descriptors: 0,
            per_submitter: vec![SubmitterMetrics::default(); submitters as usize],
            series: Series::new(
                if timed { "ns" } else { "step" },
                bucket,
                max_buckets,
                submitters,
            ),
        }
    }

    /// Latency over all submitters, in steps.
    pub fn latency_steps(&self) -> Histogram {
        let mut h = Histogram::default();
        for s in &self.per_submitter {
            h.merge(&s.latency_steps);
        }
        h
    }

    /// Latency over all submitters, in ns (timed scheduler).
    pub fn latency_ns(&self) -> Histogram {
        let mut h = Histogram::default();
        for s in &self.per_submitter {
            h.merge(&s.latency_ns);
        }
        h
    }

    /// Invalidation descriptors per simulated microsecond (timed) or per 1000 steps.
    pub fn throughput(&self) -> f64 {
        if self.time_ns > 0 {
            self.descriptors as f64 * 1000.0 / self.time_ns as f64
        } else if self.steps > 0 {
            self.descriptors as f64 * 1000.0 / self.steps as f64
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_monotonic_and_tight() {
        let mut last = 0;
        for v in 0..100_000u64 {
            let b = Histogram::bucket_of(v);
            assert!(b >= last);
            last = b;
            let lo = Histogram::bucket_low(b);
            assert!(lo <= v && v - lo <= v / 8 + 1, "v={v} lo={lo}");
        }
    }

    #[test]
    fn quantiles() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.0), 1);
        assert!((44..=50).contains(&h.quantile(0.5)), "{}", h.quantile(0.5));
        assert_eq!(h.max, 100);
        let mut g = Histogram::default();
        g.merge(&h);
        g.merge(&h);
        assert_eq!(g.total, 200);
    }

    #[test]
    fn series_buckets_times_in_any_order() {
        let mut s = Series::new("step", 10, 100, 1);
        for t in [5, 25, 3, 29, 20, 0, 9, 10, 55] {
            s.record(t, 0, 1);
        }
        assert_eq!(s.submissions, vec![4, 1, 3, 0, 0, 1]);
    }

    #[test]
    fn series_rebuckets_and_keeps_totals() {
        let mut s = Series::new("step", 10, 4, 2);
        for t in 0..100 {
            s.record(t, (t % 2) as u32, 1);
        }
        assert!(s.descriptors.len() <= 4);
        assert_eq!(s.descriptors.iter().sum::<u64>(), 100);
        assert_eq!(s.per_submitter[0].iter().sum::<u64>(), 50);
        assert_eq!(s.bucket, 40);
    }
}
