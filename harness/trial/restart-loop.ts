/**
 * The restart policy: run the engine, and after every kill restart it on the same checkpoint until
 * the bounded input is fully processed. A trial that does not get there within a bound of
 * incarnations or time (a crash loop, a hang) gets a liveness verdict of its own.
 */
import type { Fault, Incarnation, TrialSpec, Verdict } from '../history.js';
import type { IncarnationDriver } from './driver.js';
import { describePlanting } from '../faults/dead-attempt.js';

export interface LoopResult {
  incarnations: Incarnation[];
  finished: boolean;
  kills: number;
  verdicts: Verdict[];
}

export async function restartUntilDone(spec: TrialSpec, driver: IncarnationDriver, deadline: number): Promise<LoopResult> {
  const faults = spec.schedule.faults;
  const maxIncarnations = faults.length + 3;
  const incarnations: Incarnation[] = [];
  const verdicts: Verdict[] = [];
  let kills = 0;
  for (let i = 0; i < maxIncarnations; i++) {
    if (Date.now() > deadline) break;
    let fault: Fault | undefined = faults[i];
    // A changed partition count is only a config change when there is a checkpoint to restart from.
    const changed = fault?.kind === 'changed-partitions' && (await driver.hasCheckpoint());
    if (fault?.kind === 'changed-partitions' && !changed) fault = undefined;
    const partitions = changed && fault?.kind === 'changed-partitions' ? fault.partitions : spec.config.partitions;
    // Bit rot while the engine is down: damage state files, then restart on them.
    const damaged = fault?.kind === 'corrupt-checkpoint' ? await driver.corruptCheckpoint(fault.scope) : [];
    // A dead attempt of the next batch (another plan) left its files: the restart must replace them.
    const planting = fault?.kind === 'dead-attempt-files' ? await driver.plantDeadAttempt?.(fault, partitions) : undefined;
    const r = await driver.run(i, fault, partitions);
    const { killed, ...inc } = r;
    incarnations.push(inc);
    // An executor kill leaves the driver running (it replaces the executor): a kill, not a restart.
    kills += r.faultsHit.filter((h) => h.kind === 'kill-executor').length;
    if (changed) {
      inc.faultsHit.push({ kind: 'changed-partitions', where: `restart with ${partitions} partitions (was ${spec.config.partitions})`, at: r.startedAt });
      if (r.exit.code !== 0 && r.exit.code !== 2) {
        verdicts.push({
          checker: 'clean-exit',
          ok: false,
          message: `incarnation ${i} (restart with ${partitions} partitions) failed with ${r.exit.signal ?? `code ${r.exit.code}`} instead of refusing cleanly: ${(r.stderrTail ?? '').trim().slice(0, 300) || '(no message)'}`,
        });
        return { incarnations, finished: false, kills, verdicts };
      }
      const refused = r.exit.code === 2 && /partition/i.test(r.stderrTail ?? '');
      verdicts.push({
        checker: 'config-change-refused',
        ok: refused,
        message: refused
          ? `restart with ${partitions} partitions instead of ${spec.config.partitions} was refused with a clear error`
          : `restart with ${partitions} partitions instead of ${spec.config.partitions} was not refused (exit ${r.exit.code ?? r.exit.signal}${r.stderrTail ? `: ${r.stderrTail.slice(0, 200)}` : ''}); a checkpoint written with another partition count must not be reused`,
      });
      if (!refused) return { incarnations, finished: false, kills, verdicts };
      continue;
    }
    if (damaged.length > 0) {
      inc.faultsHit.push({ kind: 'corrupt-checkpoint', where: `damaged ${damaged.length === 1 ? damaged[0] : `${damaged.length} state files`} at rest`, at: r.startedAt });
      // Recovery may stop with a clear error when no older state version can be replayed: a correct refusal, not a finding.
      if (r.exit.code === 2 && /cannot recover/.test(r.stderrTail ?? '')) {
        verdicts.push({ checker: 'corruption-refused', ok: true, message: `damaged state files were detected and recovery stopped with a clear error: ${(r.stderrTail ?? '').trim().slice(0, 200)}` });
        return { incarnations, finished: false, kills, verdicts };
      }
    }
    if (planting && fault?.kind === 'dead-attempt-files') {
      inc.faultsHit.unshift({ kind: 'dead-attempt-files', where: describePlanting(planting, fault), at: r.startedAt });
      // Refusing to go on over files it cannot vouch for, naming one, is a correct outcome (not a finding).
      const text = r.stderrTail ?? '';
      if (r.exit.code === 2 && planting.planted.some((key) => text.includes(key))) {
        verdicts.push({ checker: 'dead-attempt-refused', ok: true, message: `the dead attempt's files were detected and the restart stopped with a clear error: ${text.trim().slice(0, 200)}` });
        return { incarnations, finished: false, kills, verdicts };
      }
    }
    if (r.fault?.kind === 'zombie' && r.faultsHit.some((h) => h.kind === 'zombie')) verdicts.push(zombieVerdict(i, r));
    if (killed) {
      if (r.exit.signal === 'SIGKILL') kills++;
      const lost = driver.afterKill();
      if (lost.checkpoint + lost.output > 0) {
        inc.lostWrites = lost.checkpoint + lost.output;
        inc.lostWritesBy = lost;
      }
      // The power cut itself is the lost-writes strike: the unsynced writes of a killed process were
      // dropped (possibly none, when it had fsynced all it wrote).
      if (spec.schedule.lostWrites) {
        inc.faultsHit.push({ kind: 'lost-writes', where: `after the kill: ${lost.checkpoint} checkpoint and ${lost.output} output writes not fsynced were dropped`, at: Date.now() });
      }
      continue;
    }
    if (r.exit.code === 0) return { incarnations, finished: true, kills, verdicts };
    if (Date.now() > deadline) break; // killed by the hang timer: a liveness failure, below
    verdicts.push({
      checker: 'clean-exit',
      ok: false,
      message: `incarnation ${i} exited with ${r.exit.signal ?? `code ${r.exit.code}`} without being killed: ${(r.stderrTail ?? '').trim().slice(0, 300) || '(no message)'}`,
    });
    return { incarnations, finished: false, kills, verdicts };
  }
  const timedOut = Date.now() > deadline;
  verdicts.push({
    checker: 'liveness',
    ok: false,
    message: timedOut
      ? `input not fully processed before the trial's time bound (${incarnations.length} incarnations): a hang or a crash loop`
      : `input not fully processed after ${incarnations.length} incarnations (${faults.length} faults scheduled): a crash loop`,
  });
  return { incarnations, finished: false, kills, verdicts };
}

