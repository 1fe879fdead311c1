// The Kernel code panel (the patch lab): the kernel's three functions as a qil program
// (docs/programs.md) in a code editor (lab-editor.js). Load a shipped kernel or a proposed
// fix, edit it, and see the core's check of it as you type (the error underlined at its line
// and column), its diff against the "Start from" kernel, and Run / Prove / Prove against every
// fault (lab-matrix.js) with it as the kernel. The core decides; this only shows it.
import { $, form, state, hashExtras } from './state.js';
import { clearFieldError } from './form.js';
import { createEditor, showCheck } from './lab-editor.js';
import { proveEveryFault, cancelMatrix } from './lab-matrix.js';
import { refreshProgramParam, withProgramParam, restoreProgramParam } from './lab-link.js';

export { restoreProgramParam };

const area = form.elements.program;
const status = $('#program-status');
let diffTimer = 0;

// Kernel code lab hook (state.js updateHash): the program travels compressed.
hashExtras.link = withProgramParam;

const view = createEditor(area, $('#program-editor'), {
  labelId: 'program-label',
  describedBy: 'program-status',
  onEdit: () => {
    checkProgramText();
    scheduleDiff();
    refreshProgramParam();
  },
});
state.lab = { view };

/** The text of shipped kernel `name`'s program, from the core. */
function shipped(name) {
  return state.wasm?.kernels?.().find((k) => k.name === name)?.program ?? '';
}

/** Checks the editor's text with the core, says the result and underlines the error. */
export function checkProgramText() {
  const text = area.value;
  if (!state.wasm || !text.trim()) {
    status.textContent = text.trim() ? '' : 'No program yet: load a kernel or a proposed fix to start from.';
    area.removeAttribute('aria-invalid');
    showCheck(view, null);
    return null;
  }
  if (!$('#lab-patch-list').childElementCount) addPatchButtons();
  const e = state.wasm.checkProgram(text);
  if (e) {
    status.textContent = `Line ${e.line}, column ${e.col}: ${e.message}`;
    status.dataset.line = String(e.line);
    area.setAttribute('aria-invalid', 'true');
    view.contentDOM.setAttribute('aria-invalid', 'true');
  } else {
    status.textContent = 'The program compiles.';
    delete status.dataset.line;
    area.removeAttribute('aria-invalid');
    view.contentDOM.removeAttribute('aria-invalid');
  }
  showCheck(view, e);
  return e;
}

/** Shows the core's unified diff of the program against the "Start from" kernel. */
function renderDiff() {
  diffTimer = 0;
  const base = form.elements.programBase.value;
  const out = $('#program-diff');
  $('#lab-diff-base').textContent = base;
  const text = area.value;
  if (!state.wasm || !text.trim()) {
    out.replaceChildren('No program yet.');
    $('#lab-diff-count').textContent = '';
    return;
  }
  let diff;
  try {
    diff = state.wasm.programDiff(base, text);
  } catch (e) {
    out.replaceChildren(e.message);
    return;
  }
  const lines = diff ? diff.replace(/\n$/, '').split('\n') : [];
  const changed = { '+': 0, '-': 0 };
  out.replaceChildren(
    ...(lines.length
      ? lines.map((l) => {
          const kind = l.startsWith('@@') ? 'hunk' : l[0] === '+' ? 'add' : l[0] === '-' ? 'del' : 'ctx';
          if (kind === 'add' || kind === 'del') changed[l[0]]++;
          const s = document.createElement('span');
          s.className = `lab-diff-${kind}`;
          s.textContent = `${l}\n`;
          return s;
        })
      : [`The same code as ${base} (header comments aside).`]),
  );
  $('#lab-diff-count').textContent = lines.length ? `(+${changed['+']} −${changed['-']} lines)` : '(no change)';
}

function scheduleDiff() {
  if (!diffTimer) diffTimer = setTimeout(renderDiff, 120);
}

/** Puts `text` in the editor and makes it the kernel that Run and Prove use. */
function load(text) {
  area.value = text;
  useProgram();
  area.dispatchEvent(new Event('input', { bubbles: true }));
  renderDiff();
}

/** Selects "my own program" as the kernel (as the Kernel select would). */
function useProgram() {
  if (form.elements.kernel.value === 'program') return;
  form.elements.kernel.value = 'program';
  form.elements.kernel.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The buttons of the proposed fixes, from the core (`patches()`). */
export function addPatchButtons() {
  const list = $('#lab-patch-list');
  const patches = state.wasm?.patches?.() ?? [];
  list.replaceChildren(
    ...patches.map((p) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'lab-patch';
      b.dataset.patch = p.name;
      b.title = p.title;
      b.append(Object.assign(document.createElement('b'), { textContent: p.name }), ` ${p.base} · ${p.addresses}`);
      b.addEventListener('click', () => {
        const base = form.elements.programBase;
        if (![...base.options].some((o) => o.value === p.base)) base.add(new Option(p.base, p.base));
        base.value = p.base;
        load(p.source);
        $('#lab-diff').open = true;
        status.textContent = `Loaded ${p.name}, a patch of ${p.base} for ${p.addresses}: ${p.title}. ${status.textContent}`;
      });
      return b;
    }),
  );
}

$('#program-load').addEventListener('click', () => {
  load(shipped(form.elements.programBase.value));
});
form.elements.programBase.addEventListener('change', renderDiff);

area.addEventListener('input', () => {
  // A Run's error next to the editor is about the text before this edit.
  clearFieldError('program');
});

form.elements.kernel.addEventListener('change', () => {
  if (form.elements.kernel.value === 'program') {
    if (!area.value.trim()) area.value = shipped(form.elements.programBase.value);
    $('#kernel-code').open = true;
    checkProgramText();
  }
});

$('#kernel-code').addEventListener('toggle', () => {
  if ($('#kernel-code').open) {
    if (!$('#lab-patch-list').childElementCount) addPatchButtons();
    view.requestMeasure();
    renderDiff();
  }
});

$('#lab-run').addEventListener('click', () => {
  useProgram();
  $('#run').click();
});
$('#lab-prove').addEventListener('click', () => {
  useProgram();
  $('#prove').click();
});
$('#lab-matrix').addEventListener('click', () => {
  if (checkProgramText()) {
    view.focus();
    return;
  }
  if (!area.value.trim()) return;
  const patch = state.wasm.patches().find((p) => p.source === area.value);
  // A name that reads as the file of `qisim replay --program FILE` in each cell's command.
  proveEveryFault({ name: patch?.name ?? 'my-program.qi', program: area.value, base: form.elements.programBase.value });
});
$('#lab-matrix-cancel').addEventListener('click', cancelMatrix);

// A link opened in the same tab: its program comes back once decompressed (after app.js has
// written the rest of its form).
window.addEventListener('hashchange', async () => {
  if (await restoreProgramParam(new URLSearchParams(location.hash.slice(1)).get('pz'))) checkProgramText();
});
