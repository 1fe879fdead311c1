// The Kernel code panel: the kernel's three functions as a qil program (docs/programs.md).
// Load a shipped kernel's program, edit it, and see the core's check of it as you type: the
// line and column of the first error (the core decides; this only shows it). Choosing
// "my own program" as the kernel makes Run and Prove use it.
import { $, form, state } from './app-state.js';
import { clearFieldError } from './app-form.js';

const area = form.elements.program;
const status = $('#program-status');

/** The text of shipped kernel `name`'s program, from the core. */
function shipped(name) {
  return state.wasm?.kernels?.().find((k) => k.name === name)?.program ?? '';
}

/** Checks the editor's text with the core and says the result next to it. */
export function checkProgramText() {
  const text = area.value;
  if (!state.wasm || !text.trim()) {
    status.textContent = text.trim() ? '' : 'No program yet: load a kernel to start from.';
    area.removeAttribute('aria-invalid');
    return null;
  }
  const e = state.wasm.checkProgram(text);
  if (e) {
    status.textContent = `Line ${e.line}, column ${e.col}: ${e.message}`;
    status.dataset.line = String(e.line);
    area.setAttribute('aria-invalid', 'true');
    // Put the caret on the error, as an editor would.
    const lines = text.split('\n');
    const at = lines.slice(0, e.line - 1).reduce((a, l) => a + l.length + 1, 0) + e.col - 1;
    area.dataset.errorAt = String(at);
  } else {
    status.textContent = 'The program compiles.';
    delete status.dataset.line;
    area.removeAttribute('aria-invalid');
    delete area.dataset.errorAt;
  }
  return e;
}

$('#program-load').addEventListener('click', () => {
  area.value = shipped(form.elements.programBase.value);
  form.elements.kernel.value = 'program';
  form.elements.preset.value = 'custom';
  checkProgramText();
  area.dispatchEvent(new Event('input', { bubbles: true }));
});

area.addEventListener('input', () => {
  // A Run's error next to the editor is about the text before this edit.
  clearFieldError('program');
  area.setAttribute('aria-describedby', 'program-status');
  checkProgramText();
});
area.addEventListener('keydown', (ev) => {
  // Tab indents, as in a code editor (Escape then Tab leaves the field).
  if (ev.key === 'Tab' && !ev.shiftKey && !area.dataset.escaped) {
    ev.preventDefault();
    const { selectionStart: a, selectionEnd: b, value } = area;
    area.value = value.slice(0, a) + '\t' + value.slice(b);
    area.selectionStart = area.selectionEnd = a + 1;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }
  if (ev.key === 'Escape') area.dataset.escaped = '1';
  else delete area.dataset.escaped;
});

form.elements.kernel.addEventListener('change', () => {
  if (form.elements.kernel.value === 'program') {
    if (!area.value.trim()) area.value = shipped(form.elements.programBase.value);
    $('#kernel-code').open = true;
    checkProgramText();
  }
});
