/** Each attempt of a batch writes a new uniquely named part file: a batch re-run after a crash appears twice. */
import { randomBytes } from 'node:crypto';
import { encodeRows } from '../engine/sinks/files-sink.js';
import type { Mutant } from './index.js';

export const sinkNotIdempotent: Mutant = {
  description: 'the files sink names part files per attempt (part-N-<random>) instead of by batch id',
  realWorld: 'Spark foreachBatch / custom S3 sinks writing uuid-named objects: duplicates after a batch is replayed',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async addToSink(ctx, batchId, rows) {
          const name = `part-${String(batchId).padStart(8, '0')}-${randomBytes(4).toString('hex')}.jsonl`;
          await ctx.output.put(name, encodeRows(rows), { kind: 'sink' });
        },
      },
    };
  },
};
