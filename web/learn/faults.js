// Section 3: each fault finding of the article replayed in its own <qi-sim>, from cases.js.
// The figure in index.html names the case (data-case) and the claim (data-claim, data-path);
// the core writes the command line beside it.
import { reproduceReplay } from '../lib/index.js';
import { FAULT_CASES } from './cases.js';
import { showRun } from './embed.js';

export async function setupFaults() {
  const jobs = [];
  for (const c of FAULT_CASES) {
    const fig = document.querySelector(`figure[data-case="${c.id}"]`);
    if (!fig) continue;
    const config = c.config();
    // The command line is the core's (the CLI prints its reproduce lines with the same function).
    const cli = fig.querySelector('.cli');
    if (cli) cli.textContent = reproduceReplay(config, c.replay).command;
    jobs.push(showRun(fig, { config, replay: c.replay, title: c.heading, step: 'end' }));
  }
  await Promise.all(jobs);
}
