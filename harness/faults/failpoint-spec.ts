/**
 * How a Fault becomes the engine's failpoint spec (`name:occurrence:action`) or, in simulation, a
 * Failpoints instance whose crash handler throws SimulatedCrash instead of SIGKILLing the process.
 */
import { Failpoints, formatFailpoint, simulatedCrash, type FailpointSpec, type FailpointHit } from '../../engine/index.js';
import type { Fault, FaultHit } from '../history.js';

/** The failpoint armed by a fault, or undefined for faults that strike from outside (timers, executors). */
export function failpointOf(fault: Fault | undefined): FailpointSpec | undefined {
  if (!fault) return undefined;
  switch (fault.kind) {
    case 'kill-failpoint':
    case 'crash-in-recovery':
      return { name: fault.failpoint, occurrence: fault.occurrence, action: { type: 'crash' } };
    case 'torn-write':
      return { name: fault.failpoint, occurrence: fault.occurrence, action: { type: 'tear' } };
    case 'io-error':
      return { name: fault.failpoint, occurrence: fault.occurrence, action: { type: 'throw' } };
    case 'dead-attempt-files':
      // The restarted incarnation (over the dead attempt's files) is itself killed there, when drawn.
      return fault.thenKill ? { name: fault.thenKill.failpoint, occurrence: fault.thenKill.occurrence, action: { type: 'crash' } } : undefined;
    case 'broker-restart':
      // Hold the Kafka sink between sending a batch in its transaction and committing it, while the
      // nemesis kills the broker (it strikes on this failpoint's `failpoint.fired` event).
      return fault.midTransaction ? { name: 'sink.before-rename', occurrence: fault.occurrence ?? 1, action: { type: 'delay', ms: 1500 } } : undefined;
    default:
      return undefined;
  }
}

export function failpointFlag(fault: Fault | undefined): string | undefined {
  const fp = failpointOf(fault);
  return fp ? formatFailpoint(fp) : undefined;
}

const NEVER: FailpointSpec = { name: 'chaos.never-reached', occurrence: 1, action: { type: 'crash' } };

/**
 * Simulation's "random time": crash at the n-th failpoint the engine reaches, whatever its name.
 * Failpoints sit at every protocol step, so the n-th hit is a uniformly chosen step of the run.
 */
export class CrashAtNthHit extends Failpoints {
  private total = 0;
  /** Where it crashed: the failpoint and how often this incarnation had reached it, counting this time. */
  fired: { name: string; occurrence: number } | undefined;
  constructor(private readonly n: number) {
    super([NEVER], simulatedCrash);
  }
  override async hit(name: string): Promise<boolean> {
    this.total++;
    if (this.total === this.n) {
      this.fired = { name, occurrence: (this.reached().get(name) ?? 0) + 1 };
      this.onFire?.({ name, occurrence: this.total, action: 'crash' } satisfies FailpointHit);
      return this.crash(name);
    }
    return super.hit(name);
  }
}

/**
 * A sim trial as a process trial that strikes at the same places: a random-instant kill becomes a
 * kill at the failpoint and occurrence where the simulation crashed (process mode's events are not
 * failpoint hits, so the same number would strike elsewhere).
 */
export function asProcessSchedule(faults: readonly Fault[], hits: ReadonlyArray<readonly FaultHit[]>): Fault[] {
  return faults.map((f, i) => {
    const at = hits[i]?.find((h) => h.failpoint)?.failpoint;
    return (f.kind === 'kill-random' || f.kind === 'kill-executor') && at ? { kind: 'kill-failpoint', failpoint: at.name, occurrence: at.occurrence } : f;
  });
}

/** Failpoints for one simulated incarnation with `fault` armed. */
export function simFailpoints(fault: Fault | undefined): Failpoints {
  if (fault && (fault.kind === 'kill-random' || fault.kind === 'kill-executor')) {
    // No executor processes in simulation: an executor kill degrades to a driver crash at a random step.
    return new CrashAtNthHit(Math.max(1, fault.afterEvents));
  }
  const fp = failpointOf(fault);
  return new Failpoints(fp ? [fp] : [], simulatedCrash);
}
