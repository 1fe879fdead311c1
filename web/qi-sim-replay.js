// Replay strings (format q1, see core/src/replay.rs): decoding to actor names and encoding back,
// for the viewer's cuts and the page's tests. The core's own codec (Simulation.replay(), the
// replay scheduler) stays the reference; part of <qi-sim> (re-exported by qi-sim.js).

// Hardware tokens: the engine, and the engine taking a faulting step (fault injection).
// F: hardware fetches one descriptor ahead without completing it; G: an ITE whose device is gone
// (both from newer cores; decoding them here costs nothing on older ones).
const FAULT_TOKENS = { H: 'HW', E: 'HW:IQE', T: 'HW:ITE', C: 'HW:ICE', F: 'HW:fetch', G: 'HW:GONE' };

/** True for the hardware engine's actors ("HW", "HW:ITE", ...). */
export const isHw = (actor) => String(actor).startsWith('HW');

/** Decodes a replay string into actor names ("T1", "HW", "HW:ITE", ...). */
export function parseReplay(s) {
  if (!s.startsWith('q1:')) throw new Error('replay: must start with q1:');
  const out = [];
  const re = /\s*([HETCFG]|[a-z]|\{(\d+)\})(\d*)/y;
  let i = 3;
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`replay: unexpected "${s[i]}" at ${i}`);
    const actor =
      FAULT_TOKENS[m[1]] ?? (m[2] != null ? `T${Number(m[2]) + 1}` : `T${m[1].charCodeAt(0) - 96}`);
    const n = m[3] ? Number(m[3]) : 1;
    for (let k = 0; k < n; k++) out.push(actor);
    i = re.lastIndex;
  }
  return out;
}

/** Encodes actor names into the canonical replay string. */
export function encodeReplay(actors) {
  let s = 'q1:';
  for (let i = 0; i < actors.length; ) {
    let j = i;
    while (j < actors.length && actors[j] === actors[i]) j++;
    const a = actors[i];
    const n = Number(a.slice(1)) - 1;
    const hw = Object.keys(FAULT_TOKENS).find((k) => FAULT_TOKENS[k] === a);
    s += hw ?? (n < 26 ? String.fromCharCode(97 + n) : `{${n}}`);
    if (j - i > 1) s += String(j - i);
    i = j;
  }
  return s;
}

/** The first `steps` choices of a replay string. */
export function cutReplay(s, steps) {
  return encodeReplay(parseReplay(s).slice(0, steps));
}
