/**
 * Where a micro-batch's output goes. `addBatch(batchId, rows)` is called after the batch ran and
 * its state was written, before `commits/<batchId>`; after a crash the same batch may be handed
 * over again with the same rows.
 */
import type { JsonValue } from './source.js';

export type Row = { [column: string]: JsonValue };

export interface StreamSink {
  /** 'files' | 'append' | 's3' | 'kafka' | ... */
  readonly kind: string;
  /**
   * exactly-once: a replayed batch never duplicates committed output (idempotent by batch id).
   * at-least-once: nothing is lost, but a replayed batch may appear twice; the harness judges it so.
   */
  readonly guarantee: 'exactly-once' | 'at-least-once';
  addBatch(batchId: number, rows: readonly Row[]): Promise<void>;
  /**
   * The sink's own durable record of what it holds, independent of the checkpoint (Spark's file
   * sink keeps `_spark_metadata` for this): the highest batch id N such that batches 0..N are all
   * in the output, -1 when none is. Recovery compares it with the checkpoint's last commit, so an
   * output deleted or truncated behind the checkpoint's back is refused instead of silently
   * half-rebuilt. Sinks that cannot tell (append, Kafka) leave it out.
   */
  committedThrough?(): Promise<number>;
  close(): Promise<void>;
}
