// The Web Worker pool (web/lib/pool.js, served as /pool.js) in headless Chromium: results independent of the number of
// workers, crashed or killed workers re-run their chunk (every seed accounted for), abort,
// concurrent hunts, bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchChromium, assertBuilt } from './wasm-helpers.mjs';

let server;
let browser;
let page;

before(async () => {
  assertBuilt();
  server = await startServer();
  browser = await launchChromium();
  page = browser.page;
  page.on('console', (m) => {
    if (m.type() === 'error') console.error('[page]', m.text());
  });
  page.on('pageerror', (e) => console.error('[page error]', e));
  await page.goto(`${server.url}/__blank.html`);
  await page.evaluate(async () => {
    const glue = await import('/pkg/qisim_wasm.js');
    await glue.default('/pkg/qisim_wasm_bg.wasm');
    window.glue = glue;
    window.pool = await import('/pool.js');
    window.cfg = (policy, submissions = 20) => ({
      qiLength: 8,
      submitters: 2,
      policy,
      workload: {
        submissions,
        zeroCountProb: 0.5,
        batch: { kind: 'uniform', min: 0, max: 2 },
      },
    });
    // Results without the pool's diagnostics, for comparisons.
    window.strip = (r) => {
      const { workerFailures, ...rest } = r;
      return JSON.parse(JSON.stringify(rest));
    };
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('results equal a single hunt whatever the number of workers', async () => {
  const out = await page.evaluate(async () => {
    const reference = glue.hunt(cfg('legacy'), 10, 300, { maxFindings: 20 });
    const results = [];
    for (const workers of [1, 2, 3]) {
      const p = pool.createPool({ workers });
      const progress = [];
      const r = await p.hunt(cfg('legacy'), {
        seedStart: 10,
        seedCount: 300,
        chunkSize: 17,
        maxFindings: 20,
        onProgress: ({ done, total, partial }) =>
          progress.push([done, total, partial.schedules]),
      });
      p.terminate();
      results.push({ workers, same: JSON.stringify(strip(r)) === JSON.stringify(strip(reference)),
        failures: r.workerFailures.length, progress });
    }
    const fixed = pool.createPool({ workers: 2 });
    const f = await fixed.hunt(cfg('fixed'), { seedStart: 0, seedCount: 200 });
    // maxFindings 0: counts only.
    const counts = await fixed.hunt(cfg('legacy'), { seedCount: 100, chunkSize: 10, maxFindings: 0 });
    const countsRef = glue.hunt(cfg('legacy'), 0, 100, { maxFindings: 0 });
    const countsSame = JSON.stringify(strip(counts)) === JSON.stringify(strip(countsRef));
    fixed.terminate();
    return { results, reference: strip(reference), fixed: strip(f), countsSame };
  });
  assert.ok(out.reference.lockups > 0, 'legacy finds lockups');
  assert.deepEqual(out.reference.seedRanges, [[10, 310]]);
  for (const r of out.results) {
    assert.ok(r.same, `workers=${r.workers}: result differs from the single hunt`);
    assert.equal(r.failures, 0);
    const last = r.progress.at(-1);
    assert.deepEqual(last, [300, 300, 300]);
    for (let i = 1; i < r.progress.length; i++) assert.ok(r.progress[i][0] > r.progress[i - 1][0]);
  }
  assert.ok(out.countsSame, 'maxFindings 0 (counts only) equals the single hunt');
  assert.equal(out.fixed.lockups, 0);
  assert.equal(out.fixed.safety, 0);
  assert.equal(out.fixed.schedules, 200);
  assert.deepEqual(out.fixed.seedRanges, [[0, 200]]);
});

test('firstChunkSize: chunks start small and double up to chunkSize; the result is unchanged', async () => {
  const out = await page.evaluate(async () => {
    const reference = glue.hunt(cfg('legacy'), 0, 200, { maxFindings: 20 });
    const p = pool.createPool({ workers: 1 });
    const done = [];
    const r = await p.hunt(cfg('legacy'), {
      seedStart: 0,
      seedCount: 200,
      chunkSize: 32,
      firstChunkSize: 2,
      maxFindings: 20,
      onProgress: (x) => done.push(x.done),
    });
    p.terminate();
    return { same: JSON.stringify(strip(r)) === JSON.stringify(strip(reference)), done };
  });
  assert.equal(out.same, true);
  // One worker takes chunks in order: 2, 4, 8, 16, 32, 32, ... seeds.
  assert.deepEqual(out.done.slice(0, 6), [2, 6, 14, 30, 62, 94]);
  assert.equal(out.done[out.done.length - 1], 200);
});

test('a worker killed mid-hunt: its chunk is re-run and every seed is accounted for', async () => {
  const out = await page.evaluate(async () => {
    const reference = glue.hunt(cfg('legacy', 60), 0, 400, { minimize: false });
    const p = pool.createPool({ workers: 2 });
    let killed = 0;
    const events = [];
    const r = await p.hunt(cfg('legacy', 60), {
      seedStart: 0,
      seedCount: 400,
      chunkSize: 20,
      minimize: false,
      onProgress: ({ done, workerFailure }) => {
        if (workerFailure) events.push(workerFailure);
        // Kill a busy worker twice, early and midway (at the next progress event where one
        // is busy: workers start at different times).
        if ((done >= 20 && killed === 0) || (done >= 200 && killed === 1)) {
          if (p._debugKillWorker() >= 0) killed += 1;
        }
      },
    });
    const stats = p.stats();
    p.terminate();
    return { r: strip(r), failures: r.workerFailures, events, killed, stats,
      same: JSON.stringify(strip(r)) === JSON.stringify(strip(reference)) };
  });
  assert.equal(out.killed, 2, 'two busy workers were killed');
  assert.equal(out.failures.length, 2);
  assert.equal(out.events.length, 2, 'failures reported through onProgress');
  for (const f of out.failures) {
    assert.match(f.reason, /killed/);
    assert.equal(f.seedCount, 20);
  }
  assert.deepEqual(out.r.seedRanges, [[0, 400]]);
  assert.equal(out.r.schedules, 400, 'no seed lost or counted twice');
  assert.ok(out.same, 'same result as without the crash');
  assert.equal(out.stats.live, 2, 'killed workers were replaced');
});

test('a worker that throws (error event) is replaced and its chunk re-run', async () => {
  const out = await page.evaluate(async () => {
    const reference = glue.hunt(cfg('legacy'), 0, 120, {});
    const p = pool.createPool({ workers: 2, faultInjection: { crashChunks: [1, 2, 5] } });
    const r = await p.hunt(cfg('legacy'), { seedStart: 0, seedCount: 120, chunkSize: 10 });
    p.terminate();
    return { failures: r.workerFailures, r: strip(r),
      same: JSON.stringify(strip(r)) === JSON.stringify(strip(reference)) };
  });
  assert.equal(out.failures.length, 3);
  for (const f of out.failures) assert.match(f.reason, /injected worker crash/);
  assert.deepEqual(out.r.seedRanges, [[0, 120]]);
  assert.equal(out.r.schedules, 120);
  assert.ok(out.same);
});

test('a chunk that keeps crashing fails the hunt instead of looping', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 1, faultInjection: { crashChunks: [0, 1, 2] } });
    try {
      await p.hunt(cfg('fixed'), { seedStart: 0, seedCount: 10, chunkSize: 10 });
      return 'resolved';
    } catch (e) {
      return e.message;
    } finally {
      p.terminate();
    }
  });
  assert.match(out, /seeds 0\.\.10 crashed a worker 3 times/);
});

