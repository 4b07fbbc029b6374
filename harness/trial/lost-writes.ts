/**
 * Where a lost-writes fault can mean something: only a directory on this machine's filesystem
 * journals writes (lazy-fs) and drops the unsynced ones after a kill. An S3 checkpoint or an S3 /
 * Kafka sink has no such directory, so a lost-writes fault there would strike nothing.
 */
import type { FaultSchedule, TrialConfig } from '../history.js';

export type LostWritesSide = 'checkpoint' | 'output';

/** The sides of a trial that live on the local filesystem (and can lose unsynced writes). */
export function lostWritesSides(config: Pick<TrialConfig, 'store' | 'sink'>): LostWritesSide[] {
  const sides: LostWritesSide[] = [];
  if (config.store === 'fs') sides.push('checkpoint');
  if (config.sink === 'files' || config.sink === 'append') sides.push('output');
  return sides;
}

/** The `lostWritesIn` choices that strike at least one local directory. */
export function lostWritesChoices(config: Pick<TrialConfig, 'store' | 'sink'>): NonNullable<FaultSchedule['lostWritesIn']>[] {
  const sides = lostWritesSides(config);
  return sides.length === 2 ? ['both', 'checkpoint', 'output'] : sides;
}
