// qisim worker pool: hunts seed ranges in parallel Web Workers, one wasm instance per worker.
//
//   import { createPool } from 'qisim/pool';            // or './pool.js' next to pkg/
//   const pool = createPool({ workers: navigator.hardwareConcurrency });
//   const result = await pool.hunt(config, { seedStart: 0, seedCount: 10000, chunkSize: 250,
//     firstChunkSize: 4,  // optional: chunks grow 4, 8, 16, … up to chunkSize
//     signal, onProgress: ({ done, total, partial, workerFailure }) => {} });
//   pool.terminate();
//
// * The wasm module is compiled once on the main thread and the `WebAssembly.Module` is posted
//   to every (module) worker, which instantiates it with `initSync({ module })`.
// * Seeds are cut into chunks handed to idle workers; chunk results are merged on the main thread
//   with the wasm `mergeHuntResults`, which does not depend on order or split: the result is the
//   same whatever the number of workers (and equal to one `hunt()` over the whole range).
// * Several hunts may run at once on one pool; their chunks are interleaved.
// * Cancellation: when `signal` aborts, `hunt()` rejects at once with a `DOMException` named
//   `AbortError` whose `partial` property holds the merged result of the chunks finished so far;
//   workers busy with its chunks are terminated and replaced.
// * Crashes: if a worker dies (an `error` event, a trapped wasm instance, or it is terminated),
//   the failure is reported (`onProgress({ workerFailure })` and `result.workerFailures`) and its
//   chunk is re-run on a new worker, so no seed is lost; the final `seedRanges` always equal the
//   requested range. A chunk that kills its worker 3 times fails the hunt.
// * Bad input (config, options) rejects with the wasm `Error` naming the field, before any
//   worker runs.
// * `pool.explore(config, options)` runs the exhaustive explorer on one worker, or partitioned
//   over several (`pool-explore.js`; see pool-jobs.js, where each job is defined).
// * `wasmModule()` is the package's binary compiled once per page, for workers of your own.

import { abortError, fieldError, hunt, explore, estimate } from './pool-jobs.js';

const GLUE_URL = new URL('./pkg/qisim_wasm.js', import.meta.url);
const WASM_URL = new URL('./pkg/qisim_wasm_bg.wasm', import.meta.url);
const WORKER_URL = new URL('./pool-worker.js', import.meta.url);

/** A chunk that crashed its worker this many times fails the hunt. */
export const MAX_CHUNK_ATTEMPTS = 3;
/** A worker slot whose worker fails to start this many times in a row is given up. */
const MAX_INIT_FAILURES = 3;
const MAX_WORKERS = 64;