test('abort rejects promptly with an AbortError carrying the partial result', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 2 });
    const ac = new AbortController();
    let abortedAt = 0;
    let err;
    try {
      await p.hunt(cfg('legacy', 2000), {
        seedStart: 0,
        seedCount: 2 ** 50, // chunks are made lazily: a huge range starts at once
        chunkSize: 50,
        minimize: false,
        signal: ac.signal,
        onProgress: ({ done }) => {
          if (done >= 100 && !abortedAt) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      });
    } catch (e) {
      err = e;
    }
    const ms = performance.now() - abortedAt;
    // The pool is still usable afterwards.
    const again = await p.hunt(cfg('fixed'), { seedStart: 0, seedCount: 20, chunkSize: 5 });
    p.terminate();
    // A signal aborted before the call rejects at once.
    const p2 = pool.createPool({ workers: 1 });
    let early;
    try {
      await p2.hunt(cfg('fixed'), { seedCount: 10, signal: AbortSignal.abort() });
    } catch (e) {
      early = e.name;
    }
    p2.terminate();
    return {
      name: err?.name,
      ms,
      partialSchedules: err?.partial?.schedules,
      partialRanges: err?.partial?.seedRanges,
      again: again.schedules,
      early,
    };
  });
  assert.equal(out.name, 'AbortError');
  assert.ok(out.ms < 1000, `rejected ${out.ms} ms after abort`);
  assert.ok(out.partialSchedules >= 100 && out.partialSchedules < 1e6);
  assert.equal(out.again, 20);
  assert.equal(out.early, 'AbortError');
});

