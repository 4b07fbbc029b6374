/** A trial's input records: recorded ones (`--input`), or the job's own generator — the one thing a model shares with the engine. */
import type { InputKnobs, StreamingJob } from '../../../engine/job/index.js';
import { readRecords } from '../../../runtime/records.js';
import type { TrialSpec } from '../../history.js';
import type { ModelRecord } from './micro-batches.js';

export function trialInput(spec: TrialSpec, job: StreamingJob): { records: ModelRecord[]; knobs: InputKnobs } {
  const knobs: InputKnobs = { ...job.defaults };
  for (const k of ['keys', 'disorderMs', 'lateFraction', 'growthBatches'] as const) {
    const v = spec.input[k];
    if (v !== undefined) knobs[k] = v;
  }
  const records = spec.input.records !== undefined ? readRecords(spec.input.records).events : Array.from(job.generate(spec.seed, spec.input.size, knobs));
  return { records, knobs };
}
