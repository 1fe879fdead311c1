// The exploration on several Web Workers (used by pool.js `explore` when it gets more than one
// worker): the wasm `ExploreCoordinator` on this thread says what each round is, one
// `ExploreWorker` per dedicated worker expands its slice of the level and owns one partition of
// the visited set. Per round: every worker expands its slice and posts its successor messages,
// one buffer per owner; the coordinator keeps the slices up to the first violation; each owner
// absorbs its inboxes in worker order and posts its new states back; the coordinator merges
// them into the next level. Buffers are transferred, never copied between threads, and reused
// (buffers.js), and nothing
// needs SharedArrayBuffer (works on any static host, without cross-origin isolation). The
// verdict, state count and counterexample are the one-worker ones (the core decides all of it).
//
// Cancellation (`signal`) terminates the workers at once and resolves nothing: it rejects with
// an `AbortError` whose `partial` is the coordinator's verdict so far (`boundReached` with the
// states explored, or the counterexample already found while its shortest re-search ran).
// A worker that dies fails the exploration (its partition of the visited set is lost).

/**
 * Runs `coord` (an `ExploreCoordinator` made with `config` and `options`) on `coord.parts`
 * new workers. `spawn(i)` makes worker i: `{ worker, ready }`, `ready` resolving once it has
 * loaded the wasm module;
 * `abortError(message, partial, cause)` makes the rejection of a cancelled run.
 */
import { Buffers, packed, view } from './buffers.js';

/** Rounds issued ahead of the one being absorbed, at most. */
const AHEAD = 2;

export async function explorePartitioned({ coord, config, options, spawn, signal, onProgress, abortError }) {
  const parts = coord.parts;
  const waiting = new Map(); // message id → { resolve, reject }
  let nextId = 0;
  let failed = null;
  let rejectFailure;
  const failure = new Promise((_, reject) => (rejectFailure = reject));
  failure.catch(() => {});
  const workers = [];
  const buffers = new Buffers(4 * parts + 4);
  const fail = (err) => {
    if (failed) return;
    failed = err;
    rejectFailure(err);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  const onAbort = () => fail(abortError('exploration aborted', null, signal.reason));
  signal?.addEventListener('abort', onAbort, { once: true });

  function call(worker, msg, transfer = []) {
    return new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id }, transfer);
    });
  }

  function listen(worker, i) {
    worker.addEventListener('message', (ev) => {
      const m = ev.data;
      if (m?.type === 'xdone') {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        w?.resolve(m.out);
      } else if (m?.type === 'fatal') {
        fail(new Error(`exploration worker ${i} failed: ${m.message}`));
      }
    });
    worker.addEventListener('error', (ev) => {
      ev.preventDefault?.();
      fail(new Error(`exploration worker ${i} failed: ${ev.message || 'uncaught exception'}`));
    });
  }

  try {
    if (signal?.aborted) onAbort();
    const readies = [];
    for (let i = 0; i < parts; i++) {
      const { worker, ready } = spawn(i);
      workers.push(worker);
      listen(worker, i);
      readies.push(ready);
    }
    await Promise.race([Promise.all(readies), failure]);
    await Promise.all(workers.map((w, index) => call(w, { type: 'xstart', config, options, parts, index })));
    // Rounds issued: their search and the promise of every worker's outbox. The next rounds
    // of a level are issued while the oldest is absorbed and merged (the coordinator drops
    // them after a violation or a stop), so each worker has an expansion queued behind its
    // absorb and keeps busy while this thread merges.
    const issued = [];
    const issue = () => {
      while (issued.length < AHEAD) {
        const t = coord.next();
        if (t.type === 'done') return t.verdict;
        if (t.type === 'wait') return null;
        const { search } = t;
        const outs = Promise.all(
          workers.map((w, i) => {
            // Buffers this thread has collected (accepted entries) go back for reuse.
            const spares = buffers.spare(2, 2 * parts);
            if (t.type === 'seed') return call(w, { type: 'xseed', search, spares }, spares);
            const { bytes, firstId } = t.slices[i];
            const blocks = packed(buffers, bytes, (v) => coord.sliceInto(i, v));
            const transfer = blocks ? [blocks.buf, ...spares] : spares;
            return call(w, { type: 'xexpand', search, blocks, firstId, depth: t.depth, spares }, transfer);
          }),
        );
        outs.catch(() => {});
        issued.push({ search, outs });
      }
      return null;
    };
    // The coordinator dropped the rounds issued: let the workers finish them, then forget them.
    const dropIssued = async () => {
      await Promise.allSettled(issued.map((r) => r.outs));
      issued.length = 0;
      await Promise.all(workers.map((w) => call(w, { type: 'xdrop' })));
    };
    for (;;) {
      if (issued.length === 0) {
        const verdict = issue();
        if (verdict) return verdict;
      }
      const { search, outs: pending } = issued.shift();
      const outs = await pending;
      const upto = coord.expanded(outs.map(({ transitions, violation }) => ({ transitions, violation })));
      const absorbing = Promise.all(
        workers.map((w, p) => {
          const inboxes = outs.slice(0, upto).map((o) => o.bufs[p]);
          return call(w, { type: 'xabsorb', search, inboxes }, inboxes.filter(Boolean).map((m) => m.buf));
        }),
      );
      const verdict = issue();
      if (verdict) throw new Error('internal: the exploration ended with rounds in flight');
      const absorbed = await absorbing;
      const tableBytes = absorbed.reduce((s, a) => s + a.tableBytes, 0);
      const progress = coord.absorbed(
        absorbed.map((a) => view(a.accepted)),
        tableBytes,
      );
      for (const a of absorbed) buffers.give(a.accepted?.buf);
      if (coord.inFlight < issued.length) await dropIssued(); // a violation, maxStates
      if (progress) {
        let go = true;
        try {
          go = onProgress?.(progress) !== false;
        } catch (e) {
          console.error('qisim pool: onProgress threw', e);
        }
        if (!go) {
          coord.cancel();
          await dropIssued();
        }
      }
    }
  } catch (e) {
    if (signal?.aborted && e?.name === 'AbortError') {
      coord.cancel();
      const t = coord.next();
      throw abortError('exploration aborted', t.verdict ?? null, signal.reason);
    }
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const w of workers) w.terminate();
    coord.free();
  }
}
