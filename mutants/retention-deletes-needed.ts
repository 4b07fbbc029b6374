/** Retention keeps only the newest batch's files, ignoring the state chain and the WAL a replay needs. */
import { batchIdsOf } from '../engine/streaming/checkpoint-files.js';
import { parseStateKey } from '../engine/streaming/state-store.js';
import type { Mutant } from './index.js';

export const retentionDeletesNeeded: Mutant = {
  description: 'retention deletes offsets, commits and state older than the last committed batch',
  realWorld: 'Spark minBatchesToRetain / Flink retained-checkpoints class: cleanup removed files recovery still needed ("cannot recover")',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async cleanup(ctx, lastCommitted) {
          const doomed: string[] = [];
          for (const key of await ctx.checkpoint.list('state/')) {
            const parsed = parseStateKey(key);
            if (parsed && parsed.version < lastCommitted) doomed.push(key);
          }
          for (const dir of ['offsets', 'commits'] as const) {
            for (const id of batchIdsOf(await ctx.checkpoint.list(`${dir}/`), dir)) if (id < lastCommitted) doomed.push(`${dir}/${id}`);
          }
          if (doomed.length > 0) await ctx.checkpoint.delete(doomed);
        },
      },
    };
  },
};
