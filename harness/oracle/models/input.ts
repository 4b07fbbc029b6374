/** The scenario's input, from its own generator: the one thing a model shares with the engine. */
import { findBundledJob } from '../../../runtime/jobs.js';
import type { InputKnobs } from '../../../engine/job/index.js';
import type { TrialSpec } from '../../history.js';
import type { ModelRecord } from './micro-batches.js';

export function scenarioInput(spec: TrialSpec): { records: ModelRecord[]; knobs: InputKnobs } {
  const scenario = findBundledJob(spec.scenario);
  if (scenario.kind !== 'streaming') throw new Error(`${spec.scenario} is not a streaming job`);
  const knobs: InputKnobs = { ...scenario.defaults };
  for (const k of ['keys', 'disorderMs', 'lateFraction', 'growthBatches'] as const) {
    const v = spec.input[k];
    if (v !== undefined) knobs[k] = v;
  }
  return { records: scenario.generate(spec.seed, spec.input.size, knobs), knobs };
}
