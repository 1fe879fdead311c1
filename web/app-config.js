// Form values ↔ qisim configs ↔ URL hash for the playground.

export const FORM_DEFAULTS = {
  preset: 'seed',
  policy: 'legacy',
  submitters: 3,
  qiLength: 8,
  submissions: 3,
  batchKind: 'uniform',
  batchMin: 1,
  batchMax: 2,
  zeroCountProb: 0.5,
  devtlb: 0,
  scheduler: 'random',
  hwWeight: 1,
  pctDepth: 3,
  hwIotlbNs: 500,
  hwDevtlbNs: 2000,
  hwWaitNs: 100,
  lockHandoffNs: 100,
  doorbellNs: 150,
  iqeRate: 0,
  iteRate: 0,
  iceRate: 0,
  seeds: 2000,
  seedStart: 0,
  workers: 4,
  stepLimit: 100000,
  maxStates: 2000000,
};

const PRESETS = {
  // The seed's scenario, generalised: 3 CPUs on a ring of 8, half the calls wait-only.
  seed: {},
  // 8 CPUs on the kernel's 256-slot ring, timed, iotlb/devtlb mix, batches of 1-16.
  mix8: {
    submitters: 8,
    qiLength: 256,
    submissions: 40,
    batchKind: 'uniform',
    batchMin: 1,
    batchMax: 16,
    zeroCountProb: 0.1,
    devtlb: 0.25,
    scheduler: 'timed',
    seeds: 200,
    stepLimit: 2000000,
  },
  // Hardware faults on a busy ring with device-TLB invalidations: IQE, ITE (aborts pending
  // waits, -EAGAIN restarts) and ICE, with both reclaim policies' fault paths exercised.
  faultStorm: {
    submitters: 4,
    qiLength: 16,
    submissions: 8,
    batchKind: 'uniform',
    batchMin: 1,
    batchMax: 4,
    zeroCountProb: 0.25,
    devtlb: 0.5,
    iqeRate: 0.02,
    iteRate: 0.05,
    iceRate: 0.02,
    seeds: 2000,
  },
};

/** Form values of a preset (policy, workers and seeds left at defaults). */
export function presetForm(name) {
  return { ...FORM_DEFAULTS, ...(PRESETS[name] ?? {}), preset: PRESETS[name] ? name : 'custom' };
}

const NUMERIC = new Set(Object.keys(FORM_DEFAULTS).filter((k) => typeof FORM_DEFAULTS[k] === 'number'));

/** Current form values (numbers as numbers). */
export function readForm(form) {
  const out = {};
  for (const k of Object.keys(FORM_DEFAULTS)) {
    const el = form.elements[k];
    if (!el) continue;
    const v = el instanceof RadioNodeList ? el.value : el.value;
    out[k] = NUMERIC.has(k) ? (v === '' ? NaN : Number(v)) : v;
  }
  return out;
}

export function writeForm(form, values) {
  for (const [k, v] of Object.entries(values)) {
    const el = form.elements[k];
    if (!el || v == null) continue;
    if (el instanceof RadioNodeList) {
      for (const r of el) r.checked = r.value === String(v);
    } else {
      el.value = String(v);
    }
  }
}

function int(v, name, min = 0, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isFinite(v) || Math.floor(v) !== v || v < min || v > max) {
    const e = new Error(`${name} must be a whole number in ${min}..=${max}`);
    e.field = name;
    throw e;
  }
  return v;
}

function prob(v, name) {
  if (!Number.isFinite(v) || v < 0 || v > 1) {
    const e = new Error(`${name} must be between 0 and 1`);
    e.field = name;
    throw e;
  }
  return v;
}

