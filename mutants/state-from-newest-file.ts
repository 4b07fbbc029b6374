/** Loads the newest state files on disk, even a version written for a batch that never committed: that batch is then counted twice. */
import type { Mutant } from './index.js';

export const stateFromNewestFile: Mutant = {
  description: 'recovery loads the newest state version on disk instead of the newest one <= the last commit',
  realWorld: 'Kafka Streams / Flink local-state class: state restored from files newer than the committed offsets (double counting)',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        // It takes the uncommitted versions for the newest state, so it keeps them too.
        async discardUncommittedState() {},
        async loadState(ctx, _maxVersion, lastCommitted) {
          return base.protocol.loadState(ctx, Number.MAX_SAFE_INTEGER, lastCommitted);
        },
      },
    };
  },
};
