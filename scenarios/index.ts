/** The scenario registry: every named pipeline, batch and streaming. */
import { batchScenarios } from './batch/index.js';
import { streamingScenarios } from './streaming/index.js';
import type { ScenarioInfo } from './types.js';
import { UserError } from '../engine/errors.js';

export const allScenarios: readonly ScenarioInfo[] = [...batchScenarios, ...streamingScenarios];

export function findScenario(name: string): ScenarioInfo {
  const found = allScenarios.find((s) => s.name === name);
  if (!found) {
    throw new UserError(`unknown scenario "${name}". Known scenarios: ${allScenarios.map((s) => s.name).join(', ') || '(none)'}; run \`chaos scenarios\` to list them.`);
  }
  return found;
}
