// The fault findings the article replays: each a config and the explorer's shortest
// counterexample as a replay string (the command that reproduces it is the core's:
// `reproduceReplay`). What the core must report for it is claimed next to the prose, in index.html
// (data-claim, data-path on its figure), and checked there and by tests/e2e-learn.test.mjs.
import { kernelConfig } from '../lib/index.js';

/** Device-TLB invalidations only (`--devtlb-share 1`): every fault applies to every descriptor. */
export const DEVTLB = { iotlb: 0, devtlb: 1 };

/** One CPU's calls (`--per-submitter 1,1`): the descriptor count of each call, in order. */
export const calls = (...counts) => ({ submissions: counts.length, batch: { kind: 'sequence', counts }, types: DEVTLB });

/** A ring of 8 with device-TLB invalidations, these CPUs and faults (the page's common shape). */
export const base = (perSubmitter, faults, extra = {}) => ({
  qiLength: 8,
  submitters: perSubmitter.length,
  workload: { types: DEVTLB },
  perSubmitter,
  faults: { maxFaults: 1, ...faults },
  ...extra,
});

export const FAULT_CASES = [
  {
    id: 'f1',
    heading: 'F1 — IQE on the second descriptor of a batch (fixed reclaim)',
    replay: 'q1:a4HEa',
    config: () => base([calls(2)], { iqeRate: 0.5 }, { policy: 'fixed' }),
  },
  {
    id: 'f3',
    heading: 'F3 — 6.12: a batch of two, a device-TLB time-out, and a walk that never ends',
    replay: 'q1:a4FTa2',
    config: () => kernelConfig('6.12', base([calls(2), calls(1)], { iteRate: 0.5 }), false),
  },
  {
    id: 'f4',
    heading: 'F4 — the legacy reclaim with the stride-1 walk (a mix no kernel ships)',
    replay: 'q1:a6b3F2Tb5H2b4a2',
    config: () =>
      base([calls(1), calls(1)], { iteRate: 0.5, iteWalk: 'stride1', iteTiming: 'allFetched' }, { policy: 'legacy' }),
  },
  {
    id: 'f5',
    heading: 'F5 — 7.0: a time-out before the wait descriptor is fetched, and a return of 0',
    replay: 'q1:a4FTa4Ha4',
    config: () => kernelConfig('7.0', base([calls(1), calls(1)], { iteRate: 0.5 }), false),
  },
  {
    id: 'f6',
    heading: "F6 — 6.9: a gone device's -ETIMEDOUT goes to whoever polls first",
    replay: 'q1:a6b4FGb5',
    config: () => kernelConfig('6.9', base([calls(1), calls(1)], { deviceGoneRate: 0.5 }), false),
  },
];
