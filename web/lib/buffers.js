// Recycled ArrayBuffers for the partitioned exploration's messages (pool-explore.js,
// pool-worker.js). Every message is copied out of a wasm instance and transferred; into a
// fresh ArrayBuffer each time, the browser maps and zero-fills new memory for every copy (in
// Chromium that cost more than the copies themselves), so each thread keeps the buffers it
// receives and writes its next messages into them.

/** A free list of ArrayBuffers. */
export class Buffers {
  constructor(keep = 32) {
    this.free = [];
    this.keep = keep;
  }

  /** A buffer of at least `bytes` bytes: the smallest free one that fits, or a new one. */
  take(bytes) {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i].byteLength;
      if (n >= bytes && (best < 0 || n < this.free[best].byteLength)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0];
    // Headroom: the next round's message is a little larger as often as not.
    return new ArrayBuffer(Math.max(64, Math.ceil(bytes * 1.25)));
  }

  /** Keeps `buf` (a transferred-away buffer, length 0, is dropped; so is the smallest one when full). */
  give(buf) {
    if (!buf || buf.byteLength === 0) return;
    this.free.push(buf);
    if (this.free.length > this.keep) {
      let small = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[small].byteLength) small = i;
      this.free.splice(small, 1);
    }
  }

  /** Up to `n` free buffers to hand to another thread (keeping `reserve`). */
  spare(n, reserve) {
    return this.free.length > reserve ? this.free.splice(0, Math.min(n, this.free.length - reserve)) : [];
  }
}

/** `bytes` bytes copied by `fill(view)` into a recycled buffer: `{ buf, bytes }`, or null when empty. */
export function packed(pool, bytes, fill) {
  if (!bytes) return null;
  const buf = pool.take(bytes);
  fill(new Uint8Array(buf, 0, bytes));
  return { buf, bytes };
}

/** A view of a `packed` message (an empty one for null). */
export const view = (m) => (m ? new Uint8Array(m.buf, 0, m.bytes) : new Uint8Array(0));
