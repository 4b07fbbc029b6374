/**
 * Which scenarios `chaos run --scenario NAME|all` attacks: every streaming scenario, and batch
 * scenarios in simulation (always) and in process mode when this build's engine process can run them.
 */
import { UserError } from '../engine/index.js';
import { bundledJobs as allScenarios, findBundledJob as findScenario } from '../runtime/jobs.js';
import type { Mode } from './history.js';
import type { ChaosScenario } from './properties/run-chaos.js';
import { batchProcessSupported } from './trial/batch.js';

export function chaosScenarios(selector: string, mode: Mode = 'sim'): ChaosScenario[] {
  const batchOk = mode === 'sim' || batchProcessSupported();
  const usable = allScenarios.filter((s) => s.kind === 'streaming' || batchOk);
  if (selector === 'all') {
    if (usable.length === 0) throw new UserError('no scenarios are registered');
    return usable.map((s) => ({ name: s.name, kind: s.kind }));
  }
  return selector.split(',').map((name) => {
    const s = findScenario(name.trim());
    if (s.kind === 'batch' && !batchOk) {
      throw new UserError(`batch scenario "${s.name}" cannot run in process mode in this build (the engine process has no batch entry yet); use --mode sim`);
    }
    return { name: s.name, kind: s.kind };
  });
}
