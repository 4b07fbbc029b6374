/**
 * Checks a TrialSpec read from outside (a replay file a person may have edited) before anything
 * runs. A value no generator could have produced — a size of -5, an unknown fault kind, a
 * partition count of 0 — is bad input (UserError, exit 2) naming the field and what it accepts;
 * running it anyway would turn a typo into a "finding" (exit 1). This must NOT judge whether the
 * trial passes: only whether it is a trial at all.
 */
import { UserError } from '../../engine/index.js';
import { FAULT_KINDS, type TrialSpec } from '../history.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(file: string, field: string, value: unknown, accepts: string): never {
  throw new UserError(`${file}: ${field} is ${JSON.stringify(value) ?? 'missing'}, but it must be ${accepts}; fix the replay file or regenerate it with chaos run`);
}

function int(file: string, obj: Json, key: string, where: string, min: number, max = Number.MAX_SAFE_INTEGER, optional = false): void {
  const v = obj[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) fail(file, `${where}.${key}`, v, `a whole number from ${min} to ${max}`);
}

function num(file: string, obj: Json, key: string, where: string, min: number, max: number, optional = false): void {
  const v = obj[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(file, `${where}.${key}`, v, `a number from ${min} to ${max}`);
}

function choice(file: string, obj: Json, key: string, where: string, choices: readonly string[], optional = false): void {
  const v = obj[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || !choices.includes(v)) fail(file, `${where}.${key}`, v, `one of ${choices.join(', ')}`);
}

function str(file: string, obj: Json, key: string, where: string, optional = false): void {
  const v = obj[key];
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || !v.trim()) fail(file, `${where}.${key}`, v, 'a non-empty string');
}

/** Throws a UserError naming the first field of `t` that no trial could have. */
export function checkTrialSpec(t: unknown, file: string): asserts t is TrialSpec {
  if (!isObject(t)) fail(file, 'trial', t, 'an object');
  str(file, t, 'scenario', 'trial');
  choice(file, t, 'kind', 'trial', ['streaming', 'batch']);
  int(file, t, 'seed', 'trial', -(2 ** 31), 2 ** 32);
  if (!isObject(t.input)) fail(file, 'trial.input', t.input, 'an object');
  int(file, t.input, 'size', 'trial.input', 0, 10_000_000);
  int(file, t.input, 'keys', 'trial.input', 1, 1_000_000, true);
  int(file, t.input, 'disorderMs', 'trial.input', 0, 86_400_000, true);
  num(file, t.input, 'lateFraction', 'trial.input', 0, 1, true);
  int(file, t.input, 'growthBatches', 'trial.input', 1, 100_000, true);
  str(file, t.input, 'records', 'trial.input', true);
  if (t.params !== undefined) {
    if (!isObject(t.params)) fail(file, 'trial.params', t.params, 'an object of numbers');
    for (const k of Object.keys(t.params)) num(file, t.params, k, 'trial.params', 0, 1_000_000);
  }
  const c = t.config;
  if (!isObject(c)) fail(file, 'trial.config', c, 'an object');
  int(file, c, 'partitions', 'trial.config', 1, 1024);
  int(file, c, 'checkpointInterval', 'trial.config', 0, 100_000);
  int(file, c, 'executors', 'trial.config', 0, 64);
  int(file, c, 'maxBatchRecords', 'trial.config', 1, 10_000_000);
  int(file, c, 'snapshotEvery', 'trial.config', 1, 1_000_000, true);
  int(file, c, 'retainBatches', 'trial.config', 0, 1_000_000, true);
  str(file, c, 'mutant', 'trial.config', true);
  choice(file, c, 'store', 'trial.config', ['fs', 's3', 'memory']);
  choice(file, c, 'source', 'trial.config', ['log', 'kafka']);
  choice(file, c, 'sink', 'trial.config', ['files', 'append', 's3', 'kafka']);
  choice(file, c, 'services', 'trial.config', ['auto', 'local', 'containers', 'external'], true);
  const s = t.schedule;
  if (!isObject(s)) fail(file, 'trial.schedule', s, 'an object');
  if (typeof s.lostWrites !== 'boolean') fail(file, 'trial.schedule.lostWrites', s.lostWrites, 'true or false');
  choice(file, s, 'lostWritesIn', 'trial.schedule', ['checkpoint', 'output', 'both'], true);
  if (!Array.isArray(s.faults)) fail(file, 'trial.schedule.faults', s.faults, 'an array of faults');
  s.faults.forEach((f: unknown, i: number) => {
    const where = `trial.schedule.faults[${i}]`;
    if (!isObject(f)) fail(file, where, f, 'a fault object');
    choice(file, f, 'kind', where, FAULT_KINDS);
    switch (f.kind) {
      case 'kill-random':
        int(file, f, 'afterEvents', where, 0, 1_000_000);
        int(file, f, 'delayMs', where, 0, 3_600_000);
        break;
      case 'kill-failpoint':
      case 'torn-write':
      case 'crash-in-recovery':
      case 'io-error':
        str(file, f, 'failpoint', where);
        int(file, f, 'occurrence', where, 1, 1_000_000);
        break;
      case 'kill-executor':
        int(file, f, 'afterEvents', where, 0, 1_000_000);
        int(file, f, 'executor', where, 0, 1024);
        str(file, f, 'executorFailpoint', where, true);
        int(file, f, 'executorOccurrence', where, 1, 1_000_000, true);
        break;
      case 'changed-partitions':
        int(file, f, 'partitions', where, 1, 1024);
        break;
      case 'corrupt-checkpoint':
        choice(file, f, 'scope', where, ['newest-state', 'every-state', 'stale-state']);
        break;
      case 'dead-attempt-files':
        choice(file, f, 'scope', where, ['part-and-state', 'state-only']);
        int(file, f, 'maxBatchRecords', where, 1, 10_000_000);
        int(file, f, 'snapshotEvery', where, 1, 1_000_000, true);
        if (f.thenKill !== undefined) {
          if (!isObject(f.thenKill)) fail(file, `${where}.thenKill`, f.thenKill, 'an object { failpoint, occurrence }');
          str(file, f.thenKill, 'failpoint', `${where}.thenKill`);
          int(file, f.thenKill, 'occurrence', `${where}.thenKill`, 1, 1_000_000);
        }
        break;
      case 'storage-restart':
        int(file, f, 'afterEvents', where, 0, 1_000_000);
        int(file, f, 'downMs', where, 0, 3_600_000);
        break;
      case 'storage-outage':
        int(file, f, 'afterEvents', where, 0, 1_000_000);
        choice(file, f, 'mode', where, ['blackhole', 'reset', 'latency']);
        int(file, f, 'forMs', where, 0, 3_600_000);
        int(file, f, 'latencyMs', where, 0, 3_600_000, true);
        break;
    }
  });
  if (typeof t.checkDeterminism !== 'boolean' && t.checkDeterminism !== undefined) fail(file, 'trial.checkDeterminism', t.checkDeterminism, 'true or false');
}
