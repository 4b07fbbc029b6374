/**
 * Which jobs `chaos run` attacks: `--scenario NAME[,NAME]|all` names bundled jobs (all = every
 * streaming one, and batch ones in simulation and when this build's engine process runs them);
 * `--job PATH|NAME` names one job module (or bundled job), loaded here so a bad module fails
 * before any trial starts.
 */
import { UserError } from '../engine/index.js';
import { bundledJobs, findBundledJob, loadJob } from '../runtime/jobs.js';
import { isModulePath } from '../runtime/job-ref.js';
import * as path from 'node:path';
import type { Mode } from './history.js';
import type { ChaosScenario } from './properties/run-chaos.js';
import { batchProcessSupported } from './trial/batch.js';

export async function chaosScenarios(selector: string, mode: Mode = 'sim', job?: string): Promise<ChaosScenario[]> {
  const batchOk = mode === 'sim' || batchProcessSupported();
  if (job !== undefined) {
    const loaded = await loadJob(job);
    if (loaded.kind === 'batch' && !batchOk) throw new UserError(`batch job ${job} cannot run in process mode in this build; use --mode sim`);
    // A module is named by its absolute path, so engine and executor processes find the same file.
    return [{ name: isModulePath(job) ? path.resolve(job) : loaded.name, kind: loaded.kind }];
  }
  const usable = bundledJobs.filter((s) => s.kind === 'streaming' || batchOk);
  if (selector === 'all') {
    if (usable.length === 0) throw new UserError('no scenarios are registered');
    return usable.map((s) => ({ name: s.name, kind: s.kind }));
  }
  return selector.split(',').map((name) => {
    const s = findBundledJob(name.trim());
    if (s.kind === 'batch' && !batchOk) {
      throw new UserError(`batch scenario "${s.name}" cannot run in process mode in this build (the engine process has no batch entry yet); use --mode sim`);
    }
    return { name: s.name, kind: s.kind };
  });
}
