// HuntResult → plot data: throughput over simulated time, latency percentiles.
import uPlot from './vendor/uPlot.esm.js';
import { histogramQuantile as coreQuantile } from '../lib/index.js';

export const POLICY_COLORS = { legacy: '#c2410c', fixed: '#1c7c54', program: '#4338ca' };

/** The q-quantile of a core latency histogram (0 for an empty one): the core's own rule. */
export function quantile(h, q) {
  return h && h.total ? coreQuantile(h, q) : 0;
}

/**
 * Throughput per policy: invalidation descriptors returned per bucket, divided by the bucket
 * width and the number of runs merged (the mean run's throughput at that simulated time).
 */
export function throughputData(results) {
  const unit = results.find((r) => r)?.series?.unit ?? 'step';
  const perUs = unit === 'ns';
  const sets = results.map((r) => {
    if (!r || !r.series || !r.schedules) return [[], []];
    const s = r.series;
    const xs = [];
    const ys = [];
    const width = perUs ? s.bucket / 1000 : s.bucket / 100; // µs, or hundreds of steps
    for (let b = 0; b < s.descriptors.length; b++) {
      xs.push(perUs ? ((b + 0.5) * s.bucket) / 1000 : (b + 0.5) * s.bucket);
      ys.push(s.descriptors[b] / r.schedules / width);
    }
    return [xs, ys];
  });
  let data;
  if (sets.length === 1) data = sets[0];
  else if (sets.every((d) => d[0].length === 0)) data = [[], ...sets.map(() => [])];
  else data = uPlot.join(sets.map((d) => (d[0].length ? d : [[0], [null]])));
  return {
    data,
    xLabel: perUs ? 'simulated time (µs)' : 'simulated time (steps)',
    yLabel: perUs ? 'invalidations / µs' : 'invalidations / 100 steps',
    caption: perUs ? '(mean per run, invalidations per µs)' : '(mean per run, invalidations per 100 steps)',
  };
}

const PCTS = [];
for (let p = 1; p <= 99; p += 1) PCTS.push(p);
PCTS.push(99.5, 99.9);

/** Latency quantile curves per policy (ns under the timed scheduler, steps otherwise). */
export function latencyData(results) {
  const timed = results.some((r) => r?.latencyNs?.total > 0);
  const hist = results.map((r) => (timed ? r?.latencyNs : r?.latencySteps) ?? null);
  const data = [PCTS.slice(), ...hist.map((h) => PCTS.map((p) => (h && h.total ? Math.max(1, quantile(h, p / 100)) : null)))];
  return { data, hist, unit: timed ? 'simulated ns' : 'steps' };
}
