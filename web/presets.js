// ┌───────────────────────────────────────────────────────────────────────────────────────────┐
// │ THE ONE PLACE where the playground's and <qi-sim>'s presets are defined.                  │
// │ Each preset is a config in the core's schema (camelCase, see core/src/config.rs) plus the │
// │ hunt's seed count and the words the page shows. The form is filled from `config` by       │
// │ app-config.js (formFromConfig); <qi-sim preset="…"> uses `config` directly. When the core │
// │ provides its own preset table (kernel versions 6.9 / 6.12 / 7.0 …), replace PRESETS with   │
// │ it here; nothing else in web/ names a preset's values.                                     │
// └───────────────────────────────────────────────────────────────────────────────────────────┘

export const PRESETS = {
  // The seed's scenario, generalised: 3 CPUs on a ring of 8, half the calls wait-only.
  seed: {
    label: "The seed's scenario (lockup in seconds)",
    note: 'Legacy finds a lockup within the first seeds: wait-only calls (count 0) sit next to each other on a small ring.',
    seeds: 2000,
    config: {
      qiLength: 8,
      submitters: 3,
      workload: { submissions: 3, batch: { kind: 'uniform', min: 1, max: 2 }, zeroCountProb: 0.5 },
      scheduler: { kind: 'random' },
      stepLimit: 100000,
    },
  },
  // 8 CPUs on the kernel's 256-slot ring, timed, iotlb/devtlb mix, batches of 1-16.
  mix8: {
    label: '8 CPUs, realistic mix (timed)',
    note: 'Timed costs make the race window small: legacy lockups are rare here (compare throughput and latency instead, or switch to PCT).',
    seeds: 200,
    config: {
      qiLength: 256,
      submitters: 8,
      workload: {
        submissions: 40,
        batch: { kind: 'uniform', min: 1, max: 16 },
        zeroCountProb: 0.1,
        types: { iotlb: 0.75, devtlb: 0.25, context: 0, iec: 0, pasid: 0 },
      },
      scheduler: {
        kind: 'timed',
        costs: { hwIotlbNs: 500, hwDevtlbNs: 2000, hwWaitNs: 100, lockHandoffNs: 100, doorbellNs: 150 },
      },
      stepLimit: 2000000,
    },
  },
  // Hardware faults on a busy ring with device-TLB invalidations: IQE, ITE (aborts pending
  // waits, -EAGAIN restarts) and ICE, with both reclaim policies' fault paths exercised.
  faultStorm: {
    label: 'Fault storm (IQE/ITE/ICE)',
    note: 'IQE, ITE and ICE on a busy ring: aborted waits restart with -EAGAIN, and the fault path walks the ring. Both policies lock up here on fault-path bugs (docs/findings.md), not on the reclaim.',
    seeds: 2000,
    config: {
      qiLength: 16,
      submitters: 4,
      workload: {
        submissions: 8,
        batch: { kind: 'uniform', min: 1, max: 4 },
        zeroCountProb: 0.25,
        types: { iotlb: 0.5, devtlb: 0.5, context: 0, iec: 0, pasid: 0 },
      },
      scheduler: { kind: 'random' },
      faults: { iqeRate: 0.02, iteRate: 0.05, iceRate: 0.02, iteWalk: 'stride1', maxFaults: 0 },
      stepLimit: 100000,
    },
  },
};

/** The preset names, in menu order. */
export const PRESET_NAMES = Object.keys(PRESETS);
