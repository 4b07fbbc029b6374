/**
 * The package root (`import ... from 'checkpoint-chaos'`): the job-author API, so a user's own job
 * is written exactly as the bundled scenarios are, and the recovery checks for a user's own test
 * suite. The checks load the harness only when called, so a job module importing this root stays
 * light in every engine and executor process.
 */
export * from './engine/job/index.js';
export type { CheckRecoveryOptions } from './harness/check-recovery.js';
export type { RunSummary, History, Verdict } from './harness/history.js';

/** Runs the chaos property over a job; returns the run summary `chaos run --json` prints. */
export async function checkRecovery(o: import('./harness/check-recovery.js').CheckRecoveryOptions): Promise<import('./harness/history.js').RunSummary> {
  return (await import('./harness/check-recovery.js')).checkRecovery(o);
}

/** checkRecovery, throwing with the finding, the shrunk trial and the replay command when a property failed (fails a vitest test). */
export async function assertRecovery(o: import('./harness/check-recovery.js').CheckRecoveryOptions): Promise<import('./harness/history.js').RunSummary> {
  return (await import('./harness/check-recovery.js')).assertRecovery(o);
}
