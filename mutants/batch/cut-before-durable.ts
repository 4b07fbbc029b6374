/**
 * Reports a checkpoint part as written while it is only in the executor's memory: the store gets
 * it later (never, when the process dies first). The driver writes the manifest and cuts the
 * lineage on that report, so the next reader of the cut finds no part and the data has no lineage
 * left to be recomputed from.
 */
import type { CheckpointStore } from '../../engine/checkpoint/store.js';
import { encodePart } from '../../engine/batch/checkpoint-files.js';
import type { BatchMutant } from './types.js';

export const cutBeforeDurable: BatchMutant = {
  kind: 'batch',
  description: 'cuts the lineage on a part that is still only in executor memory (written to the store later, or never)',
  realWorld: 'Spark SPARK-8582 / asynchronous checkpoint writers class: lineage truncated before the checkpoint files are durable',
  // Read back only when a lost executor's outputs must be rebuilt from the cut (a restart checks every part first).
  needs: 'process',
  faultKinds: ['kill-executor'],
  applyBatch(base) {
    const staged: Array<{ store: CheckpointStore; key: string; bytes: Uint8Array }> = [];
    // "Later": when this process exits normally; a killed process never writes them.
    process.once('beforeExit', () => {
      for (const s of staged.splice(0)) void s.store.put(s.key, s.bytes, { kind: 'dataset' });
    });
    return {
      ...base,
      async writePart(store, key, rows) {
        const bytes = encodePart(rows, key);
        staged.push({ store, key, bytes });
        return bytes.length;
      },
    };
  },
};
