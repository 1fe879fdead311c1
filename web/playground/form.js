// The scenario form: presets, which fields show, and errors next to their field (plain words,
// the allowed range, aria-invalid, focus moved there). Ranges come from the core's
// validateConfig; this module only turns its message into words and finds the field.
import { PRESETS } from '../lib/index.js';
import { FORM_DEFAULTS, presetForm, readForm, writeForm, configFor, runSettings, kernelFacts } from './config.js';
import { $, form, state } from './state.js';

// Preset menu, from the one preset table: every preset the hunt can start from, in the table's
// order (the commit message's schedule is a replay: its own button shows it).
const PRESET_NAMES = Object.keys(PRESETS).filter((n) => n !== 'commit');
{
  const sel = form.elements.preset;
  sel.replaceChildren(
    ...PRESET_NAMES.map((n) => new Option(PRESETS[n].label, n)),
    new Option('Custom', 'custom'),
  );
}

export function syncVisibility() {
  const f = form.elements;
  $('#preset-note').textContent = PRESETS[f.preset.value]?.note ?? '';
  const batchKind = f.batchKind.value;
  for (const el of form.querySelectorAll('[data-show]')) el.hidden = el.dataset.show !== batchKind;
  const sched = f.scheduler.value;
  for (const el of form.querySelectorAll('[data-sched]')) el.hidden = el.dataset.sched !== sched;
}

form.addEventListener('input', (e) => {
  const name = e.target.name;
  if (name === 'preset') {
    const p = e.target.value;
    if (p !== 'custom') {
      const next = presetForm(p);
      // A kernel preset brings its version's policy; other presets keep the chosen one.
      const keep = { workers: form.elements.workers.value };
      if (next.kernel === 'none') keep.policy = readForm(form).policy;
      writeForm(form, { ...next, ...keep, preset: p });
      clearErrors();
    }
  } else if (!['policy', 'workers', 'seeds', 'seedStart', 'maxStates', 'programBase'].includes(name)) {
    form.elements.preset.value = 'custom';
  }
  // A kernel version chosen from the list brings its policy and walk (the core's), as a kernel
  // preset does; choosing a contradicting policy afterwards is the core's error to show.
  const kernel = name === 'kernel' && kernelFacts(e.target.value);
  if (kernel) {
    const radio = form.querySelector(`input[name=policy][value=${kernel.policy}]`);
    if (radio) radio.checked = true;
    form.elements.iteWalk.value = kernel.iteWalk;
  }
  syncVisibility();
  // The Kernel code panel checks the program itself (program.js).
  if (name && name !== 'program') clearFieldError(name);
  $('#form-error').hidden = true;
});

// ---------------------------------------------------------------------------------------------
// Errors next to their field

/** Core config paths → form field names. */
const CONFIG_FIELDS = {
  qiLength: 'qiLength',
  submitters: 'submitters',
  'workload.submissions': 'submissions',
  'workload.batch.count': 'batchMin',
  'workload.batch.min': 'batchMin',
  'workload.batch.max': 'batchMax',
  'workload.zeroCountProb': 'zeroCountProb',
  'workload.types': 'devtlb',
  'workload.types.devtlb': 'devtlb',
  'workload.types.iotlb': 'devtlb',
  'scheduler.depth': 'pctDepth',
  'scheduler.hwWeight': 'hwWeight',
  'faults.iqeRate': 'iqeRate',
  'faults.iteRate': 'iteRate',
  'faults.iceRate': 'iceRate',
  'faults.iteWalk': 'iteWalk',
  'faults.maxFaults': 'maxFaults',
  stepLimit: 'stepLimit',
  watchdog: 'stepLimit',
};

