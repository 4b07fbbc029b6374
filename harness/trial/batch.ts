/**
 * Batch scenarios in chaos trials: the batch engine's runBatchScenario in-process over memory
 * stores (simulation, executors 0), the failure-free reference, and the scenario's own
 * plain-loop oracle (referenceResult) as the model. Process mode runs `engine run` like streaming
 * (process-driver.ts, arguments from engine-options.ts batchRunArgs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { Failpoints } from '../../engine/failpoints.js';
import { nullEventSink } from '../../engine/events.js';
import { canonicalLines, readJsonLinesOutput, runBatchScenario } from '../../engine/batch/run.js';
import { findBatchScenario } from '../../scenarios/batch/index.js';
import { batchSteps } from '../../engine/mutants/batch/index.js';
import type { Fault, TrialSpec } from '../history.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { runInProcessIncarnation } from './in-process-incarnation.js';
export { BATCH_FAILPOINTS } from './batch-failpoints.js';

/**
 * Whether this build's engine process can run batch scenarios: `engine run` (engine/run-command.ts)
 * hands kind 'batch' to runBatchScenario in engine/batch/run.js, so the compiled module must exist.
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
  return runBatchScenario({
    scenario: spec.scenario,
    seed: spec.seed,
    size: spec.input.size,
    ...(spec.params ? { params: spec.params } : {}),
    checkpoint,
    output,
    executors: 0,
    failpoints,
    events,
    ...(spec.config.mutant ? { checkpointSteps: batchSteps(spec.config.mutant) } : {}),
  });
}

export async function batchFailureFree(spec: TrialSpec): Promise<string[]> {
  const fp = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://batch-reference-checkpoint', { failpoints: fp });
  const output = new MemoryCheckpointStore('memory://batch-reference-output', { failpoints: fp });
  await run(spec, checkpoint, output, fp);
  return canonicalLines(await readJsonLinesOutput(output));
}

export function batchModel(spec: TrialSpec): string[] {
  return canonicalLines(findBatchScenario(spec.scenario).referenceResult(spec.seed, spec.input.size, spec.params));
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
    readOutputs: async () => canonicalLines(await readJsonLinesOutput(output)),
    hasCheckpoint: async () => started,
    async dispose() {
      await checkpoint.destroy();
      await output.destroy();
    },
  };
}
