// Browser tests of drive mode (pick who moves next, undo, live replay, the other policy,
// challenges won by the core's findings) and the guided walk-through. Imported by
// tests/e2e.test.mjs; alone: `node --test tests/e2e-drive.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { playgroundSuite } from './e2e/browser.mjs';

describe('drive the schedule and the walk-through (issue 12)', () => {
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  const { open } = suite;
  let server;
  let browser;
  let page;
  before(async () => {
    await open();
  });

  const openChallenge = async (name) => {
    if (await page.isHidden('#drive')) await page.click('#drive-open');
    await page.selectOption('#drive-challenge', name);
  };
  /** Clicks the actor buttons a replay string names; fails if a button is missing. */
  const play = async (replay) => {
    const actors = await page.evaluate(async (r) => (await import('../lib/index.js')).parseReplay(r), replay);
    for (const [i, a] of actors.entries()) {
      const b = page.locator(`#drive-actors button[data-actor="${a}"]:not([disabled])`);
      assert.equal(await b.count(), 1, `move ${i + 1}: ${a} is not offered (offered: ${await page.locator('#drive-actors button:not([disabled])').allTextContents()})`);
      await b.click();
    }
  };
  const status = () => page.textContent('#drive-status');

  test('make T2 hang: the commit message\'s schedule wins; undo and the live replay string', async () => {
    await openChallenge('hang');
    assert.deepEqual(await page.locator('#drive-actors button:not([disabled])').evaluateAll((bs) => bs.map((b) => b.dataset.actor)), ['T1', 'T2']);
    await play('q1:a6b6H3a5b2');
    assert.match(await status(), /^Challenge won in 22 moves: T2 polls WD2 \(slot 2\), which is QI_FREE/);
    assert.equal(await page.textContent('#drive-replay'), 'q1:a6b6H3a5b2');
    await page.waitForFunction(() => document.querySelector('#viewer').replay === 'q1:a6b6H3a5b2');
    assert.match(await page.evaluate(() => document.querySelector('#viewer').shadowRoot.querySelector('.badge').textContent), /^lockup of T2/);
    await page.click('#drive-undo');
    assert.equal(await page.textContent('#drive-replay'), 'q1:a6b6H3a5b');
    assert.doesNotMatch(await status(), /won/);
    assert.equal(await page.evaluate(() => document.body.dataset.driveWon), 'false');
  });

  test('the same moves under the fixed policy: no lockup; the schedules part where fixed differs', async () => {
    await page.click('#drive-other');
    assert.equal(await page.isChecked('#drive input[name=drivePolicy][value=fixed]'), true);
    const note = await page.textContent('#drive-note');
    const replay = await page.textContent('#drive-replay');
    assert.match(note, /^All 21 moves replayed under fixed\.( |$)|^Under fixed the schedules part at move \d+/);
    assert.ok('q1:a6b6H3a5b'.startsWith(replay.replace(/\d+$/, '')) || replay === 'q1:a6b6H3a5b', replay);
    // Finish T2's call under fixed: it sees its own QI_DONE and returns.
    for (let i = 0; i < 10 && (await page.locator('#drive-actors button[data-actor="T2"]:not([disabled])').count()); i++) {
      await page.click('#drive-actors button[data-actor="T2"]:not([disabled])');
    }
    assert.doesNotMatch(await status(), /won|lockup/);
    await page.click('#drive-other');
    assert.equal(await page.isChecked('#drive input[name=drivePolicy][value=legacy]'), true);
  });

  test('wake T1 on someone else\'s completion (stale wake-up after the ring wraps)', async () => {
    await openChallenge('stale');
    await play('q1:b6a6H3b5b6Hb5b6Hb5b6Hb5b6Ha5');
    assert.match(await status(), /^Challenge won/);
  });

  /** The explorer's shortest schedule to `target` on the open challenge's config (the core decides). */
  const solution = (name, target) =>
    page.evaluate(
      async ({ name, target }) => {
        const { CHALLENGES } = await import('./drive.js');
        const c = CHALLENGES[name];
        const cfg = { ...c.config(), policy: c.policy ?? 'legacy' };
        delete cfg.scheduler;
        const v = window.qisim.wasm.explore(cfg, { maxStates: 500000, target });
        return v.verdict === 'counterexample' ? v.replay : `no counterexample: ${v.verdict}`;
      },
      { name, target },
    );

  test('fault-path challenges: the hardware column offers faulting steps from sim.enabled()', async () => {
    await openChallenge('f1');
    assert.equal(await page.isChecked('#drive input[name=drivePolicy][value=fixed]'), true);
    await play('q1:a4');
    const hw = await page.locator('#drive-actors button.hw:not([disabled])').evaluateAll((bs) => bs.map((b) => b.dataset.actor));
    assert.ok(hw.includes('HW') && hw.some((a) => /^HW:/.test(a)), `hardware actors: ${hw}`);
    // Each fault challenge is won by the explorer's shortest schedule to its finding.
    for (const [name, target] of [['f1', 'lockup'], ['f3', 'walkLoop'], ['f4', 'lostCompletion']]) {
      const replay = await solution(name, target);
      assert.match(replay, /^q1:/, `${name}: ${replay}`);
      await openChallenge(name);
      await play(replay);
      assert.match(await status(), /^Challenge won/, `${name} with ${replay}`);
    }
  });

  test('guided walk-through: one sentence per step, in step with the viewer, glossary tooltips', async () => {
    await page.click('#walk-open');
    await page.waitForSelector('#walk:not([hidden])');
    const n = await page.evaluate(() => document.querySelector('#viewer').steps);
    assert.equal(n, 22);
    const seen = [];
    for (let k = 0; k <= n; k++) {
      const r = await page.evaluate(() => ({ text: document.querySelector('#walk-text').textContent, step: document.querySelector('#viewer').step }));
      assert.equal(r.step, k);
      assert.ok(r.text.length > 10, `step ${k}: "${r.text}"`);
      seen.push(r.text);
      if (k < n) await page.click('#walk-next');
    }
    // Next goes on to the same schedule under fixed (tests/e2e-walk.test.mjs), never a dead end.
    assert.equal(await page.isDisabled('#walk-next'), false);
    assert.match(seen[4], /rings the doorbell: IQT = 2/);
    assert.match(seen[15], /Hardware writes QI_DONE\* into WD2/);
    assert.match(seen[19], /reclaims from free_tail: ID1, WD1, WD2 → QI_FREE — WD2 belongs to T2, who has not looked at it yet/);
    assert.match(seen[22], /T2 polls WD2 \(slot 2\), which is QI_FREE/);
    // Terms are focusable tooltips.
    const tips = await page.evaluate(() => [...document.querySelectorAll('#walk .gloss')].map((g) => [g.textContent, g.tabIndex, g.dataset.tip]));
    for (const t of ['IQH', 'IQT', 'free_head', 'free_tail', '*']) {
      const g = tips.find(([x]) => x === t);
      assert.ok(g && g[1] === 0 && g[2].length > 20, `glossary term ${t}: ${JSON.stringify(g)}`);
    }
    // Back steps the viewer back.
    await page.click('#walk-back');
    assert.equal(await page.evaluate(() => document.querySelector('#viewer').step), n - 1);
  });

  test('a CPU waiting for q_lock stays as a disabled button saying why (issue 23)', async () => {
    await openChallenge('hang');
    await page.click('#drive-restart');
    await page.click('#drive-actors button[data-actor="T1"]'); // T1 takes q_lock
    const t2 = page.locator('#drive-actors button[data-actor="T2"]');
    assert.equal(await t2.count(), 1);
    assert.equal(await t2.isDisabled(), true);
    assert.match(await t2.textContent(), /^T2 — waits for q_lock \(T1 holds it\)$/);
    // The core's state says the same: T2 is not enabled, T1 holds the lock.
    const st = await page.evaluate(() => window.qisimDrive.sim.state());
    assert.equal(st.submitters[1].enabled, false);
    assert.equal(st.qLock, 0);
    // HW vs HW:fetch explained in one line, in the core's words.
    const key = await page.textContent('#drive-hw-key');
    assert.match(key, /^HW: .*complete.* · HW:fetch: .*fetch/);
    assert.doesNotMatch(key, /\n/);
    // Fault challenges explain the faulting hardware actors they offer.
    await openChallenge('f1');
    await play('q1:a4');
    assert.match(await page.textContent('#drive-hw-key'), /HW:IQE: /);
  });

  test('same moves under fixed: the goal changes, the outcome is explained, the buttons work (issue 23)', async () => {
    await openChallenge('hang');
    await page.click('#drive input[name=drivePolicy][value=legacy]');
    await play('q1:a6b6H3a5b2');
    assert.match(await status(), /^Challenge won in 22 moves/);
    await page.click('#drive-other');
    assert.equal(await page.isChecked('#drive input[name=drivePolicy][value=fixed]'), true);
    assert.doesNotMatch(await page.textContent('#drive-goal'), /Make T2 poll forever/);
    assert.match(await page.textContent('#drive-goal'), /^Under fixed/);
    const note = await page.textContent('#drive-note');
    assert.match(note, /^All 22 moves replayed under fixed\. If every actor now moves in turn, the run ends completed after \d+ steps, every call returned, no findings: each CPU frees only the slots it marked QI_FREE itself/);
    // A move is still offered, and Finish the run ends it as the note said.
    assert.ok((await page.locator('#drive-actors button:not([disabled])').count()) >= 1);
    const steps = Number(note.match(/after (\d+) steps/)[1]);
    await page.click('#drive-finish');
    assert.equal(await status(), `The run is over under fixed: completed after ${steps} steps, every call returned, no findings. Undo or restart to try again.`);
    assert.equal(await page.evaluate(() => document.body.dataset.driveDone), 'true');
    for (const t of await page.locator('#drive-actors button[data-actor^="T"]').allTextContents()) assert.match(t, /— finished/);
    await page.waitForFunction((n) => document.querySelector('#viewer').steps === n, steps);
    assert.equal(await page.evaluate(() => document.querySelector('#viewer').shadowRoot.querySelector('.badge').textContent), 'completed, no findings');
    // Undo works from the end.
    await page.click('#drive-undo');
    assert.equal(await page.evaluate(() => document.body.dataset.driveDone), 'false');
    await page.click('#drive input[name=drivePolicy][value=legacy]');
    assert.match(await page.textContent('#drive-goal'), /^Make T2 poll forever/);
  });

  test('no console errors, page errors or failed requests (drive)', () => {
    assert.deepEqual(browser.problems, []);
  });
});
