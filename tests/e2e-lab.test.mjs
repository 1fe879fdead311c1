// Browser tests of the patch lab (the Kernel code panel, issue 23 item 2): the editor highlights
// qil, the core's error is underlined at its line, a proposed fix loads as a patch of its kernel
// with its diff, "Prove against every fault" decides the fault paths in a worker (what
// docs/patches.md says: iqe-any-slot proves F2 where 7.0 has a stray write; iqe-wait-for-batch
// leaves F2 with a lockup), and the program travels compressed in the share link. At 1440×900
// and 390×844. Imported by tests/e2e.test.mjs; alone: `node --test tests/e2e-lab.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundSuite } from './e2e/browser.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

test('the committed editor bundle (web/playground/vendor/codemirror.js) is built from the pinned devDependencies', () => {
  const dev = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies;
  const head = fs.readFileSync(path.join(ROOT, 'web/playground/vendor/codemirror.js'), 'utf8').slice(0, 600);
  const built = Object.fromEntries([...head.matchAll(/(@(?:codemirror|lezer)\/[\w-]+)@(\d+\.\d+\.\d+)/g)].map((m) => [m[1], m[2]]));
  const pinned = Object.fromEntries(Object.entries(dev).filter(([k]) => k.startsWith('@codemirror/') || k === '@lezer/highlight'));
  assert.ok(Object.keys(pinned).length >= 6, JSON.stringify(pinned));
  assert.deepEqual(built, pinned, 'run scripts/vendor-codemirror.sh after changing the editor packages');
  assert.ok(fs.existsSync(path.join(ROOT, 'web/playground/vendor/codemirror.LICENSE')));
});

