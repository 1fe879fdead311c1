// The jobs of the qisim worker pool (pool.js runs them on its workers): a hunt (seeds cut into
// chunks, merged in any order), an exploration (one worker, or partitioned over several by
// pool-explore.js) and an estimate. Each takes the pool's `ctx` (pool.js: `ready`, `size`,
// `runJob`, ...) and registers its chunks through `ctx.runJob`, which owns the life cycle every
// job shares (queue, abort, failure).

import { explorePartitioned } from './pool-explore.js';

/** The `AbortError` a cancelled job rejects with; `partial` is what it found so far. */
export function abortError(message, partial, cause) {
  const e = new DOMException(message, 'AbortError');
  Object.defineProperty(e, 'partial', { value: partial, enumerable: true });
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause });
  return e;
}

/**
 * An `Error` naming the bad input's field and carrying the core's error data (`kind` and that
 * kind's fields: `ConfigError` in qisim-types.d.ts), as the wasm module's errors do.
 */
export function fieldError(message, field, data = {}) {
  return Object.assign(new Error(message), data, { field });
}

/** `pool.hunt(config, o)` (pool.d.ts). */
export async function hunt(ctx, config, o = {}) {
  if (ctx.terminated()) throw abortError('the pool is terminated');
  const { signal, onProgress } = o;
  if (signal?.aborted) throw abortError('hunt aborted', null, signal.reason);
  const { glue } = await ctx.ready;
  const seedStart = o.seedStart ?? 0;
  const seedCount = o.seedCount;
  for (const [name, v] of [
    ['seedStart', seedStart],
    ['seedCount', seedCount],
  ]) {
    if (!Number.isSafeInteger(v) || v < 0) {
      const value = typeof v === 'number' && Number.isFinite(v) ? v : null;
      throw fieldError(`\`${name}\` is ${v}; give a non-negative safe integer`, name, { kind: 'range', value, min: 0, max: Number.MAX_SAFE_INTEGER, minExclusive: false, integer: true });
    }
  }
  if (!Number.isSafeInteger(seedStart + seedCount)) {
    throw fieldError('`seedCount`: seedStart + seedCount is beyond 2^53 - 1', 'seedCount', {
      kind: 'range',
      value: seedCount,
      min: 0,
      max: Number.MAX_SAFE_INTEGER - seedStart,
      minExclusive: false,
      integer: true,
    });
  }
  const options = {};
  if (o.maxFindings !== undefined) options.maxFindings = o.maxFindings;
  if (o.minimize !== undefined) options.minimize = o.minimize;
  Object.assign(options, o.options ?? {});
  // Validates config and options (throws an Error naming the field) and gives the empty
  // result every chunk is merged into.
  let merged = glue.hunt(config, seedStart, 0, options);
  const maxFindings = merged.maxFindings;
  if (signal?.aborted) throw abortError('hunt aborted', merged, signal.reason);

  const live = Math.max(1, ctx.liveSlots().length);
  const chunkSize = Math.max(
    1,
    Math.floor(o.chunkSize ?? Math.min(1000, Math.ceil(seedCount / (live * 8)))),
  );

  // Chunks start at `firstChunkSize` (default: chunkSize) and double up to chunkSize, so the
  // first results arrive at once and later chunks keep the per-message overhead low.
  let size = Math.max(1, Math.min(chunkSize, Math.floor(o.firstChunkSize ?? chunkSize)));
  const end = seedStart + seedCount;
  const aborted = () => abortError('hunt aborted', merged, signal.reason);
  return ctx.runJob(signal, aborted, (job, resolve) => {
    Object.assign(job, {
      next: seedStart,
      take() {
        if (job.next >= end) return null;
        const count = Math.min(size, end - job.next);
        size = Math.min(chunkSize, size * 2);
        const task = { id: ctx.nextId(), job, start: job.next, count, attempts: 0 };
        job.next += count;
        return task;
      },
      done: 0,
      total: seedCount,
      message(task) {
        // Findings are kept for the lowest seeds only: once `maxFindings` are known below
        // this chunk, its findings would be dropped anyway, so do not collect or minimise
        // them (the merged result is the same).
        const f = merged.findings;
        const skip = f.length > 0 && f.length >= maxFindings && task.start > f[f.length - 1].seed;
        return {
          type: 'hunt',
          config,
          seedStart: task.start,
          seedCount: task.count,
          options: skip ? { ...options, maxFindings: 0, minimize: false } : options,
        };
      },
      progress(extra = {}) {
        if (!onProgress) return;
        try {
          onProgress({ done: job.done, total: job.total, partial: merged, ...extra });
        } catch (e) {
          console.error('qisim pool: onProgress threw', e);
        }
      },
      chunkDone(task, result) {
        job.inflight.delete(task);
        result.maxFindings = maxFindings;
        try {
          merged = glue.mergeHuntResults(merged, result);
        } catch (e) {
          job.fail(e);
          return;
        }
        job.done += task.count;
        job.progress();
        if (job.queue.length === 0 && job.inflight.size === 0 && job.next >= end) job.finish();
      },
      finish() {
        const want = seedCount ? [[seedStart, seedStart + seedCount]] : null;
        const got = merged.seedRanges.filter(([s, e]) => e > s);
        if (want && JSON.stringify(got) !== JSON.stringify(want)) {
          job.fail(
            new Error(`internal: seeds covered ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`),
          );
          return;
        }
        job.close();
        merged.workerFailures = job.failures;
        resolve(merged);
      },
    });
    if (seedCount === 0) {
      job.finish();
      return false;
    }
    return true;
  });
}

