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
import { InjectedFault, SimulatedCrash, UserError } from '../../engine/errors.js';
import { Failpoints } from '../../engine/failpoints.js';
import { MemoryEventSink, nullEventSink } from '../../engine/events.js';
import { canonicalLines, readJsonLinesOutput, runBatchScenario } from '../../engine/batch/run.js';
import { findBatchScenario } from '../../scenarios/batch/index.js';
import type { Fault, FaultHit, TrialSpec } from '../history.js';
import { CrashAtNthHit, simFailpoints } from '../faults/failpoint-spec.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
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
    async run(index: number, fault: Fault | undefined): Promise<IncarnationResult> {
      const failpoints = simFailpoints(fault);
      const events = new MemoryEventSink();
      const startedAt = Date.now();
      const faultsHit: FaultHit[] = [];
      let exit: IncarnationResult['exit'];
      let killed = false;
      let stderrTail: string | undefined;
      try {
        started = true;
        await run(spec, checkpoint, output, failpoints, events);
        exit = { code: 0, signal: null };
      } catch (err) {
        if (err instanceof SimulatedCrash) {
          killed = true;
          exit = { code: null, signal: 'SIGKILL' };
          const fired = failpoints instanceof CrashAtNthHit ? failpoints.fired : undefined;
          faultsHit.push({ kind: fault!.kind === 'kill-executor' ? 'kill-random' : (fault!.kind as FaultHit['kind']), where: err.failpoint, at: Date.now(), ...(fired ? { failpoint: fired } : {}) });
        } else if (err instanceof InjectedFault && fault?.kind === 'io-error') {
          killed = true;
          exit = { code: 1, signal: null };
          faultsHit.push({ kind: 'io-error', where: err.failpoint, at: Date.now() });
        } else if (err instanceof UserError) {
          exit = { code: err.exitCode, signal: null };
          stderrTail = err.message;
        } else {
          exit = { code: 1, signal: null };
          stderrTail = (err as Error)?.stack ?? String(err);
        }
      } finally {
        checkpoint.failpoints = disarmed;
        output.failpoints = disarmed;
      }
      return { index, startedAt, endedAt: Date.now(), exit, fault, faultsHit, events: events.events, killed, ...(stderrTail ? { stderrTail } : {}) };
    },
    afterKill: () => ({ checkpoint: 0, output: 0 }),
    readOutputs: async () => canonicalLines(await readJsonLinesOutput(output)),
    hasCheckpoint: async () => started,
    async dispose() {
      await checkpoint.destroy();
      await output.destroy();
    },
  };
}
