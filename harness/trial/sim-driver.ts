/**
 * Simulation mode: the streaming engine in this process over memory stores. A SimulatedCrash
 * unwinds the engine; the instance is discarded and only what the memory store completed survives
 * (the Map is "the disk"). Each incarnation is a fresh runStreamingQuery call on the same stores.
 */
import { MemoryCheckpointStore } from '../../engine/checkpoint/memory-store.js';
import { InjectedFault, SimulatedCrash, UserError } from '../../engine/errors.js';
import { Failpoints } from '../../engine/failpoints.js';
import { MemoryEventSink } from '../../engine/events.js';
import { runStreamingQuery, readOutputRows } from '../../engine/streaming/run.js';
import type { Fault, FaultHit, TrialSpec } from '../history.js';
import { CrashAtNthHit, simFailpoints } from '../faults/failpoint-spec.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { streamingRunOptions } from './engine-options.js';

export async function simDriver(spec: TrialSpec): Promise<IncarnationDriver> {
  const disarmed = Failpoints.disarmed();
  const checkpoint = new MemoryCheckpointStore('memory://checkpoint', { failpoints: disarmed });
  const output = new MemoryCheckpointStore('memory://output', { failpoints: disarmed });
  return {
    mode: 'sim',
    async run(index: number, fault: Fault | undefined, partitions: number): Promise<IncarnationResult> {
      const failpoints = simFailpoints(fault);
      checkpoint.failpoints = failpoints;
      output.failpoints = failpoints;
      const events = new MemoryEventSink();
      const startedAt = Date.now();
      const faultsHit: FaultHit[] = [];
      let exit: IncarnationResult['exit'];
      let killed = false;
      let stderrTail: string | undefined;
      try {
        await runStreamingQuery({ ...streamingRunOptions(spec), partitions }, { checkpoint, output, failpoints, events });
        exit = { code: 0, signal: null };
      } catch (err) {
        if (err instanceof SimulatedCrash) {
          killed = true;
          exit = { code: null, signal: 'SIGKILL' };
          const fired = failpoints instanceof CrashAtNthHit ? failpoints.fired : undefined;
          faultsHit.push({ kind: fault!.kind === 'kill-executor' ? 'kill-random' : (fault!.kind as FaultHit['kind']), where: err.failpoint, at: Date.now(), ...(fired ? { failpoint: fired } : {}) });
        } else if (err instanceof InjectedFault && fault?.kind === 'io-error') {
          // The engine failed on the I/O error, as it must; the process would exit 1 and be restarted.
          killed = true;
          exit = { code: 1, signal: null };
          faultsHit.push({ kind: 'io-error', where: err.failpoint, at: Date.now() });
          stderrTail = err.message;
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
    readOutputs: () => readOutputRows(output),
    hasCheckpoint: async () => (await checkpoint.get('metadata')) !== undefined,
    async dispose() {
      await checkpoint.destroy();
      await output.destroy();
    },
  };
}