test('concurrent hunts on one pool, and bad input', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 2 });
    const [a, b] = await Promise.all([
      p.hunt(cfg('legacy'), { seedStart: 0, seedCount: 150, chunkSize: 10 }),
      p.hunt(cfg('fixed'), { seedStart: 0, seedCount: 150, chunkSize: 10 }),
    ]);
    const errors = [];
    for (const [c, o] of [
      [{ qiLength: NaN }, { seedCount: 10 }],
      [{ bogus: 1 }, { seedCount: 10 }],
      [cfg('fixed'), { seedCount: -1 }],
      [cfg('fixed'), { seedCount: 10, maxFindings: -2 }],
    ]) {
      try {
        await p.hunt(c, o);
        errors.push(null);
      } catch (e) {
        errors.push({ isError: e instanceof Error, field: e.field, message: e.message });
      }
    }
    p.terminate();
    let afterTerminate;
    try {
      await p.hunt(cfg('fixed'), { seedCount: 1 });
    } catch (e) {
      afterTerminate = e.name;
    }
    return {
      a: strip(a),
      b: strip(b),
      refA: strip(glue.hunt(cfg('legacy'), 0, 150)),
      refB: strip(glue.hunt(cfg('fixed'), 0, 150)),
      errors,
      afterTerminate,
    };
  });
  assert.deepEqual(out.a, out.refA);
  assert.deepEqual(out.b, out.refB);
  assert.deepEqual(
    out.errors.map((e) => e?.field),
    ['qiLength', 'bogus', 'seedCount', 'maxFindings'],
  );
  for (const e of out.errors) assert.ok(e.isError && e.message.includes(`\`${e.field}\``), e.message);
  assert.equal(out.afterTerminate, 'AbortError');
});

test('explore in a worker: verdicts, progress, abort and bad options', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 2 });
    const one = (count) => ({ submissions: 1, batch: { kind: 'fixed', count } });
    const seed = (policy) => ({ qiLength: 8, submitters: 2, policy, perSubmitter: [one(1), one(0)] });
    const [legacy, fixed] = await Promise.all([p.explore(seed('legacy')), p.explore(seed('fixed'))]);
    // A long exploration reports progress and stops promptly on abort.
    const big = { qiLength: 8, submitters: 4, policy: 'fixed',
      workload: { submissions: 3, batch: { kind: 'fixed', count: 1 } } };
    const ac = new AbortController();
    const progress = [];
    let abortedAt = 0;
    let aborted;
    try {
      await p.explore(big, {
        por: false,
        symmetry: false,
        rotation: false,
        signal: ac.signal,
        onProgress: (x) => {
          progress.push(x);
          if (!abortedAt) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      });
    } catch (e) {
      aborted = e.name;
    }
    const abortMs = performance.now() - abortedAt;
    const errors = [];
    for (const [c, o] of [
      [seed('fixed'), { maxStates: -1 }],
      [seed('fixed'), { counts: [] }],
      // A type mix is something the explorer cannot enumerate: an error naming it.
      [{ qiLength: 8, workload: { submissions: 1, types: { iotlb: 1, devtlb: 1 } } }, {}],
    ]) {
      try {
        await p.explore(c, o);
        errors.push(null);
      } catch (e) {
        errors.push(e.field);
      }
    }
    // The pool still hunts afterwards.
    const h = await p.hunt(cfg('fixed'), { seedCount: 10 });
    p.terminate();
    return { legacy, fixed, progress: progress[0], aborted, abortMs, errors, hunted: h.schedules };
  });
  assert.equal(out.legacy.verdict, 'counterexample');
  assert.equal(out.legacy.kind, 'lockup');
  assert.match(out.legacy.replay, /^q1:/);
  assert.equal(out.fixed.verdict, 'proved');
  // Progress comes after each chunk of the level loop, the first one at the roots.
  for (const k of ['states', 'transitions', 'depth', 'queued']) assert.equal(typeof out.progress[k], 'number', k);
  assert.ok(out.progress.states >= 1, JSON.stringify(out.progress));
  assert.equal(out.aborted, 'AbortError');
  assert.ok(out.abortMs < 1000, `rejected ${out.abortMs} ms after abort`);
  assert.deepEqual(out.errors, ['maxStates', 'counts', 'workload.types']);
  assert.equal(out.hunted, 10);
});

