/**
 * How many recoveries in a row died before catching up: `<checkpoint>/recovery-attempts`, written
 * when a recovery begins and removed once it has caught up. A restart that finds the file knows
 * the previous recovery was interrupted (and how often in a row) — the crash-loop signal a
 * restart policy such as Flink's failure-rate strategy acts on, and the condition for the
 * `recovery.interrupted-*` coverage points.
 *
 * It must NOT influence what recovery reads or does: it only counts. A torn or missing file counts
 * as one interrupted attempt or none; the checkpoint itself stays the only truth.
 */
import { getJson, putJson } from '../checkpoint/checked.js';
import { CorruptCheckpointError } from '../checkpoint/codec.js';
import type { ExecutionContext } from './context.js';

export const RECOVERY_ATTEMPTS_KEY = 'recovery-attempts';

interface AttemptsFile {
  /** Recoveries begun since the last one that caught up (this one included). */
  attempts: number;
}

/** Records that a recovery begins; returns its attempt number (1 = the previous recovery, if any, caught up). */
export async function beginRecoveryAttempt(ctx: ExecutionContext): Promise<number> {
  let before = 0;
  try {
    before = (await getJson<AttemptsFile>(ctx.checkpoint, RECOVERY_ATTEMPTS_KEY))?.attempts ?? 0;
  } catch (err) {
    if (!(err instanceof CorruptCheckpointError)) throw err;
    before = 1; // torn while an earlier recovery was recording itself: that recovery died
  }
  if (before >= 1) ctx.coverage.hit('recovery.interrupted-once');
  if (before >= 2) ctx.coverage.hit('recovery.interrupted-twice');
  const attempt = before + 1;
  await putJson(ctx.checkpoint, RECOVERY_ATTEMPTS_KEY, { attempts: attempt } satisfies AttemptsFile, 'recovery-attempts');
  return attempt;
}

/** The recovery caught up: the next restart starts counting again. */
export async function endRecoveryAttempt(ctx: ExecutionContext): Promise<void> {
  await ctx.checkpoint.delete([RECOVERY_ATTEMPTS_KEY]);
}
