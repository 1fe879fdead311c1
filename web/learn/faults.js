// Section 3: each fault finding of the article replayed in its own <qi-sim>, from cases.js.
// The figure in index.html names the case (data-case) and the claim (data-claim, data-path);
// the command line is written beside it from the same case.
import { FAULT_CASES } from './cases.js';
import { showRun } from './embed.js';

export async function setupFaults() {
  const jobs = [];
  for (const c of FAULT_CASES) {
    const fig = document.querySelector(`figure[data-case="${c.id}"]`);
    if (!fig) continue;
    const cli = fig.querySelector('.cli');
    if (cli) cli.textContent = c.cli;
    jobs.push(showRun(fig, { config: c.config(), replay: c.replay, title: c.heading, step: 'end' }));
  }
  await Promise.all(jobs);
}
