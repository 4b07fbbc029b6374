/**
 * What the driver and an executor exchange. Everything here is plain data (structured-clone and
 * JSON safe) because it crosses a process boundary; the one exception is `ResultAction.fn` of a
 * reduce, which only runs when tasks execute inside the driver.
 */
import type { ShuffleBlock } from './task-context.js';
import type { StoreRef } from './store-ref.js';

export type ResultAction =
  | { kind: 'collect' }
  | { kind: 'count' }
  /** fn is used only in the driver's own executor; executor processes collect instead. */
  | { kind: 'reduce'; fn?: (a: unknown, b: unknown) => unknown }
  /** Write the partition as sorted JSON lines to `part-NNNNN.jsonl` of the output at `location`. */
  | { kind: 'save'; location: string }
  /** Compute and drop (runs a checkpoint job); returns the row count. */
  | { kind: 'materialize' };

/** A lineage cut the executor must apply before computing: read this dataset from its checkpoint. */
export interface CutRef {
  datasetId: number;
  kind: 'reliable' | 'local';
  /** Reliable: `<run id>/ds-<id>` in the checkpoint store. */
  where: string;
}

export interface TaskInputs {
  /** Parts of reliably checkpointed datasets to load from the store before compute. */
  parts: { datasetId: number; partition: number; key: string }[];
  /** Shuffle blocks held by other executors, fetched by the driver (blocks this executor holds are read locally). */
  shuffle: { shuffleId: number; map: number; reduce: number; block: ShuffleBlock }[];
  /** Cached / locally checkpointed partitions held by other executors. */
  blocks: { datasetId: number; partition: number; rows: unknown[] }[];
}

export interface TaskSpec {
  jobId: number;
  stageId: number;
  attempt: number;
  kind: 'map' | 'result';
  /** Map task: the shuffle's parent dataset; result task: the job's final dataset. */
  datasetId: number;
  partition: number;
  shuffleId?: number;
  action?: ResultAction;
  /** Run id under which checkpoint parts are written. */
  runId: string;
  cuts: CutRef[];
  /** Datasets this job checkpoints (lineage.ts checkpointTargets): a task writes parts of these only. */
  checkpointTargets: number[];
  /** Checkpoint parts already durable (`<datasetId>:<partition>`): not written again (no torn rewrite of a good part). */
  writtenParts: string[];
  inputs: TaskInputs;
}

export interface TaskFailure {
  name: string;
  message: string;
  /** Retrying cannot help (corrupt checkpoint, lost local checkpoint, bad user input): fail the job now. */
  fatal: boolean;
  fetchFailed?: { shuffleId: number; mapPartition: number };
  /** A storage service was unavailable (StorageUnavailableError, FencedWriteError): retried; when it persists the job fails as an outage (exit 1), not as aborted. */
  serviceOutage?: boolean;
}

export interface TaskSuccess {
  ok: true;
  value?: unknown;
  /** Cached / locally checkpointed partitions now held by this executor: [datasetId, partition]. */
  storedBlocks: [number, number][];
  /** Checkpoint parts this task wrote durably. */
  checkpointParts: { datasetId: number; partition: number; bytes: number; rows: number; ms: number }[];
}

export type TaskResult = TaskSuccess | { ok: false; failure: TaskFailure };

export type BlockRequest =
  | { type: 'shuffle'; shuffleId: number; map: number; reduce: number }
  | { type: 'block'; datasetId: number; partition: number };

/** Identifies the graph an executor process must build: the same job, input and params as the driver. */
export interface ScenarioRef {
  /** The job module reference (bundled name or module path); the executor entry's loader resolves it. */
  name: string;
  seed: number;
  size: number;
  params: Record<string, number>;
}

export interface ExecutorInit {
  executorId: number;
  scenario: ScenarioRef;
  /** The driver's checkpoint store (a directory or S3, without credentials: those come from the environment). */
  checkpoint: StoreRef | undefined;
  /** Failpoint spec armed in this executor process (only executor 0 gets one). */
  failpoints: string;
  jobKey: string;
  /** Shape of the driver's graph; the executor refuses to run when its own graph differs. */
  graphSignature: string;
}

export type DriverMessage =
  | { type: 'init'; init: ExecutorInit }
  | { type: 'task'; reqId: number; spec: TaskSpec }
  | { type: 'fetch'; reqId: number; requests: BlockRequest[] };

export type ExecutorMessage =
  | { type: 'ready'; pid: number }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; reqId: number; result: TaskResult }
  | { type: 'blocks'; reqId: number; blocks: (unknown[] | null)[] };
