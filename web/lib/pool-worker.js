// One worker of the qisim pool (see pool.js): its own instance of the wasm module, compiled once
// on the main thread and posted here. Runs one chunk of seeds (or one exploration) at a time.
//
// Messages in:  {type:'init', module: WebAssembly.Module, glueUrl, warmup?: {config, seedCount}}
//               {type:'hunt', id, config, seedStart, seedCount, options, crash?}
//               {type:'explore', id, config, options, crash?}
//               {type:'estimate', id, config, options}   (the wasm estimateExplore)
//               Partitioned exploration (this worker owns one partition and keeps its states,
//               see pool-explore.js):
//               {type:'xstart', id, config, options, parts, index}
//               {type:'xseed', id, search} | {type:'xexpand', id, search, depth, end}
//               {type:'xabsorb', id, search, inboxes, cutoff} | {type:'xdrop', id}
//               {type:'xassign', search, ids: Uint32Array}   (no answer)
// Messages out: {type:'ready', version} | {type:'initError', message}
//               {type:'xdone', id, out}   (xstart: null; xseed/xexpand: {bufs, violation};
//                                          xabsorb: {keys, counted, tableBytes, levelBytes};
//                                          a message is {buf: ArrayBuffer, bytes} or null,
//                                          and buffers come back in `spares` for reuse)
//               {type:'result', id, result, ms}
//               {type:'progress', id, progress}               (explore: after every chunk of 8192 expanded states)
//               {type:'error', id, message, field}   (bad input: the hunt fails)
//               {type:'fatal', id, message}          (the instance trapped: the chunk is re-run)

import { Buffers, packed, view } from './buffers.js';

let wasm = null;
let poisoned = false;

async function init({ module, glueUrl, warmup }) {
  try {
    const glue = await import(glueUrl);
    glue.initSync({ module });
    wasm = glue;
    // Optional warm-up before reporting ready: a small hunt (with minimisation) so the first
    // real chunk runs on optimised code. Its result is dropped; a bad warm-up config is ignored.
    if (warmup?.config) {
      try {
        glue.hunt(warmup.config, 0, warmup.seedCount ?? 4, {});
      } catch {
        // not a reason to refuse work
      }
    }
    postMessage({ type: 'ready', version: glue.version() });
  } catch (e) {
    postMessage({ type: 'initError', message: String(e?.message ?? e) });
  }
}

function run(msg) {
  const { id, config, seedStart, seedCount, options } = msg;
  if (msg.crash) {
    // Fault injection for tests: an uncaught exception, as a worker that dies would give (the
    // main thread sees an `error` event and must re-run this chunk elsewhere).
    throw new Error(`injected worker crash (chunk at seed ${seedStart})`);
  }
  if (!wasm || poisoned) {
    postMessage({ type: 'fatal', id, message: 'worker has no usable wasm instance' });
    return;
  }
  const t0 = performance.now();
  let result;
  try {
    if (msg.type === 'explore') {
      const onProgress = (progress) => {
        postMessage({ type: 'progress', id, progress });
      };
      result = wasm.explore(config, { ...options, onProgress });
    } else if (msg.type === 'estimate') {
      result = wasm.estimateExplore(config, options);
    } else {
      result = wasm.hunt(config, seedStart, seedCount, options);
    }
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || !(e instanceof Error) || e.field === undefined) {
      // A trap (a Rust panic or out of memory) leaves the instance unusable.
      poisoned = true;
      postMessage({ type: 'fatal', id, message: String(e?.message ?? e) });
    } else {
      // The core's error data (`field`, `kind`, ...) travels with it: the page words it.
      postMessage({ type: 'error', id, message: e.message, data: { ...e } });
    }
    return;
  }
  postMessage({ type: 'result', id, result, ms: performance.now() - t0 });
}

// The partition this worker holds in a partitioned exploration (a wasm ExploreWorker), and the
// buffers its messages are written into (buffers.js).
let part = null;
const buffers = new Buffers(8);

function partition(msg) {
  const { id } = msg;
  try {
    let out = null;
    for (const b of msg.spares ?? []) buffers.give(b);
    if (msg.type === 'xstart') {
      part?.free();
      part = new wasm.ExploreWorker(msg.config, msg.options, msg.parts, msg.index);
    } else if (msg.type === 'xdrop') {
      part.dropRounds();
    } else if (msg.type === 'xassign') {
      part.assign(msg.search, msg.ids);
      return; // no answer: the next message to this worker comes after it
    } else if (msg.type === 'xabsorb') {
      const counted = part.absorb(msg.search, msg.inboxes.map(view), msg.cutoff);
      for (const inbox of msg.inboxes) buffers.give(inbox?.buf);
      const keys = packed(buffers, part.keysBytes(), (v) => part.keysInto(v));
      out = { keys, counted, tableBytes: part.tableBytes(), levelBytes: part.levelBytes() };
    } else {
      const r = msg.type === 'xseed' ? part.seed(msg.search) : part.expand(msg.search, msg.depth, msg.end);
      const bufs = r.bytes.map((n, p) => packed(buffers, n, (v) => part.outInto(p, v)));
      out = { bufs, violation: r.violation };
    }
    const transfer = [];
    for (const m of [out?.keys, ...(out?.bufs ?? [])]) if (m) transfer.push(m.buf);
    postMessage({ type: 'xdone', id, out }, transfer);
  } catch (e) {
    // The coordinator built the same inputs without error: anything here is fatal.
    postMessage({ type: 'fatal', id, message: String(e?.message ?? e) });
  }
}

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg?.type === 'init') init(msg);
  else if (msg?.type === 'hunt' || msg?.type === 'explore' || msg?.type === 'estimate') run(msg);
  else if (typeof msg?.type === 'string' && msg.type.startsWith('x')) partition(msg);
};
