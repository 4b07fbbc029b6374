/**
 * Files sink, exactly-once by batch id: batch N's rows go to one JSON-lines file `part-<N>.jsonl`,
 * published atomically (temp name, fsync, rename; put kind 'sink'). A replayed batch rewrites the
 * same name with the same rows, so it can never appear twice. Readers take `part-*.jsonl` only;
 * temp names begin with '.'.
 */
import type { CheckpointStore } from '../checkpoint/store.js';
import type { Row, StreamSink } from '../streaming/sink.js';

export function partFileName(batchId: number): string {
  return `part-${String(batchId).padStart(8, '0')}.jsonl`;
}

export function encodeRows(rows: readonly Row[]): Buffer {
  let text = '';
  for (const r of rows) text += JSON.stringify(r) + '\n';
  return Buffer.from(text);
}

export class FilesSink implements StreamSink {
  readonly kind = 'files';
  readonly guarantee = 'exactly-once' as const;

  constructor(private readonly output: CheckpointStore) {}

  async addBatch(batchId: number, rows: readonly Row[]): Promise<void> {
    await this.output.put(partFileName(batchId), encodeRows(rows), { kind: 'sink' });
  }

  async close(): Promise<void> {}
}
