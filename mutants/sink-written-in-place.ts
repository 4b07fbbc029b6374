/**
 * Writes part files in place (straight to the final name, in two steps) while trusting, like the
 * atomic sink may, that an existing part file is complete: a crash mid-write leaves a torn part
 * file that the re-run batch then skips.
 */
import { encodeRows, partFileName } from '../engine/sinks/files-sink.js';
import type { Mutant } from './index.js';

export const sinkWrittenInPlace: Mutant = {
  description: 'part files written in place (first half, then whole), existing part files skipped on replay',
  realWorld: "Spark's DirectParquetOutputCommitter / direct S3 writes (removed in Spark 2.0): partial output visible and kept after a failed task",
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async addToSink(ctx, batchId, rows) {
          const key = partFileName(batchId);
          if ((await ctx.output.get(key)) !== undefined) return; // "already written"
          const bytes = encodeRows(rows);
          const cut = bytes.lastIndexOf(10, Math.floor(bytes.length / 2)) + 1;
          await ctx.output.put(key, bytes.subarray(0, cut), { kind: 'sink' });
          await ctx.output.put(key, bytes, { kind: 'sink' });
        },
      },
    };
  },
};
