/** dropDuplicates forgets what it has seen when the query restarts. */
import type { Mutant } from './index.js';
import { rewriteRestoredState } from './operator-state-on-restore.js';

export const dedupStateNotRestored: Mutant = {
  description: 'recovery restores every operator but dropDuplicates, whose seen ids start empty: copies delivered after a restart pass again',
  realWorld: 'deduplication kept in an in-memory set beside the checkpointed state (a common foreachBatch pattern) or a state store dropped on upgrade: duplicates reappear after every restart',
  operator: 'dropDuplicates(',
  apply: (base) => rewriteRestoredState(base, 'dropDuplicates(', () => undefined),
};
