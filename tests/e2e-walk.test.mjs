// Browser tests of the student's story (issue 23, item 5): the walk-through and drive mode
// reachable from the first screen on a phone, the walk-through's fixed run (decided by the core)
// and "try it yourself" step, one step numbering everywhere, the timeline's key, ring labels of
// at least 11 px, and no citation of a file a visitor cannot open. Imported by
// tests/e2e.test.mjs; alone: `node --test tests/e2e-walk.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { playgroundSuite } from './e2e/browser.mjs';

describe('the student\'s story: walk-through, fixed run, step numbers, ring (issue 23)', () => {
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  let server;
  let browser;
  let page;

  /** What the walk, the viewer, its highlighted timeline row and its caption say now. */
  const positions = () =>
    page.evaluate(() => {
      const v = document.querySelector('#viewer');
      const sr = v.shadowRoot;
      return {
        walk: document.querySelector('#walk-pos').textContent,
        viewer: sr.querySelector('.pos').textContent,
        row: sr.querySelector('.tl tr.current td.n')?.textContent ?? null,
        caption: sr.querySelector('.caption b')?.textContent ?? null,
        badge: sr.querySelector('.badge').textContent,
        step: v.step,
        steps: v.steps,
      };
    });

  /** The smallest on-screen font size of the viewer's ring text, in CSS px. */
  const ringFontPx = () =>
    page.evaluate(async () => {
      const v = document.querySelector('#viewer');
      await v.ready;
      const texts = [...v.shadowRoot.querySelectorAll('svg.ring text')].filter((t) => t.textContent.trim());
      const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
      return { n: texts.length, min: Math.min(...sizes), labels: texts.map((t) => t.textContent) };
    });

  before(async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await suite.open();
  });

  test('phone: the walk-through and drive mode are on the first screen, above the charts', async () => {
    const r = await page.evaluate(() => {
      const box = (s) => document.querySelector(s).getBoundingClientRect();
      return { walk: box('#walk-open'), drive: box('#drive-open'), charts: box('.plots'), h: innerHeight, y: scrollY };
    });
    assert.equal(r.y, 0);
    for (const k of ['walk', 'drive']) {
      assert.ok(r[k].top >= 0 && r[k].bottom <= r.h, `${k} launch at ${r[k].top}..${r[k].bottom} of ${r.h}`);
      assert.ok(r[k].bottom < r.charts.top, `${k} launch above the charts`);
      assert.ok(r[k].height >= 24, `${k} launch is a real target (${r[k].height} px)`);
    }
  });

  test('phone: ring labels are at least 11 px', async () => {
    const r = await ringFontPx();
    assert.ok(r.n >= 8, `ring text drawn: ${r.labels}`);
    assert.ok(r.min >= 11 - 0.01, `smallest ring text ${r.min.toFixed(2)} px`);
  });

  test('step 8 says what a wait-only call needs: its wait descriptor and the slot the ring keeps empty', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.click('#walk-open');
    await page.waitForSelector('#walk:not([hidden])');
    for (let k = 0; k < 8; k++) await page.click('#walk-next');
    const text = await page.textContent('#walk-text');
    assert.match(text, /T2 checks for room: 6 free slots, it needs 2 — no descriptors of its own \(a wait-only call\): one for its wait descriptor, and one the ring always keeps empty/);
    assert.doesNotMatch(text, /its descriptors and one wait descriptor/);
  });

  test('one step numbering: walk, viewer, highlighted timeline row, caption and badge agree', async () => {
    for (const k of [8, 12, 18, 21, 22]) {
      await page.evaluate((k) => document.querySelector('#viewer').goto(k), k);
      const p = await positions();
      assert.equal(p.step, k);
      assert.equal(p.walk, `step ${k} of 22`);
      assert.equal(p.viewer, `step ${k} / 22`);
      assert.equal(p.row, String(k), `highlighted row at walk step ${k}`);
      assert.match(p.caption, new RegExp(`^step ${k} · T[12]: $`));
    }
    // The lockup is the 22nd and last step everywhere.
    const p = await positions();
    assert.equal(p.badge, 'lockup of T2 at step 22');
    const lock = await page.evaluate(() => document.querySelector('#viewer').findings.find((f) => f.kind === 'lockup'));
    assert.equal(lock.step + 1, 22, 'the core counts from 0; the page shows index + 1 (stepNumber)');
  });

  test('the timeline has a key for primes, ^n, * and (×N), from the core', async () => {
    const r = await page.evaluate(() => ({
      key: document.querySelector('#viewer').shadowRoot.querySelector('.key').textContent,
      core: window.qisim.wasm.timelineKey(),
    }));
    assert.ok(r.core.length >= 5);
    for (const { mark, meaning } of r.core) assert.ok(r.key.includes(mark) && r.key.includes(meaning), `key shows ${mark}`);
    for (const m of ["WD1'", "WD1''", 'WD1^4', '*', '(×N)']) assert.ok(r.key.includes(m), `key names ${m}`);
  });

  test('after step 22: the same schedule under fixed, decided by the core, and why it completes', async () => {
    await page.evaluate(() => document.querySelector('#viewer').goto(22));
    assert.equal(await page.isDisabled('#walk-next'), false);
    assert.equal(await page.textContent('#walk-next'), 'Next: under fixed');
    await page.click('#walk-next');
    await page.waitForFunction(() => document.body.dataset.walkPhase === 'fixed');
    await page.waitForFunction(() => document.querySelector('#viewer').shadowRoot.querySelector('h3').textContent.includes('fixed policy'));
    // What the core says about the same moves under fixed.
    const core = await page.evaluate(async () => {
      const { seedScenarioConfig, CANONICAL_REPLAY } = await import('../lib/index.js');
      const cfg = seedScenarioConfig('fixed');
      delete cfg.scheduler;
      const c = window.qisim.wasm.completeSchedule(cfg, CANONICAL_REPLAY.legacy);
      const sim = new window.qisim.wasm.Simulation({ ...cfg, scheduler: { kind: 'replay', choices: c.replay } });
      const rep = sim.run();
      sim.free();
      return { replay: c.replay, steps: rep.steps, outcome: rep.outcome.kind, findings: rep.findings.length };
    });
    assert.deepEqual([core.outcome, core.findings], ['completed', 0]);
    assert.ok(core.replay.startsWith('q1:a6b6H3a5b'), core.replay);
    const p = await positions();
    assert.equal(p.steps, core.steps);
    assert.equal(await page.evaluate(() => document.querySelector('#viewer').replay), core.replay);
    assert.equal(p.badge, 'completed, no findings');
    // Its numbers agree with the viewer's, too.
    assert.equal(p.walk, `fixed policy: step ${core.steps} of ${core.steps}`);
    assert.equal(p.viewer, `step ${core.steps} / ${core.steps}`);
    assert.equal(p.row, String(core.steps));
    const text = await page.textContent('#walk-text');
    assert.match(text, new RegExp(`^The same 22 moves under the fixed policy .*: it completes after ${core.steps} steps: every call returns and the core finds nothing\\.`));
    assert.match(text, /Legacy: T1 reclaims from free_tail: ID1, WD1, WD2 → QI_FREE — WD2 belongs to T2/);
    assert.match(text, /Fixed: T1 reclaims: free_tail moves 0 → 2 over slots already QI_FREE, and stops at slot 2\./);
    assert.match(text, /So at step 22: T2 polls its wait descriptor in slot 2: QI_DONE/);
    // Back returns to the legacy run's last step.
    await page.click('#walk-back');
    await page.waitForFunction(() => document.body.dataset.walkPhase === 'legacy' && document.querySelector('#viewer').steps === 22);
    assert.equal((await positions()).walk, 'step 22 of 22');
    await page.click('#walk-next');
    await page.waitForFunction(() => document.body.dataset.walkPhase === 'fixed');
  });

  test('then "try it yourself": Next opens drive mode, never a dead end', async () => {
    await page.click('#walk-next');
    assert.equal(await page.evaluate(() => document.body.dataset.walkPhase), 'try');
    assert.match(await page.textContent('#walk-text'), /^Try it yourself: in drive mode/);
    assert.equal(await page.textContent('#walk-next'), 'Drive it yourself');
    assert.equal(await page.isDisabled('#walk-next'), false);
    await page.click('#walk-next');
    await page.waitForSelector('#drive:not([hidden])');
    assert.equal(await page.isHidden('#walk'), true);
    assert.ok((await page.locator('#drive-actors button:not([disabled])').count()) >= 1);
  });

  test('desktop: ring labels are at least 11 px', async () => {
    await page.evaluate(() => document.querySelector('#show-canonical').click());
    const r = await ringFontPx();
    assert.ok(r.min >= 11 - 0.01, `smallest ring text ${r.min.toFixed(2)} px`);
  });

  test('no citation of a file a visitor cannot open (DESIGN.md, docs/*.md) in what the story shows', async () => {
    const texts = await page.evaluate(async () => {
      const out = [document.querySelector('#viewer-note').textContent];
      const { CHALLENGES } = await import('./drive.js');
      for (const c of Object.values(CHALLENGES)) out.push(c.goal, c.fixedGoal ?? '');
      return out;
    });
    for (const t of texts) assert.doesNotMatch(t, /DESIGN\.md|section 5|docs\/\w+\.md/, t);
  });

  test('no console errors, page errors or failed requests (walk)', () => {
    assert.deepEqual(browser.problems, []);
  });
});
