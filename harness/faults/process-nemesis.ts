/**
 * The nemesis for one engine process: strikes from outside while watching the process's events.
 * - kill-random: SIGKILL the driver `delayMs` after its n-th event (a random instant of the run);
 * - kill-executor: SIGKILL one executor process once the driver has started executors;
 * - failpoint faults strike from inside (the engine SIGKILLs itself); they are recorded from
 *   their `failpoint.fired` event.
 */
import type { EngineEvent } from '../../engine/events.js';
import type { Fault, FaultHit } from '../history.js';
import type { EngineProcess } from '../process/engine-process.js';
import { failpointOf } from './failpoint-spec.js';

export interface ProcessNemesis {
  onEvent(event: EngineEvent, n: number, proc: EngineProcess): void;
  /** What struck, in order. */
  readonly hits: FaultHit[];
  /** Stop a pending strike (the process is gone). */
  disarm(): void;
}

export function processNemesis(fault: Fault | undefined): ProcessNemesis {
  const hits: FaultHit[] = [];
  const executors = new Map<number, number>(); // executorId -> pid
  const armedInside = failpointOf(fault) !== undefined;
  let timer: NodeJS.Timeout | undefined;
  return {
    hits,
    disarm() {
      if (timer) clearTimeout(timer);
    },
    onEvent(event, n, proc) {
      if (event.type === 'executor.started') executors.set(event.executorId, event.pid);
      if (event.type === 'failpoint.fired' && fault && armedInside) {
        hits.push({ kind: fault.kind, where: event.name, at: event.t || Date.now(), failpoint: { name: event.name, occurrence: event.occurrence } });
      }
      if (!fault || timer) return;
      if (fault.kind === 'kill-random' && n === fault.afterEvents) {
        timer = setTimeout(() => {
          hits.push({ kind: 'kill-random', where: `event #${n} +${fault.delayMs}ms`, at: Date.now() });
          proc.kill('SIGKILL');
        }, fault.delayMs);
      }
      if (fault.kind === 'kill-executor' && n >= fault.afterEvents && executors.size > 0) {
        const ids = [...executors.keys()].sort((a, b) => a - b);
        const pid = executors.get(ids[fault.executor % ids.length]!)!;
        timer = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
            hits.push({ kind: 'kill-executor', where: `executor pid ${pid} after event #${n}`, at: Date.now() });
          } catch {
            // the executor is already gone
          }
        }, 0);
      }
    },
  };
}
