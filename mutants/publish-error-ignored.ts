/** Ignores a failed publish of the sink's part file and goes on to commit the batch: its output is lost. */
import { SimulatedCrash } from '../engine/errors.js';
import type { Mutant } from './index.js';

export const publishErrorIgnored: Mutant = {
  description: "the sink's failed rename/publish is ignored and the batch is committed anyway",
  realWorld: "Hadoop FileSystem.rename returning false unchecked (Spark HDFSMetadataLog / FileStreamSink class, S3A rename failures)",
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async addToSink(ctx, batchId, rows) {
          try {
            await base.protocol.addToSink(ctx, batchId, rows);
          } catch (err) {
            if (err instanceof SimulatedCrash) throw err;
            // "rename returned false": carry on
          }
        },
      },
    };
  },
};
