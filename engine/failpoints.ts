/**
 * Named failpoints: exact places in the engine where the harness makes it fail.
 *
 * Spec (flag `--failpoints` or env `CHAOS_FAILPOINTS`): comma-separated `name[:occurrence]:action`,
 *   action = crash | throw | delay:<ms> | tear
 * e.g. `offsets.written:3:crash,state.write:tear,sink.begin:2:delay:200`.
 * `occurrence` (default 1) is the n-th time this process reaches that name. `crash` kills the
 * process with SIGKILL (in simulation: throws SimulatedCrash); `tear` makes the file being written
 * there hold only part of its bytes, then crashes.
 *
 * Disarmed (the normal case) `hit` returns at its first line: no lookup, no allocation.
 */
import { SimulatedCrash, InjectedFault, UserError } from './errors.js';

export type FailAction = { type: 'crash' } | { type: 'throw' } | { type: 'delay'; ms: number } | { type: 'tear' };

export interface FailpointSpec {
  name: string;
  occurrence: number;
  action: FailAction;
}

/** How a crash is carried out: a real SIGKILL in process mode, an exception in simulation. */
export type CrashHandler = (failpoint: string) => never;

export const sigkillSelf: CrashHandler = (failpoint) => {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to self is delivered asynchronously on some kernels: never run another line of the engine.
  const forever = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(forever, 0, 0, 1000);
  // unreachable; keeps the `never` type honest
  throw new Error(`unreachable after crash at ${failpoint}`);
};

export const simulatedCrash: CrashHandler = (failpoint) => {
  throw new SimulatedCrash(failpoint);
};

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export function parseFailpoints(spec: string | undefined): FailpointSpec[] {
  if (!spec || !spec.trim()) return [];
  return spec.split(',').map((part) => parseOne(part.trim()));
}

function parseOne(text: string): FailpointSpec {
  const bad = (why: string) =>
    new UserError(
      `bad failpoint "${text}": ${why}. Expected name[:occurrence]:action with action crash | throw | delay:<ms> | tear, ` +
        'e.g. offsets.written:2:crash',
    );
  const parts = text.split(':');
  const name = parts.shift() ?? '';
  if (!NAME.test(name)) throw bad('the name must look like step.point (lowercase, dot separated)');
  let occurrence = 1;
  if (parts.length > 0 && /^\d+$/.test(parts[0]!)) occurrence = Number(parts.shift());
  if (occurrence < 1) throw bad('occurrence counts from 1');
  const actionName = parts.shift();
  let action: FailAction;
  switch (actionName) {
    case 'crash':
    case 'throw':
    case 'tear':
      action = { type: actionName };
      break;
    case 'delay': {
      const ms = Number(parts.shift());
      if (!Number.isFinite(ms) || ms < 0) throw bad('delay needs a number of milliseconds, e.g. delay:200');
      action = { type: 'delay', ms };
      break;
    }
    default:
      throw bad(actionName ? `unknown action "${actionName}"` : 'missing action');
  }
  if (parts.length > 0) throw bad(`unexpected "${parts.join(':')}"`);
  return { name, occurrence, action };
}

export function formatFailpoint(fp: FailpointSpec): string {
  const action = fp.action.type === 'delay' ? `delay:${fp.action.ms}` : fp.action.type;
  return `${fp.name}:${fp.occurrence}:${action}`;
}

export interface FailpointHit {
  name: string;
  occurrence: number;
  action: FailAction['type'];
}

export class Failpoints {
  readonly armed: boolean;
  private readonly specs: FailpointSpec[];
  private readonly counts = new Map<string, number>();
  /** Called just before an armed action fires, e.g. to emit an event while the process still lives. */
  onFire: ((hit: FailpointHit) => void) | undefined;

  constructor(specs: FailpointSpec[] = [], private readonly crashHandler: CrashHandler = sigkillSelf) {
    this.specs = specs;
    this.armed = specs.length > 0;
  }

  static disarmed(): Failpoints {
    return new Failpoints([]);
  }

  /**
   * The engine reached failpoint `name`. Returns true when a `tear` is armed here: the caller
   * writes part of its bytes where the whole file should go, then calls `crash(name)`.
   */
  async hit(name: string): Promise<boolean> {
    if (!this.armed) return false;
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const spec = this.specs.find((s) => s.name === name && s.occurrence === n);
    if (!spec) return false;
    this.onFire?.({ name, occurrence: n, action: spec.action.type });
    switch (spec.action.type) {
      case 'crash':
        return this.crash(name);
      case 'throw':
        throw new InjectedFault(name);
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, (spec.action as { ms: number }).ms));
        return false;
      case 'tear':
        return true;
    }
  }

  crash(name: string): never {
    return this.crashHandler(name);
  }

  /** How often each failpoint was reached in this process (only counted while armed). */
  reached(): ReadonlyMap<string, number> {
    return this.counts;
  }
}
