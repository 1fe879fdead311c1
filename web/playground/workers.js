// The page's worker pool (the library's `qisim/pool`, warmed at page load; Run and Prove share
// it), the clock that ticks between results, and bringing the results into view. Run (hunt.js)
// and Prove (prove.js) both start here.
import { PRESETS } from '../lib/index.js';
import { $, state, scheduleRender } from './state.js';

let ticker = 0;
/** The clock and time left tick between results (a slow chunk must not look frozen). */
export function startTicker() {
  clearInterval(ticker);
  ticker = setInterval(() => scheduleRender(), 250);
}
export function stopTicker() {
  clearInterval(ticker);
  ticker = 0;
}

let poolPromise = null;
export function getPool(workers) {
  if (poolPromise && state.poolWorkers === workers) return poolPromise;
  const old = poolPromise;
  state.poolWorkers = workers;
  poolPromise = (async () => {
    (await old?.catch(() => null))?.terminate?.();
    let createPool;
    try {
      ({ createPool } = await import('../lib/pool.js'));
    } catch {
      createPool = null;
    }
    // Warm each worker with a few seeds of the seed preset (minimisation included).
    const warmup = { config: { ...PRESETS.seed.config, policy: 'legacy' }, seedCount: 4 };
    state.pool = createPool ? createPool({ workers, warmup }) : mainThreadPool(state.wasm);
    return state.pool;
  })();
  return poolPromise;
}

/** Fallback when the library's pool (qisim/pool) is unavailable: hunts in chunks on the main thread. */
function mainThreadPool(m) {
  return {
    async hunt(config, { seedStart = 0, seedCount, chunkSize = 50, signal, onProgress }) {
      let merged = null;
      for (let s = seedStart; s < seedStart + seedCount; s += chunkSize) {
        if (signal?.aborted) throw new DOMException('cancelled', 'AbortError');
        const n = Math.min(chunkSize, seedStart + seedCount - s);
        const r = m.hunt(config, s, n);
        merged = merged ? m.mergeHuntResults(merged, r) : r;
        onProgress?.({ done: s + n - seedStart, total: seedCount, partial: merged });
        await new Promise((res) => setTimeout(res, 0));
      }
      return merged;
    },
    terminate() {},
  };
}

/**
 * One column (phones): the results start far below the Run button; bring them into view and
 * move focus there, so Run visibly does something.
 */
export function revealResults() {
  const r = $('#results');
  if (r.getBoundingClientRect().top < innerHeight * 0.6) return;
  r.scrollIntoView({ block: 'start', behavior: 'instant' });
  r.focus({ preventScroll: true });
}
