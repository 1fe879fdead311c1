// Form values ↔ qisim configs ↔ URL hash for the playground.

import { PRESETS } from '../lib/index.js';

/** Form fields that are not part of a preset's config, and their defaults. */
const BASE_FORM = {
  preset: 'seed',
  policy: 'legacy',
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
  deviceGoneRate: 0,
  iteTiming: 'anyFetched',
  iteWalk: 'stride1',
  maxFaults: 0,
  kernel: 'none',
  program: '',
  fetchDepth: 0,
  seedStart: 0,
  workers: 4,
  maxStates: 2000000,
  stopOnCause: false,
};

/**
 * Form values of a config in the core's schema (the inverse of configFor for the fields the
 * form has). Fields the config leaves out keep the base defaults.
 */
export function formFromConfig(config, extra = {}) {
  const c = config ?? {};
  const w = c.workload ?? {};
  const b = w.batch ?? { kind: 'uniform', min: 0, max: 3 };
  const s = c.scheduler ?? { kind: 'random' };
  const fl = c.faults ?? {};
  const f = { ...BASE_FORM, ...extra };
  if (c.qiLength != null) f.qiLength = c.qiLength;
  if (c.submitters != null) f.submitters = c.submitters;
  if (w.submissions != null) f.submissions = w.submissions;
  f.batchKind = b.kind === 'fixed' ? 'fixed' : 'uniform';
  f.batchMin = b.kind === 'fixed' ? b.count : b.min;
  f.batchMax = b.kind === 'fixed' ? b.count : b.max;
  if (w.zeroCountProb != null) f.zeroCountProb = w.zeroCountProb;
  f.devtlb = w.types?.devtlb ?? 0;
  f.scheduler = ['random', 'pct', 'timed'].includes(s.kind) ? s.kind : 'random';
  if (s.hwWeight != null) f.hwWeight = s.hwWeight;
  if (s.depth != null) f.pctDepth = s.depth;
  for (const k of ['hwIotlbNs', 'hwDevtlbNs', 'hwWaitNs', 'lockHandoffNs', 'doorbellNs']) {
    if (s.costs?.[k] != null) f[k] = s.costs[k];
  }
  for (const k of ['iqeRate', 'iteRate', 'iceRate', 'deviceGoneRate', 'iteTiming', 'iteWalk', 'maxFaults']) {
    if (fl[k] != null) f[k] = fl[k];
  }
  if (c.stepLimit != null) f.stepLimit = c.stepLimit;
  if (c.fetchDepth != null) f.fetchDepth = c.fetchDepth;
  // A kernel preset carries its version's policy (the core checks that they agree).
  f.kernel = c.kernel ?? (c.program ? 'program' : 'none');
  if (c.kernel) f.policy = c.policy;
  if (c.program) f.program = c.program;
  return f;
}

/** Form values of a preset (policy, workers and seeds left at defaults). */
export function presetForm(name) {
  const p = PRESETS[name];
  return formFromConfig(p?.config ?? PRESETS.seed.config, { preset: p ? name : 'custom', seeds: p?.seeds ?? 2000 });
}

export const FORM_DEFAULTS = presetForm('seed');

const NUMERIC = new Set(Object.keys(FORM_DEFAULTS).filter((k) => typeof FORM_DEFAULTS[k] === 'number'));

/** Current form values (numbers as numbers). */
export function readForm(form) {
  const out = {};
  for (const k of Object.keys(FORM_DEFAULTS)) {
    const el = form.elements[k];
    if (!el) continue;
    if (el.type === 'checkbox') {
      out[k] = el.checked;
      continue;
    }
    const v = el.value;
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
    } else if (el.type === 'checkbox') {
      el.checked = v === true || v === 'true';
    } else {
      el.value = String(v);
    }
  }
}

/** Each kernel preset's ITE walk, from the core (`kernels()`): it travels with the faults. */
const KERNEL_WALKS = {};
/** Each kernel preset's reclaim policy, from the core (`kernels()`). */
const KERNEL_POLICIES = {};

/** The reclaim policy and walk of kernel preset `name` (from the core), or undefined. */
export function kernelFacts(name) {
  return KERNEL_POLICIES[name] ? { policy: KERNEL_POLICIES[name], iteWalk: KERNEL_WALKS[name] } : undefined;
}

/**
 * Lists the core's kernel presets, oldest first, in the Kernel select (between "any" and "my
 * own program") and in the Kernel code panel's "load" select, and remembers each one's walk.
 */
export function addKernelOptions(kernels) {
  for (const k of kernels) {
    KERNEL_WALKS[k.name] = k.iteWalk;
    KERNEL_POLICIES[k.name] = k.policy;
  }
  const fill = (select, label, before) => {
    if (!select) return;
    for (const o of [...select.options]) if (KERNEL_WALKS[o.value]) o.remove();
    const at = before ? select.querySelector(`option[value=${before}]`) : null;
    for (const k of kernels) {
      const o = document.createElement('option');
      o.value = k.name;
      o.textContent = label(k);
      select.insertBefore(o, at);
    }
  };
  fill(document.querySelector('select[name=kernel]'), (k) => `${k.name} (${k.range})`, 'program');
  const base = document.querySelector('select[name=programBase]');
  const chosen = base?.value;
  fill(base, (k) => k.name, null);
  if (base && chosen) base.value = chosen;
}

/**
 * The hunt config of `policy` for form values `f` (seeds are given to the hunt separately).
 * Values are passed on as typed; the core's validateConfig decides what is allowed and names the
 * field (form.js puts its message next to the form field).
 */
