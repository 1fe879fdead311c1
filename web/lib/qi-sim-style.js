// <qi-sim>'s shadow-DOM stylesheet, icons and template.

export const STYLE = `
:host { display: block; --free: #e8eaee; --inuse: #f5b544; --done: #8fd6a0; --abort: #f6a29b;
  --fg: #1b1f24; --muted: #667085; --line: #d5d9e0; --bg: #fff; --accent: #2563eb; --hl: #fff6d6;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
:host(:focus-visible) { outline: 3px solid var(--accent); outline-offset: 3px; border-radius: 8px; }
.wrap { border: 1px solid var(--line); border-radius: 8px; background: var(--bg); padding: 12px 14px; }
header { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: baseline; justify-content: space-between; }
h3 { margin: 0; font-size: 15px; }
.badge { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: #eef2f7; color: #334155; }
.badge.bad { background: #fde8e6; color: #a3261b; }
.badge.good { background: #e3f4e7; color: #17663a; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 10px 0 8px; }
button { font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; border: 1px solid var(--line);
  background: #f8fafc; color: var(--fg); cursor: pointer; min-width: 34px; }
button:hover:not(:disabled) { background: #eef2f7; }
button:disabled { opacity: .45; cursor: default; }
button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
input[type=range] { flex: 1 1 140px; min-width: 100px; accent-color: var(--accent); }
.pos { font-variant-numeric: tabular-nums; font-size: 13px; color: var(--muted); min-width: 92px; }
.wrap { container-type: inline-size; }
.body { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; align-items: start; }
.ringbox { display: grid; grid-template-columns: minmax(230px, 320px) minmax(0, 1fr); gap: 12px; align-items: start; }
@container (min-width: 1100px) {
  .body { grid-template-columns: 640px minmax(0, 1fr); }
}
@container (max-width: 520px) { .ringbox { grid-template-columns: minmax(0, 1fr); } .ring-holder { max-width: 420px; margin: 0 auto; } }
.ringbox > * { min-width: 0; }
.side { min-width: 0; }
button svg { vertical-align: -2px; }
button span { margin-left: 4px; }
.lock { font-size: 10px; font-weight: 600; color: #fff; background: #334155; border-radius: 4px; padding: 0 4px; }
.ringbox svg { width: 100%; height: auto; display: block; }
.ring .cell { stroke: #fff; stroke-width: 1; }
.ring .changed .cell { stroke: #111; stroke-width: 2.2; }
.ring .stuck .cell { stroke: #a3261b; stroke-width: 3; stroke-dasharray: 4 2; }
/* Ring text: sizes in px on screen; --ring-k (viewBox width / drawn width, set by <qi-sim>)
   turns them into the SVG's user units, so no label is drawn below 11 px. */
.ring .slot-label { font: 600 11.5px ui-monospace, SFMono-Regular, Menlo, monospace; font-size: calc(11.5px * var(--ring-k, 1.5)); fill: #1b1f24; }
.ring .slot-index { font: 600 11px ui-monospace, monospace; font-size: calc(11px * var(--ring-k, 1.5)); fill: #1b1f24; }
.ring { overflow: visible; }
.ring .ptr line { stroke-width: 2; stroke: #344054; }
.ring .ptr circle { fill: #344054; }
.ring .ptr.hw line { stroke: #92400e; } .ring .ptr.hw circle { fill: #92400e; }
.ring .ptr-label { font: 700 11px ui-monospace, monospace; font-size: calc(11px * var(--ring-k, 1.5)); }
.ring .ptr-label .sep { fill: #5b6472; }
.ring .p-head { fill: #1d4ed8; } .ring .p-tail { fill: #7c3aed; }
.ring .p-iqt { fill: #b45309; } .ring .p-iqh { fill: #0f766e; }
.ring .centre-big { font: 700 16px system-ui, sans-serif; font-size: calc(16px * var(--ring-k, 1.5)); }
.ring .centre-small { font: 11px ui-monospace, monospace; font-size: calc(11px * var(--ring-k, 1.5)); fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 11.5px; color: var(--muted); margin: 4px 0 8px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; }
.subs { font-size: 12.5px; }
.side { overflow-x: auto; }
.subs th, .subs td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef0f3; white-space: nowrap; }
.subs th { font-weight: 600; color: var(--muted); font-size: 11.5px; }
.subs .who { font-weight: 700; }
.subs .stuck td { background: #fde8e6; }
.subs .fault td { background: #fff1e0; }
.tl { max-height: var(--qi-sim-timeline-height, 420px); overflow: auto; border: 1px solid var(--line); border-radius: 6px; position: relative; }
.tl table { table-layout: fixed; }
.tl th:first-child { width: 3.2em; }
.tl table { font: 12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.tl th { position: sticky; top: 0; background: #f3f5f8; text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); z-index: 1; }
.tl td { padding: 2px 8px; vertical-align: top; border-bottom: 1px solid #f1f3f6; }
.tl td.n { color: var(--muted); text-align: right; width: 2.5em; }
.tl tr.future td { color: #5b6472; background: #fafbfc; }
.tl tr.future td span { color: inherit; }
.tl tr.current td { background: var(--hl); }
.tl tr.current td.n { box-shadow: inset 3px 0 0 var(--accent); }
.tl tr { cursor: pointer; }
.tl tr.more td { color: var(--muted); font-style: italic; text-align: center; cursor: default; }
.tl .hw { color: #0f5132; font-weight: 600; }
.tl .fault { color: #b45309; font-weight: 600; }
.tl .finding { color: #b42318; font-weight: 700; display: block; }
.key { margin: 6px 0 0; font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 2px 12px; }
.key code { font: 600 12px ui-monospace, Menlo, monospace; color: var(--fg); }
.caption { min-height: 1.4em; margin: 8px 0 0; font-size: 13px; }
.caption b { font-weight: 600; }
details { margin-top: 8px; font-size: 12.5px; }
summary { cursor: pointer; color: var(--muted); }
pre { font: 11.5px/1.35 ui-monospace, Menlo, monospace; overflow: auto; background: #f8fafc; padding: 8px; border-radius: 6px; }
.err { color: #b42318; white-space: pre-wrap; }
.errbox { margin: 8px 0 0; padding: 8px 10px; border-radius: 6px; background: #fde8e6; color: #8a1c12; font-weight: 600; }
.wrap.failed .controls, .wrap.failed .body, .wrap.failed details { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;

const svgIcon = (d) =>
  `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d="${d}" fill="currentColor"/></svg>`;
export const ICON = {
  start: svgIcon('M3 2h2v12H3zM14 2v12L6 8z'),
  back: svgIcon('M12 2v12L4 8z'),
  play: svgIcon('M4 2v12l10-6z'),
  pause: svgIcon('M3 2h4v12H3zM9 2h4v12H9z'),
  fwd: svgIcon('M4 2v12l8-6z'),
  end: svgIcon('M11 2h2v12h-2zM2 2v12l8-6z'),
};

export const TEMPLATE = `
<div class="wrap">
  <header><h3 part="title"></h3><span class="badge" part="outcome"></span></header>
  <p class="errbox" role="alert" part="error" hidden></p>
  <div class="controls" role="group" aria-label="Step controls">
    <button type="button" data-act="start" title="First step (Home)" aria-label="Go to start">${ICON.start}</button>
    <button type="button" data-act="back" title="Step back (←)" aria-label="Step back">${ICON.back}</button>
    <button type="button" data-act="play" title="Play / pause (space)" aria-label="Play">${ICON.play}<span>Play</span></button>
    <button type="button" data-act="fwd" title="Step forward (→)" aria-label="Step forward">${ICON.fwd}</button>
    <button type="button" data-act="end" title="Last step (End)" aria-label="Go to end">${ICON.end}</button>
    <input type="range" min="0" value="0" aria-label="Step">
    <span class="pos" aria-hidden="true"></span>
    <button type="button" data-act="copy" title="Copy the replay string">Copy replay</button>
  </div>
  <div class="body">
    <div class="ringbox">
      <div class="ring-holder"></div>
      <div class="side" tabindex="0" role="group" aria-label="CPU and hardware state">
      <div class="legend"><span><i style="background:var(--free)"></i>QI_FREE</span><span><i style="background:var(--inuse)"></i>QI_IN_USE</span><span><i style="background:var(--done)"></i>QI_DONE</span><span><i style="background:var(--abort)"></i>QI_ABORT</span><span>* hardware write</span></div>
      <table class="subs"><thead><tr><th>CPU</th><th>next step</th><th>batch</th><th>calls</th></tr></thead><tbody></tbody></table>
      <p class="caption" aria-live="polite"></p>
      </div>
    </div>
    <div>
      <div class="tl" tabindex="0" aria-label="Timeline: one column per actor, one row per step"><table><thead></thead><tbody></tbody></table></div>
      <p class="key" part="key"></p>
    </div>
  </div>
  <details><summary>Text timeline (as in the fix's commit message)</summary><pre class="text"></pre></details>
</div>`;
