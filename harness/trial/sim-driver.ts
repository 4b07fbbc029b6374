/**
 * Simulation mode: the streaming engine in this process over memory stores. A SimulatedCrash
 * unwinds the engine; the instance is discarded and only what the memory store completed survives
 * (the Map is "the disk"). Each incarnation is a fresh runStreamingJob call on the same stores.
 */
import { MemoryCheckpointStore } from '../../engine/index.js';
import { Coverage, Failpoints } from '../../engine/index.js';
import { runStreamingJob } from '../../runtime/run-job.js';
import { readStreamingRows as readOutputRows } from '../oracle/output-readers.js';
import type { Fault, TrialSpec } from '../history.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { streamingRunOptions } from './engine-options.js';
import { runInProcessIncarnation } from './in-process-incarnation.js';
import { damage } from '../faults/corrupt-checkpoint.js';
import { ghostSpec, plantDeadAttempt } from '../faults/dead-attempt.js';

export async function simDriver(spec: TrialSpec): Promise<IncarnationDriver> {
  const disarmed = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://checkpoint', { failpoints: disarmed });
  const output = new MemoryCheckpointStore('memory://output', { failpoints: disarmed });
  return {
    mode: 'sim',
    run(index: number, fault: Fault | undefined, partitions: number): Promise<IncarnationResult> {
      return runInProcessIncarnation(index, fault, { checkpoint, output }, (failpoints, events) =>
        runStreamingJob({ ...streamingRunOptions(spec), partitions }, { checkpoint, output, failpoints, events, coverage: new Coverage(events) }),
      );
    },
    afterKill: () => ({ checkpoint: 0, output: 0 }),
    async corruptCheckpoint(scope) {
      const doomed = damage([...checkpoint.objects.keys()], scope, (key) => checkpoint.objects.get(key)!);
      for (const { key, bytes } of doomed) checkpoint.objects.set(key, bytes);
      return doomed.map((d) => d.key);
    },
    async plantDeadAttempt(fault, partitions) {
      const ghost = ghostSpec(spec, fault);
      return plantDeadAttempt({ checkpoint, output }, fault, async (kill) => {
        const r = await runInProcessIncarnation(-1, kill, { checkpoint, output }, (failpoints, events) =>
          runStreamingJob({ ...streamingRunOptions(ghost), partitions }, { checkpoint, output, failpoints, events, coverage: new Coverage(events) }),
        );
        return { killed: r.killed && r.exit.signal === 'SIGKILL', events: r.events, exit: r.exit.signal ?? `exit ${r.exit.code}` };
      });
    },
    readOutputs: () => readOutputRows(output),
    hasCheckpoint: async () => (await checkpoint.get('metadata')) !== undefined,
    async dispose() {
      await checkpoint.destroy();
      await output.destroy();
    },
  };
}