export function configFor(f, policy) {
  // Your own kernel program decides what policy and walk would: neither is sent.
  const own = f.kernel === 'program';
  const batch =
    f.batchKind === 'fixed'
      ? { kind: 'fixed', count: f.batchMin }
      : { kind: 'uniform', min: f.batchMin, max: f.batchMax };
  const devtlb = f.devtlb;
  let scheduler;
  if (f.scheduler === 'pct') scheduler = { kind: 'pct', depth: f.pctDepth };
  else if (f.scheduler === 'timed') {
    scheduler = {
      kind: 'timed',
      costs: {
        hwIotlbNs: f.hwIotlbNs,
        hwDevtlbNs: f.hwDevtlbNs,
        hwWaitNs: f.hwWaitNs,
        lockHandoffNs: f.lockHandoffNs,
        doorbellNs: f.doorbellNs,
      },
    };
  } else {
    scheduler = { kind: 'random' };
    if (f.hwWeight !== 1) scheduler.hwWeight = f.hwWeight;
  }
  const faults = {
    iqeRate: f.iqeRate ?? 0,
    iteRate: f.iteRate ?? 0,
    iceRate: f.iceRate ?? 0,
    deviceGoneRate: f.deviceGoneRate ?? 0,
    iteTiming: ['waitFetched', 'allFetched'].includes(f.iteTiming) ? f.iteTiming : 'anyFetched',
    ...(own ? {} : { iteWalk: KERNEL_WALKS[f.kernel] ?? (f.iteWalk === 'stride2' ? 'stride2' : 'stride1') }),
    maxFaults: f.maxFaults ?? 0,
  };
  const withFaults =
    faults.iqeRate !== 0 || faults.iteRate !== 0 || faults.iceRate !== 0 || faults.deviceGoneRate !== 0;
  const stepLimit = f.stepLimit;
  return {
    // A kernel preset's walk travels with the faults (the core checks they agree).
    ...(withFaults || (f.kernel && f.kernel !== 'none' && !own) ? { faults } : {}),
    ...(f.kernel && f.kernel !== 'none' && !own ? { kernel: f.kernel } : {}),
    ...(own ? { program: f.program } : {}),
    ...(f.fetchDepth ? { fetchDepth: f.fetchDepth } : {}),
    qiLength: f.qiLength,
    submitters: f.submitters,
    workload: {
      submissions: f.submissions,
      batch,
      zeroCountProb: f.zeroCountProb,
      types: { iotlb: Number.isFinite(devtlb) ? 1 - devtlb : devtlb, devtlb, context: 0, iec: 0, pasid: 0 },
    },
    ...(own ? {} : { policy }),
    scheduler,
    stepLimit,
    watchdog: Number.isFinite(stepLimit) && stepLimit > 0 ? Math.min(100000, stepLimit) : 100000,
    bucket: f.scheduler === 'timed' ? 100 : 2,
    maxBuckets: 200,
  };
}

function whole(v, field, label, min, max) {
  if (!Number.isFinite(v) || Math.floor(v) !== v || v < min || v > max) {
    const range = `a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
    const is = Number.isFinite(v) ? ` (it is ${v})` : ' (it is empty or not a number)';
    const e = new Error(`${label} must be ${range}${is}.`);
    e.field = field;
    throw e;
  }
  return v;
}

/** The hunt's and the explorer's own settings from the form, checked (never clamped). */
export function runSettings(f) {
  return {
    seedCount: whole(Number(f.seeds), 'seeds', 'Seeds', 1, 1e9),
    seedStart: whole(Number(f.seedStart), 'seedStart', 'First seed', 0, Number.MAX_SAFE_INTEGER - 1e9),
    workers: whole(Number(f.workers), 'workers', 'Workers', 1, 64),
    maxStates: whole(Number(f.maxStates), 'maxStates', 'Prove: max states', 1000, 1e9),
  };
}

/** URL hash of the form values and the selected finding. */
export function formToHash(f, selected, verdicts = null) {
  const p = new URLSearchParams();
  // Values that differ from the preset's own (all of them for "custom") go into the link.
  const base = presetForm(f.preset);
  for (const [k, v] of Object.entries(f)) {
    if (k === 'workers') continue; // a property of the viewer's machine, not of the scenario
    if (v !== base[k] || k === 'preset' || k === 'policy') p.set(k, String(v));
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
  if (verdicts) p.set('pv', verdicts);
  return p.toString();
}

/** Parses a hash written by formToHash: { form, finding?, verdicts? } or null. */
export function hashToForm(hash) {
  const s = hash.replace(/^#/, '');
  if (!s) return null;
  const p = new URLSearchParams(s);
  const preset = p.get('preset') ?? 'custom';
  // A link names the preset and what differs from it (see formToHash).
  const form = { ...presetForm(preset) };
  for (const k of Object.keys(FORM_DEFAULTS)) {
    if (!p.has(k) || k === 'workers') continue;
    const v = p.get(k);
    form[k] = NUMERIC.has(k) ? Number(v) : typeof FORM_DEFAULTS[k] === 'boolean' ? v === 'true' : v;
  }
  form.preset = preset;
  let finding = null;
  const fr = p.get('f');
  const r = p.get('r');
  if (fr && r) {
    const [policy, seed] = fr.split('.');
    if (['legacy', 'fixed', 'program'].includes(policy) && /^\d+$/.test(seed ?? '')) {
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
  return { form, finding, verdicts: p.get('pv') };
}
