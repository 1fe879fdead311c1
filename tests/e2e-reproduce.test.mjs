// Browser tests of the reproduce box: every finding and verdict shows the `qisim` command the
// core writes for it; pasting that command into the CLI prints the same timeline (findings) or
// the same verdict (proofs). Imported by tests/e2e.test.mjs; alone:
// `node --test tests/e2e-reproduce.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { playgroundSuite } from './e2e/browser.mjs';
import { paste } from './e2e/cli.mjs';

describe('playground: reproduce from the command line', () => {
  let server;
  let browser;
  let page;
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  const { open, runAndWait } = suite;

  /** The reproduce box's command and files, and the viewer's timeline text. */
  const shown = () =>
    page.evaluate(async () => {
      const v = document.querySelector('#viewer');
      await v.ready;
      const box = document.querySelector('#reproduce');
      const files = [];
      for (const a of box.querySelectorAll('a[download]')) {
        files.push({ name: a.download, contents: await (await fetch(a.href)).text() });
      }
      return {
        hidden: box.hidden,
        what: box.querySelector('.repro-what')?.textContent ?? '',
        command: box.querySelector('.repro-line')?.textContent ?? '',
        files,
        text: v.timelineText,
        views: [...document.querySelectorAll('#views button')].map((b) => ({ label: b.textContent, pressed: b.getAttribute('aria-pressed') })),
      };
    });

  async function hunt(preset, seeds) {
    await open();
    await page.selectOption('select[name=preset]', preset);
    await page.fill('input[name=seeds]', String(seeds));
    await runAndWait();
    await page.waitForSelector('#reproduce:not([hidden]) .repro-line', { timeout: 30000 });
    return shown();
  }

  function sameTimeline(s) {
    const r = paste(s.command, s.files);
    assert.equal(r.status, 1, `${s.command}: exit ${r.status} (1 = a finding)\n${r.stderr}`);
    assert.ok(r.stdout.startsWith(s.text.trimEnd()), `${s.command}\n--- CLI ---\n${r.stdout}\n--- page ---\n${s.text}`);
  }

  test('seed preset: the minimised schedule first, its command replays the same timeline', async () => {
    const s = await hunt('seed', 200);
    assert.equal(s.hidden, false);
    assert.match(s.views[0].label, /^minimised/);
    assert.equal(s.views[0].pressed, 'true', 'the minimised schedule is the default view');
    assert.match(s.what, /legacy reclaim · no faults/);
    assert.match(s.command, /^qisim replay .*--policy legacy .* q1:\S+$/);
    sameTimeline(s);
    // The result card names what ran, not just the policy.
    const card = await page.textContent('.counter-card h3');
    assert.match(card, /legacy reclaim/);
    // A shared link reopens the same schedule and command, and says what it did not keep.
    const other = await browser.context.newPage();
    try {
      await other.goto(page.url());
      await other.waitForSelector('#reproduce:not([hidden]) .repro-line', { timeout: 20000 });
      assert.equal(await other.textContent('#reproduce .repro-line'), s.command);
      assert.match(await other.textContent('#viewer-note'), /not the run's counters or its other findings/);
      const title = await other.evaluate(() => document.querySelector('#viewer').shadowRoot.querySelector('h3').textContent);
      assert.match(title, /^minimised(, to its end)? · legacy reclaim · no faults$/);
      assert.doesNotMatch(title, /minimized/);
    } finally {
      await other.close();
    }
  });

  test('7.0 with ITE: kernel, fault and timing named; the command gives the same timeline', async () => {
    const s = await hunt('kernel-7.0', 300);
    assert.match(s.what, /kernel 7\.0 · .*ITE \d+%.*time-out once/, s.what);
    assert.match(s.command, /--kernel 7\.0|"kernel":"7\.0"/);
    assert.match(s.views[0].label, /^minimised/);
    sameTimeline(s);
  });

  test('Prove: each verdict card carries the explore command, and the CLI reaches the same verdict', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'seed');
    await page.fill('input[name=submissions]', '1');
    await page.click('#prove');
    await page.waitForSelector('body[data-proved=true]', { timeout: 120000 });
    const cards = await page.$$eval('#verdicts .verdict', (cs) =>
      cs.map((c) => ({ v: c.className, command: c.querySelector('.repro-line')?.textContent ?? '', title: c.querySelector('h3').textContent })),
    );
    assert.ok(cards.length >= 1);
    for (const c of cards) {
      assert.match(c.command, /^qisim explore /, c.title);
      const r = paste(c.command);
      const want = /counterexample/.test(c.v) ? 1 : /proved/.test(c.v) ? 0 : 3;
      assert.equal(r.status, want, `${c.command}\n${r.stdout}${r.stderr}`);
    }
  });

  test('a kernel program travels as a file beside the command', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'seed');
    await page.click('#kernel-code summary');
    await page.selectOption('select[name=programBase]', '6.9');
    await page.click('#program-load');
    await page.fill('input[name=seeds]', '200');
    await runAndWait();
    await page.waitForSelector('#reproduce:not([hidden]) .repro-line', { timeout: 30000 });
    const s = await shown();
    assert.match(s.command, /--program my-kernel\.qi/);
    assert.equal(s.files.find((f) => f.name === 'my-kernel.qi')?.contents.includes('qi_check_fault'), true);
    sameTimeline(s);
  });

  test('Prove on a kernel preset: one "Make it provable", then the proof runs to a verdict', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'kernel-7.0');
    await page.click('#prove');
    const fix = page.locator('.field-error button.fix');
    await fix.waitFor({ timeout: 20000 });
    assert.match(await fix.textContent(), /^Make it provable: max faults 1, device-TLB invalidations only, \d+ CPUs × \d+ calls?$/);
    const why = await page.locator('.field-error .fix-why').textContent();
    assert.match(why, /faults\.maxFaults 0 → 1/);
    await fix.click();
    await page.waitForSelector('body[data-running=false][data-proved=true]', { timeout: 120000 });
    const cards = await page.$$eval('#verdicts .verdict', (cs) => cs.map((c) => c.className));
    assert.ok(cards.length >= 1 && cards.every((c) => /proved|counterexample/.test(c)), cards.join());
    assert.equal(await page.locator('#prove-estimate').count(), 0, 'no second refusal');
    assert.match(await page.textContent('#verdicts .verdict h3'), /^kernel 7\.0 · ITE/);
  });

  test('progress ticks between results with the time left; Cancel empties the bar; full width on a phone', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'kernel-7.0');
    await page.fill('input[name=seeds]', '100000');
    await page.click('#run');
    await page.waitForFunction(() => /left/.test(document.querySelector('#progress-text').textContent), null, { timeout: 30000 });
    const a = await page.textContent('#progress-text');
    await page.waitForTimeout(700);
    const b = await page.textContent('#progress-text');
    assert.notEqual(a, b, 'the clock moves');
    assert.match(b, /about .* left/);
    await page.click('#cancel');
    await page.waitForSelector('body[data-running=false]');
    await page.fill('input[name=submissions]', '1');
    await page.click('#prove');
    const est = page.locator('#prove-estimate button', { hasText: 'Prove anyway' });
    if (await est.count()) await est.click();
    await page.waitForSelector('body[data-running=true]', { timeout: 20000 }).catch(() => {});
    if ((await page.evaluate(() => document.body.dataset.running)) === 'true') {
      await page.click('#cancel');
      await page.waitForSelector('body[data-running=false]');
      assert.equal(await page.evaluate(() => document.querySelector('#progress').value), 0, 'a cancelled proof empties the bar');
      assert.match(await page.textContent('#viewer-wait'), /^Cancelled/);
    }
    await page.setViewportSize({ width: 390, height: 844 });
    const w = await page.evaluate(() => document.querySelector('#progress').getBoundingClientRect().width);
    assert.ok(w >= 300, `progress bar ${w} px wide on a phone`);
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});
