/** After a restart the event-time watermark starts again from 0 instead of the logged one. */
import type { Mutant } from './index.js';

export const watermarkNotRestored: Mutant = {
  description: 'recovery ignores the watermark logged in offsets/N and commits/N (starts from 0)',
  realWorld: 'Spark Structured Streaming class (fixed by logging the watermark in the offset log): after a restart the watermark starts over, so windows and late drops change',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async readLog(ctx) {
          const log = await base.protocol.readLog(ctx);
          return log.lastCommit ? { ...log, lastCommit: { ...log.lastCommit, nextBatchWatermarkMs: 0 } } : log;
        },
        async recoverRange(ctx, batchId) {
          return { ...(await base.protocol.recoverRange(ctx, batchId)), watermarkMs: 0 };
        },
      },
    };
  },
};
