// A worker that asks the package's `kernelAnswer` (the core's answer to "is the kernel I ship
// affected?", about a second per kernel) off the page's thread: { id, version } in,
// { id, answer } or { id, error } out.
import init, { kernelAnswer } from '../lib/index.js';

const ready = init();
self.onmessage = async (e) => {
  const { id, version } = e.data;
  try {
    await ready;
    self.postMessage({ id, answer: kernelAnswer(version) });
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
