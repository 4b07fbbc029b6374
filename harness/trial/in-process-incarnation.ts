/**
 * One incarnation of an engine running inside this process (simulation mode): arm the fault as
 * failpoints on the memory stores, run, and turn how the run ended into what a process exit would
 * have said. A SimulatedCrash is the stand-in for SIGKILL; the caller keeps only the stores.
 */
import type { MemoryCheckpointStore } from '../../engine/index.js';
import { InjectedFault, SimulatedCrash, UserError } from '../../engine/index.js';
import { Failpoints } from '../../engine/index.js';
import { MemoryEventSink } from '../../engine/index.js';
import type { Fault, FaultHit } from '../history.js';
import { CrashAtNthHit, simFailpoints } from '../faults/failpoint-spec.js';
import type { IncarnationResult } from './driver.js';

export async function runInProcessIncarnation(
  index: number,
  fault: Fault | undefined,
  stores: { checkpoint: MemoryCheckpointStore; output: MemoryCheckpointStore },
  body: (failpoints: Failpoints, events: MemoryEventSink) => Promise<unknown>,
): Promise<IncarnationResult> {
  const failpoints = simFailpoints(fault);
  stores.checkpoint.failpoints = failpoints;
  stores.output.failpoints = failpoints;
  const events = new MemoryEventSink();
  const startedAt = Date.now();
  const faultsHit: FaultHit[] = [];
  let exit: IncarnationResult['exit'];
  let killed = false;
  let stderrTail: string | undefined;
  try {
    await body(failpoints, events);
    exit = { code: 0, signal: null };
  } catch (err) {
    if (err instanceof SimulatedCrash) {
      killed = true;
      exit = { code: null, signal: 'SIGKILL' };
      const fired = failpoints instanceof CrashAtNthHit ? failpoints.fired : undefined;
      faultsHit.push({ kind: fault!.kind === 'kill-executor' ? 'kill-random' : fault!.kind === 'dead-attempt-files' ? 'kill-failpoint' : (fault!.kind as FaultHit['kind']), where: err.failpoint, at: Date.now(), ...(fired ? { failpoint: fired } : {}) });
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
    const disarmed = Failpoints.disarmed();
    stores.checkpoint.failpoints = disarmed;
    stores.output.failpoints = disarmed;
  }
  return { index, startedAt, endedAt: Date.now(), exit, fault, faultsHit, events: events.events, killed, ...(stderrTail ? { stderrTail } : {}) };
}
