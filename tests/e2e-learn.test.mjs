// Browser tests of the explorable article (web/learn/, issue 23 item 6): it loads at 1440×900 and
// 390×844 without console errors or horizontal overflow, axe-core finds no violation, every
// embedded run reaches the verdict its paragraph claims (checked here against the core's
// findings, not the page's own check), the moments step the run, the proof and a kernel row's
// "Re-run" work. Imported by tests/e2e.test.mjs; alone: `node --test tests/e2e-learn.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, launchBrowser } from './e2e/browser.mjs';
import { paste } from './e2e/cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AXE = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');

const SIZES = [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
];

/** What each run must show: finding kinds in order of first appearance, fault path, outcome. */
const EXPECTED = {
  'fig-legacy': { kinds: ['lostCompletion', 'lockup'], path: null, outcome: 'lockup', badge: /^lockup of T2 at step \d+$/ },
  'fig-fixed': { kinds: [], path: null, outcome: 'completed', badge: 'completed, no findings' },
  f1: { kinds: ['lockup'], path: 'F1' },
  f3: { kinds: ['walkLoop'], path: 'F3' },
  f4: { kinds: ['lostCompletion', 'lockup'], path: 'F4' },
  f5: { kinds: ['prematureCompletion'], path: 'F5' },
  f6: { kinds: ['misattributedError'], path: 'F6' },
};

/** docs/kernels.md's first table for the stable branches: per time-out kind, false (no hang)
 * or the finding kinds the shown run must end with (cause first). */
