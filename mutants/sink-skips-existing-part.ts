/**
 * "Idempotent" by existence: a batch whose part file is already in the output is taken as done and
 * not written again. A re-run after a crash then keeps whatever a dead attempt of that batch left —
 * complete, but computed over another range when that attempt's plan never became durable.
 */
import { partFileName } from '../engine/sinks/files-sink.js';
import type { Mutant } from './index.js';

export const sinkSkipsExistingPart: Mutant = {
  description: 'the files sink skips a batch whose part file already exists (trusts a dead attempt\'s complete part)',
  realWorld: 'foreachBatch / custom file sinks that make a replay idempotent with "skip if the batch output exists" instead of overwriting it',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async addToSink(ctx, batchId, rows) {
          if ((await ctx.output.get(partFileName(batchId))) !== undefined) return; // "already written"
          await base.protocol.addToSink(ctx, batchId, rows);
        },
      },
    };
  },
};