test('explore on several workers: the one-worker verdict, progress, partial result on abort', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 3 });
    const fam = (policy) => ({
      qiLength: 6,
      submitters: 2,
      policy,
      workload: { submissions: 2, zeroCountProb: 0.5, batch: { kind: 'uniform', min: 0, max: 2 } },
    });
    // Everything but timing, memory accounting and the thread count.
    const key = (v) => {
      const { seconds, statesPerSecond, bytesPerState, peakBytes, threads, workerFailures, ...rest } = v;
      return JSON.stringify(rest);
    };
    const rows = [];
    for (const policy of ['legacy', 'fixed']) {
      for (const opts of [{}, { por: false }, { stopOnCause: true }]) {
        const one = glue.explore(fam(policy), opts);
        for (const threads of [2, 3]) {
          const progress = [];
          const v = await p.explore(fam(policy), { ...opts, threads, onProgress: (x) => progress.push(x) });
          rows.push({ policy, opts, threads, same: key(v) === key(one), verdict: v.verdict, ran: v.threads,
            progress: progress.length, one: one.verdict });
        }
      }
    }
    // Abort keeps the partial result: the verdict so far.
    const big = { qiLength: 8, submitters: 3, policy: 'fixed', workload: { submissions: 2, batch: { kind: 'fixed', count: 1 } } };
    const ac = new AbortController();
    let partial;
    let seen = 0;
    try {
      await p.explore(big, { threads: 2, por: false, symmetry: false, rotation: false, signal: ac.signal, onProgress: (x) => {
        seen = x.states;
        if (x.states > 20000) ac.abort();
      } });
    } catch (e) {
      partial = { name: e.name, verdict: e.partial?.verdict, states: e.partial?.states };
    }
    // onProgress returning false stops with boundReached.
    const stopped = await p.explore(big, { threads: 2, por: false, onProgress: () => false });
    // terminate() stops a partitioned exploration too.
    const p2 = pool.createPool({ workers: 2 });
    let terminatedWith;
    const running = p2.explore(big, { por: false, onProgress: () => p2.terminate() }).catch((e) => {
      terminatedWith = e.name;
    });
    await running;
    const errors = [];
    for (const o of [{ threads: 4 }, { threads: 2, cycles: true }, { threads: -1 }]) {
      try {
        await p.explore(fam('fixed'), o);
        errors.push(null);
      } catch (e) {
        errors.push(e.field);
      }
    }
    p.terminate();
    return { rows, partial, seen, stopped: { verdict: stopped.verdict, states: stopped.states }, errors,
      terminatedWith };
  });
  assert.ok(out.rows.some((r) => r.one === 'counterexample') && out.rows.some((r) => r.one === 'proved'),
    JSON.stringify(out.rows));
  for (const r of out.rows) {
    assert.ok(r.same, JSON.stringify(r));
    assert.equal(r.ran, r.threads, JSON.stringify(r));
  }
  assert.ok(out.rows.some((r) => r.progress > 0), JSON.stringify(out.rows));
  assert.equal(out.partial.name, 'AbortError');
  assert.equal(out.partial.verdict, 'boundReached');
  assert.ok(out.partial.states > 20000, JSON.stringify(out));
  assert.equal(out.stopped.verdict, 'boundReached');
  assert.ok(out.stopped.states > 0);
  assert.deepEqual(out.errors, ['threads', 'threads', 'threads']);
  assert.equal(out.terminatedWith, 'AbortError');
});

test('estimate in a worker: the page-thread estimate, its time, bad input, abort', async () => {
  const out = await page.evaluate(async () => {
    const p = pool.createPool({ workers: 2 });
    await p.ready;
    const config = { ...cfg('fixed', 2), submitters: 3, workload: { submissions: 2, batch: { kind: 'fixed', count: 0 } } };
    const options = { counts: [0, 1, 2], budget: 5000 };
    const here = glue.estimateExplore(config, options);
    const there = await p.estimate(config, options);
    const both = await Promise.all([p.estimate(config, options), p.estimate({ ...config, policy: 'legacy' }, options)]);
    let bad = null;
    try {
      await p.estimate({ ...config, qiLength: 1 }, options);
    } catch (e) {
      bad = { field: e.field, message: e.message };
    }
    let aborted = null;
    const ac = new AbortController();
    const pending = p.estimate(config, { counts: [0, 1, 2] , signal: ac.signal });
    ac.abort();
    try {
      await pending;
    } catch (e) {
      aborted = e.name;
    }
    p.terminate();
    return { here, there, both: both.map((e) => e.states), bad, aborted };
  });
  const { ms, ...there } = out.there;
  assert.deepEqual(there, out.here);
  assert.ok(ms > 0, `the worker's time: ${ms}`);
  assert.equal(out.both[0], out.here.states);
  assert.ok(out.both[1] > 0);
  assert.equal(out.bad?.field, 'qiLength', JSON.stringify(out.bad));
  assert.equal(out.aborted, 'AbortError');
});
