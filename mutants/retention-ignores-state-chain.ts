/**
 * Retention deletes by age only: everything behind the `--retain-batches` window goes, including
 * the snapshot (and deltas) the newest state version still loads from. Harmless while the delta
 * chain is shorter than the window — with the engine defaults (a snapshot every 10 versions, 20
 * batches kept) it always is — and fatal once a chain reaches further back (a small retention, a
 * rare snapshot, or a checkpoint interval K > 1): the next restart finds the chain broken and no
 * older version it can replay from.
 */
import { batchIdsOf } from '../engine/streaming/checkpoint-files.js';
import { parseStateKey } from '../engine/streaming/state-store.js';
import type { Mutant } from './index.js';

export const retentionIgnoresStateChain: Mutant = {
  description: 'retention keeps the last --retain-batches batches but not the snapshot the newest state still loads from',
  realWorld:
    'Flink incremental checkpoints / Spark state-store maintenance class: files deleted by age while a newer checkpoint still references them (shared SST files, a delta chain’s base snapshot) — "cannot recover" after a restart',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async cleanup(ctx, lastCommitted) {
          const floor = lastCommitted + 1 - ctx.opts.retainBatches; // the bug: no min(chainStart, …)
          if (floor <= ctx.cleanedBelow) return;
          const doomed: string[] = [];
          for (const key of await ctx.checkpoint.list('state/')) {
            const parsed = parseStateKey(key);
            if (parsed && parsed.version < floor) doomed.push(key);
          }
          for (const dir of ['offsets', 'commits'] as const) {
            for (const id of batchIdsOf(await ctx.checkpoint.list(`${dir}/`), dir)) if (id < floor - 1) doomed.push(`${dir}/${id}`);
          }
          if (doomed.length > 0) await ctx.checkpoint.delete(doomed);
          ctx.cleanedBelow = floor;
        },
      },
    };
  },
};