/**
 * Exhaustive exploration off the page's thread. `o`: the explore options (`maxStates`, `por`,
 * `symmetry`, `rotation`, `shortest`, `stopOnCause`, `counts`, `threads`) plus `signal` and
 * `onProgress({ states, transitions, depth, queued })` (after every chunk of 8192 expanded
 * states; returning false stops with `boundReached`). `threads` is the number of workers
 * (default 0: the pool's size; more than the pool has is an error naming `threads`).
 * - One worker: the wasm `explore` in a pool worker; abort rejects with an `AbortError` and
 *   stops the worker; `onProgress({ workerFailure })` if the worker dies, after which the
 *   exploration restarts.
 * - More: the partitioned search of `pool-explore.js` on that many dedicated workers (the
 *   same verdict, states and counterexample); abort rejects with an `AbortError` whose
 *   `partial` is the verdict so far; a worker that dies fails the exploration.
 */
export async function explore(ctx, config, o = {}) {
  if (ctx.terminated()) throw abortError('the pool is terminated');
  const { signal, onProgress, ...given } = o;
  if (signal?.aborted) throw abortError('exploration aborted', null, signal.reason);
  const { glue, module } = await ctx.ready;
  // `threads`: workers of this exploration (0, the default: as many as the pool has).
  const options = { ...given, threads: given.threads ?? 0 };
  const coord = new glue.ExploreCoordinator(config, options, ctx.size); // names a bad field
  if (coord.parts > 1) {
    // Its own workers, stopped by `signal` or by `terminate()`.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    ctx.partitioned.add(stop);
    try {
      return await explorePartitioned({
        coord,
        config,
        options,
        signal: stop.signal,
        onProgress,
        abortError,
        spawn: (i) => ctx.spawnExploreWorker(i, module),
      });
    } finally {
      ctx.partitioned.delete(stop);
      signal?.removeEventListener('abort', onAbort);
    }
  }
  // One worker: the coordinator above already refused a bad config or option (naming the
  // field); the whole exploration runs in a pool worker.
  coord.free();
  const aborted = () => abortError('exploration aborted', null, signal.reason);
  return ctx.runJob(signal, aborted, (job, resolve) => {
    Object.assign(job, {
      take: () => null,
      message: () => ({ type: 'explore', config, options }),
      progress(p) {
        try {
          onProgress?.(p);
        } catch (e) {
          console.error('qisim pool: onProgress threw', e);
        }
      },
      chunkDone(task, verdict) {
        job.inflight.delete(task);
        job.close();
        if (job.failures.length) verdict.workerFailures = job.failures;
        resolve(verdict);
      },
    });
    job.queue.push({ id: ctx.nextId(), job, start: 0, count: 0, attempts: 0 });
    return true;
  });
}

/**
 * The core's estimate of the states `explore(config, options)` would store (the wasm
 * `estimateExplore`, see `qisim.d.ts`), run in a pool worker so that the page stays
 * responsive (it explores up to a few hundred thousand states). Resolves to the estimate
 * plus `ms`, the worker's time (for the rate); rejects naming the field on bad input, with
 * an `AbortError` when `signal` aborts.
 */
export async function estimate(ctx, config, o = {}) {
  if (ctx.terminated()) throw abortError('the pool is terminated');
  const { signal, ...options } = o;
  if (signal?.aborted) throw abortError('estimate aborted', null, signal.reason);
  await ctx.ready;
  const aborted = () => abortError('estimate aborted', null, signal.reason);
  return ctx.runJob(signal, aborted, (job, resolve) => {
    Object.assign(job, {
      take: () => null,
      message: () => ({ type: 'estimate', config, options }),
      progress() {},
      chunkDone(task, result, ms) {
        job.inflight.delete(task);
        job.close();
        resolve({ ...result, ms });
      },
    });
    job.queue.push({ id: ctx.nextId(), job, start: 0, count: 0, attempts: 0 });
    return true;
  });
}
