/** Everything one engine incarnation works with; built fresh by every runStreamingQuery call. */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { EventSink } from '../events.js';
import type { Failpoints } from '../failpoints.js';
import type { Fingerprint } from './checkpoint-files.js';
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
  events: EventSink;
  source: StreamSource;
  sink: StreamSink;
  query: StreamingQuery;
  /** One per stateful stage, in stage order. */
  states: OperatorState[];
  fingerprint: Fingerprint;
  /** Retention already removed everything below this version/batch in this incarnation (saves listings). */
  cleanedBelow: number;
}

/**
 * Reach failpoint `name`. Disarmed this is one property read, no promise. A `tear` armed at a
 * point that writes nothing acts as a crash.
 */
export async function reach(ctx: { failpoints: Failpoints }, name: string): Promise<void> {
  if (!ctx.failpoints.armed) return;
  if (await ctx.failpoints.hit(name)) ctx.failpoints.crash(name);
}
