/**
 * What a partition's compute function can reach while a task runs: the shuffle blocks and stored
 * partitions the driver resolved for this task before it started (so compute stays synchronous),
 * the executor's block store, and the list of checkpoint parts this task must write.
 */

/** One map task's output for one reduce partition: keys and values interleaved, [k0, v0, k1, v1, ...]. */
export type ShuffleBlock = unknown[];

export interface TaskContext {
  readonly executorId: number;
  /** All map outputs of `shuffleId` for `reduce`, in map-partition order (merge order is deterministic). */
  shuffleBlocks(shuffleId: number, reduce: number): ShuffleBlock[];
  /** A partition of a reliably checkpointed dataset, loaded from the checkpoint store before compute. */
  checkpointPart(datasetId: number, partition: number): unknown[];
  /** A cached (or locally checkpointed) partition held by this executor or fetched for this task. */
  getBlock(datasetId: number, partition: number): unknown[] | undefined;
  storeBlock(datasetId: number, partition: number, rows: unknown[]): void;
  /** This task computed a partition of a dataset marked for checkpoint(): write it before the task reports success. */
  recordCheckpointPart(datasetId: number, partition: number, rows: unknown[]): void;
}

/** A partition of a localCheckpoint()ed dataset is gone with the executor that held it: lineage was cut, nothing can rebuild it. */
export class LocalCheckpointLostError extends Error {
  constructor(readonly datasetId: number, readonly partition: number, label: string) {
    super(
      `partition ${partition} of ${label} was lost: it was localCheckpoint()ed and its executor died. ` +
        'localCheckpoint() keeps data only in executor memory and is not fault tolerant; use checkpoint() for data that must survive executor loss.',
    );
    this.name = 'LocalCheckpointLostError';
  }
}

/** A shuffle block this task needs is gone (its executor died): the parent stage must re-run the missing map task. */
export class FetchFailedError extends Error {
  constructor(readonly shuffleId: number, readonly mapPartition: number, readonly executorId: number | undefined) {
    super(`fetch failed: map output ${mapPartition} of shuffle ${shuffleId} is not available${executorId === undefined ? '' : ` (executor ${executorId} lost)`}`);
    this.name = 'FetchFailedError';
  }
}
