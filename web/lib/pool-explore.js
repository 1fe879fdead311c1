// The exploration on several Web Workers (used by pool.js `explore` when it gets more than one
// worker): the wasm `ExploreCoordinator` on this thread says what each round is, one
// `ExploreWorker` per dedicated worker owns one partition of the visited set *and keeps the
// states it owns* (core `check/owned.rs`). A round is a range of state indices. Per round:
// every worker expands its own states in the range and posts its successor messages, one
// buffer per owner (its messages to itself stay in it); the coordinator reads the violations
// and says the cut-off; each owner absorbs its inboxes and posts back only the merge keys of
// its new states; the coordinator merges the keys into generation order and posts each worker
// the indices its states got. No state record crosses this thread. Buffers are transferred,
// never copied between threads, and reused (buffers.js), and nothing needs
// SharedArrayBuffer (works on any static host, without cross-origin isolation). The verdict,
// state count and counterexample are the one-worker ones (the core decides all of it).
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
import { Buffers, view } from './buffers.js';

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
          workers.map((w) => {
            // Buffers this thread has collected (accepted entries) go back for reuse.
            const spares = buffers.spare(2, 2 * parts);
            if (t.type === 'seed') return call(w, { type: 'xseed', search, spares }, spares);
            return call(w, { type: 'xexpand', search, depth: t.depth, end: t.end, spares }, spares);
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
      const cutoff = coord.expanded(outs.map((o) => o.violation));
      const absorbing = Promise.all(
        workers.map((w, p) => {
          const inboxes = outs.map((o) => o.bufs[p]);
          return call(w, { type: 'xabsorb', search, inboxes, cutoff }, inboxes.filter(Boolean).map((m) => m.buf));
        }),
      );
      const verdict = issue();
      if (verdict) throw new Error('internal: the exploration ended with rounds in flight');
      const absorbed = await absorbing;
      const sum = (k) => absorbed.reduce((s, a) => s + a[k], 0);
      const progress = coord.absorbed(
        absorbed.map((a) => view(a.keys)),
        sum('counted'),
        sum('tableBytes'),
        sum('levelBytes'),
      );
      for (const a of absorbed) buffers.give(a.keys?.buf);
      // Each worker's new states join its next level with these indices (no answer: the
      // worker handles its messages in order, so this comes before its next round).
      workers.forEach((w, p) => {
        const ids = coord.ids(p);
        w.postMessage({ type: 'xassign', search, ids }, [ids.buffer]);
      });
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
