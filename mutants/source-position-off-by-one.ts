/** Resumes the source one record past where the logged range ends (offset of the last record + 1, counted twice). */
import type { Mutant } from './index.js';

export const sourcePositionOffByOne: Mutant = {
  description: 'on restart the next source position is the logged end + 1 in every partition: one record per partition skipped',
  realWorld: 'Kafka connector class: "committed offset = next offset to read" confused with "last offset read" (records skipped after restart)',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async recoverRange(ctx, batchId) {
          const plan = await base.protocol.recoverRange(ctx, batchId);
          const final = await ctx.source.finalOffsets();
          return { ...plan, end: plan.end.map((e, p) => Math.min(e + 1, final[p]!)) };
        },
      },
    };
  },
};