const KERNELS = {
  '5.15': { present: false, gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.1': { present: false, gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.6': { present: false, gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '5.15.168': { present: ['strayStatusWrite', 'lockup'], gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.1.113': { present: ['strayStatusWrite', 'lockup'], gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.6.55': { present: ['strayStatusWrite', 'lockup'], gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '5.15.203': { present: false, gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.6.130': { present: false, gone: ['retryForever'], goneNoItesid: ['retryForever'] },
  '6.12': { present: ['walkLoop'], gone: ['walkLoop'], goneNoItesid: ['walkLoop'] },
  '6.12.78': { present: false, gone: ['strayStatusWrite', 'lockup'], goneNoItesid: ['retryForever'] },
};

async function axeProblems(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
}

describe('the explorable article (web/learn/)', () => {
  let server;
  let browser;
  let page;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async () => {
    await page.goto(server.site + 'learn/');
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  };

  test('the playground footer links to the article, and the article back to the playground', async () => {
    await page.goto(server.url);
    const href = await page.getAttribute('footer a[href="../learn/"]', 'href');
    assert.equal(href, '../learn/');
    await page.click('footer a[href="../learn/"]');
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
    assert.match(new URL(page.url()).pathname, /\/learn\/$/);
    const playground = new URL(server.url).pathname;
    await Promise.all([page.waitForURL((u) => u.pathname === playground), page.click('.crumbs a[href="../playground/"]')]);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  });

  test("the site's root and the playground's old address open the playground, a shared link's hash kept", async () => {
    const playground = new URL(server.url).pathname;
    for (const old of ['', 'index.html']) {
      await page.goto(server.site + old + '#preset=mix8&policy=fixed');
      await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
      const u = new URL(page.url());
      assert.equal(u.pathname, playground, `${old || '/'} opened ${u}`);
      assert.match(u.hash, /preset=mix8/);
      assert.equal(await page.inputValue('select[name=preset]'), 'mix8');
      assert.equal(await page.isChecked('input[name=policy][value=fixed]'), true);
    }
  });

  for (const size of SIZES) {
    test(`${size.width}×${size.height}: every run reaches its claimed verdict, no overflow, axe finds nothing`, async () => {
      await page.setViewportSize(size);
      await open();
      const runs = await page.evaluate(() =>
        [...document.querySelectorAll('figure.run:not([hidden])')].map((f) => {
          const el = f.querySelector('qi-sim');
          return {
            id: f.id || f.dataset.case,
            status: f.dataset.status,
            outcome: f.dataset.outcome,
            kinds: [...new Set(el.findings.map((x) => x.kind))],
            paths: el.findings.map((x) => x.faultPath),
            badge: el.shadowRoot.querySelector('.badge').textContent,
            replay: el.replay,
            steps: el.steps,
          };
        }),
      );
      assert.deepEqual(runs.map((r) => r.id).sort(), Object.keys(EXPECTED).sort());
      for (const r of runs) {
        const want = EXPECTED[r.id];
        assert.deepEqual(r.kinds, want.kinds, `${r.id}: ${JSON.stringify(r)}`);
        if (want.path) assert.ok(r.paths.includes(want.path), `${r.id} on ${want.path}: ${r.paths}`);
        if (want.outcome) assert.equal(r.outcome, want.outcome, r.id);
        if (want.badge) assert.match(r.badge, want.badge instanceof RegExp ? want.badge : new RegExp(`^${want.badge}$`), r.id);
        assert.equal(r.status, 'confirmed', `${r.id}: the page's own check`);
      }
      // The fixed run is the legacy run's moves, continued until every call returned.
      const legacy = runs.find((r) => r.id === 'fig-legacy');
      const fixed = runs.find((r) => r.id === 'fig-fixed');
      assert.equal(legacy.replay, 'q1:a6b6H3a5b2');
      assert.equal(legacy.steps, 22);
      assert.ok(fixed.steps > legacy.steps);
      assert.match(await page.textContent('#fixed-prefix'), /^its first 22 moves are the legacy run's q1:a6b6H3a5b2/);
      const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      assert.ok(o.scroll <= o.client, `page overflows: ${JSON.stringify(o)}`);
      assert.deepEqual(await axeProblems(page), []);
    });
  }

  test('every command on the page, pasted into the CLI, prints the findings of its run', async () => {
    const cmds = await page.evaluate(() =>
      [...document.querySelectorAll('figure.run')]
        .filter((f) => f.querySelector('.cli'))
        .map((f) => ({ id: f.id || f.dataset.case, command: f.querySelector('.cli').textContent })),
    );
    assert.ok(cmds.length >= 6, JSON.stringify(cmds));
    for (const c of cmds) {
      assert.match(c.command, /^qisim replay .* q1:\S+$/, c.id);
      const r = paste(c.command);
      assert.equal(r.status, 1, `${c.id}: ${c.command}\n${r.stderr}`);
      const kinds = [...new Set([...r.stdout.matchAll(/^!! step \d+ (\w+):/gm)].map((m) => m[1]))];
      assert.deepEqual(kinds, EXPECTED[c.id].kinds, `${c.id}: ${c.command}`);
    }
  });

  test('the moments step the legacy run to the step the core names', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open();
    const steps = await page.$$eval('#moments-legacy li', (lis) => lis.map((li) => [li.dataset.moment, li.dataset.step]));
    assert.deepEqual(Object.fromEntries(steps), { 't1-write': '2', 't2-write': '8', 'hw-done': '14', 't1-mark': '17', reclaim: '18', lockup: '21' });
    // Each button names the step as the run numbers it: the lockup's is the badge's.
    const label = (m) => page.textContent(`#moments-legacy li[data-moment="${m}"] button.goto`);
    const badge = await page.evaluate(() => document.querySelector('#fig-legacy qi-sim').shadowRoot.querySelector('.badge').textContent);
    assert.equal((await label('lockup')).replace('Show step ', ''), badge.replace('lockup of T2 at step ', ''));
    const shown = (await label('reclaim')).replace('Show step ', '');
    await page.click('#moments-legacy li[data-moment="reclaim"] button.goto');
    const at = await page.evaluate(() => {
      const el = document.querySelector('#fig-legacy qi-sim');
      return { step: el.step, caption: el.shadowRoot.querySelector('.caption').textContent, focused: document.activeElement === el };
    });
    assert.equal(at.step, 19, 'after the core’s step 18 (0-based): 19 steps taken');
    assert.ok(at.caption.startsWith(`step ${shown} · T1: reclaim: ID1,WD1,WD2 -> QI_FREE`), at.caption);
    assert.ok(at.focused, 'the run takes focus so the arrow keys step it');
    assert.equal(await page.getAttribute('#moments-legacy li[data-moment="reclaim"]', 'aria-current'), 'step');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#moments-legacy li[data-moment="lockup"]', 'aria-current'), 'step');
    // The fixed run's moments: T1 frees its own slots, T2 its wait.
    const fixed = await page.$$eval('#moments-fixed .core-words', (n) => n.map((x) => x.textContent));
    assert.deepEqual(fixed.slice(0, 2), ['T1: mark ID1,WD1 QI_FREE', 'T1: reclaim: free_tail 0 -> 2']);
  });

  test('Prove it: the legacy reclaim has a lockup with count 0, none with counts ≥ 1; the fix has none', async () => {
    await page.click('#prove');
    await page.waitForSelector('#proofs[data-state=done][data-runs="1"]', { timeout: 60000 });
    const v = await page.$$eval('#proofs li', (lis) => lis.map((li) => [li.dataset.proof, li.dataset.verdict, li.dataset.kind]));
    assert.deepEqual(v, [
      ['legacy-0', 'counterexample', 'lockup'],
      ['legacy-1', 'proved', ''],
      ['fixed-0', 'proved', ''],
    ]);
    await page.click('#proofs li[data-proof="legacy-0"] button');
    await page.waitForSelector('#fig-proof[data-status=confirmed]', { timeout: 20000 });
    const kinds = await page.evaluate(() => document.querySelector('#fig-proof qi-sim').findings.map((f) => f.kind));
    assert.ok(kinds.includes('lockup'), kinds.join(','));
    assert.deepEqual(await axeProblems(page), []);
  });

  test('the stable-kernel table: docs/kernels.md answers, from the core live; Show and Re-run work', async () => {
    await page.waitForSelector('#kernel-table[data-state=done]', { timeout: 120000 });
    const rows = await page.$$eval('#kernel-table tbody tr', (trs) =>
      trs.map((tr) => {
        const cell = (f) => tr.querySelector(`td[data-time-out="${f}"]`);
        const one = (f) => ({ hangs: cell(f).dataset.hangs, kinds: cell(f).dataset.kinds, text: cell(f).textContent });
        return { k: tr.dataset.kernel, present: one('present'), gone: one('gone'), goneNoItesid: one('goneNoItesid') };
      }),
    );
    assert.deepEqual(rows.map((r) => r.k).sort(), Object.keys(KERNELS).sort());
    for (const r of rows) {
      for (const t of ['present', 'gone', 'goneNoItesid']) {
        const want = KERNELS[r.k][t];
        if (want === false) assert.equal(r[t].hangs, 'false', `${r.k} ${t}: no hang expected, got ${r[t].text}`);
        else {
          assert.equal(r[t].hangs, 'true', `${r.k} ${t}: ${r[t].text}`);
          const kinds = r[t].kinds.split(' ');
          assert.deepEqual([kinds[0], kinds.at(-1)], [want[0], want.at(-1)], `${r.k} ${t}: ${r[t].kinds}`);
        }
      }
    }
    // 6.12.78 with a gone device hangs only once the ring runs out, with three calls per CPU.
    assert.match(rows.find((r) => r.k === '6.12.78').gone.text, /stray \d+ ⇒ lockup@3/);
    // The headings are the core's words.
    assert.match(await page.textContent('#kernel-table thead'), /ITE, device present.*device gone.*without ITESID/s);
    // Show loads the cell's hang into the section's run, and the core confirms it.
    await page.click('#kernel-table tr[data-kernel="6.12"] td[data-time-out="present"] button.show');
    await page.waitForSelector('#fig-kernel[data-status=confirmed]', { timeout: 20000 });
    const shown = await page.evaluate(() => {
      const el = document.querySelector('#fig-kernel qi-sim');
      return { kinds: el.findings.map((f) => f.kind), paths: el.findings.map((f) => f.faultPath) };
    });
    assert.deepEqual(shown.kinds, ['walkLoop']);
    assert.deepEqual(shown.paths, ['F3']);
    await page.click('#kernel-table tr[data-kernel="6.12.78"] td[data-time-out="gone"] button.show');
    await page.waitForSelector('#fig-kernel[data-status=confirmed]', { timeout: 20000 });
    // Re-run asks again and comes to the same answer.
    const row = '#kernel-table tr[data-kernel="5.15"]';
    const before = await page.textContent(`${row} td[data-time-out="gone"]`);
    await page.click(`${row} button.rerun`);
    await page.waitForSelector(`${row}[data-runs="2"][data-state=done]`, { timeout: 30000 });
    assert.equal(await page.textContent(`${row} td[data-time-out="gone"]`), before);
    assert.match(await page.textContent('#kernel-summary'), /hangs in .*6\.12/);
  });

  test('no console errors, page errors or failed requests', () => {
    assert.deepEqual(browser.problems, []);
  });
});
