/**
 * Writes a checkpoint part from a recomputation of the partition that differs from the rows the
 * task computed and used (here: the last row is missing, as a non-deterministic recompute would
 * differ). Jobs that read the checkpoint — the stage after the cut, a re-run that reuses a named
 * checkpoint — see other data than the lineage would give.
 */
import type { BatchMutant } from './types.js';

export const checkpointDiffers: BatchMutant = {
  kind: 'batch',
  description: 'checkpoints a recomputed partition that differs from the one the job computed',
  realWorld: 'Spark SPARK-2919 / SPARK-23207 class: checkpoint (or retry) of a non-deterministic RDD recomputes it, so the stored partition differs',
  applyBatch(base) {
    return {
      ...base,
      writePart: (store, key, rows) => base.writePart(store, key, rows.slice(0, Math.max(0, rows.length - 1))),
    };
  },
};
