/** mapGroupsWithState restores each key's state but not its timeout. */
import type { Mutant } from './index.js';
import { rewriteRestoredState } from './operator-state-on-restore.js';

export const groupTimeoutNotRestored: Mutant = {
  description: 'recovery restores mapGroupsWithState values but drops their event-time timeouts: keys idle across a restart never time out',
  realWorld: 'timeouts kept outside the checkpointed per-key state (Spark SPARK-22187 class: a state row format that could not carry a timeout with the value)',
  operator: 'mapGroupsWithState(',
  apply: (base) => rewriteRestoredState(base, 'mapGroupsWithState(', (v) => ({ ...(v as { v: unknown; timeout: number }), timeout: -1 }) as typeof v),
};
