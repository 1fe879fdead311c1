// The reproduce box: what the shown schedule runs (kernel or program, faults, time-out timing)
// and the exact `qisim` command that prints the same timeline, with the files it reads. The
// core writes both (wasm `describeRun`, `reproduceReplay`, `reproduceExplore`: the functions
// the CLI prints its own reproduce lines with); this module only shows them.
import { $, state } from './state.js';

const box = $('#reproduce');
const urls = [];

/** The core's words for a config: `{ subject, faults, timing }`, or null if it cannot say. */
export function describe(config) {
  try {
    return state.wasm.describeRun(config);
  } catch {
    return null;
  }
}

let kinds = null;
/** The core's plain words for a finding kind (`lockup` → "a CPU polls a slot ..."). */
export function plainKind(kind) {
  kinds ??= new Map(state.wasm.findingKinds().map((k) => [k.name, k.plain]));
  return kinds.get(kind) ?? '';
}

/** `subject · faults · timing` of a config, for headings and list entries. */
export function runName(config) {
  const d = describe(config);
  return d ? [d.subject, d.faults, d.timing].filter(Boolean).join(' · ') : '';
}

/** Where the core may put what does not fit on the line (it decides what goes there). */
const NAMES = { programFile: 'my-kernel.qi', configFile: 'qisim-config.json' };

/** The command (and files) that replays `replay` on `config`, or `{ error }`. */
export function replayCommand(config, replay) {
  try {
    return state.wasm.reproduceReplay(config, replay, NAMES);
  } catch (e) {
    return { error: e.message };
  }
}

/** The command that explores `config` with `options` (a proof's verdict), or `{ error }`. */
export function exploreCommand(config, options) {
  try {
    return state.wasm.reproduceExplore(config, options, NAMES);
  } catch (e) {
    return { error: e.message };
  }
}

/** A `<code>` with the command, a Copy button and a download link per file. */
export function commandBlock(r, label = 'Copy command') {
  const wrap = document.createElement('div');
  wrap.className = 'repro-cmd';
  if (r.error) {
    wrap.textContent = `No command: ${r.error}`;
    return wrap;
  }
  const code = document.createElement('code');
  code.className = 'repro-line';
  code.textContent = r.command;
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'repro-copy';
  copy.textContent = label;
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(r.command);
      copy.textContent = 'Copied';
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const sel = getSelection();
      sel.removeAllRanges();
      const range = document.createRange();
      range.selectNodeContents(code);
      sel.addRange(range);
      copy.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (copy.textContent = label), 1500);
  });
  wrap.append(code, copy);
  if (r.files?.length) {
    const p = document.createElement('p');
    p.className = 'small repro-files';
    p.append('Save beside it: ');
    r.files.forEach((f, i) => {
      const a = document.createElement('a');
      const url = URL.createObjectURL(new Blob([f.contents], { type: 'text/plain' }));
      urls.push(url);
      a.href = url;
      a.download = f.name;
      a.textContent = f.name;
      a.dataset.file = f.name;
      if (i) p.append(', ');
      p.append(a);
    });
    wrap.append(p);
  }
  return wrap;
}

/** Shows the box for the schedule now in the viewer; `null` hides it. */
export function showReproduce(shown) {
  while (urls.length) URL.revokeObjectURL(urls.pop());
  if (!shown?.config || !shown.replay) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const d = describe(shown.config);
  const what = document.createElement('p');
  what.className = 'repro-what';
  const b = document.createElement('b');
  b.textContent = 'Reproduce';
  what.append(b, ` ${d ? [d.subject, d.faults, d.timing].filter(Boolean).join(' · ') : ''}: the same timeline from the command line.`);
  const r = replayCommand(shown.config, shown.replay);
  box.replaceChildren(what, commandBlock(r));
  box.dataset.command = r.command ?? '';
  box.hidden = false;
}
