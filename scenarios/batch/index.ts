/** The batch scenarios. Executor processes look scenarios up here (not in the full registry). */
import { UserError } from '../../engine/job/index.js';
import type { BatchScenario } from './types.js';
import { pagerank } from './pagerank.js';
import { dictionaryJoin } from './dictionary-join.js';

export type { BatchScenario, BatchInput, BatchJob, BatchParams } from './types.js';

export const batchScenarios: BatchScenario[] = [pagerank as BatchScenario, dictionaryJoin as BatchScenario];

export function findBatchScenario(name: string): BatchScenario {
  const found = batchScenarios.find((s) => s.name === name);
  if (found === undefined) {
    throw new UserError(`unknown batch scenario "${name}". Batch scenarios: ${batchScenarios.map((s) => s.name).join(', ')}; run \`chaos scenarios\` to list all.`);
  }
  return found;
}
