// <qi-sim>'s scenarios: the commit message's schedule (public through index.js), the presets
// (from the generated presets.js), and the scenario an element's attributes describe, with a
// plain error for a bad attribute.
import { PRESETS, CANONICAL_REPLAY } from './presets.js';

/** The commit message's schedule (the core's `commit` preset): T1 submits one descriptor, T2 a
 * wait descriptor alone; ring of 8. */
export function seedScenarioConfig(policy = 'legacy') {
  const config = structuredClone(PRESETS.commit.config);
  config.policy = policy;
  config.scheduler = { kind: 'replay', choices: CANONICAL_REPLAY[policy] ?? CANONICAL_REPLAY.legacy };
  return config;
}

/** An attribute error: names the attribute and what it may be, in plain words. */
function attrError(name, value, allowed) {
  return new Error(`attribute ${name}="${value}" is not allowed: ${allowed}`);
}

/** The scenario an element's attributes describe; throws an Error naming a bad attribute. */
export function scenarioFromAttributes(el) {
  const policyAttr = el.getAttribute('policy');
  if (policyAttr != null && policyAttr !== 'legacy' && policyAttr !== 'fixed') {
    throw attrError('policy', policyAttr, 'use "legacy" or "fixed" (lower case)');
  }
  const policy = policyAttr ?? 'legacy';
  const preset = el.getAttribute('preset') || 'commit';
  const names = Object.keys(PRESETS);
  if (!names.includes(preset)) throw attrError('preset', preset, `use one of ${names.join(', ')}`);
  const seedAttr = el.getAttribute('seed');
  let seed = 0;
  if (seedAttr != null && seedAttr !== '') {
    if (!/^\d+$/.test(seedAttr.trim()) || !Number.isSafeInteger(Number(seedAttr))) {
      throw attrError('seed', seedAttr, 'use a whole number from 0 to 9,007,199,254,740,991');
    }
    seed = Number(seedAttr);
  }
  const schedAttr = el.getAttribute('scheduler');
  if (schedAttr != null && schedAttr !== 'random') throw attrError('scheduler', schedAttr, 'use "random" or leave it out');
  const stepAttr = el.getAttribute('step');
  if (stepAttr != null && stepAttr !== 'end' && !/^\d+$/.test(stepAttr.trim())) {
    throw attrError('step', stepAttr, 'use a step number (0 or more) or "end"');
  }
  // A bad replay string is rejected by the core when the run is built (qi-sim.js names the
  // attribute in that message).
  const replay = el.getAttribute('replay');
  const random = schedAttr === 'random';
  let config;
  if (preset === 'commit') config = seedScenarioConfig(policy);
  else config = structuredClone(PRESETS[preset].config);
  // A kernel preset keeps its version's policy unless the attribute names one.
  if (!config.kernel || policyAttr != null) config.policy = policy;
  config.seed = seed;
  if (replay) config.scheduler = { kind: 'replay', choices: replay };
  else if (random) config.scheduler = { kind: 'random' };
  const title =
    el.getAttribute('heading') ??
    (preset === 'commit' && !replay && !random
      ? `The commit message's schedule — ${policy} policy`
      : `${preset} scenario, ${policy} policy, seed ${config.seed}`);
  return { config, title };
}
