/** What the streaming driver and an executor process exchange over IPC (plain, structured-clone data). */
import type { InputKnobs } from '../../job/streaming-job.js';
import type { PartitionOutput, PartitionTask } from './partition-task.js';

export interface StreamingExecutorInit {
  executorId: number;
  /** The job module reference (opaque to the engine: the runner's executor entry loads it) and the input the executor rebuilds its query and source description from. */
  job: string;
  seed: number;
  size: number;
  knobs: InputKnobs;
  partitions: number;
  /** The local partitioned log: a directory and the key prefix of its files in it. */
  sourceDir: string;
  sourcePrefix: string;
  /** What the driver's source log holds (its manifest description): the executor refuses another log. */
  sourceDescription: string;
  /** describeQuery of the driver's query: the executor refuses to run a different graph. */
  operators: string;
  /** Failpoint spec armed in this process ('' = none). */
  failpoints: string;
}

export type StreamingDriverMessage = { type: 'init'; init: StreamingExecutorInit } | { type: 'task'; reqId: number; task: PartitionTask };

export type StreamingExecutorMessage =
  | { type: 'ready'; pid: number }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; reqId: number; output: PartitionOutput }
  | { type: 'task-failed'; reqId: number; name: string; message: string; fatal: boolean };