/** The hunt config of `policy` for form values `f` (seeds are given to the hunt separately). */
export function configFor(f, policy) {
  const batch =
    f.batchKind === 'fixed'
      ? { kind: 'fixed', count: int(f.batchMin, 'batch count') }
      : { kind: 'uniform', min: int(f.batchMin, 'batch min'), max: int(f.batchMax, 'batch max') };
  const devtlb = prob(f.devtlb, 'devtlb share');
  let scheduler;
  if (f.scheduler === 'pct') scheduler = { kind: 'pct', depth: int(f.pctDepth, 'PCT depth', 1) };
  else if (f.scheduler === 'timed') {
    scheduler = {
      kind: 'timed',
      costs: {
        hwIotlbNs: int(f.hwIotlbNs, 'HW iotlb ns'),
        hwDevtlbNs: int(f.hwDevtlbNs, 'HW devtlb ns'),
        hwWaitNs: int(f.hwWaitNs, 'HW wait ns'),
        lockHandoffNs: int(f.lockHandoffNs, 'lock hand-off ns'),
        doorbellNs: int(f.doorbellNs, 'doorbell ns'),
      },
    };
  } else {
    scheduler = { kind: 'random' };
    const w = Number(f.hwWeight);
    if (!(w > 0)) throw Object.assign(new Error('hardware weight must be > 0'), { field: 'hwWeight' });
    if (w !== 1) scheduler.hwWeight = w;
  }
  const stepLimit = int(f.stepLimit, 'step limit', 1);
  const faults = { iqeRate: prob(f.iqeRate ?? 0, 'IQE rate'), iteRate: prob(f.iteRate ?? 0, 'ITE rate'), iceRate: prob(f.iceRate ?? 0, 'ICE rate') };
  const withFaults = faults.iqeRate > 0 || faults.iteRate > 0 || faults.iceRate > 0;
  return {
    ...(withFaults ? { faults } : {}),
    qiLength: int(f.qiLength, 'ring length', 4),
    submitters: int(f.submitters, 'CPUs', 1),
    workload: {
      submissions: int(f.submissions, 'submissions', 1),
      batch,
      zeroCountProb: prob(f.zeroCountProb, 'zero-count probability'),
      types: { iotlb: 1 - devtlb, devtlb, context: 0, iec: 0, pasid: 0 },
    },
    policy,
    scheduler,
    stepLimit,
    watchdog: Math.min(100000, stepLimit),
    bucket: f.scheduler === 'timed' ? 100 : 2,
    maxBuckets: 200,
  };
}

/**
 * Descriptor counts the explorer should enumerate for form values `f`: every count the batch
 * distribution can draw, plus 0 when wait-only calls are possible.
 */
/** The hunt's and the explorer's own settings from the form, checked (never clamped). */
export function runSettings(f) {
  return {
    seedCount: int(Number(f.seeds), 'seeds', 1, 1e9),
    seedStart: int(Number(f.seedStart), 'first seed', 0),
    workers: int(Number(f.workers), 'workers', 1, 64),
    maxStates: int(Number(f.maxStates), 'max states', 1000, 1e9),
  };
}

export function exploreCounts(f) {
  const lo = f.batchKind === 'fixed' ? f.batchMin : Math.min(f.batchMin, f.batchMax);
  const hi = f.batchKind === 'fixed' ? f.batchMin : Math.max(f.batchMin, f.batchMax);
  const out = new Set();
  if (f.zeroCountProb > 0) out.add(0);
  if (f.zeroCountProb < 1) for (let c = lo; c <= hi && out.size < 17; c++) out.add(c);
  return [...out].sort((a, b) => a - b);
}

/** URL hash of the form values and the selected finding. */
export function formToHash(f, selected) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (k === 'workers') continue; // a property of the viewer's machine, not of the scenario
    if (v !== FORM_DEFAULTS[k] || k === 'preset' || k === 'policy') p.set(k, String(v));
  }
  if (selected) {
    p.set('f', `${selected.policy}.${selected.seed}`);
    if (selected.view) p.set('view', selected.view);
    p.set('r', selected.replay);
    if (selected.step != null) p.set('k', String(selected.step));
    if (selected.ownConfig && selected.config) {
      // The minimised config (possibly a reduced workload); the schedule is in `r`.
      const { scheduler, trace, ...rest } = selected.config;
      p.set('fc', JSON.stringify(rest));
    }
  }
  return p.toString();
}

/** Parses a hash written by formToHash: { form, finding? } or null. */
export function hashToForm(hash) {
  const s = hash.replace(/^#/, '');
  if (!s) return null;
  const p = new URLSearchParams(s);
  const preset = p.get('preset') ?? 'custom';
  const form = { ...FORM_DEFAULTS };
  for (const k of Object.keys(FORM_DEFAULTS)) {
    if (!p.has(k) || k === 'workers') continue;
    const v = p.get(k);
    form[k] = NUMERIC.has(k) ? Number(v) : v;
  }
  form.preset = preset;
  let finding = null;
  const fr = p.get('f');
  const r = p.get('r');
  if (fr && r) {
    const [policy, seed] = fr.split('.');
    if ((policy === 'legacy' || policy === 'fixed') && /^\d+$/.test(seed ?? '')) {
      let config = null;
      try {
        config = p.has('fc') ? JSON.parse(p.get('fc')) : null;
      } catch {
        config = null;
      }
      const k = p.get('k');
      const step = k != null && /^\d+$/.test(k) ? Number(k) : null;
      finding = { policy, seed: Number(seed), replay: r, view: p.get('view') ?? '', config, step };
    }
  }
  return { form, finding };
}
