/**
 * Batch jobs in chaos trials: the batch engine in-process over memory stores (simulation,
 * executors 0, through runtime/run-job.ts with the same parameters an engine process derives from
 * the trial's config), the failure-free reference, and the job's own plain-loop oracle
 * (referenceResult) as the model. Process mode runs `engine run` like streaming (process-driver.ts,
 * the run from engine-options.ts trialEngineRun).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryCheckpointStore, Failpoints, nullEventSink } from '../../engine/index.js';
import { batchParamsOf, runBatchByRef } from '../../runtime/run-job.js';
import { loadBatchJob } from '../../runtime/jobs.js';
import { readBatchLines, sortedJsonLines } from '../oracle/output-readers.js';
import type { Fault, TrialSpec } from '../history.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { runInProcessIncarnation } from './in-process-incarnation.js';
export { BATCH_FAILPOINTS } from './batch-failpoints.js';

/**
 * Whether this build's engine process can run batch jobs: `engine run` (runtime/run-command.ts)
 * hands kind 'batch' to runBatchJob in engine/batch/run.js, so the compiled module must exist.
 */
export function batchProcessSupported(): boolean {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '..', '..', 'engine', 'batch', 'run.js'), path.resolve(here, '..', '..', 'dist', 'engine', 'batch', 'run.js')]) {
    if (fs.existsSync(candidate)) return true;
  }
  return false;
}

async function run(spec: TrialSpec, checkpoint: MemoryCheckpointStore, output: MemoryCheckpointStore, failpoints: Failpoints, events = nullEventSink) {
  checkpoint.failpoints = failpoints;
  output.failpoints = failpoints;
  return runBatchByRef({
    scenario: spec.scenario,
    seed: spec.seed,
    size: spec.input.size,
    params: await trialParams(spec),
    checkpoint,
    output,
    executors: 0,
    failpoints,
    events,
    ...(spec.config.mutant ? { mutant: spec.config.mutant } : {}),
  });
}

export async function batchFailureFree(spec: TrialSpec): Promise<string[]> {
  const fp = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://batch-reference-checkpoint', { failpoints: fp });
  const output = new MemoryCheckpointStore('memory://batch-reference-output', { failpoints: fp });
  await run(spec, checkpoint, output, fp);
  return readBatchLines(output);
}

/** The job's parameters in a trial: what an engine process derives from --partitions / --checkpoint-interval, then the spec's own. */
async function trialParams(spec: TrialSpec): Promise<Record<string, number>> {
  const job = await loadBatchJob(spec.scenario);
  return { ...batchParamsOf(job, { partitions: spec.config.partitions, checkpointInterval: spec.config.checkpointInterval }), ...(spec.params ?? {}) };
}

export async function batchModel(spec: TrialSpec): Promise<string[]> {
  const job = await loadBatchJob(spec.scenario);
  return sortedJsonLines(job.referenceResult(spec.seed, spec.input.size, await trialParams(spec)));
}

export async function batchSimDriver(spec: TrialSpec): Promise<IncarnationDriver> {
  const disarmed = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://batch-checkpoint', { failpoints: disarmed });
  const output = new MemoryCheckpointStore('memory://batch-output', { failpoints: disarmed });
  let started = false;
  return {
    mode: 'sim',
    run(index: number, fault: Fault | undefined): Promise<IncarnationResult> {
      return runInProcessIncarnation(index, fault, { checkpoint, output }, (failpoints, events) => {
        started = true;
        return run(spec, checkpoint, output, failpoints, events);
      });
    },
    afterKill: () => ({ checkpoint: 0, output: 0 }),
    // Not drawn for batch jobs (their checkpoint is datasets, not state versions).
    corruptCheckpoint: async () => [],
    readOutputs: () => readBatchLines(output),
    hasCheckpoint: async () => started,
    async dispose() {
      await checkpoint.destroy();
      await output.destroy();
    },
  };
}
