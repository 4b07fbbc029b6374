/**
 * Keeps a lost executor's shuffle output registered: the map tasks are not run again, and the
 * blocks that can no longer be fetched from the dead executor are read as empty. The reduce side
 * silently misses every row that executor's map tasks produced.
 */
import type { BatchMutant } from './types.js';

export const shuffleReusedAfterLoss: BatchMutant = {
  kind: 'batch',
  description: "keeps a lost executor's shuffle output registered and reads its unfetchable blocks as empty",
  realWorld: 'Spark SPARK-20832 / SPARK-27665 class: map output of a lost executor not unregistered; FetchFailed not turned into a stage retry',
  needs: 'process',
  faultKinds: ['kill-executor'],
  applyBatch(base) {
    return { ...base, lostShuffleOutput: 'read-empty' };
  },
};
