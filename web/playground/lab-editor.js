// The Kernel code panel's editor: CodeMirror 6 (web/playground/vendor/codemirror.js, bundled by
// scripts/vendor-codemirror.sh) over the form's textarea `program`, which stays the field the
// rest of the page reads and writes. The textarea is kept in step both ways: the editor's edits
// are written into it (with an `input` event, as typing in it did), and any code that sets
// `form.elements.program.value` updates the editor. Errors are drawn as lint diagnostics at the
// line and column the core gives; this module decides nothing about the program.
import {
  EditorState, EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine,
  highlightActiveLineGutter, highlightSpecialChars, defaultKeymap, history, historyKeymap,
  indentWithTab, syntaxHighlighting, indentOnInput, bracketMatching, indentUnit, StreamLanguage,
  lintGutter, setDiagnostics, c, classHighlighter,
} from './vendor/codemirror.js';

const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');

/**
 * An editor in `parent` for textarea `area` (labelled by `labelId`, described by `describedBy`).
 * `onEdit(text)` runs after every change of the text, whoever made it.
 */
export function createEditor(area, parent, { labelId, describedBy, onEdit }) {
  let syncing = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: native.get.call(area),
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        indentUnit.of('\t'),
        EditorState.tabSize.of(8),
        StreamLanguage.define(c),
        // Stable class names (`tok-keyword`, `tok-comment`, ...), coloured in style.css.
        syntaxHighlighting(classHighlighter),
        lintGutter(),
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's tab-focus escape).
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          'aria-labelledby': labelId,
          'aria-describedby': describedBy,
          'aria-multiline': 'true',
          // Focusable as axe-core recognises it (a contenteditable alone is not, to it).
          tabindex: '0',
          spellcheck: 'false',
          autocapitalize: 'off',
          autocorrect: 'off',
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || syncing) return;
          native.set.call(area, u.state.doc.toString());
          area.dispatchEvent(new Event('input', { bubbles: true }));
          onEdit?.(area.value);
        }),
      ],
    }),
  });

  // Code that sets the field's value (a shared link, a preset, a test) updates the editor.
  Object.defineProperty(area, 'value', {
    configurable: true,
    get: () => native.get.call(area),
    set(v) {
      native.set.call(area, v);
      const text = native.get.call(area);
      if (text === view.state.doc.toString()) return;
      syncing = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        syncing = false;
      }
      onEdit?.(text);
    },
  });
  // Focus sent to the field (an error next to it, a label) goes to the editor.
  area.addEventListener('focus', () => view.focus());
  // Escape here is the editor's (then Tab leaves it), not the page's "cancel the run".
  view.contentDOM.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') e.stopPropagation();
  });
  return view;
}

/**
 * Draws the core's check of the text: `error` `{ line, col, message }` (1-based) underlined
 * from its column to the end of the word there, or no diagnostics for null. Scrolls the error
 * into view when it is outside it.
 */
export function showCheck(view, error) {
  const doc = view.state.doc;
  if (!error) {
    view.dispatch(setDiagnostics(view.state, []));
    return;
  }
  const line = doc.line(Math.min(Math.max(1, error.line), doc.lines));
  const from = Math.min(line.from + Math.max(0, error.col - 1), line.to);
  const rest = doc.sliceString(from, line.to);
  const word = /^\w+/.exec(rest)?.[0].length ?? 0;
  const to = Math.min(line.to, from + Math.max(1, word));
  view.dispatch(
    setDiagnostics(view.state, [{ from, to, severity: 'error', message: error.message, source: 'qisim' }]),
    { effects: EditorView.scrollIntoView(from, { y: 'nearest' }) },
  );
}
