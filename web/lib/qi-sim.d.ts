// Types of `qisim/qi-sim` (web/lib/qi-sim.js): the <qi-sim> element and the loader it shares.
// Everything else of the library is the `qisim` entry (qisim.d.ts).
import type * as Qisim from './qisim.js';
import type { Config, Finding } from './qisim.js';

/** What `<qi-sim>` shows: an exact config, optionally a replay string, a title and the step to open at. */
export interface QiSimScenario {
  config: Config;
  replay?: string;
  title?: string;
  /** The step shown first (default `'end'`). */
  step?: number | 'end';
}

/** The wasm functions of the `qisim` entry (the wasm-bindgen module `loadQisim` resolves to). */
export type QisimWasm = Omit<
  typeof Qisim,
  'createPool' | 'MAX_CHUNK_ATTEMPTS' | 'wasmModule' | 'PRESETS' | 'CANONICAL_REPLAY' | 'seedScenarioConfig' | 'stepNumber' | 'isHw'
>;

/** Loads and initialises the package's wasm module once (every `<qi-sim>` shares it). */
export function loadQisim(): Promise<QisimWasm>;

/**
 * `<qi-sim policy="legacy" preset="commit">`: one run, step by step (timeline and ring).
 * Attributes: policy, preset, seed, replay, scheduler ("random"), step, heading, speed.
 * Events: `qi-sim-ready` ({ steps, findings, outcome, replay }), `qi-sim-step` ({ step, steps }),
 * `qi-sim-copy` ({ replay }), `qi-sim-error` ({ message }).
 */
export class QiSim extends HTMLElement {
  /** Loads an exact scenario (instead of the attributes). */
  scenario: QiSimScenario | null;
  /** Loads `scenario`; resolves once it is rendered. */
  load(scenario: QiSimScenario): Promise<void>;
  /** Settles once the current scenario is rendered. */
  readonly ready: Promise<void>;
  /** The step shown (0: the initial state; `steps`: the end). */
  readonly step: number;
  readonly steps: number;
  /** The run's schedule as a replay string. */
  readonly replay: string;
  readonly findings: Finding[];
  /** The column timeline as text. */
  readonly timelineText: string;
  /** Moves to step `k` (stepping back re-simulates from the start). */
  goto(k: number): void;
  next(): void;
  prev(): void;
  play(): void;
  pause(): void;
  toggle(): void;
  copyReplay(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'qi-sim': QiSim;
  }
}
