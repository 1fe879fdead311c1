// The explorable article (web/learn/index.html), built only from the qisim package's public
// entry points: ../lib/index.js (the wasm API and the worker pool) and ../lib/qi-sim.js
// (<qi-sim>).
import init from '../lib/index.js';
import '../lib/qi-sim.js';
import { setupStory } from './story.js';
import { setupFaults } from './faults.js';
import { setupProofs } from './prove.js';
import { setupKernelTable } from './kernel-table.js';

async function main() {
  await init();
  setupProofs();
  await Promise.all([setupStory(), setupFaults()]);
  document.body.dataset.embeds = 'ready';
  await setupKernelTable();
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const box = document.getElementById('page-error');
  box.hidden = false;
  box.textContent = `The article's runs could not start: ${e?.message ?? e}`;
  document.body.dataset.ready = 'error';
  throw e;
});
