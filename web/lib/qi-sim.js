// <qi-sim>: a self-contained web component that runs one qisim scenario and shows it step by
// step — the column timeline (one column per actor, hardware writes starred) next to an animated
// ring (slots coloured by desc_status, free_head/free_tail/IQH/IQT, q_lock owner, each
// submitter's next step). Step back re-simulates from the start (runs are deterministic).
//
//   <script type="module" src="/path/to/qi-sim.js"></script>
//   <qi-sim policy="legacy" preset="commit"></qi-sim>
//
// Attributes: policy (legacy|fixed), preset (a name of the core's preset table: commit (default,
// the schedule of the fix's commit message), seed, mix8, faultStorm, kernel-6.9, kernel-6.12,
// kernel-7.0), seed (number), replay (a q1: string), scheduler
// ("random" to ignore the preset's recorded schedule), step (initial step, or "end"), heading.
// Property: `scenario = { config, replay?, title?, step? }` loads an exact config (the playground
// uses this). The wasm package is loaded from ./pkg/qisim_wasm.js next to this file. What it
// draws is qi-sim-view.js; the module exports only the element and loadQisim (qi-sim.d.ts): the
// rest of the library is the `qisim` entry (index.js).

import { bindCore, outcomeWords } from './core.js';
import { scenarioFromAttributes } from './qi-sim-scenario.js';
import { camelize, stepNumber } from './qi-sim-timeline.js';
import { RING_WIDTH } from './qi-sim-ring.js';
import { STYLE, ICON, TEMPLATE } from './qi-sim-style.js';
import { renderKey, renderTimeline, renderStep } from './qi-sim-view.js';

const PKG_URL = new URL('./pkg/qisim_wasm.js', import.meta.url).href;
let wasmPromise = null;

/** Loads and initialises the wasm package once (shared by every <qi-sim> and the playground). */
export function loadQisim() {
  wasmPromise ??= import(PKG_URL).then(async (m) => {
    await m.default();
    bindCore(m);
    return m;
  });
  return wasmPromise;
}

// ---------------------------------------------------------------------------------------------
// The element

