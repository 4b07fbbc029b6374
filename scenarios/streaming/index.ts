/** The streaming scenarios, each one module (see its header for input and output semantics). */
import { UserError } from '../../engine/job/index.js';
import type { StreamingScenario } from './types.js';
import { wordcount } from './wordcount.js';
import { runningTotals } from './running-totals.js';
import { windowedCounts } from './windowed-counts.js';
import { enrichmentJoin } from './enrichment-join.js';
import { sessions } from './sessions.js';
import { idleAlerts } from './idle-alerts.js';

export type { StreamingScenario, InputKnobs } from './types.js';

export const streamingScenarios: StreamingScenario[] = [wordcount, runningTotals, windowedCounts, enrichmentJoin, sessions, idleAlerts];

export function findStreamingScenario(name: string): StreamingScenario {
  const found = streamingScenarios.find((s) => s.name === name);
  if (!found) {
    throw new UserError(`unknown streaming scenario "${name}". Streaming scenarios: ${streamingScenarios.map((s) => s.name).join(', ')}; run \`chaos scenarios\` to list all.`);
  }
  return found;
}
