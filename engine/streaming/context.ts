/** Everything one engine incarnation works with; built fresh by every runStreamingQuery call. */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { EventSink } from '../events.js';
import type { Coverage } from '../coverage.js';
import type { Failpoints } from '../failpoints.js';
import type { Fingerprint, OffsetsFile } from './checkpoint-files.js';
import type { PartitionOutput } from './executors/partition-task.js';
import type { StreamingQuery } from './query.js';
import type { StreamSink } from './sink.js';
import type { StreamSource } from './source.js';
import type { OperatorState } from './state-store.js';

export interface ResolvedStreamingOptions {
  scenario: string;
  seed: number;
  size: number;
  partitions: number;
  checkpointInterval: number;
  maxBatchRecords: number;
  snapshotEvery: number;
  retainBatches: number;
  cleanCheckpoint: boolean;
  mutant: string | undefined;
}

export interface ExecutionContext {
  opts: ResolvedStreamingOptions;
  checkpoint: CheckpointStore;
  output: CheckpointStore;
  failpoints: Failpoints;
  /** Coverage points of the recovery and retention paths (engine/coverage.ts); disarmed unless a chaos run asks. */
  coverage: Coverage;
  events: EventSink;
  source: StreamSource;
  sink: StreamSink;
  query: StreamingQuery;
  /** One per stateful stage, in stage order. */
  states: OperatorState[];
  fingerprint: Fingerprint;
  /** Runs the stateless part of each batch on executor processes (`executors: N`); undefined = in the driver. */
  executors?: StatelessPartRunner;
  /** Retention already removed everything below this version/batch in this incarnation (saves listings). */
  cleanedBelow: number;
}

/** Runs a batch's leading stateless stages per source partition, elsewhere (executors/pool.ts). */
export interface StatelessPartRunner {
  /** How many leading stages of the query the runner applies (all stateless). */
  readonly stagesDone: number;
  /** One output per source partition, in partition order. */
  run(plan: OffsetsFile): Promise<PartitionOutput[]>;
}

/**
 * Reach failpoint `name`. Disarmed this is one property read, no promise. A `tear` armed at a
 * point that writes nothing acts as a crash.
 */
export async function reach(ctx: { failpoints: Failpoints }, name: string): Promise<void> {
  if (!ctx.failpoints.armed) return;
  if (await ctx.failpoints.hit(name)) ctx.failpoints.crash(name);
}