export class QiSim extends HTMLElement {
  static get observedAttributes() {
    return ['policy', 'preset', 'seed', 'replay', 'scheduler'];
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>${TEMPLATE}`;
    this._k = 0;
    this._n = 0;
    this._rows = [];
    this._timer = null;
    this._sim = null;
    this._loadToken = 0;
    this._scenario = null;
    const $ = (s) => this.shadowRoot.querySelector(s);
    this.$ = $;
    this.shadowRoot.querySelector('.controls').addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      const act = b.dataset.act;
      if (act === 'start') this.goto(0);
      else if (act === 'back') this.goto(this._k - 1);
      else if (act === 'fwd') this.goto(this._k + 1);
      else if (act === 'end') this.goto(this._n);
      else if (act === 'play') this.toggle();
      else if (act === 'copy') this.copyReplay();
    });
    $('input[type=range]').addEventListener('input', (e) => this.goto(Number(e.target.value)));
    $('.tl tbody').addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-step]');
      if (tr) this.goto(Number(tr.dataset.step) + 1);
    });
    this.addEventListener('keydown', (e) => this._onKey(e));
    // Ring text keeps its size on screen (at least 11 px) however wide the ring is drawn: the
    // SVG's fonts are scaled by viewBox width / drawn width (--ring-k).
    const holder = $('.ring-holder');
    new ResizeObserver(() => {
      const w = holder.clientWidth;
      if (w > 0) holder.style.setProperty('--ring-k', String(Math.min(1.8, Math.max(0.8, RING_WIDTH / w))));
    }).observe(holder);
  }

  connectedCallback() {
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
    if (!this.hasAttribute('aria-label')) this.setAttribute('aria-label', 'qisim step-by-step run: arrow keys step, space plays');
    if (!this._scenario) this._fromAttributes();
  }

  disconnectedCallback() {
    this.pause();
  }

  attributeChangedCallback() {
    if (this.isConnected && this._fromAttrs) this._fromAttributes();
  }

  _fromAttributes() {
    this._fromAttrs = true;
    try {
      const sc = scenarioFromAttributes(this);
      const stepAttr = this.getAttribute('step');
      sc.step = stepAttr === 'end' || stepAttr == null ? 'end' : Number(stepAttr);
      this._load(sc);
    } catch (e) {
      this._error(e);
    }
  }

  /** Loads `{config, replay?, title?, step?}`; resolves when rendered. */
  set scenario(sc) {
    this._fromAttrs = false;
    this._load(sc);
  }

  get scenario() {
    return this._scenario;
  }

  load(sc) {
    this._fromAttrs = false;
    return this._load(sc);
  }

  /** Settles once the current scenario is rendered. */
  get ready() {
    return this._ready ?? Promise.resolve();
  }

  get step() {
    return this._k;
  }
  get steps() {
    return this._n;
  }
  get replay() {
    return this._replay ?? '';
  }
  get findings() {
    return this._report?.findings ?? [];
  }
  get timelineText() {
    return this._text ?? '';
  }

  _load(sc) {
    const token = ++this._loadToken;
    this.pause();
    this._scenario = sc;
    this._ready = loadQisim()
      .then((m) => {
        if (token !== this._loadToken) return;
        this._init(m, sc);
      })
      .catch((e) => {
        if (token !== this._loadToken) return;
        // The core rejects a bad replay string with its position; name the attribute it came from.
        const attr = this._fromAttrs && this.getAttribute('replay');
        if (attr && e?.field?.startsWith('scheduler.choices')) {
          this._error(new Error(`attribute replay="${attr}" is not allowed: ${e.detail ?? e.message}`));
        } else this._error(e);
      });
    return this._ready;
  }

  _error(e) {
    // Visible at the top, in place of the run: a bad attribute or config never shows a default.
    const box = this.$('.errbox');
    box.textContent = `qi-sim: ${e?.message ?? e}`;
    box.hidden = false;
    this.$('.wrap').classList.add('failed');
    this.$('h3').textContent = 'qi-sim could not show this run';
    this.$('.badge').className = 'badge bad';
    this.$('.badge').textContent = 'error';
    this.dispatchEvent(new CustomEvent('qi-sim-error', { detail: { message: String(e?.message ?? e) } }));
  }

  _init(m, sc) {
    this._m = m;
    this.$('.errbox').hidden = true;
    this.$('.wrap').classList.remove('failed');
    const base = structuredClone(sc.config);
    if (sc.replay) base.scheduler = { kind: 'replay', choices: sc.replay };
    base.trace = true;
    // Visualised runs are kept to a size a page can hold (the hunt itself has no such cap).
    if (!base.stepLimit || base.stepLimit > 300000) base.stepLimit = 300000;
    if (!base.traceCapacity || base.traceCapacity > 3000000) base.traceCapacity = 3000000;
    const full = new m.Simulation(base);
    let report;
    let rows;
    try {
      report = full.run();
      this._events = camelize(full.trace());
      this._text = full.timeline();
      rows = full.timelineRows();
      this._replay = full.replay();
    } finally {
      full.free?.();
    }
    this._report = report;
    // Replay the recorded schedule exactly for stepping (random runs too).
    this._cfg = { ...base, trace: false, scheduler: { kind: 'replay', choices: this._replay } };
    this._submitters = base.submitters ?? 2;
    // The core words every step and places each finding with the CPU it concerns (the stuck
    // poller, the owner of the lost wait), which is not always the actor whose step revealed it.
    this._rows = rows;
    this._n = report.steps;
    this._stuck = new Map();
    for (const f of report.findings) {
      if (f.kind === 'lockup' && f.submitter != null) this._stuck.set(f.submitter, f);
    }
    this.$('h3').textContent = sc.title ?? `${base.policy ?? 'fixed'} policy`;
    const badge = this.$('.badge');
    const kinds = [...new Set(report.findings.map((f) => f.kind))];
    const lock = report.findings.find((f) => f.kind === 'lockup');
    badge.className = 'badge ' + (kinds.length ? 'bad' : report.outcome.kind === 'completed' ? 'good' : '');
    badge.textContent = lock
      ? `lockup of T${lock.submitter + 1} at step ${stepNumber(lock.step)}`
      : kinds.length
        ? kinds.join(', ')
        : report.outcome.kind === 'completed'
          ? 'completed, no findings'
          : report.outcome.kind === 'replayEnded'
            ? 'schedule so far, no findings'
            : outcomeWords(report.outcome.kind);
    this.$('pre.text').textContent = this._text;
    renderKey(this, m);
    renderTimeline(this);
    const range = this.$('input[type=range]');
    range.max = String(this._n);
    this._sim?.free?.();
    this._sim = null;
    this._simK = 0;
    const want = sc.step === 'end' || sc.step == null ? this._n : sc.step;
    this.goto(want, true);
    this.dispatchEvent(new CustomEvent('qi-sim-ready', { detail: { steps: this._n, findings: report.findings, outcome: report.outcome, replay: this._replay } }));
  }

  /** Moves to step k (0 = initial state, steps = end). Stepping back re-simulates from start. */
  goto(k, force = false) {
    if (!this._m) return;
    k = Math.max(0, Math.min(this._n, Math.round(Number(k) || 0)));
    if (k === this._k && !force && this._sim) return;
    if (!this._sim || k < this._simK) {
      this._sim?.free?.();
      this._sim = new this._m.Simulation(this._cfg);
      this._simK = 0;
    }
    if (k > this._simK) this._simK += this._sim.step(k - this._simK);
    this._k = k;
    renderStep(this);
    if (k >= this._n) this.pause();
    this.dispatchEvent(new CustomEvent('qi-sim-step', { detail: { step: k, steps: this._n } }));
  }

  next() {
    this.goto(this._k + 1);
  }
  prev() {
    this.goto(this._k - 1);
  }

  play() {
    if (this._timer) return;
    if (this._k >= this._n) this.goto(0);
    const ms = Number(this.getAttribute('speed')) || 450;
    this._timer = setInterval(() => {
      if (this._k >= this._n) this.pause();
      else this.next();
    }, ms);
    this._syncPlay();
  }

  pause() {
    if (this._timer) clearInterval(this._timer);
    this._timer = null;
    this._syncPlay();
  }

  toggle() {
    if (this._timer) this.pause();
    else this.play();
  }

  _syncPlay() {
    const b = this.$('button[data-act=play]');
    if (!b) return;
    b.innerHTML = this._timer ? `${ICON.pause}<span>Pause</span>` : `${ICON.play}<span>Play</span>`;
    b.setAttribute('aria-label', this._timer ? 'Pause' : 'Play');
  }

  async copyReplay() {
    const b = this.$('button[data-act=copy]');
    try {
      await navigator.clipboard.writeText(this._replay);
      b.textContent = 'Copied';
    } catch {
      // Clipboard refused (insecure context or no permission): select it for the user instead.
      const d = this.$('details');
      d.open = true;
      b.textContent = this._replay;
    }
    setTimeout(() => (b.textContent = 'Copy replay'), 1500);
    this.dispatchEvent(new CustomEvent('qi-sim-copy', { detail: { replay: this._replay } }));
  }

  _onKey(e) {
    const path = e.composedPath();
    const origin = path[0];
    // The range input handles its own arrow keys (and fires `input`); other inputs type.
    if (origin instanceof HTMLInputElement || origin instanceof HTMLTextAreaElement || origin instanceof HTMLSelectElement) return;
    const onButton = origin instanceof HTMLButtonElement || origin instanceof HTMLElement && origin.tagName === 'SUMMARY';
    switch (e.key) {
      case 'ArrowRight':
      case 'ArrowDown':
        this.next();
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
        this.prev();
        break;
      case 'Home':
        this.goto(0);
        break;
      case 'End':
        this.goto(this._n);
        break;
      case ' ':
      case 'Spacebar':
        if (onButton) return; // the button's own click
        this.toggle();
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}

if (!customElements.get('qi-sim')) customElements.define('qi-sim', QiSim);
