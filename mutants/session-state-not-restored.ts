/** Session windows restore their sessions' bounds but not their counts. */
import type { Mutant } from './index.js';
import { rewriteRestoredState } from './operator-state-on-restore.js';

export const sessionStateNotRestored: Mutant = {
  description: 'recovery restores each open session window with its bounds but a count of 1: clicks counted before the restart vanish from the emitted session',
  realWorld: 'session state that persists the window bounds but not the aggregation buffer of the merged session (a state-layout bug class of merging windows)',
  operator: 'sessionWindow(',
  apply: (base) => rewriteRestoredState(base, 'sessionWindow(', (v) => (v as Array<{ start: number; end: number; count: number }>).map((s) => ({ ...s, count: 1 })) as unknown as typeof v),
};