/**
 * A zombie (an incarnation whose successor was started while it still ran) must either be fenced —
 * exit 1 with the engine's "fenced: …" message — or finish (exit 0) having won every write-once file
 * it published (first writer wins, as in Spark's offset/commit logs: a zombie left running can win
 * and its successor is then the one refused, and restarted);
 * whether its writes mixed into the output is the exactly-once checker's business. Anything else
 * (a crash, another error) is a failure of its own.
 */
export function zombieVerdict(i: number, r: Incarnation): Verdict {
  const text = (r.stderrTail ?? '').trim();
  const fenced = r.exit.code === 1 && /fenced/.test(text);
  const ok = fenced || r.exit.code === 0;
  return {
    checker: 'zombie-fenced',
    ok,
    message: fenced
      ? `zombie incarnation ${i} was fenced: ${text.split('\n').find((l) => /fenced/.test(l))?.slice(0, 240)}`
      : r.exit.code === 0
        ? `zombie incarnation ${i} finished (exit 0): it won every write-once checkpoint file it wrote (its successor, if it collided, was the one refused and restarted)`
        : `zombie incarnation ${i} exited with ${r.exit.signal ?? `code ${r.exit.code}`} instead of being fenced (exit 1, "fenced: …"): ${text.slice(0, 300) || '(no message)'}`,
  };
}