async function compileModule(url) {
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url));
    } catch {
      // Wrong MIME type or no streaming support: compile from bytes below.
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

let shared = null;
/**
 * The package's wasm binary (`pkg/qisim_wasm_bg.wasm` next to this module), fetched and compiled
 * once per page: a `WebAssembly.Module` to post to workers of your own, which instantiate it with
 * `initSync({ module })` of the `qisim` entry (as the pool's workers do).
 */
export function wasmModule() {
  shared ??= compileModule(WASM_URL);
  return shared;
}

/**
 * Creates a pool of `workers` module workers (default: `navigator.hardwareConcurrency`).
 * Options: `wasmUrl` (the `.wasm` file), `glueUrl` (the wasm-bindgen ES module), `module` (an
 * already compiled `WebAssembly.Module`), `workerUrl`, `warmup: { config, seedCount? }` (each
 * worker hunts these seeds once before it reports ready, so the first real chunk runs on
 * optimised code), `faultInjection: { crashChunks: [k, ...] }`
 * (tests: the k-th dispatched chunk, counting from 0, makes its worker throw instead of running).
 */
export function createPool(opts = {}) {
  const hw = globalThis.navigator?.hardwareConcurrency || 2;
  const size = Math.max(1, Math.min(MAX_WORKERS, Math.floor(Number(opts.workers ?? hw)) || 1));
  const glueUrl = String(opts.glueUrl ?? GLUE_URL);
  const wasmUrl = opts.wasmUrl ?? WASM_URL;
  const workerUrl = opts.workerUrl ?? WORKER_URL;
  const crashChunks = new Set(opts.faultInjection?.crashChunks ?? []);

  let terminated = false;
  let dispatched = 0; // chunks handed out, all hunts together (for fault injection)
  let rr = 0; // round robin over jobs
  const slots = []; // one per worker index: { index, worker, ready, dead, task, initFailures }
  const jobs = []; // running hunts
  const failures = []; // every worker failure of this pool
  const partitioned = new Set(); // AbortControllers of the running partitioned explorations
  let busyMs = 0; // worker time spent in finished chunks (for utilisation figures)

  const ready = (async () => {
    const module = opts.module ?? (await compileModule(wasmUrl));
    const glue = await import(glueUrl);
    glue.initSync({ module });
    return { module, glue };
  })();
  ready.catch(() => {}); // observed by hunt()

  function spawn(index, initFailures = 0) {
    const worker = new Worker(workerUrl, { type: 'module', name: `qisim-pool-${index}` });
    const slot = { index, worker, ready: false, dead: false, task: null, initFailures };
    slots[index] = slot;
    worker.addEventListener('message', (ev) => onMessage(slot, ev.data));
    worker.addEventListener('error', (ev) => {
      ev.preventDefault?.();
      crash(slot, `worker error: ${ev.message || 'uncaught exception'}`);
    });
    worker.addEventListener('messageerror', () => crash(slot, 'worker message could not be decoded'));
    ready.then(
      ({ module }) => {
        if (!slot.dead) worker.postMessage({ type: 'init', module, glueUrl, warmup: opts.warmup });
      },
      () => {},
    );
    return slot;
  }

  /** A dedicated worker for one partition of an exploration: `{ worker, ready }`. */
  function spawnExploreWorker(i, module) {
    const worker = new Worker(workerUrl, { type: 'module', name: `qisim-explore-${i}` });
    const ready = new Promise((resolve, reject) => {
      const failed = (why) => reject(new Error(`exploration worker ${i} could not start: ${why}`));
      worker.addEventListener('message', (ev) => {
        if (ev.data?.type === 'ready') resolve();
        else if (ev.data?.type === 'initError') failed(ev.data.message);
      });
      worker.addEventListener('error', (ev) => failed(ev.message || 'uncaught exception'));
    });
    ready.catch(() => {});
    worker.postMessage({ type: 'init', module, glueUrl });
    return { worker, ready };
  }

  function liveSlots() {
    return slots.filter((s) => s && !s.dead);
  }

  function crash(slot, reason) {
    if (slot.dead) return;
    slot.dead = true;
    slot.worker.terminate();
    const task = slot.task;
    slot.task = null;
    const failure = {
      worker: slot.index,
      reason,
      seedStart: task?.start ?? null,
      seedCount: task?.count ?? null,
      attempt: task ? task.attempts : null,
      time: Date.now(),
    };
    failures.push(failure);
    const initFailures = slot.ready ? 0 : slot.initFailures + 1;
    if (task && !task.job.finished) {
      const job = task.job;
      job.inflight.delete(task);
      job.failures.push(failure);
      if (task.attempts >= MAX_CHUNK_ATTEMPTS) {
        job.fail(
          new Error(
            `${task.count ? `seeds ${task.start}..${task.start + task.count}` : 'the exploration'} ` +
              `crashed a worker ${task.attempts} times; last: ${reason}`,
          ),
        );
      } else {
        job.queue.unshift(task); // re-run first, on another (new) worker
        // Not re-entrant: crash() may run inside the caller's onProgress (_debugKillWorker).
        queueMicrotask(() => {
          if (!job.finished) job.progress({ workerFailure: failure });
        });
      }
    }
    if (!terminated) {
      if (initFailures < MAX_INIT_FAILURES) spawn(slot.index, initFailures);
      else if (liveSlots().length === 0) {
        for (const job of [...jobs]) job.fail(new Error(`no worker could start: ${reason}`));
      }
    }
    pump();
  }

  function onMessage(slot, msg) {
    if (slot.dead) return;
    switch (msg?.type) {
      case 'ready':
        slot.ready = true;
        slot.initFailures = 0;
        pump();
        break;
      case 'initError':
        crash(slot, `worker could not load the wasm module: ${msg.message}`);
        break;
      case 'fatal':
        crash(slot, `wasm instance failed: ${msg.message}`);
        break;
      case 'progress':
        if (slot.task && !slot.task.job.finished) slot.task.job.progress(msg.progress);
        break;
      case 'result':
      case 'error': {
        const task = slot.task;
        slot.task = null;
        if (typeof msg.ms === 'number') busyMs += msg.ms;
        if (task && !task.job.finished) {
          if (msg.type === 'result') task.job.chunkDone(task, msg.result, msg.ms);
          else task.job.fail(fieldError(msg.message, msg.data.field, msg.data));
        }
        pump();
        break;
      }
      default:
        break;
    }
  }

  function nextTask() {
    for (let k = 0; k < jobs.length; k++) {
      const job = jobs[(rr + k) % jobs.length];
      // Re-runs of crashed chunks first, then the next fresh chunk (made lazily: a huge seed
      // range costs no memory up front).
      const task = job.queue.shift() ?? job.take();
      if (task) {
        rr = (rr + k + 1) % Math.max(1, jobs.length);
        return task;
      }
    }
    return null;
  }

  function pump() {
    if (terminated) return;
    for (const slot of slots) {
      if (!slot || slot.dead || !slot.ready || slot.task) continue;
      const task = nextTask();
      if (!task) return;
      task.attempts += 1;
      task.job.inflight.add(task);
      slot.task = task;
      const crashIt = crashChunks.has(dispatched);
      dispatched += 1;
      slot.worker.postMessage({ ...task.job.message(task), id: task.id, crash: crashIt });
    }
  }

  /** Stops the workers busy with `job` (they cannot be interrupted otherwise) and replaces them. */
  function stopInflight(job) {
    for (const slot of slots) {
      if (slot && !slot.dead && slot.task?.job === job) {
        slot.dead = true;
        slot.task = null;
        slot.worker.terminate();
        if (!terminated) spawn(slot.index);
      }
    }
  }

  let nextId = 0;
  // What the jobs (pool-jobs.js) use of this pool.
  const ctx = {
    ready,
    size,
    partitioned,
    terminated: () => terminated,
    liveSlots,
    nextId: () => nextId++,
    runJob,
    spawnExploreWorker,
  };

  /**
   * The life cycle every job shares: its chunks queue and run on the workers while it is
   * registered in `jobs`; `fail` ends it once (stops its running chunks, rejects); `signal`
   * aborts it with the error `aborted()` makes. `setup(job, resolve)` adds the job's own
   * `take`, `message`, `progress` and `chunkDone` and returns whether it still has work (false:
   * it has already resolved).
   */
  function runJob(signal, aborted, setup) {
    return new Promise((resolve, reject) => {
      const job = {
        queue: [],
        inflight: new Set(),
        failures: [],
        finished: false,
        fail(err) {
          if (job.finished) return;
          job.close();
          stopInflight(job);
          reject(err);
        },
        close() {
          job.finished = true;
          const i = jobs.indexOf(job);
          if (i >= 0) jobs.splice(i, 1);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const onAbort = () => job.fail(aborted());
      if (signal?.aborted) return onAbort(); // while the caller awaited the module
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!setup(job, resolve)) return;
      jobs.push(job);
      if (liveSlots().length === 0) job.fail(new Error('no worker is running'));
      pump();
    });
  }

  function terminate() {
    if (terminated) return;
    terminated = true;
    for (const stop of partitioned) stop.abort(new DOMException('the pool was terminated', 'AbortError'));
    for (const slot of slots) {
      if (slot && !slot.dead) {
        slot.dead = true;
        slot.worker.terminate();
      }
    }
    for (const job of [...jobs]) job.fail(abortError('the pool was terminated', null));
  }

  for (let i = 0; i < size; i++) spawn(i);

  return {
    /** Number of workers. */
    size,
    /** Resolves once the module is compiled (rejects if it cannot be loaded). */
    ready: ready.then(() => undefined),
    hunt: (config, o) => hunt(ctx, config, o),
    explore: (config, o) => explore(ctx, config, o),
    estimate: (config, o) => estimate(ctx, config, o),
    terminate,
    /** Every worker failure so far (for diagnostics). */
    get failures() {
      return [...failures];
    },
    /** Workers alive, started, busy; `busyMs`: worker time spent in finished chunks so far. */
    stats() {
      const live = liveSlots();
      return {
        workers: size,
        live: live.length,
        ready: live.filter((s) => s.ready).length,
        busy: live.filter((s) => s.task).length,
        failures: failures.length,
        busyMs,
      };
    },
    /**
     * Tests only: terminates a worker as if it had crashed; its chunk is re-run on a new worker.
     * `i` is a worker index, or `'busy'` (default) for the first worker running a chunk.
     * Returns the index of the worker killed while busy, or -1 if none was busy.
     */
    _debugKillWorker(i = 'busy') {
      const slot =
        i === 'busy' ? slots.find((s) => s && !s.dead && s.task) : slots[Number(i)];
      if (!slot || slot.dead) return -1;
      const busy = !!slot.task;
      crash(slot, `worker ${slot.index} killed by _debugKillWorker`);
      return busy ? slot.index : -1;
    },
  };
}
