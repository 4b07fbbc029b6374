/**
 * When no state version has been written yet, recovery starts the operators from empty state at
 * the last committed batch instead of replaying the committed batches from the WAL. With the
 * default checkpoint interval (K = 1) a state version exists as soon as a batch commits, so this
 * never shows; with K > 1 a crash after the first commits but before the first state checkpoint
 * resumes the source where it stopped and forgets everything those batches aggregated.
 */
import { listStateVersions } from '../engine/streaming/state-store.js';
import type { Mutant } from './index.js';

export const emptyStateBeforeFirstCheckpoint: Mutant = {
  description: 'with no state checkpoint yet, recovery resumes the source but starts state empty instead of replaying the WAL',
  realWorld:
    'Flink / Kafka Streams class: a job restored from source offsets without its operator state ("no checkpoint found, starting with empty state" while the consumer resumes at committed offsets) — aggregates silently lose what came before',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async loadState(ctx, maxVersion, lastCommitted) {
          if (ctx.states.length > 0 && (await listStateVersions(ctx.checkpoint)).length === 0) return lastCommitted + 1;
          return base.protocol.loadState(ctx, maxVersion, lastCommitted);
        },
      },
    };
  },
};
