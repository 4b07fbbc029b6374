/**
 * The independent model of a trial's job: the job's own `model` (engine/job JobModel — plain code,
 * no engine operators), fed the input as the harness cuts it into micro-batches from the documented
 * protocol (micro-batches.ts), independently of the engine. Jobs without a model get no model check.
 */
import type { JobModel, StreamingJob } from '../../../engine/job/index.js';
import { loadJob } from '../../../runtime/jobs.js';
import type { TrialSpec } from '../../history.js';
import type { ScenarioModel } from './model.js';
import { trialInput } from './input.js';
import { microBatches } from './micro-batches.js';

export async function modelFor(spec: Pick<TrialSpec, 'scenario'>): Promise<ScenarioModel | undefined> {
  const job = await loadJob(spec.scenario);
  if (job.kind !== 'streaming' || !job.model) return undefined;
  return jobModel(job, job.model);
}

function jobModel(job: StreamingJob, m: JobModel): ScenarioModel {
  return {
    scenario: job.name,
    perKeyOrder: m.perKeyOrder ?? false,
    ...(m.outputMode ? { outputMode: m.outputMode } : {}),
    ...(m.shape ? { shape: m.shape as ScenarioModel['shape'] } : {}),
    expected(spec) {
      const { records, knobs } = trialInput(spec, job);
      const delay = m.watermarkDelayMs?.(knobs);
      const batches = microBatches(records, {
        partitions: spec.config.partitions,
        maxBatchRecords: spec.config.maxBatchRecords,
        growthBatches: knobs.growthBatches,
        ...(delay !== undefined ? { watermarkDelayMs: delay } : {}),
      });
      return m.expected({ seed: spec.seed, knobs, batches: batches as Parameters<typeof m.expected>[0]['batches'] }).map((row) => JSON.stringify(row));
    },
  };
}
