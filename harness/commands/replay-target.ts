/**
 * `chaos replay FILE` for a trial of an external target: the same spec, input seed, master and
 * fault schedule (kills at the same named points, random kills after the same point count plus
 * the same delay), judged by the same checker.
 */
import { UserError } from '../../engine/index.js';
import type { ReplayFile } from '../history.js';

export async function replayTarget(replay: ReplayFile, o: { mode?: string; json?: boolean }): Promise<number> {
  const ref = replay.trial.target!;
  if (o.mode && o.mode !== 'process') throw new UserError('a target trial replays with real processes only: drop --mode');
  const { resolveTarget } = await import('../targets/run-target.js');
  const target = resolveTarget(ref.spec, { master: ref.master, ...(ref.prestart !== undefined ? { prestart: ref.prestart } : {}) });
  if (target.spec.sha256 !== ref.sha256) process.stderr.write(`chaos replay: note: ${ref.spec} changed since this trial ran (sha256 differs); replaying with the spec as it is now\n`);
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { runTargetTrial } = await import('../targets/target-trial.js');
  const { failureMessage } = await import('../oracle/checkers.js');
  const trial = { ...replay.trial, target: { ...ref, sha256: target.spec.sha256 } };
  process.stderr.write(`chaos replay: target ${target.spec.name} (${ref.engine ?? target.spec.engine}, master ${target.master}), input seed ${trial.seed}, faults ${JSON.stringify(trial.schedule.faults)}\n`);
  const h = await runTargetTrial(target, trial);
  if (o.json) process.stdout.write(JSON.stringify(h) + '\n');
  const before = replay.history?.ok === false ? failureMessage(replay.history) : undefined;
  if (h.ok) {
    process.stderr.write(`chaos replay: all checkers held now (${h.kills} kills)${before ? `; it failed before with: ${before}` : ''}\n`);
    return 0;
  }
  process.stderr.write(`chaos replay: FAILED again (${h.kills} kills): ${failureMessage(h)}\n`);
  return 1;
}
