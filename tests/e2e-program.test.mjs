// Browser tests of the Kernel code panel (kernels as programs, docs/programs.md): load a shipped
// kernel's program, see the core's error at its line and column, run your own program and find
// the bug it has. Imported by tests/e2e.test.mjs; alone: `node --test tests/e2e-program.test.mjs`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { playgroundSuite } from './e2e/browser.mjs';

describe('playground: kernel code', () => {
  const suite = playgroundSuite({ before, after, ready: (s) => ({ server, browser, page } = s) });
  const { open, runAndWait } = suite;
  let server;
  let browser;
  let page;

  /** Replaces the program in the editor (the lab's CodeMirror) as a paste would. */
  async function setProgram(text) {
    await page.focus('#program-editor .cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(text);
    assert.equal(await page.inputValue('textarea[name=program]'), text, 'the form field follows the editor');
  }

  test('a shipped program loads, an error shows its line and column, a fixed one compiles', async () => {
    await open();
    await page.click('#kernel-code summary');
    await page.selectOption('select[name=programBase]', '6.9');
    await page.click('#program-load');
    const text = await page.inputValue('textarea[name=program]');
    assert.match(text, /int qi_check_fault\(int index, int wait_index\)/);
    assert.match(text, /QI_DONE;/, "6.9's mark sets QI_DONE");
    assert.equal(await page.inputValue('select[name=kernel]'), 'program');
    assert.equal(await page.textContent('#program-status'), 'The program compiles.');
    // Break line 2 of reclaim's loop: the core names the line and what it expected.
    const broken = text.replace('free_cnt++;', 'free_cnt++ +;');
    await setProgram(broken);
    const status = await page.textContent('#program-status');
    const line = broken.split('\n').findIndex((l) => l.includes('free_cnt++ +;')) + 1;
    assert.match(status, new RegExp(`^Line ${line}, column \\d+: expected`), status);
    assert.equal(await page.getAttribute('textarea[name=program]', 'aria-invalid'), 'true');
    // Run refuses it, next to the editor.
    await page.click('#run');
    await page.waitForSelector('#kernel-code .field-error, #form-error:not([hidden])', { timeout: 20000 });
    const err = await page.evaluate(() => document.querySelector('#kernel-code .field-error')?.textContent ?? document.querySelector('#form-error').textContent);
    assert.match(err, new RegExp(`line ${line}`), err);
    await setProgram(text);
    assert.equal(await page.textContent('#program-status'), 'The program compiles.');
  });

  test('Run uses your program: 6.9 with the fixed mark finds no lockup where 6.9 does', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'seed');
    await page.click('#kernel-code summary');
    await page.selectOption('select[name=programBase]', '6.9');
    await page.click('#program-load');
    await page.fill('input[name=seeds]', '200');
    await runAndWait();
    const legacy = await page.evaluate(() => ({
      policies: window.qisim.policies,
      config: window.qisim.configs.program,
      lockups: window.qisim.results.program.lockups,
    }));
    assert.deepEqual(legacy.policies, ['program']);
    assert.equal(legacy.config.kernel, undefined);
    assert.match(legacy.config.program, /QI_DONE;/);
    assert.ok(legacy.lockups > 0, 'the 6.9 program locks up on the seed scenario');
    // The fix, typed in: mark every slot QI_FREE, reclaim only QI_FREE.
    const fixed = (await page.inputValue('textarea[name=program]'))
      .replace('for (i = 0; i < count; i++)\n\t\tdesc_status[(index + i) % QI_LENGTH] = QI_DONE;', 'for (i = 0; i <= count; i++)\n\t\tdesc_status[(index + i) % QI_LENGTH] = QI_FREE;')
      .replace('while (desc_status[free_tail] == QI_DONE || desc_status[free_tail] == QI_ABORT) {\n\t\tdesc_status[free_tail] = QI_FREE;', 'while (desc_status[free_tail] == QI_FREE && free_tail != free_head) {');
    await setProgram(fixed);
    assert.equal(await page.textContent('#program-status'), 'The program compiles.');
    await runAndWait();
    const after = await page.evaluate(() => window.qisim.results.program.lockups);
    assert.equal(after, 0, 'the fix typed into the page removes the lockup');
  });

  test('a stable kernel from the Kernel list runs with its own policy and walk: 5.15.203 retries forever for a gone device', async () => {
    await open();
    await page.selectOption('select[name=preset]', 'seed');
    // Every preset of the core is listed, oldest first, the stable branches too.
    const names = await page.$$eval('select[name=kernel] option', (os) => os.map((o) => o.value));
    assert.deepEqual(names.slice(0, 4), ['none', '5.15', '5.15.168', '5.15.203']);
    assert.ok(names.includes('6.6.130') && names.at(-1) === 'program', names.join());
    await page.selectOption('select[name=kernel]', '5.15.203');
    await page.fill('input[name=devtlb]', '1');
    await page.fill('input[name=deviceGoneRate]', '0.05');
    await page.fill('input[name=maxFaults]', '1');
    await page.fill('input[name=seeds]', '100');
    await runAndWait();
    const r = await page.evaluate(() => ({
      policies: window.qisim.policies,
      config: window.qisim.configs[window.qisim.policies[0]],
      kinds: window.qisim.results[window.qisim.policies[0]].findings.map((f) => f.kind ?? f.first?.kind),
    }));
    // The form's policy buttons said legacy: the kernel's own (fixed) decides, as the core says.
    assert.deepEqual(r.policies, ['fixed']);
    assert.equal(r.config.kernel, '5.15.203');
    assert.equal(r.config.faults.iteWalk, 'stride1');
    assert.ok(JSON.stringify(r.kinds).includes('retryForever'), JSON.stringify(r.kinds));
  });

  test('no console errors, page errors or failed requests (kernel code)', () => {
    assert.deepEqual(browser.problems, []);
  });
});
