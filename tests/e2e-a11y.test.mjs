// Browser tests of issue 12's phone and accessibility fixes: axe-core at 1440×900 and 390×844
// (no serious or critical violation), no horizontal overflow at 390 px, Run and a picked finding
// brought into view, the findings list as one Tab stop, chart text alternatives, <qi-sim>
// attribute errors. Imported by tests/e2e.test.mjs; alone: `node --test tests/e2e-a11y.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundSuite } from './e2e/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AXE = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

/** axe-core's serious and critical violations on the page, as readable lines. */
async function axeProblems(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
}

/** Elements wider than the viewport (page-level horizontal overflow). */
const overflow = (page) =>
  page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));

describe('phone and accessibility (issue 12)', () => {
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  const { open, runAndWait } = suite;
  let server;
  let browser;
  let page;

  for (const size of SIZES) {
    test(`axe-core: no serious or critical violation at ${size.width}×${size.height} (page after a run, docs example)`, async () => {
      await page.setViewportSize(size);
      await open();
      await page.check('input[name=policy][value=both]');
      await runAndWait();
      await page.evaluate(() => document.querySelector('#viewer').ready);
      assert.deepEqual(await axeProblems(page), []);
      // The walk-through and drive mode open (with a few moves made).
      await page.click('#walk-open');
      await page.click('#walk-next');
      assert.deepEqual(await axeProblems(page), []);
      await page.click('#drive-open');
      await page.click('#drive-actors button[data-actor="T1"]');
      await page.click('#drive-actors button[data-actor="T1"]');
      await page.evaluate(() => document.querySelector('#viewer').ready);
      assert.deepEqual(await axeProblems(page), []);
      await page.goto(server.site + 'docs-example.html');
      await page.waitForFunction(() => document.getElementById('random')?.shadowRoot?.querySelector('.badge')?.textContent);
      assert.deepEqual(await axeProblems(page), []);
    });
  }

  test('390 px: no horizontal overflow, header at full width, Run brings the results into view', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open();
    const o0 = await overflow(page);
    assert.ok(o0.scroll <= o0.client, `page overflows: ${JSON.stringify(o0)}`);
    const header = await page.evaluate(() => ({
      lede: document.querySelector('.lede').getBoundingClientRect().width,
      vw: innerWidth,
    }));
    assert.ok(header.lede >= header.vw * 0.85, `lede is ${header.lede}px of ${header.vw}px`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('#run');
    const seen = await page.evaluate(() => {
      const r = document.querySelector('#results').getBoundingClientRect();
      return { top: r.top, vh: innerHeight, focus: document.activeElement?.id };
    });
    assert.ok(seen.top >= -1 && seen.top < seen.vh / 2, `results in view after Run: ${JSON.stringify(seen)}`);
    assert.equal(seen.focus, 'results');
    await page.waitForSelector('body[data-running=false][data-finished=true]', { timeout: 180000 });
    const o1 = await overflow(page);
    assert.ok(o1.scroll <= o1.client, `page overflows after a run: ${JSON.stringify(o1)}`);
    // Picking a finding brings the viewer into view.
    await page.locator('#findings button').nth(1).click();
    const v = await page.evaluate(() => {
      const r = document.querySelector('#viewer').getBoundingClientRect();
      return { top: r.top, vh: innerHeight, focus: document.activeElement?.id };
    });
    assert.ok(v.top >= -1 && v.top < v.vh / 2, `viewer in view: ${JSON.stringify(v)}`);
    assert.equal(v.focus, 'viewer');
    // The ring fits its box (pointer labels are not clipped).
    const ring = await page.evaluate(() => {
      const svg = document.querySelector('#viewer').shadowRoot.querySelector('svg.ring');
      const box = svg.getBoundingClientRect();
      const labels = [...svg.querySelectorAll('.ptr-label')].map((t) => t.getBoundingClientRect());
      return { box: [box.left, box.right], labels: labels.map((r) => [r.left, r.right]), vw: innerWidth };
    });
    for (const [l, r] of ring.labels) assert.ok(l >= 0 && r <= ring.vw, `ring label clipped: ${JSON.stringify(ring)}`);
    await page.goto(server.site + 'docs-example.html');
    await page.waitForFunction(() => document.getElementById('random')?.shadowRoot?.querySelector('.badge')?.textContent);
    const o2 = await overflow(page);
    assert.ok(o2.scroll <= o2.client, `docs example overflows: ${JSON.stringify(o2)}`);
  });

  test('ring slot text is readable on every status colour (4.5:1)', async () => {
    await open();
    const r = await page.evaluate(async () => {
      const v = document.querySelector('#viewer');
      await v.ready;
      const lum = (rgb) => {
        const [r, g, b] = rgb.match(/\d+/g).slice(0, 3).map((x) => {
          const c = Number(x) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const ratio = (a, b) => {
        const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
      };
      const out = {};
      // Every step of the canonical schedule: all four statuses but QI_ABORT appear; set
      // QI_ABORT's colour by hand from the host's variable.
      for (let k = 0; k <= v.steps; k++) {
        v.goto(k);
        for (const g of v.shadowRoot.querySelectorAll('svg.ring g.slot')) {
          const fill = getComputedStyle(g.querySelector('path.cell')).fill;
          for (const t of g.querySelectorAll('text')) out[`${fill} / ${getComputedStyle(t).fill}`] = ratio(fill, getComputedStyle(t).fill);
        }
      }
      const host = getComputedStyle(v);
      const abort = host.getPropertyValue('--abort').trim();
      const probe = document.createElement('div');
      probe.style.color = abort;
      document.body.append(probe);
      const abortRgb = getComputedStyle(probe).color;
      probe.remove();
      const textFill = getComputedStyle(v.shadowRoot.querySelector('svg.ring .slot-index')).fill;
      out[`abort ${abortRgb} / ${textFill}`] = ratio(abortRgb, textFill);
      return out;
    });
    for (const [pair, x] of Object.entries(r)) assert.ok(x >= 4.5, `${pair}: ${x.toFixed(2)}:1`);
    assert.ok(Object.keys(r).length >= 3, JSON.stringify(r));
  });

  test('the findings list is one Tab stop; arrow keys, Home and End move inside it', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await open();
    await runAndWait();
    const stops = await page.evaluate(() => [...document.querySelectorAll('#findings button')].filter((b) => b.tabIndex === 0).length);
    const count = await page.locator('#findings button').count();
    assert.ok(count > 5);
    assert.equal(stops, 1);
    await page.focus('#show-canonical');
    await page.keyboard.press('Shift+Tab');
    const first = await page.evaluate(() => document.activeElement?.dataset.key);
    assert.ok(first, 'Shift+Tab from the link after the list lands in the list');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('#findings')), false, 'one more Shift+Tab leaves the list');
    await page.keyboard.press('Tab');
    await page.keyboard.press('End');
    const last = await page.evaluate(() => document.activeElement?.dataset.key);
    const keys = await page.evaluate(() => [...document.querySelectorAll('#findings button')].map((b) => b.dataset.key));
    assert.equal(last, keys[keys.length - 1]);
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), keys[keys.length - 2]);
  });

  test('the throughput chart has a text alternative; legacy and fixed differ by more than hue', async () => {
    await open();
    await page.check('input[name=policy][value=both]');
    await runAndWait();
    const r = await page.evaluate(() => ({
      alt: document.querySelector('#tp-summary').textContent,
      described: document.querySelector('#plot-throughput').closest('figure').getAttribute('aria-describedby'),
      dash: window.qisim.plots.throughput.series.map((s) => s.dash ?? null),
    }));
    assert.equal(r.described, 'tp-summary');
    assert.match(r.alt, /^Throughput chart over .*: legacy: mean [\d.]+ .*; fixed: mean [\d.]+/);
    assert.deepEqual(r.dash.slice(1).map((d) => !!d), [false, true]);
  });

  test('<qi-sim> shows a visible error for a bad attribute (never a silent default)', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.site + 'docs-example.html');
    const errorOf = async (attrs) =>
      page.evaluate(async (attrs) => {
        const el = document.createElement('qi-sim');
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        document.querySelector('main').append(el);
        await new Promise((r) => setTimeout(r, 0));
        await el.ready;
        const box = el.shadowRoot.querySelector('.errbox');
        const out = { text: box.hidden ? null : box.textContent, visible: box.getBoundingClientRect().height > 0, badge: el.shadowRoot.querySelector('.badge').textContent };
        el.remove();
        return out;
      }, attrs);
    const a = await errorOf({ policy: 'Fixed' });
    assert.match(a.text, /policy="Fixed" is not allowed: use "legacy" or "fixed"/);
    assert.equal(a.visible, true);
    assert.equal(a.badge, 'error');
    const b = await errorOf({ seed: 'abc' });
    assert.match(b.text, /seed="abc" is not allowed: use a whole number/);
    const c = await errorOf({ preset: 'nope' });
    assert.match(c.text, /preset="nope" is not allowed: use one of commit, seed, mix8, faultStorm, kernel-6.9/);
    const r = await errorOf({ replay: 'q1:a6x' });
    assert.match(r.text, /replay="q1:a6x" is not allowed: names submitter 23 \(x\)/);
    const d = await errorOf({ policy: 'fixed', seed: '3' });
    assert.equal(d.text, null);
  });

  test('no console errors, page errors or failed requests (phone and accessibility)', () => {
    assert.deepEqual(browser.problems, []);
  });
});
