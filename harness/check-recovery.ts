/**
 * Recovery checks from a user's own test suite, fast-check style: `checkRecovery` runs the chaos
 * property over one job and returns data — the same run summary `chaos run --json` prints — and
 * `assertRecovery` is checkRecovery plus reporting: it throws (failing the test) with the finding,
 * the shrunk trial and the replay command when a property failed.
 *
 *   import { assertRecovery } from 'checkpoint-chaos';
 *   test('my job recovers exactly once', () => assertRecovery({ job: './jobs/clicks.mjs', runs: 50, mode: 'sim' }), 120_000);
 *
 * Bad options are UserErrors (as `chaos run` exits 2); nothing is left running after it returns.
 */
import * as path from 'node:path';
import type { FaultKind, RunSummary } from './history.js';

export interface CheckRecoveryOptions {
  /** A job module path (compiled .js/.mjs, or .ts with tsx) or a bundled job name. */
  job: string;
  /** Number of trials (default 100 when no budget), or a time budget like '30s' / '5m'. */
  runs?: number;
  budget?: string;
  /** 'sim' (in-process, fast) or 'process' (real processes, real SIGKILL). Default 'sim'. */
  mode?: 'sim' | 'process';
  /** fast-check seed (random when absent; printed). */
  seed?: number;
  /** Recorded input (JSON lines file or directory) instead of the job's generator. */
  input?: string;
  store?: 'fs' | 's3' | 'memory';
  source?: 'log' | 'kafka';
  sink?: 'files' | 's3' | 'kafka' | 'append';
  services?: 'auto' | 'local' | 'containers' | 'external';
  /** Largest generated input. */
  maxSize?: number;
  /** Only these fault kinds (default: every kind the mode supports). */
  faults?: FaultKind[];
  /** Reports, replay and History files (default out/chaos). */
  out?: string;
  /** Fail (summary.ok false) when a fault kind the run armed never struck in any trial (`chaos run --require-faults`). */
  requireFaults?: boolean;
}

export async function checkRecovery(o: CheckRecoveryOptions): Promise<RunSummary> {
  const { runAndReport } = await import('./commands/run.js');
  const mode = o.mode ?? 'sim';
  const { summary } = await runAndReport({
    job: path.resolve(o.job),
    mode,
    out: o.out ?? 'out/chaos',
    json: false,
    services: o.services ?? 'auto',
    source: o.source ?? 'log',
    sink: o.sink ?? 'files',
    ...(o.store ? { store: o.store } : {}),
    ...(o.runs !== undefined ? { runs: String(o.runs) } : {}),
    ...(o.budget !== undefined ? { budget: o.budget } : {}),
    ...(o.seed !== undefined ? { seed: String(o.seed) } : {}),
    ...(o.input !== undefined ? { input: o.input } : {}),
    ...(o.maxSize !== undefined ? { maxSize: String(o.maxSize) } : {}),
    ...(o.faults ? { faultKinds: o.faults } : {}),
    ...(o.requireFaults ? { requireFaults: true } : {}),
  });
  return summary;
}

/** The error assertRecovery throws: the run summary rides along for a test that wants the data. */
export class RecoveryCheckFailed extends Error {
  constructor(message: string, readonly summary: RunSummary) {
    super(message);
    this.name = 'RecoveryCheckFailed';
  }
}

/** checkRecovery, failing (throwing) with the finding, the shrunk trial and the replay command when a property failed. */
export async function assertRecovery(o: CheckRecoveryOptions): Promise<RunSummary> {
  const summary = await checkRecovery(o);
  if (summary.ok) return summary;
  const lines = [`recovery check failed for ${o.job}: ${summary.failures.length} finding(s) in ${summary.trials} trials`];
  for (const f of summary.failures) {
    const t = f.history;
    lines.push(
      `- ${f.checkers.join(', ')}: ${f.message}`,
      `  shrunk trial: size ${t.input.size}, config ${JSON.stringify(t.config)}, faults ${JSON.stringify(t.schedule.faults)}${t.schedule.lostWrites ? ' with lost writes' : ''}`,
      ...(f.replayCommand ? [`  replay: ${f.replayCommand}`] : []),
      ...(f.rerunCommand ? [`  regenerate: ${f.rerunCommand}`] : []),
    );
  }
  const unstruck = summary.unstruck ?? [];
  if (summary.failures.length === 0 && summary.requireFaults && unstruck.length) lines.push(`- requireFaults: armed but never struck: ${unstruck.join(', ')}`);
  else if (summary.failures.length === 0) lines.push('- the run did not test what was asked (see the services notes in the report)');
  throw new RecoveryCheckFailed(lines.join('\n'), summary);
}
