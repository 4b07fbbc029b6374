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
  close(): Promise<void>;
}
