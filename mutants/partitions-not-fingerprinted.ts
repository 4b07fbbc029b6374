/**
 * The partition count is not part of the checkpoint fingerprint: a restart with another count is
 * accepted, and logged ranges are stretched to it, so keyed state lands in the wrong partitions.
 */
import { getJson } from '../engine/checkpoint/checked.js';
import { METADATA_KEY, offsetsKey, type MetadataFile, type OffsetsFile } from '../engine/streaming/checkpoint-files.js';
import type { Mutant } from './index.js';

const fit = (xs: number[], n: number) => Array.from({ length: n }, (_, i) => xs[i] ?? 0);

export const partitionsNotFingerprinted: Mutant = {
  description: 'a restart with a different --partitions is accepted instead of refused',
  realWorld: 'Spark Structured Streaming: spark.sql.shuffle.partitions changed between restarts of a stateful query (why Spark pins it in the checkpoint); Flink max-parallelism changes',
  apply(base) {
    return {
      ...base,
      protocol: {
        ...base.protocol,
        async readMetadata(ctx) {
          const stored = await getJson<MetadataFile>(ctx.checkpoint, METADATA_KEY).catch(() => undefined);
          const partitions = stored?.fingerprint.partitions ?? ctx.fingerprint.partitions;
          return base.protocol.readMetadata({ ...ctx, fingerprint: { ...ctx.fingerprint, partitions } });
        },
        async recoverRange(ctx, batchId) {
          const logged = await getJson<OffsetsFile>(ctx.checkpoint, offsetsKey(batchId)).catch(() => undefined);
          const width = logged?.end.length ?? ctx.opts.partitions;
          const plan = await base.protocol.recoverRange({ ...ctx, opts: { ...ctx.opts, partitions: width } }, batchId);
          return { ...plan, start: fit(plan.start, ctx.opts.partitions), end: fit(plan.end, ctx.opts.partitions) };
        },
      },
    };
  },
};
