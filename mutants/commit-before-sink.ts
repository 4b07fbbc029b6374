/** Writes commits/N before the sink has the batch: a crash in between loses the batch's output for good. */
import type { Row } from '../engine/streaming/sink.js';
import type { Mutant } from './index.js';

export const commitBeforeSink: Mutant = {
  description: 'writes commits/N first and hands the batch to the sink after it',
  realWorld: 'Flink/Kafka-connector class: offsets committed before the sink flushed (at-most-once data loss after a crash)',
  apply(base) {
    let pending: { batchId: number; rows: Row[] } | undefined;
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async addToSink(_ctx, batchId, rows) {
          pending = { batchId, rows };
        },
        async writeCommit(ctx, commit) {
          await base.protocol.writeCommit(ctx, commit);
          if (pending && pending.batchId === commit.batchId) await base.protocol.addToSink(ctx, pending.batchId, pending.rows);
          pending = undefined;
        },
      },
    };
  },
};
