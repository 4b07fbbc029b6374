/**
 * On restart, re-plans a logged batch against what the source holds now instead of reading its
 * range from the write-ahead log: the source grew while the driver was down, so the range differs.
 */
import { allocate } from '../engine/streaming/protocol.js';
import type { Mutant } from './index.js';

export const replanOnRestart: Mutant = {
  description: 'recovery re-plans a batch from the current source end instead of its offsets/N range',
  realWorld: 'Spark Structured Streaming class: a batch range recomputed on restart (grown Kafka topic, changed maxOffsetsPerTrigger) differs from the range already handed to the sink',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async recoverRange(ctx, batchId) {
          const logged = await base.protocol.recoverRange(ctx, batchId);
          const final = await ctx.source.finalOffsets();
          const end = allocate(logged.start, final, ctx.opts.maxBatchRecords);
          return { ...logged, end, endOfInput: end.every((e, p) => e >= final[p]!) };
        },
      },
    };
  },
};
