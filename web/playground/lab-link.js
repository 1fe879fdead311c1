// The program in the share link, compressed: `pz` is the program text deflated
// (CompressionStream 'deflate-raw') and written in base64url, in place of the plain `program`
// field the form would put in the hash. Compression is asynchronous and the hash is written
// synchronously, so the compressed text of the latest program is kept ready as it changes.
import { form } from './state.js';

let ready = { text: '', param: '' };
let pending = Promise.resolve();

function base64url(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unbase64url(s) {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (ch) => ch.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** `text` deflated and base64url-encoded. */
export async function compressProgram(text) {
  return base64url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
}

/** The text of a `pz` parameter (throws for one that is not a deflated text). */
export async function decompressProgram(param) {
  return new TextDecoder('utf-8', { fatal: true }).decode(await pipe(unbase64url(param), new DecompressionStream('deflate-raw')));
}

/** Compresses `text` (default: the form's program) for the next link; resolves when done. */
export function refreshProgramParam(text = form.elements.program.value) {
  pending = pending
    .then(async () => {
      if (text === ready.text) return;
      const param = text ? await compressProgram(text) : '';
      ready = { text, param };
    })
    .catch(() => {}); // no CompressionStream: the link keeps the plain text
  return pending;
}

/** The `pz` parameter of the form's program ('' for none, or while it is being compressed). */
export function programLinkParam() {
  const text = form.elements.program.value;
  return text && ready.text === text ? ready.param : '';
}

/**
 * The hook state.js's updateHash runs: hash `h` (from formToHash) with its plain `program`
 * field replaced by `pz` once that text is compressed (until then it stays plain, rather than
 * a link without the program).
 */
export function withProgramParam(h) {
  const p = new URLSearchParams(h);
  const text = p.get('program');
  if (!text) return h;
  if (ready.text !== text || !ready.param) {
    refreshProgramParam(text);
    return h;
  }
  p.delete('program');
  p.set('pz', ready.param);
  return p.toString();
}

/** The program of a link's `pz` into the form (its `kernel` field comes with the link); false if unreadable. */
export async function restoreProgramParam(param) {
  if (!param) return false;
  let text;
  try {
    text = await decompressProgram(param);
  } catch {
    return false;
  }
  ready = { text, param };
  form.elements.program.value = text;
  return true;
}