/** The form field a core error's `field` (a config path) belongs to, or null. */
export function formFieldOf(path) {
  if (!path) return null;
  if (form.elements[path]) return path;
  if (CONFIG_FIELDS[path]) return CONFIG_FIELDS[path];
  const m = /^scheduler\.costs\.(\w+)$/.exec(path);
  if (m && form.elements[m[1]]) return m[1];
  // workload.batch → the batch size fields; a prefix of a known path → its field.
  const hit = Object.keys(CONFIG_FIELDS).find((k) => k.startsWith(path + '.') || path.startsWith(k + '.'));
  return hit ? CONFIG_FIELDS[hit] : null;
}

/** The words on a field's label ("Ring length (QI_LENGTH)"). */
export function fieldLabel(name) {
  const el = form.elements[name];
  const label = el?.closest?.('label');
  if (!label) return name;
  return [...label.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE)
    .map((n) => n.textContent)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const num = (x) => (typeof x === 'number' ? x.toLocaleString('en-US') : String(x));

/**
 * A core error in plain words, naming the field by its label. Worded from the error's data (the
 * core's `ConfigError`: `kind` and that kind's fields), never from its message text; an error
 * the core did not make (no kind) keeps its message.
 */
export function plainMessage(name, e) {
  const label = fieldLabel(name);
  switch (e?.kind) {
    case 'range': {
      if (e.value == null) return `${label} is empty or not a number: enter a number.`;
      const it = `(it is ${num(e.value)})`;
      // "A whole number" only where the value is not one; a bound past 2^32 - 1 is no bound.
      const whole = e.integer && !Number.isInteger(e.value) ? 'a whole number ' : '';
      if (e.min === e.max) return `${label} must be ${num(e.min)} here ${it}.`;
      if (e.minExclusive) return `${label} must be more than ${num(e.min)} and at most ${num(e.max)} ${it}.`;
      if (e.max >= 2 ** 32 - 1) return `${label} must be ${whole}${num(e.min)} or more ${it}.`;
      return `${label} must be ${whole}from ${num(e.min)} to ${num(e.max)} ${it}.`;
    }
    case 'wrongType':
      return `${label} must be ${e.expected} (it is ${e.value}).`;
    case 'unknownVariant':
      return `${label} cannot be "${e.value}": choose ${e.allowed.join(', ')}.`;
    case 'tooBig':
      return `${label} gives ${powerOf(e)} ${e.what}: at most ${num(e.max)} can be enumerated.`;
    case 'program':
      return `${label}: line ${e.line}, column ${e.col}: ${e.reason}.`;
    case 'missingField':
      return `${label} needs ${e.name}.`;
    default:
      return `${label}: ${e?.detail ?? e?.message ?? e}`;
  }
}

/** A `tooBig` error's count, as a power when the core gives one (`3^16 = 43,046,721`). */
export function powerOf(e) {
  return e.base != null && e.exponent != null ? `${e.base}^${e.exponent} = ${num(e.count)}` : num(e.count);
}

function errorSlot(el) {
  const label = el.closest('label') ?? el.parentElement;
  let slot = label.querySelector(':scope > .field-error');
  if (!slot) {
    slot = document.createElement('span');
    slot.className = 'field-error';
    slot.id = `err-${el.name}`;
    label.append(slot);
  }
  return slot;
}

export function clearFieldError(name) {
  const el = form.elements[name];
  if (!el || el instanceof RadioNodeList) return;
  el.removeAttribute('aria-invalid');
  el.removeAttribute('aria-describedby');
  el.closest('label')?.querySelector(':scope > .field-error')?.remove();
}

export function clearErrors() {
  for (const el of form.querySelectorAll('[aria-invalid=true]')) clearFieldError(el.name);
  $('#form-error').hidden = true;
}

/** Shows `message` next to field `name`; returns the field element. */
export function showFieldError(name, message) {
  const el = form.elements[name];
  if (!el || el instanceof RadioNodeList) return null;
  // A hidden field (e.g. a timed cost under another scheduler) is shown with its error.
  const wrap = el.closest('[data-sched], [data-show]');
  if (wrap?.hidden) wrap.hidden = false;
  const slot = errorSlot(el);
  slot.textContent = message;
  el.setAttribute('aria-invalid', 'true');
  el.setAttribute('aria-describedby', slot.id);
  return el;
}

/** Moves focus to `el` and scrolls it clear of the sticky Run bar. */
export function focusField(el) {
  el.focus({ preventScroll: true });
  el.scrollIntoView({ block: 'center', behavior: 'instant' });
}

/** A message about the whole run (not one field), shown in the Run bar. */
export function showError(msg) {
  const el = $('#form-error');
  el.textContent = msg;
  el.hidden = false;
}

/** Fields the browser could not read as a number (empty, letters), in form order. */
function unreadable(f) {
  const out = [];
  for (const el of form.querySelectorAll('input[type=number]')) {
    if (el.closest('[hidden]')) continue;
    if (el.value === '' || !Number.isFinite(f[el.name] ?? Number(el.value)) || el.validity.badInput) {
      const range =
        el.min !== '' && el.max !== ''
          ? ` from ${Number(el.min).toLocaleString('en-US')} to ${Number(el.max).toLocaleString('en-US')}`
          : el.min !== ''
            ? ` of ${Number(el.min).toLocaleString('en-US')} or more`
            : '';
      out.push({ name: el.name, message: `${fieldLabel(el.name)} is empty or not a number: enter a number${range}.` });
    }
  }
  return out;
}

/**
 * The form's policies, their validated configs and the run settings, or null after showing every
 * error next to its field and moving focus to the first.
 */
export function checkedForm(f) {
  clearErrors();
  // Your own program is one kernel: one run, whatever the policy buttons say.
  const policies = f.kernel === 'program' ? ['program'] : f.policy === 'both' ? ['legacy', 'fixed'] : [f.policy === 'program' ? 'fixed' : f.policy];
  const errors = unreadable(f);
  const seen = new Set(errors.map((e) => e.name));
  const configs = {};
  let settings = null;
  // Fields that could not be read are checked with their default in, so the core still
  // reports a problem elsewhere in the same pass.
  const probe = { ...f };
  for (const e of errors) if (e.name in FORM_DEFAULTS) probe[e.name] = FORM_DEFAULTS[e.name];
  {
    try {
      settings = runSettings(probe);
    } catch (e) {
      if (!seen.has(e.field)) errors.push({ name: e.field, message: e.message });
    }
    for (const p of policies) {
      try {
        configs[p] = configFor(probe, p);
        state.wasm.validateConfig(configs[p]);
      } catch (e) {
        const name = formFieldOf(e.field);
        if (name && seen.has(name)) continue;
        if (name) seen.add(name);
        errors.push({ name, message: name ? plainMessage(name, e) : e.message });
        break;
      }
    }
  }
  if (!errors.length) return { policies, configs, ...settings };
  let first = null;
  for (const e of errors) {
    const el = e.name ? showFieldError(e.name, e.message) : null;
    if (!el) showError(e.message);
    // Focus the first field in the form's order.
    else if (!first || first.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) first = el;
  }
  if (first) focusField(first);
  const a = $('#announce');
  if (a) a.textContent = `${errors.length} field${errors.length > 1 ? 's need' : ' needs'} attention: ${errors.map((e) => e.message).join(' ')}`;
  document.body.dataset.formError = String(errors.length);
  return null;
}

// The sticky Run/Prove bar must never cover the focused field: scroll it clear.
form.addEventListener('focusin', (e) => {
  const t = e.target;
  if (!(t instanceof HTMLElement) || t.closest('.actions')) return;
  const bar = form.querySelector('.actions').getBoundingClientRect();
  const r = t.getBoundingClientRect();
  if (r.bottom > bar.top - 6 && r.top < bar.bottom) window.scrollBy({ top: r.bottom - bar.top + 16, behavior: 'instant' });
});