describe('playground: the patch lab', () => {
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  const { open } = suite;
  let server;
  let browser;
  let page;

  /** The editor's text (the form field it keeps in step). */
  const text = () => page.inputValue('textarea[name=program]');

  async function openLab(width = 1440, height = 900) {
    await page.setViewportSize({ width, height });
    await open();
    await page.click('#kernel-code summary');
    await page.waitForSelector('#lab-patch-list button.lab-patch');
  }

  /** axe-core's serious and critical violations inside the Kernel code panel. */
  async function axeProblems() {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async () => {
      const r = await window.axe.run('#kernel-code', { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
    });
  }

  async function proveAll(timeout = 60000) {
    await page.click('#lab-matrix');
    await page.waitForSelector('body[data-lab-matrix=done]', { timeout });
    return page.$$eval('#lab-paths td', (tds) =>
      Object.fromEntries(tds.map((td) => [`${td.dataset.row}.${td.dataset.path}`, { verdict: td.dataset.verdict, text: td.textContent }])),
    );
  }

  test('the editor highlights qil and underlines the core error at its line; Tab indents, Escape then Tab leaves', async () => {
    await openLab();
    await page.selectOption('select[name=programBase]', '7.0');
    await page.click('#program-load');
    assert.match(await text(), /int qi_check_fault\(int index, int wait_index\)/);
    assert.equal(await page.inputValue('select[name=kernel]'), 'program');
    assert.equal(await page.textContent('#program-status'), 'The program compiles.');
    // Tokens carry classes: keywords, types, comments, numbers.
    const classes = await page.$$eval('#program-editor .cm-line span[class^=tok-]', (ss) => [...new Set(ss.map((s) => s.className))]);
    for (const c of ['tok-keyword', 'tok-typeName', 'tok-comment']) assert.ok(classes.includes(c), `${c} in ${classes}`);
    // Type a mistake before the `;` of `free_cnt++;` (the last character of its line).
    const lines = (await text()).split('\n');
    const line = lines.findIndex((l) => l.endsWith('free_cnt++;')) + 1;
    const at = await page.evaluate((n) => window.qisim.lab.view.state.doc.line(n).to - 1, line);
    await page.click('#lab-diff summary');
    await page.evaluate((pos) => window.qisim.lab.view.dispatch({ selection: { anchor: pos } }), at);
    await page.focus('#program-editor .cm-content');
    await page.keyboard.type(' +');
    const status = await page.textContent('#program-status');
    assert.match(status, new RegExp(`^Line ${line}, column \\d+: `), status);
    const under = await page.waitForSelector('#program-editor .cm-lintRange-error');
    const underLine = await under.evaluate((e) => e.closest('.cm-line').textContent);
    assert.match(underLine, /free_cnt\+\+ \+;/, underLine);
    assert.equal(await page.getAttribute('#program-editor .cm-content', 'aria-invalid'), 'true');
    // The diff shows the edit against 7.0.
    await page.waitForFunction(() => document.querySelector('#program-diff .lab-diff-add')?.textContent.includes('free_cnt++ +;'));
    // Tab indents inside the editor; Escape then Tab moves focus on.
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    assert.equal(await page.textContent('#program-status'), 'The program compiles.');
    await page.keyboard.press('Tab');
    const before = lines[line - 1];
    assert.equal((await text()).split('\n')[line - 1], `\t${before}`, 'Tab indents the line');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await text()).split('\n')[line - 1], before);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.closest('.cm-editor')), null, 'focus left the editor');
  });

  test('a proposed fix loads as a patch of its kernel, with its diff and what it addresses', async () => {
    await openLab();
    await page.selectOption('select[name=programBase]', '6.9');
    await page.click('#lab-patch-list button[data-patch=iqe-wait-for-batch]');
    assert.equal(await page.inputValue('select[name=programBase]'), '7.0');
    assert.equal(await page.inputValue('select[name=kernel]'), 'program');
    assert.match(await text(), /desc\[head\] = QI_NOP;/);
    assert.match(await page.textContent('#program-status'), /iqe-wait-for-batch, a patch of 7\.0 for F2: .*The program compiles\./);
    const adds = await page.$$eval('#program-diff .lab-diff-add', (ss) => ss.map((s) => s.textContent).join(''));
    assert.match(adds, /^\+\t\t\tdesc\[head\] = QI_NOP;$/m);
    assert.match(await page.textContent('#lab-diff-base'), /^7\.0$/);
  });

  test('Prove against every fault: iqe-any-slot proves F2 where 7.0 has a stray write; iqe-wait-for-batch leaves a lockup', async () => {
    await openLab();
    await page.click('#lab-patch-list button[data-patch=iqe-any-slot]');
    const t0 = Date.now();
    const paths = await proveAll();
    const took = Date.now() - t0;
    assert.deepEqual(paths['program.F2'], { verdict: 'proved', text: 'ok' });
    assert.deepEqual(paths['base.F2'], { verdict: 'counterexample', text: 'stray 8' });
    assert.equal(paths['program.F1'].verdict, 'proved');
    // The grid: every fault column × caller mix for both rows, in the core's words.
    const cells = await page.$$eval('#lab-grid td', (tds) => tds.map((td) => ({ ...td.dataset, text: td.textContent })));
    assert.equal(cells.length, 2 * 2 * 11);
    assert.ok(cells.every((c) => c.verdict), 'every cell decided');
    const iqe = (row) => cells.find((c) => c.row === row && c.mix === 'realistic' && c.fault === 'iqe').text;
    assert.equal(iqe('program'), 'ok');
    assert.equal(iqe('base'), 'lockup 7');
    assert.match(await page.textContent('#lab-legend'), /^ok: proved/);
    assert.match(await page.textContent('#lab-matrix-spec'), /2 CPUs × 1 call each on a ring of 8/);
    assert.match(await page.textContent('#lab-matrix-status'), /^44 cells and 8 fault paths decided in [\d.]+ s\.$/);
    assert.ok(took < 60000, `edit to verdict in ${took} ms`);
    assert.deepEqual(await axeProblems(), []);
    // The fix for F2 the patch list names: F2 still has a lockup, as docs/patches.md says.
    await page.click('#lab-patch-list button[data-patch=iqe-wait-for-batch]');
    const again = await proveAll();
    assert.deepEqual(again['program.F2'], { verdict: 'counterexample', text: 'lockup 13' });
  });

  test('Cancel stops the worker and says how far it got', async () => {
    await openLab();
    await page.click('#lab-patch-list button[data-patch=all-fixes]');
    await page.click('#lab-matrix');
    await page.waitForSelector('body[data-lab-matrix=running]');
    await page.click('#lab-matrix-cancel');
    assert.match(await page.textContent('#lab-matrix-status'), /^Cancelled after \d+ of 44 cells\.$/);
    assert.equal(await page.isDisabled('#lab-matrix'), false);
    assert.equal(await page.evaluate(() => document.querySelectorAll('#lab-grid td.lab-wait').length > 0), true);
  });

  test('the share link carries the program compressed and reopens it in the editor with kernel = program', async () => {
    await openLab();
    await page.click('#lab-patch-list button[data-patch=own-timeout]');
    const mine = `${await text()}\n// my note: é ✓\n`;
    await page.focus('#program-editor .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(mine);
    assert.equal(await text(), mine);
    await page.waitForFunction(() => {
      document.querySelector('#share').click();
      return new URLSearchParams(location.hash.slice(1)).has('pz');
    });
    const hash = await page.evaluate(() => location.hash);
    const p = new URLSearchParams(hash.slice(1));
    assert.equal(p.has('program'), false, 'the program is not in the link as plain text');
    const plain = new URLSearchParams({ program: mine }).toString().length;
    assert.ok(p.get('pz').length < plain / 2, `compressed: ${p.get('pz').length} characters, plain ${plain}`);
    await page.goto('about:blank');
    await open(hash);
    assert.equal(await text(), mine);
    assert.equal(await page.evaluate(() => window.qisim.lab.view.state.doc.toString()), mine);
    assert.equal(await page.inputValue('select[name=kernel]'), 'program');
    assert.equal(await page.evaluate(() => document.querySelector('#kernel-code').open), true);
  });

  test('on a 390 px phone the lab is full width and usable', async () => {
    await openLab(390, 844);
    await page.click('#lab-patch-list button[data-patch=iqe-any-slot]');
    const box = await page.evaluate(() => {
      const r = (s) => document.querySelector(s).getBoundingClientRect();
      return { editor: r('#program-editor').width, panel: r('#kernel-code').width, form: r('#controls').width, page: document.documentElement.scrollWidth };
    });
    assert.ok(box.page <= 390, `no sideways page scroll: ${box.page}`);
    // The form spans the phone (less the page's margins) and the editor its whole panel.
    assert.ok(box.form >= 340 && box.editor >= box.panel - 2 && box.panel >= box.form - 32, JSON.stringify(box));
    const paths = await proveAll();
    assert.equal(paths['program.F2'].text, 'ok');
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, 'the grid scrolls inside its box');
    assert.deepEqual(await axeProblems(), []);
  });

  test('no console errors, page errors or failed requests (patch lab)', () => {
    assert.deepEqual(browser.problems, []);
  });
});
